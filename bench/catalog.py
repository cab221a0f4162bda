"""A generated catalog of handouts for the throughput, no-op and memory benchmarks."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HANDOUT = """\
id: {id}
title: Handout {n}
subtitle: A generated handout for the catalog benchmark
language: en
version: "1.0"
review: {{status: approved, reviewed: 2026-06-01, reviewer: Benchmark}}
body:
  - paragraph: >-
      This is handout number {n}. Good sleep, regular meals and time outdoors help most people
      feel steadier. Talk with your care team before you change any medicine [@ref{n}].
  - section:
      heading: What helps
      body:
        - list:
            - Go to bed and get up at the same times each day.
            - Keep screens out of the bedroom for an hour before sleep.
            - text: Move your body every day.
              items: [A short walk counts., Stretching counts too.]
        - table:
            header: [Time, What to do, Why]
            rows:
              - [Morning, Daylight for ten minutes, It sets your body clock]
              - [Evening, A calm routine, It tells your body sleep is near]
              - [Night, A dark cool room, Light and heat wake you]
  - section:
      heading: When to ask for help
      body:
        - paragraph: >-
            Call us if sleep problems last more than two weeks, or if you feel hopeless. In a
            crisis, call or text 988.
call_to_action:
  heading: We are here to help
  body:
    - paragraph: Reach out to our admissions team today.
sources:
  - {{key: ref{n}, authors: [Benchmark A], year: "2024", title: Generated source {n}, container: Test Journal}}
variants:
  patient: {{layout: maple-mountain}}
"""


def make_catalog(dest: Path, count: int) -> Path:
    """A project in dest with the real layouts, fonts and clinic file and `count` handouts."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "handouts").mkdir(parents=True)
    shutil.copytree(ROOT / "layouts", dest / "layouts")
    shutil.copytree(ROOT / "fonts", dest / "fonts")
    shutil.copy2(ROOT / "handouts" / "clinic.yaml", dest / "handouts" / "clinic.yaml")
    shutil.copy2(ROOT / "publish.py", dest / "publish.py")
    for n in range(1, count + 1):
        (dest / "handouts" / f"h{n:04d}.yaml").write_text(HANDOUT.format(id=f"h{n:04d}", n=n), "utf-8")
    return dest


def make_article_catalog(dest: Path, count: int) -> Path:
    """A project in dest with the clinic's article (the benzodiazepines handout, patient variant
    only) copied `count` times under new ids: the documents of issue 18's table."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "handouts").mkdir(parents=True)
    shutil.copytree(ROOT / "layouts", dest / "layouts")
    shutil.copytree(ROOT / "fonts", dest / "fonts")
    shutil.copy2(ROOT / "handouts" / "clinic.yaml", dest / "handouts" / "clinic.yaml")
    shutil.copy2(ROOT / "publish.py", dest / "publish.py")
    text = (ROOT / "handouts" / "benzodiazepines.yaml").read_text("utf-8")
    text = text[:text.index("\n  large-print:\n") + 1]  # variants: patient only (the last key of the file)
    for n in range(1, count + 1):
        hid = f"a{n:04d}"
        (dest / "handouts" / f"{hid}.yaml").write_text(text.replace("\nid: benzodiazepines\n", f"\nid: {hid}\n", 1),
                                                       "utf-8")
    return dest
