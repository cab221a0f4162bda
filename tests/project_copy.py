"""Helpers for tests that break a copy of the real project: copy, edit one thing, find lines, run the CLI."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDOUT = "handouts/benzodiazepines.yaml"
LAYOUT = "layouts/maple-mountain.yaml"
LARGE = "layouts/maple-mountain-large-print.yaml"
PATIENT_PDF = "benzodiazepines/maple-mountain-benzodiazepines-patient-en.pdf"
LARGE_PDF = "benzodiazepines/maple-mountain-benzodiazepines-large-print-en.pdf"

# A test handout written here, so its lines and YAML paths stay put while the real handouts change.
# Every block kind, two sources, two variants. Paths used by the tests:
#   body[0].paragraph                          "Welcome to the clinic."
#   body[3].section.body[0].paragraph          the paragraph citing who2020
#   body[3].section.body[1].paragraph          "You can bring someone with you."
#   body[3].section.body[2].table.rows[1]      "[10-40 min, Interview, Clinician]"
#   body[4].section                            "After the Visit"
VISIT = """\
# A test handout: every block kind, two sources, two variants.
id: visit
title: Your First Visit
subtitle: What to expect & how to prepare
language: en
version: "2.1"
keywords: [visit, intake]
review:
  status: approved
  reviewed: 2026-11-26
  reviewer: Maple Mountain clinical team

body:
  - paragraph: Welcome to the clinic.
  - paragraph: >-
      Your first visit takes about an hour. Bring a list of the medicines you take,
      including any you buy without a prescription.
  - list:
      - Photo ID
      - Insurance card
      - text: A list of medicines
        items:
          - Prescriptions
          - Supplements
  - section:
      heading: During the Visit
      body:
        - paragraph: A clinician will ask about your health [@who2020].
        - paragraph: You can bring someone with you.
        - table:
            header: [Time, What happens, Who]
            rows:
              - [0-10 min, Check-in, Front desk]
              - [10-40 min, Interview, Clinician]
              - [40-60 min, Plan, Clinician and you]
  - section:
      heading: After the Visit
      body:
        - paragraph: We will call you within a week [@nih2019].
        - callout:
            heading: In an emergency
            tone: emergency
            body:
              - paragraph: Call 911 or go to the nearest emergency room.

call_to_action:
  heading: Questions?
  body:
    - paragraph: Our admissions team is here to help.

sources:
  - key: who2020
    authors: [World Health Organization]
    year: "2020"
    title: Guidelines for first visits
    container: WHO
  - key: nih2019
    authors: [Smith J, Jones K]
    year: "2019"
    title: Follow-up after intake
    container: Journal of Care
    date: 2019 May
    volume: "12"
    issue: "3"
    pages: 100-9

variants:
  patient:
    audience: patient
    layout: maple-mountain
    max_pages: 3
  large-print:
    audience: patient
    layout: maple-mountain-large-print
"""
VISIT_FILE = "handouts/visit.yaml"

# A small, valid handout: one page, one variant, quick to render.
MINI = """\
id: sleep
title: Sleep and recovery
version: "1.0"
review:
  status: approved
  reviewed: 2026-11-26
  reviewer: Maple Mountain clinical team
body:
  - paragraph: Regular sleep helps recovery.
variants:
  patient:
    layout: maple-mountain
"""


def copy_project(dest: Path, cli: bool = True) -> Path:
    """handouts/, layouts/, fonts/, images/ (and publish.py, whose ROOT is its own folder) copied
    into dest, plus the test handout handouts/visit.yaml."""
    dest.mkdir(parents=True, exist_ok=True)
    for sub in ("handouts", "layouts", "fonts", "images"):  # images/: the handouts' figures
        shutil.copytree(ROOT / sub, dest / sub)
    if cli:
        shutil.copy2(ROOT / "publish.py", dest / "publish.py")
    (dest / VISIT_FILE).write_text(VISIT, "utf-8")
    return dest


def edit(root: Path, rel: str, old: str, new: str) -> str:
    """Replace the one occurrence of old with new in root/rel; return the new text."""
    path = root / rel
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"fixture text {old!r} occurs {text.count(old)} times in {rel}"
    text = text.replace(old, new)
    path.write_text(text, "utf-8")
    return text


def edit_re(root: Path, rel: str, pattern: str, new: str) -> str:
    """Replace the one match of a regular expression (multi-line mode) in root/rel; return the new text."""
    path = root / rel
    text = path.read_text("utf-8")
    found = re.findall(pattern, text, flags=re.M)
    assert len(found) == 1, f"pattern {pattern!r} matches {len(found)} times in {rel}"
    text = re.sub(pattern, lambda m: new, text, flags=re.M)
    path.write_text(text, "utf-8")
    return text


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based number of the line holding the nth occurrence of needle."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return text.count("\n", 0, pos) + 1


def column_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based column where the nth occurrence of needle starts."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return pos - (text.rfind("\n", 0, pos) + 1) + 1


def run_cli(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run root/publish.py with root as the working folder."""
    return subprocess.run([sys.executable, str(root / "publish.py"), *args], cwd=root, capture_output=True,
                          text=True, timeout=timeout)
