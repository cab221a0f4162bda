"""Shared fixtures for the tests that read the published PDFs back.

Every handout is built once per test session, with the library, into a temporary folder;
the PDF-level tests (test_published_pdfs.py, test_accessibility.py) read those files.
Tests that take a `manifest_entry` argument run once per PDF listed in the manifest, so a
new variant or handout is covered without touching the tests.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# shared/ sits beside the repository, on developer machines and in CI alike.
ARTICLE = ROOT.parent / "shared" / "source" / "benzodiazepines-article.txt"
HANDOUT = "benzodiazepines"


# ---------------------------------------------------------------- the one build


@dataclass(frozen=True)
class Published:
    """What one library build produced: the folder, its manifest, and the build's complaints."""

    out_dir: Path
    manifest: dict
    problems: list

    @property
    def outputs(self) -> list[dict]:
        return list(self.manifest.get("outputs", []))

    def entry(self, handout: str, variant: str) -> dict:
        found = [e for e in self.outputs if e["handout"] == handout and e["variant"] == variant]
        assert len(found) == 1, f"manifest has {len(found)} entries for {handout}/{variant}"
        return found[0]

    def path(self, entry: dict) -> Path:
        return self.out_dir / entry["path"]


_published: Published | None = None


def publish_once() -> Published:
    """Build every handout into a fresh temporary folder, the first time only.

    Called at collection time too (to parametrise over the manifest), hence a module-level
    cache rather than a fixture.
    """
    global _published
    if _published is None:
        from handoutpress.publish.build import build

        out_dir = Path(tempfile.mkdtemp(prefix="handoutpress-published-"))
        report = build(ROOT, out_dir=out_dir)
        manifest_file = out_dir / "manifest.json"
        manifest = json.loads(manifest_file.read_text("utf-8")) if manifest_file.is_file() else {}
        _published = Published(out_dir, manifest, list(report.problems))
    return _published


def pytest_unconfigure(config):
    if _published is not None:
        shutil.rmtree(_published.out_dir, ignore_errors=True)


def pytest_generate_tests(metafunc):
    """`manifest_entry`: one test per PDF in the manifest of the session build."""
    if "manifest_entry" in metafunc.fixturenames:
        entries = publish_once().outputs
        metafunc.parametrize("manifest_entry", entries, ids=[Path(e["path"]).stem for e in entries])


@pytest.fixture(scope="session")
def published() -> Published:
    """All handouts built once; the build must report no problems."""
    result = publish_once()
    assert result.problems == [], "the build reported problems:\n" + "\n".join(map(str, result.problems))
    assert result.outputs, "the build wrote no manifest entries"
    return result


@pytest.fixture(scope="session")
def out_dir(published) -> Path:
    return published.out_dir


@pytest.fixture(scope="session")
def manifest(published) -> dict:
    return published.manifest


@pytest.fixture(scope="session")
def patient_pdf(published) -> Path:
    path = published.path(published.entry(HANDOUT, "patient"))
    assert path.is_file(), path
    return path


@pytest.fixture(scope="session")
def large_print_pdf(published) -> Path:
    path = published.path(published.entry(HANDOUT, "large-print"))
    assert path.is_file(), path
    return path


@pytest.fixture
def manifest_pdf(published, manifest_entry) -> Path:
    """The file of the parametrised manifest entry."""
    path = published.path(manifest_entry)
    assert path.is_file(), path
    return path


# ---------------------------------------------------------------- the source article


def normalise(text: str) -> str:
    """NFC, every run of whitespace one space, no space at either end."""
    return " ".join(unicodedata.normalize("NFC", text).split())


SOURCE_LINE = re.compile(r"\[(\d+)\] (.+)")


@dataclass
class Article:
    """The clinic's article, split into the pieces a reader must find in the handout.

    Each non-empty line is one piece: "- " lines are bullets, lines with " | " are table rows
    (cells split on " | ", the trailing "|" dropped), "[n] ..." lines are sources, lines that
    end in "." or ":" are paragraphs, and the rest are headings.
    """

    pieces: list = field(default_factory=list)  # (kind, text) in article order
    table: list = field(default_factory=list)  # rows of cell texts
    sources: dict = field(default_factory=dict)  # n -> text after "[n] "

    def of(self, kind: str) -> list[str]:
        return [text for k, text in self.pieces if k == kind]

    @property
    def headings(self) -> list[str]:
        return self.of("heading")


def parse_article(text: str) -> Article:
    article = Article()
    for raw in text.splitlines():
        line = normalise(raw)
        if not line:
            continue
        if line.startswith("- "):
            article.pieces.append(("bullet", line[2:]))
        elif " | " in line:
            cells = [c.strip() for c in line.rstrip("|").strip().split(" | ")]
            article.table.append(cells)
            article.pieces += [("cell", c) for c in cells]
        elif SOURCE_LINE.fullmatch(line):
            n, source = SOURCE_LINE.fullmatch(line).groups()
            article.sources[int(n)] = source
            article.pieces.append(("source", source))
        elif line.endswith((".", ":")):
            article.pieces.append(("paragraph", line))
        else:
            article.pieces.append(("heading", line))
    return article


@pytest.fixture(scope="session")
def article() -> Article:
    if not ARTICLE.is_file():
        pytest.skip(f"the source article is not at {ARTICLE} (shared/ must sit beside the repository)")
    return parse_article(ARTICLE.read_text("utf-8"))
