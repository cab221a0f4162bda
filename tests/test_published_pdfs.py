"""The published PDFs read back as a reader gets them: text, table, links, furniture, fonts, metadata.

Issue 2's "Done when". Everything here opens the files the session build wrote (conftest.py)
with pdfplumber or pikepdf; nothing looks at the renderer's internals.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml

from conftest import HANDOUT, ROOT, normalise
from handoutpress.labels import document_title, labels_for

PAGE_OF = re.compile(r"Page (\d+) of (\d+)")
CITATION = re.compile(r"\[(\d+)\]")

# The 14 standard fonts, under their PDF names and the aliases readers accept for them.
STANDARD_14 = {
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic",
    "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique",
    "Symbol", "ZapfDingbats",
    "Arial", "Arial,Bold", "Arial,Italic", "Arial,BoldItalic", "TimesNewRoman", "CourierNew",
}


# ---------------------------------------------------------------- reading helpers


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def body_text(texts: list[str], title: str) -> str:
    """The pages' text without the running header and footer, normalised to one line.

    The footer starts at the line carrying "Page X of Y" and runs to the end of the page;
    the running header is the handout title on the first line of pages after the first.
    """
    kept = []
    for number, text in enumerate(texts, start=1):
        lines = text.splitlines()
        footer = [i for i, line in enumerate(lines) if PAGE_OF.search(line)]
        if footer:
            lines = lines[: footer[0]]
        if number > 1 and lines and normalise(lines[0]) == title:
            lines = lines[1:]
        kept += lines
    return normalise(" ".join(kept))


@pytest.fixture(scope="module")
def patient_texts(patient_pdf) -> list[str]:
    return page_texts(patient_pdf)


@pytest.fixture(scope="module")
def patient_body(patient_texts) -> str:
    return body_text(patient_texts, "Benzodiazepines")


def read_table(path: Path) -> list[list[str]]:
    """Rows of every table pdfplumber finds (two columns or more), pages in order, joined."""
    rows = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                cells = table.extract()
                if cells and max(len(r) for r in cells) >= 2:
                    rows += [[normalise(c or "") for c in row] for row in cells]
    return rows


def clinic_name() -> str:
    return yaml.safe_load((ROOT / "handouts" / "clinic.yaml").read_text("utf-8"))["name"]


def declared_variants() -> set[tuple[str, str]]:
    """(handout id, variant name) for every variant every handout file declares."""
    pairs = set()
    for path in sorted((ROOT / "handouts").glob("*.yaml")):
        if path.name == "clinic.yaml":
            continue
        data = yaml.safe_load(path.read_text("utf-8"))
        if isinstance(data, dict) and "id" in data:  # translations (translation_of:) carry no variants
            pairs |= {(data["id"], name) for name in data.get("variants") or {}}
    return pairs


def find_subsequence(haystack: str, needles: list[str]) -> list[str]:
    """The needles not found in order: each is searched for after the previous one's end."""
    missing, at = [], 0
    for needle in needles:
        found = haystack.find(needle, at)
        if found < 0:
            missing.append(needle)
        else:
            at = found + len(needle)
    return missing


# ---------------------------------------------------------------- the article's words


def test_article_parses_into_the_expected_pieces(article):
    """Guards the article parser the other tests rely on."""
    assert article.headings == [
        "How Benzos Work",
        "Common Benzodiazepines",
        "How Does Addiction to Benzos Happen?",
        "Brain Mechanisms",
        "Clinical Progression of Addiction",
        "Risk Factors",
        "Benzos Addiction Treatment",
        "Withdrawal Symptoms",
        "Trauma-Informed Therapies at Maple Mountain Mental Health and Wellness",
        "Sources",
    ]
    assert len(article.of("bullet")) == 31
    assert len(article.of("paragraph")) == 16
    assert [len(row) for row in article.table] == [3] * 6
    assert sorted(article.sources) == [1, 2, 3, 4]


def test_patient_pdf_has_every_piece_of_the_article(article, patient_body, patient_pdf):
    """Every heading, sentence, bullet and source of the article is printed, word for word."""
    text_pieces = [text for kind, text in article.pieces if kind != "cell"]
    missing = [piece for piece in text_pieces if piece not in patient_body]
    assert missing == []
    # Table cells may wrap inside their cell, so they are read from the table.
    cells = {cell for row in read_table(patient_pdf) for cell in row}
    assert [c for c in article.of("cell") if c not in cells] == []


def test_patient_pdf_reads_in_article_order(article, patient_body):
    """Headings come in article order, and so does every other piece outside the table."""
    assert find_subsequence(patient_body, article.headings) == []
    in_order = [text for kind, text in article.pieces if kind != "cell"]
    assert find_subsequence(patient_body, in_order) == []


