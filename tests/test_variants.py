"""Audiences, per-variant source numbering, draft marks, the Spanish translation and review dates.

Issue 4's "Done when". The expectations come from the handout itself, loaded with the library
(handoutpress.load.content / variants / citations), and are checked against the PDFs of the session
build (conftest.py) read back with pdfplumber and pikepdf. The stale-translation tests build a
copy of the project once, restricted to the one handout.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml

from conftest import HANDOUT, ROOT, normalise
from handoutpress.labels import format_date, labels_for
from handoutpress.load.content import block_texts, load_handout, walk_blocks
from handoutpress.load.translation import to_source
from handoutpress.model import BulletList, Callout, Cite, Group, ListItem, Paragraph, Section, Table, Text, plain
from handoutpress.resolve.sources import format_source
from handoutpress.resolve.variants import find_variant, resolve

from project_copy import copy_project, edit_re, run_cli

HANDOUT_FILE = f"handouts/{HANDOUT}.yaml"
ES_FILE = f"handouts/{HANDOUT}.es.yaml"
CITATION = re.compile(r"\[(\d+)\]")
MIN_SEGMENT = 30  # characters: a sentence, not a word that any variant might print


# ---------------------------------------------------------------- the content, through the library


@functools.cache
def handout(root: Path = ROOT):
    return load_handout(root / HANDOUT_FILE, display=HANDOUT_FILE)


def squash(text: str) -> str:
    """NFC without any whitespace: extracted text may break lines anywhere, even inside a word."""
    return "".join(normalise(text).split())


def segments(inline) -> list[str]:
    """The runs of printed text between citation markers, long enough to be distinctive."""
    parts, current = [], []

    def go(spans):
        for span in spans:
            if isinstance(span, Text):
                current.append(span.text)
            elif isinstance(span, Cite):
                parts.append("".join(current))
                current.clear()
            else:
                go(span.children)

    go(inline)
    parts.append("".join(current))
    return [normalise(p) for p in parts if len(normalise(p)) >= MIN_SEGMENT]


def seen_by(h) -> list[tuple[object, frozenset]]:
    """(paragraph or list item, the audiences that see it) for every one in the handout.

    A block is seen by an audience when it and every block around it (group, section, callout,
    list) either names no audience or names that one."""
    everyone = frozenset(v.audience for v in h.variants)
    found = []

    def walk(blocks, audiences):
        for block in blocks:
            here = audiences & frozenset(block.audiences) if block.audiences else audiences
            if isinstance(block, (Paragraph, ListItem)):
                found.append((block, here))
            if isinstance(block, (Section, Callout, Group)):
                walk(block.blocks, here)
            elif isinstance(block, (BulletList, ListItem)):
                walk(block.items, here)

    walk(h.blocks, everyone)
    return found


def english_variants(h) -> list:
    return [v for v in h.variants if v.language == h.language]


def resolved_text(h, variant) -> str:
    """Everything the resolved variant prints from its content (squashed): titles, blocks, call to
    action, source entries."""
    r = resolve(h, variant)
    everything = tuple(r.blocks) + ((r.call_to_action,) if r.call_to_action else ())
    texts = [r.title, r.subtitle] + [plain(t) for b in walk_blocks(everything) for t in block_texts(b)]
    texts += [format_source(s) for _, s in r.sources]
    return squash(" ".join(texts))


def first_citation_order(r) -> list[str]:
    """Source keys in order of first citation in the resolved content, found by a walk of our own."""
    keys = []

    def cites(inline):
        for span in inline:
            if isinstance(span, Cite):
                keys.extend(k for k in span.keys if k not in keys)
            elif not isinstance(span, Text):
                cites(span.children)

    def walk(blocks):
        for block in blocks:
            if isinstance(block, Table):
                for row in ((block.header or ()),) + block.rows:
                    for cell in row:
                        cites(cell)
                cites(block.caption)
            elif isinstance(block, (Paragraph, ListItem)):
                cites(block.text)
                walk(getattr(block, "items", ()))
            elif isinstance(block, BulletList):
                walk(block.items)
            else:  # Section, Callout: heading, then body
                cites(block.heading)
                walk(block.blocks)

    walk(tuple(r.blocks) + ((r.call_to_action,) if r.call_to_action else ()))
    return keys


def cited_keys(h, variant) -> set[str]:
    return {s.key for _, s in resolve(h, variant).sources}


# ---------------------------------------------------------------- the PDFs, read back


@dataclass(frozen=True)
class PageText:
    full: str  # every character, as pdfplumber reads the page
    body: str  # the tagged content only (artifacts left out: no header, footer or watermark)
    footer: str  # the artifacts in the bottom fifth of the page
    watermark: str  # rotated characters drawn as artifacts, in drawing order
    rotated_outside_artifacts: str


def _rotated(char) -> bool:
    a, b, c, d = char["matrix"][:4]
    return abs(b) > 0.01 or abs(c) > 0.01


def _is_artifact(obj) -> bool:
    return obj.get("tag") == "Artifact"


@functools.cache
def read_pdf(path: str) -> tuple[PageText, ...]:
    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            bottom = page.height * 0.8
            body = page.filter(lambda o: o.get("object_type") == "char" and not _is_artifact(o))
            footer = page.filter(lambda o: o.get("object_type") == "char" and _is_artifact(o)
                                 and not _rotated(o) and o["top"] >= bottom)
            pages.append(PageText(
                full=page.extract_text() or "",
                body=body.extract_text() or "",
                footer=normalise(footer.extract_text() or ""),
                watermark="".join(c["text"] for c in page.chars if _is_artifact(c) and _rotated(c)),
                rotated_outside_artifacts="".join(c["text"] for c in page.chars
                                                  if _rotated(c) and not _is_artifact(c))))
    return tuple(pages)


def pdf_of(published, variant_name: str) -> str:
    path = published.path(published.entry(HANDOUT, variant_name))
    assert path.is_file(), path
    return str(path)


def body_of(published, variant_name: str) -> str:
    return normalise(" ".join(p.body for p in read_pdf(pdf_of(published, variant_name))))


def full_of(published, variant_name: str) -> str:
    return normalise(" ".join(p.full for p in read_pdf(pdf_of(published, variant_name))))


def text_render_modes(path: str) -> list[list[tuple[bool, int]]]:
    """Per page: (inside an /Artifact?, text render mode) of every text-showing operator."""
    result = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            shown, marked, modes, mode = [], [], [], 0
            for operands, op in pikepdf.parse_content_stream(page):
                op = str(op)
                if op in ("BDC", "BMC"):
                    marked.append(str(operands[0]))
                elif op == "EMC" and marked:
                    marked.pop()
                elif op == "q":
                    modes.append(mode)
                elif op == "Q" and modes:
                    mode = modes.pop()
                elif op == "Tr":
                    mode = int(operands[0])
                elif op in ("Tj", "TJ", "'", '"'):
                    shown.append(("/Artifact" in marked, mode))
            result.append(shown)
    return result


# ---------------------------------------------------------------- audiences


def test_the_content_has_blocks_for_one_audience_each():
    """Guards the audience tests below: each audience has sentences of its own to look for."""
    h = handout()
    own = {}
    for block, audiences in seen_by(h):
        if len(audiences) == 1:
            own.setdefault(next(iter(audiences)), []).extend(segments(block.text))
    assert {a: len(s) > 0 for a, s in own.items()} == {"patient": True, "family": True, "clinician": True}
    assert {v.name: v.audience for v in h.variants} == {
        "patient": "patient", "large-print": "patient", "family": "family", "clinician": "clinician",
        "admissions": "patient",
        "es": "patient"}


@pytest.mark.parametrize("audience", ["patient", "family", "clinician"])
def test_blocks_for_one_audience_appear_only_in_its_variants(published, audience):
    """Every sentence of a block limited to this audience is printed in each English variant for
    the audience and in no variant for another audience (translated variants included)."""
    h = handout()
    others = {v.name: resolved_text(h, v) for v in english_variants(h) if v.audience != audience}
    wanted = []
    for block, audiences in seen_by(h):
        if audiences == {audience}:
            # distinctive: no variant for another audience prints these words anywhere
            wanted += [s for s in segments(block.text) if not any(squash(s) in t for t in others.values())]
    assert wanted, f"no distinctive {audience}-only sentence in {HANDOUT_FILE}"

    problems = []
    for variant in h.variants:
        body, full = squash(body_of(published, variant.name)), squash(full_of(published, variant.name))
        if variant.audience == audience:
            if variant.language != h.language:
                continue  # printed in translation: see the Spanish tests
            problems += [f"{variant.name} lacks: {s}" for s in wanted if squash(s) not in body]
        else:
            problems += [f"{variant.name} prints: {s}" for s in wanted if squash(s) in full or squash(s) in body]
    assert problems == [], f"{len(wanted)} {audience}-only sentences checked"


# ---------------------------------------------------------------- sources, numbered per variant


def _english_variant_names() -> list[str]:
    return [v.name for v in english_variants(handout())]


def _split_sources(body: str, heading: str) -> tuple[str, str]:
    """(text before the sources list, the list from its heading on), both squashed."""
    squashed = squash(body)
    at = squashed.rfind(squash(heading) + "1.")
    assert at >= 0, f"no '{heading}' heading followed by entry 1."
    return squashed[:at], squashed[at:]


@pytest.mark.parametrize("variant_name", _english_variant_names())
def test_sources_restart_at_1_in_order_of_first_citation(published, variant_name):
    h = handout()
    variant = find_variant(h, variant_name)
    r = resolve(h, variant)
    keys = first_citation_order(r)
    # the library numbers the sources 1..N in order of first citation in this variant's content
    assert [(n, s.key) for n, s in r.sources] == [(i, k) for i, k in enumerate(keys, start=1)]
    assert r.sources, f"{variant_name} cites no source"

    heading = labels_for(variant.language)["sources"]
    before, listed = _split_sources(body_of(published, variant_name), heading)
    expected = squash(heading + " " + " ".join(f"{n}. {format_source(s)}" for n, s in r.sources))
    assert listed.startswith(expected), (listed[:400], expected[:400])
    rest = listed[len(expected):]
    assert not re.match(r"\d+\.", rest), f"an entry after {len(r.sources)}: {rest[:80]}"
    # in the text, the markers first appear as [1], [2], ... [N]
    first_seen = list(dict.fromkeys(int(n) for n in CITATION.findall(before)))
    assert first_seen == list(range(1, len(r.sources) + 1))
    # a source nobody cites in this variant is not listed
    uncited = [s for s in h.sources if s.key not in keys]
    full = squash(full_of(published, variant_name))
    assert [s.key for s in uncited if squash(format_source(s)) in full or squash(s.title) in full] == []


def test_sources_cited_only_for_clinicians_are_not_in_the_patient_pdfs(published):
    h = handout()
    clinician_only = cited_keys(h, find_variant(h, "clinician")) - cited_keys(h, find_variant(h, "patient"))
    assert {"fda2020", "brunner2025"} <= clinician_only
    by_key = {s.key: s for s in h.sources}
    for name in ("patient", "large-print"):
        full = squash(full_of(published, name))
        printed = [k for k in sorted(clinician_only)
                   if squash(format_source(by_key[k])) in full or squash(by_key[k].title) in full]
        assert printed == [], f"{name} lists {printed}"
    # ... while the clinician PDF does list them
    clinician = squash(full_of(published, "clinician"))
    assert [k for k in sorted(clinician_only) if squash(format_source(by_key[k])) not in clinician] == []


# ---------------------------------------------------------------- draft marks and review lines


def _plus_24_months(iso: str) -> dt.date:
    d = dt.date.fromisoformat(iso)
    return dt.date(d.year + 2, d.month, min(d.day, calendar.monthrange(d.year + 2, d.month)[1]))


def test_draft_watermark_on_every_page_of_drafts_only(manifest_entry, manifest_pdf):
    """Not approved: the stroked DRAFT (BORRADOR in Spanish) artifact and the footer's draft notice
    on every page. Approved: neither, and the footer gives the review and next review dates."""
    words = labels_for(manifest_entry["language"])
    pages = read_pdf(str(manifest_pdf))
    modes = text_render_modes(str(manifest_pdf))
    assert len(pages) == len(modes) == manifest_entry["pages"]
    for number, (page, shown) in enumerate(zip(pages, modes), start=1):
        where = f"{manifest_entry['path']} page {number}"
        assert page.rotated_outside_artifacts == "", f"{where}: rotated text outside artifacts"
        stroked = [artifact for artifact, mode in shown if mode == 1]
        if manifest_entry["status"] != "approved":
            assert page.watermark == words["draft"], where
            assert stroked and all(stroked), f"{where}: the watermark is not stroked text in an artifact"
            assert words["draft_notice"] in page.footer, (where, page.footer)
            # as content only at the top of page 1, where a screen reader reads it first
            assert (words["draft_notice"] in normalise(page.body)) == (number == 1), where
        else:
            assert page.watermark == "", where
            assert stroked == [], f"{where}: stroked text on an approved page"
            full = normalise(page.full)
            assert words["draft"] not in full and words["draft_notice"] not in full, where
            reviewed = manifest_entry["reviewed"]
            due = _plus_24_months(reviewed).isoformat()
            line = (f"{words['reviewed']} {format_date(reviewed, manifest_entry['language'])} · "
                    f"{words['next_review']} {format_date(due, manifest_entry['language'])}")
            assert line in page.footer, (where, page.footer)


def test_manifest_status_of_each_variant(published):
    h = handout()
    status = {e["variant"]: e["status"] for e in published.outputs if e["handout"] == HANDOUT}
    assert status == {"patient": "approved", "large-print": "approved", "family": "draft",
                      "clinician": "draft", "es": "draft", "admissions": "approved"}
    assert status == {v.name: v.review.status for v in h.variants}


def test_approved_variants_record_reviewer_and_review_dates(published):
    h = handout()
    approved = [e for e in published.outputs if e["status"] == "approved"]
    assert {(e["handout"], e["variant"]) for e in approved} >= {(HANDOUT, "patient"), (HANDOUT, "large-print")}
    for entry in approved:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.get("reviewed") or ""), entry
        assert entry.get("reviewer"), entry
        if "next_review" in entry:
            assert entry["next_review"] == _plus_24_months(entry["reviewed"]).isoformat(), entry
        if entry["handout"] == HANDOUT:
            review = find_variant(h, entry["variant"]).review
            assert (entry["reviewed"], entry["reviewer"]) == (review.reviewed, review.reviewer)


# ---------------------------------------------------------------- the Spanish PDF


@pytest.fixture(scope="module")
def es_entry(published) -> dict:
    return published.entry(HANDOUT, "es")


@pytest.fixture(scope="module")
def es_pages(published, es_entry) -> tuple[PageText, ...]:
    return read_pdf(pdf_of(published, "es"))


def test_spanish_file_name_language_and_title(published, es_entry):
    path = published.path(es_entry)
    assert path.name == "maple-mountain-benzodiazepinas-paciente-es.pdf"
    assert es_entry["path"] == f"{HANDOUT}/maple-mountain-benzodiazepinas-paciente-es.pdf"
    assert es_entry["language"] == "es"
    translation = yaml.safe_load((ROOT / ES_FILE).read_text("utf-8"))
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "es"
        assert str(pdf.docinfo["/Title"]) == "BORRADOR - Benzodiazepinas" == f"BORRADOR - {translation['title']}"
        assert str(pdf.docinfo["/Subject"]) == translation["subtitle"]
        # the descriptions of the citation links are Spanish too
        described = [str(a.get("/Contents", "")) for page in pdf.pages for a in page.obj.get("/Annots", [])
                     if "/Dest" in a or ("/A" in a and a.A.get("/S") == pikepdf.Name.GoTo)]
        assert described and [d for d in described if not d.startswith("Fuente ")] == []
    with pdfplumber.open(path) as pdf:
        h1 = "".join(c["text"] for c in pdf.pages[0].chars if c.get("tag") == "H1")
    assert normalise(h1) == "Benzodiazepinas"


def test_spanish_labels(es_pages):
    count = len(es_pages)
    full = normalise(" ".join(p.full for p in es_pages))
    for number, page in enumerate(es_pages, start=1):
        assert f"Página {number} de {count}" in page.footer, page.footer
        assert "Borrador - no distribuir" in page.footer, page.footer
    assert "Página 1 de" in normalise(es_pages[0].full)
    assert "Fuentes 1." in normalise(" ".join(p.body for p in es_pages))
    english = ["Page 1 of", "Page ", "Sources", "Draft - not for distribution", "DRAFT", "Reviewed",
               "next review due", "Contact us", "Call admissions", "This handout"]
    assert [word for word in english if word in full] == []


# ---------------------------------------------------------------- a changed English text


OLD = 1_000_000_000  # an mtime far in the past: any rewrite of a file would show


def _changeable_paragraph(h, yaml_text: str):
    """The first patient-only paragraph without citations, and a word of it found once in the file."""
    for block, audiences in seen_by(h):
        if isinstance(block, Paragraph) and audiences == {"patient"} and not any(
                isinstance(s, Cite) for s in block.text):
            for word in re.findall(r"[A-Za-z]{6,}", plain(block.text)):
                if len(re.findall(rf"\b{word}\b", yaml_text)) == 1:
                    return block, word
    raise AssertionError(f"no patient paragraph with a word found once in {HANDOUT_FILE}")


def _entry_line(translation_text: str, source: str) -> int:
    """1-based line of the `- source:` entry whose English text is source."""
    lines = translation_text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("- source:")] + [len(lines)]
    found = []
    for start, end in zip(starts, starts[1:]):
        entry = yaml.safe_load("\n".join(lines[start:end]))[0]
        if normalise(entry["source"]) == normalise(source):
            found.append(start + 1)
    assert len(found) == 1, f"{len(found)} entries translate {source[:60]!r}"
    return found[0]


@dataclass
class Stale:
    root: Path
    out: Path
    report: object
    paragraph: Paragraph  # as it was before the change
    changed: Paragraph  # after
    es_path: Path
    es_before: tuple
    manifest_before: dict
    stale_line: int


def _manifest(out: Path) -> dict:
    return {(e["handout"], e["variant"]): e for e in json.loads((out / "manifest.json").read_text("utf-8"))["outputs"]}


@pytest.fixture(scope="module")
def stale(published, tmp_path_factory) -> Stale:
    """A copy of the project whose out/ holds the session build (the build before the change);
    one word of one English patient paragraph changed, then the handout built once more."""
    from handoutpress.publish.build import build

    root = copy_project(tmp_path_factory.mktemp("stale") / "project")
    out = root / "out"
    shutil.copytree(published.out_dir, out)
    es_path = out / published.entry(HANDOUT, "es")["path"]
    os.utime(es_path, (OLD, OLD))
    es_before = es_path.read_bytes(), es_path.stat().st_mtime_ns
    manifest_before = _manifest(out)

    original = handout(root)
    paragraph, word = _changeable_paragraph(original, (root / HANDOUT_FILE).read_text("utf-8"))
    edit_re(root, HANDOUT_FILE, rf"\b{word}\b", "changed")
    changed_handout = load_handout(root / HANDOUT_FILE, display=HANDOUT_FILE)
    (changed,) = [b for b, _ in seen_by(changed_handout) if isinstance(b, Paragraph)
                  and b.place.path == paragraph.place.path]
    assert plain(changed.text) != plain(paragraph.text)
    stale_line = _entry_line((root / ES_FILE).read_text("utf-8"), to_source(paragraph.text))

    report = build(root, [HANDOUT], out_dir=out)
    return Stale(root, out, report, paragraph, changed, es_path, es_before, manifest_before, stale_line)


def test_changed_english_text_blocks_the_translation_at_its_stale_entry(stale):
    (problem,) = stale.report.problems
    assert (problem.file, problem.line) == (ES_FILE, stale.stale_line), str(problem)
    assert "stale" in problem.message, str(problem)
    # ... and it names the English text that changed
    assert f"{HANDOUT_FILE}:{stale.paragraph.place.line}" in problem.message, str(problem)
    assert [f for f in stale.report.failed if "(es)" in f] == stale.report.failed and len(stale.report.failed) == 1


def test_changed_english_text_other_variants_still_publish(stale):
    written = {e["variant"] for e in stale.report.written}
    assert written == {v.name for v in handout().variants} - {"es"}
    manifest = _manifest(stale.out)
    for name in written:
        assert manifest[(HANDOUT, name)]["sha256"] == next(e["sha256"] for e in stale.report.written
                                                            if e["variant"] == name)
    # the patient PDF carries the change
    patient = stale.out / manifest[(HANDOUT, "patient")]["path"]
    assert squash(plain(stale.changed.text)) in squash(" ".join(p.body for p in read_pdf(str(patient))))


def test_changed_english_text_leaves_the_previous_spanish_pdf_untouched(stale):
    assert (stale.es_path.read_bytes(), stale.es_path.stat().st_mtime_ns) == stale.es_before
    assert _manifest(stale.out)[(HANDOUT, "es")] == stale.manifest_before[(HANDOUT, "es")]


def test_translation_skeleton_lists_changed_and_unchanged_texts(stale):
    result = run_cli(stale.root, "translation", HANDOUT, "fr")
    assert result.returncode == 0, result.stderr
    skeleton = stale.root / f"handouts/{HANDOUT}.fr.yaml"
    assert skeleton.is_file(), result.stdout
    data = yaml.safe_load(skeleton.read_text("utf-8"))
    assert (data["translation_of"], data["language"]) == (HANDOUT, "fr")
    sources = [normalise(t["source"]) for t in data["texts"]]
    assert to_source(stale.changed.text) in sources
    assert to_source(stale.paragraph.text) not in sources
    # every English text of the (changed) patient variant, in reading order
    h = load_handout(stale.root / HANDOUT_FILE, display=HANDOUT_FILE)
    r = resolve(h, find_variant(h, "patient"))
    everything = tuple(r.blocks) + ((r.call_to_action,) if r.call_to_action else ())
    expected = list(dict.fromkeys(to_source(t) for b in walk_blocks(everything) for t in block_texts(b) if t))
    assert sources == expected
