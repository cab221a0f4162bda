"""`publish.py check`: a corpus of broken fixtures, each producing exactly its expected code and place.

Each folder in tests/fixtures/check/ (except _base) is laid over a small clean project (the real
layouts and fonts, tests/fixtures/check/_base/handouts). A line ending in `# expect: CODE` (or
`# expect: CODE@N`, for a finding placed N lines further down) says which finding must be reported
at that file and line; nothing else may be reported beyond what the clean project reports.
"""
from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handoutpress.publish.check import run

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "check"
TODAY = datetime.date(2026, 11, 26)
EXPECT = re.compile(r"#\s*expect:\s*([a-z0-9-]+)(?:@(-?\d+))?\s*$")


def _project(dest: Path, fixture: Path | None) -> Path:
    shutil.copytree(ROOT / "layouts", dest / "layouts")
    shutil.copytree(ROOT / "fonts", dest / "fonts")
    shutil.copytree(FIXTURES / "_base" / "handouts", dest / "handouts")
    if fixture is not None:
        shutil.copytree(fixture, dest, dirs_exist_ok=True)
    return dest


def _expected(fixture: Path) -> set:
    out = set()
    for path in sorted(p for p in fixture.rglob("*") if p.is_file()):
        rel = path.relative_to(fixture).as_posix()
        if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif"):  # pictures for figures hold no marks
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if m := EXPECT.search(line):
                out.add((m.group(1), rel, n + int(m.group(2) or 0)))
    return out


BASE = {("clinic-placeholder", "handouts/clinic.yaml", 7)}  # the base clinic's fictional 555-01xx number


def _found(root: Path) -> set:
    return {(p.code, p.file, p.line) for p in run(root, today=TODAY).problems}


def test_the_clean_project_reports_only_its_placeholder_phone(tmp_path):
    assert _found(_project(tmp_path, None)) == BASE


CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))


@pytest.mark.parametrize("case", CASES)
def test_fixture_reports_exactly_its_mistake(case, tmp_path):
    fixture = FIXTURES / case
    expected = _expected(fixture)
    assert expected, f"{case} marks no '# expect:' line"
    assert _found(_project(tmp_path, fixture)) - BASE == expected - BASE


def test_every_code_the_publisher_raises_has_a_fixture():
    """A new rule without a broken example is a rule nobody has seen fail."""
    codes = set()
    for path in (ROOT / "handoutpress").rglob("*.py"):
        text = path.read_text("utf-8")
        codes |= set(re.findall(r'code="([a-z0-9-]+)"', text))  # Problem(..., code="...")
        codes |= set(re.findall(r'"(schema-[a-z-]+)"', text))  # Checker.add(..., "schema-...")
        codes |= set(re.findall(r'"code": "([a-z0-9-]+)"', text))  # contrast measurements
        codes |= set(re.findall(r'Finding\("([a-z0-9-]+)"', text))
    covered = {code for case in CASES for code, _, _ in _expected(FIXTURES / case)}
    untestable = {  # raised only for command-line arguments or states a fixture cannot reach
        "schema", "handout-unknown", "variant-unknown", "file-missing", "yaml-too-large",
        "handout-id", "handout-exists", "template-unknown",  # `publish.py new` arguments: tests/test_new.py
        # a logo over 1 MB, one that cannot be read (as root, every file can) or that svglib refuses (no line
        # to mark): tests/test_logo.py
        "logo-too-large", "logo-unreadable", "logo-unusable",
        # pdfcheck.py findings on a built PDF's tags, fonts and metadata (tests/test_pdfcheck.py); check never runs it
        "content-unparseable", "duplicate-mcid", "empty-heading", "figure-no-alt", "font-no-tounicode",
        "font-not-embedded", "heading-skip", "link-empty", "link-untagged", "list-structure", "marked-content-nesting",
        "mcid-missing-from-content", "mcid-not-in-parent-tree", "missing-tabs", "no-display-doc-title", "no-lang",
        "no-markinfo", "no-pdfua-id", "no-struct-tree", "no-title", "nonstandard-role",
        "parent-tree-entry-without-mcid", "standard-14-font", "table-structure", "unbalanced-marked-content",
        "unreadable", "tounicode-value", "list-numbering", "no-pdfa2-id", "pdf-version", "draft-notice",
        # build only: out/ faults, another build's lock, a damaged manifest, a PDF failing its syntax check
        # (tests/test_faults.py)
        "output-write", "build-running", "manifest-damaged", "pdf-syntax",
        # packet.py: a packet request's states (tests/test_packet.py); check never makes packets
        "packet-missing-file", "packet-failed", "packet-too-big",
    }
    assert sorted(codes - covered - untestable) == []