def test_patient_pdf_prints_the_call_to_action_in_a_box(article, patient_pdf):
    """The call to action's heading and paragraphs each lie inside a drawn (filled or stroked)
    rectangle at least half the page wide and not a page background: the box."""
    pieces = [text for kind, text in article.pieces if kind in ("heading", "paragraph")]
    start = pieces.index("Trauma-Informed Therapies at Maple Mountain Mental Health and Wellness")
    wanted = pieces[start:start + 4]  # the heading and its three paragraphs
    boxed = ""
    with pdfplumber.open(patient_pdf) as pdf:
        for page in pdf.pages:
            for rect in page.rects:
                big_enough = rect["width"] >= page.width / 2 and 40 <= rect["height"] < page.height * 0.8
                if big_enough and (rect["fill"] or rect["stroke"]):
                    box = page.crop((rect["x0"], rect["top"], rect["x1"], rect["bottom"]), strict=False)
                    boxed += " " + normalise(box.extract_text() or "")
    assert [piece for piece in wanted if piece not in boxed] == []


# ---------------------------------------------------------------- the withdrawal table


def test_withdrawal_table_reads_back_cell_by_cell(article, patient_pdf):
    """6 rows x 3 columns, each cell in its place, even though the table splits across pages."""
    rows = read_table(patient_pdf)
    assert len(rows) == 6 and all(len(row) == 3 for row in rows), rows
    assert rows == article.table


# ---------------------------------------------------------------- sources and citation links


def test_sources_are_numbered_in_first_citation_order(article, patient_body):
    sources_at = patient_body.rfind("Sources 1. ")
    assert sources_at > 0, "no 'Sources' heading followed by a numbered list"
    listed = patient_body[sources_at:]
    expected = "Sources " + " ".join(f"{n}. {article.sources[n]}" for n in sorted(article.sources))
    assert listed.startswith(expected)
    # the in-text markers first appear in the order 1, 2, 3, 4
    first_seen = []
    for n in CITATION.findall(patient_body[:sources_at]):
        if int(n) not in first_seen:
            first_seen.append(int(n))
    assert first_seen == sorted(article.sources)


def _internal_links(pdf: pikepdf.Pdf) -> list[tuple[int, tuple, int, float | None]]:
    """(page index, rect, destination page index, destination top) of every internal link."""
    page_index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    links = []
    for i, page in enumerate(pdf.pages):
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != pikepdf.Name.Link:
                continue
            dest = annot.get("/Dest")
            action = annot.get("/A")
            if dest is None and action is not None and action.get("/S") == pikepdf.Name.GoTo:
                dest = action.get("/D")
            if dest is None:
                continue  # a URI link
            if isinstance(dest, (pikepdf.String, pikepdf.Name)):
                dest = _named_destination(pdf, str(dest))
            if isinstance(dest, pikepdf.Dictionary):
                dest = dest.get("/D")
            assert isinstance(dest, pikepdf.Array) and len(dest) >= 2, f"unresolvable destination {dest!r}"
            kind, args = dest[1], [None if a is None else float(a) for a in list(dest)[2:]]
            top = {"/XYZ": 1, "/FitH": 0, "/FitBH": 0, "/FitR": 3}.get(str(kind))
            links.append((i, tuple(float(v) for v in annot.Rect), page_index[dest[0].objgen],
                          args[top] if top is not None and top < len(args) else None))
    return links


def _named_destination(pdf: pikepdf.Pdf, name: str):
    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        tree = pikepdf.NameTree(names.Dests)
        if name in tree:
            return tree[name]
    dests = pdf.Root.get("/Dests")
    if dests is not None and name.lstrip("/") in {k.lstrip("/") for k in dests.keys()}:
        return dests["/" + name.lstrip("/")]
    raise AssertionError(f"named destination {name!r} is not defined")


def _text_under(page, rect) -> str:
    """The characters whose centre lies inside a PDF-space rectangle."""
    x0, y0, x1, y1 = rect
    top, bottom = page.height - max(y0, y1), page.height - min(y0, y1)
    return "".join(c["text"] for c in page.chars
                   if min(x0, x1) <= (c["x0"] + c["x1"]) / 2 <= max(x0, x1)
                   and top <= (c["top"] + c["bottom"]) / 2 <= bottom)


def _source_entries(page, article) -> dict[int, float]:
    """n -> PDF-space top of the "n." that starts source entry n on this page."""
    words = page.extract_words()
    found = {}
    for w, after in zip(words, words[1:]):
        m = re.fullmatch(r"(\d+)\.", w["text"])
        if m and int(m.group(1)) in article.sources and abs(after["top"] - w["top"]) < 2:
            if article.sources[int(m.group(1))].split()[0] == after["text"]:
                found[int(m.group(1))] = page.height - w["top"]
    return found


@pytest.mark.parametrize("variant", ["patient", "large-print"])
def test_each_citation_marker_links_to_its_source_entry(article, published, variant):
    """Every "[n]" in the text is a link that lands on the page and height of source entry n."""
    path = published.path(published.entry(HANDOUT, variant))
    with pikepdf.open(path) as pdf:
        links = _internal_links(pdf)
    markers_in_text = CITATION.findall(body_text(page_texts(path), "Benzodiazepines").rsplit("Sources 1. ", 1)[0])
    assert len(links) == len(markers_in_text) == 4, (links, markers_in_text)
    with pdfplumber.open(path) as pdf:
        seen = []
        for page_i, rect, dest_page, dest_top in links:
            marker = _text_under(pdf.pages[page_i], rect).strip()
            m = CITATION.fullmatch(marker)
            assert m, f"link on page {page_i + 1} covers {marker!r}, not a citation marker"
            n = int(m.group(1))
            seen.append(n)
            entries = _source_entries(pdf.pages[dest_page], article)
            assert n in entries, f"[{n}] links to page {dest_page + 1}, which does not hold source {n}"
            assert dest_top is not None, f"[{n}]'s destination gives no height on the page"
            assert abs(dest_top - entries[n]) <= 30, (n, dest_top, entries[n])
            nearest = min(entries, key=lambda k: abs(entries[k] - dest_top))
            assert nearest == n, f"[{n}] lands nearer source {nearest} than source {n}"
    assert sorted(seen) == sorted(int(n) for n in markers_in_text)


# ---------------------------------------------------------------- page furniture


def test_every_page_says_page_x_of_y(manifest_entry, manifest_pdf):
    """"Page X of Y" in English; the same words in the variant's language otherwise."""
    words = labels_for(manifest_entry["language"])
    page_of = re.compile(rf"{re.escape(words['page'])} (\d+) {re.escape(words['of'])} (\d+)")
    texts = page_texts(manifest_pdf)
    assert len(texts) == manifest_entry["pages"]
    for number, text in enumerate(texts, start=1):
        assert page_of.findall(text) == [(str(number), str(len(texts)))], f"page {number}"


# ---------------------------------------------------------------- fonts


def _fonts(pdf: pikepdf.Pdf) -> list[tuple[str, pikepdf.Dictionary]]:
    """(where, font) for every font reachable from pages, form XObjects, patterns and annotations."""
    found, seen = [], set()

    def resources(res, where):
        if not isinstance(res, pikepdf.Dictionary) or res.objgen in seen and res.is_indirect:
            return
        if res.is_indirect:
            seen.add(res.objgen)
        for name, font in (res.get("/Font") or {}).items():
            found.append((f"{where} {name}", font))
            if font.get("/Subtype") == pikepdf.Name.Type3:
                resources(font.get("/Resources"), f"{where} {name}")
        for group in ("/XObject", "/Pattern"):
            for name, obj in (res.get(group) or {}).items():
                if isinstance(obj, (pikepdf.Stream, pikepdf.Dictionary)) and "/Resources" in obj:
                    resources(obj.Resources, f"{where} {name}")

    for number, page in enumerate(pdf.pages, start=1):
        resources(_inherited(page.obj, "/Resources"), f"page {number}")
        for annot in page.obj.get("/Annots", []):
            for ap in (annot.get("/AP") or {}).values():
                streams = [ap] if isinstance(ap, pikepdf.Stream) else list(ap.values())
                for stream in streams:
                    if "/Resources" in stream:
                        resources(stream.Resources, f"page {number} annotation")
    return found


def _inherited(node, key):
    """A page attribute, looked up through the page tree as PDF readers do."""
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _base_name(font) -> str:
    name = str(font.get("/BaseFont", "")).lstrip("/")
    return re.sub(r"^[A-Z]{6}\+", "", name)


def _font_file(font):
    descriptor = font.get("/FontDescriptor")
    if font.get("/Subtype") == pikepdf.Name.Type0:
        descriptor = font.DescendantFonts[0].get("/FontDescriptor")
    return None if descriptor is None else descriptor.get("/FontFile2")


def test_every_font_is_embedded_and_none_is_a_standard_14_font(manifest_pdf):
    with pikepdf.open(manifest_pdf) as pdf:
        used = _fonts(pdf)
        assert used, "no fonts found"
        assert [(where, _base_name(f)) for where, f in used if _font_file(f) is None] == []
        assert [(where, _base_name(f)) for where, f in used if _base_name(f) in STANDARD_14] == []
        # and no standard font object sits anywhere in the file, used or not
        anywhere = [_base_name(obj) for obj in pdf.objects
                    if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font]
        assert [name for name in anywhere if name in STANDARD_14] == []
        assert b"/Helvetica" not in manifest_pdf.read_bytes()


# ---------------------------------------------------------------- metadata


def test_metadata_title_language_author(manifest_entry, manifest_pdf):
    """/Title is the title printed on page 1 (and XMP's dc:title), after "DRAFT - " on a draft,
    /Lang the variant's language, the author the clinic."""
    first_page = normalise(page_texts(manifest_pdf)[0])
    printed, language = manifest_entry["title"], manifest_entry["language"]
    with pikepdf.open(manifest_pdf) as pdf:
        title = str(pdf.docinfo.get("/Title", ""))
        assert title == document_title(printed, manifest_entry["status"], language)
        assert normalise(printed) in first_page
        assert title.startswith(labels_for(language)["draft"]) == (manifest_entry["status"] != "approved")
        assert str(pdf.Root.get("/Lang")) == manifest_entry["language"]
        assert str(pdf.docinfo.get("/Author")) == clinic_name()
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            assert xmp.get("dc:title") == title


def test_patient_pdf_metadata(patient_pdf):
    with pikepdf.open(patient_pdf) as pdf:
        assert str(pdf.docinfo["/Title"]) == "Benzodiazepines"
        assert str(pdf.Root["/Lang"]) == "en"
        assert str(pdf.docinfo["/Author"]) == "Maple Mountain Mental Health & Wellness Center"


# ---------------------------------------------------------------- large print


def test_large_print_sizes(large_print_pdf):
    """Nothing under 16 pt; body text (the commonest size) at 18 pt or more."""
    sizes = Counter()
    with pdfplumber.open(large_print_pdf) as pdf:
        for page in pdf.pages:
            sizes.update(round(c["size"], 1) for c in page.chars if c["text"].strip())
    assert sizes
    assert min(sizes) >= 16, sorted(sizes.items())
    assert sizes.most_common(1)[0][0] >= 18, sizes.most_common(3)


def test_large_print_keeps_footer_and_sources(article, large_print_pdf):
    texts = page_texts(large_print_pdf)
    assert "Page 1 of" in texts[0]
    body = body_text(texts, "Benzodiazepines")
    assert [s for s in article.sources.values() if s not in body] == []
    assert [p for p in article.pieces if p[0] != "cell" and p[1] not in body] == []


# ---------------------------------------------------------------- determinism and the manifest


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.pdf"))}


def test_rebuild_gives_identical_bytes(published, tmp_path):
    from handoutpress.publish.build import build

    report = build(ROOT, out_dir=tmp_path)
    assert report.problems == []
    first, second = _digests(published.out_dir), _digests(tmp_path)
    assert first and first == second
    assert json.loads((tmp_path / "manifest.json").read_text("utf-8")) == published.manifest


REQUIRED_KEYS = {"handout", "variant", "audience", "language", "status", "path", "pages", "bytes", "sha256"}


def test_manifest_has_an_entry_per_output(published):
    entries = published.outputs
    assert declared_variants() <= {(e["handout"], e["variant"]) for e in entries}
    assert sorted(e["path"] for e in entries) == sorted(_digests(published.out_dir))
    assert len({e["path"] for e in entries}) == len(entries)


def test_manifest_entries_match_their_files(manifest_entry, manifest_pdf):
    assert REQUIRED_KEYS <= set(manifest_entry), REQUIRED_KEYS - set(manifest_entry)
    data = manifest_pdf.read_bytes()
    assert manifest_entry["bytes"] == len(data)
    assert manifest_entry["sha256"] == hashlib.sha256(data).hexdigest()
    with pikepdf.open(manifest_pdf) as pdf:
        assert manifest_entry["pages"] == len(pdf.pages)
        assert manifest_entry["language"] == str(pdf.Root.get("/Lang"))
    assert Path(manifest_entry["path"]).parts[0] == manifest_entry["handout"]


def test_manifest_describes_the_benzodiazepines_variants(published):
    expected = {
        "patient": "benzodiazepines/maple-mountain-benzodiazepines-patient-en.pdf",
        "large-print": "benzodiazepines/maple-mountain-benzodiazepines-large-print-en.pdf",
    }
    for variant, path in expected.items():
        entry = published.entry(HANDOUT, variant)
        assert (entry["path"], entry["audience"], entry["language"], entry["status"]) == \
            (path, "patient", "en", "approved")
    assert published.entry(HANDOUT, "patient")["pages"] <= 4  # the variant's max_pages
