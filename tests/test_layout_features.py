"""Layout behaviour read back from PDFs: long tables, paper size, bookmarks, languages of spans."""
from __future__ import annotations

import pikepdf
import pdfplumber
import pypdf

from handoutpress.publish.build import build
from handoutpress.qa.pdfcheck import check_tagged_pdf
from handoutpress.qa.tools import struct_outline
from project_copy import copy_project

LONG = """\
id: longtable
title: A Long Table
language: en
version: "1.0"
review: {{status: approved, reviewed: 2026-11-26, reviewer: Test}}
body:
  - paragraph: The table below runs over several pages.
  - table:
      header: [Number, Square, Note]
      rows:
{rows}
variants:
  patient: {{layout: maple-mountain}}
  a4: {{layout: a4-test}}
"""


def _long_table_project(tmp_path):
    root = copy_project(tmp_path, cli=False)
    rows = "\n".join(f'        - ["{n}", "{n * n}", "row {n} of the long table"]' for n in range(1, 81))
    (root / "handouts" / "longtable.yaml").write_text(LONG.format(rows=rows), encoding="utf-8")
    (root / "layouts" / "a4-test.yaml").write_text("extends: maple-mountain\npage: {size: a4}\n", encoding="utf-8")
    report = build(root, ["longtable"], out_dir=root / "out")
    assert report.problems == []
    return root / "out" / "longtable"


def test_long_table_repeats_its_header_on_every_page_and_tags_it_once(tmp_path):
    out = _long_table_project(tmp_path)
    pdf_path = next(out.glob("*-patient-en.pdf"))
    with pdfplumber.open(pdf_path) as pdf:
        assert len(pdf.pages) >= 3
        table_pages = [p for p in pdf.pages if "of the long table" in (p.extract_text() or "")]
        assert len(table_pages) >= 2
        for page in table_pages:
            text = page.extract_text()
            assert "Number" in text and "Square" in text, f"page {page.page_number} lacks the header row"
        rows = [r for page in pdf.pages for t in page.extract_tables() for r in t]
    numbers = [r[0] for r in rows if r[0] and r[0].isdigit()]
    assert numbers == [str(n) for n in range(1, 81)], "every row once, in order, none torn"
    outline = struct_outline(pdf_path)
    roles = [role for _, role, _ in outline]
    assert roles.count("TH") == 3, "the repeated header rows are artifacts, tagged once"
    assert roles.count("TR") == 81
    assert check_tagged_pdf(pdf_path) == []


def test_a4_layout_gives_a4_pages(tmp_path):
    out = _long_table_project(tmp_path)
    pdf = pikepdf.open(next(out.glob("*-a4-en.pdf")))
    for page in pdf.pages:
        w, h = float(page.mediabox[2]), float(page.mediabox[3])
        assert (round(w), round(h)) == (595, 842)


def test_bookmarks_follow_the_headings(patient_pdf):
    reader = pypdf.PdfReader(patient_pdf)
    titles = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                titles.append((depth, item.title))

    walk(reader.outline, 0)
    assert (0, "How Benzos Work") in titles
    assert titles.index((0, "How Does Addiction to Benzos Happen?")) < titles.index((1, "Brain Mechanisms"))
    assert titles[-1] == (0, "Sources")


def test_english_sources_in_the_spanish_pdf_are_marked_english(out_dir, manifest):
    entry = next(e for e in manifest["outputs"] if e["language"] == "es")
    outline_lang = {}
    pdf = pikepdf.open(out_dir / entry["path"])
    assert str(pdf.Root.Lang) == "es"

    def walk(elem):
        if "/Lang" in elem:
            outline_lang[str(elem.S)] = str(elem.Lang)
        for kid in elem.get("/K", []) if isinstance(elem.get("/K"), pikepdf.Array) else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    walk(pdf.Root.StructTreeRoot.K[0])
    assert outline_lang.get("/L") == "en", "the source list is English inside a Spanish document"


def test_a_cell_taller_than_a_page_is_a_clear_error_naming_the_block(tmp_path):
    root = copy_project(tmp_path, cli=False)
    text = (
        "id: tall\ntitle: Tall\nversion: \"1\"\nreview: {status: draft}\nbody:\n  - paragraph: intro\n"
        "  - table:\n      kind: grid\n      rows:\n        - [a, \"" + "word " * 1500 + "\", c]\n"
        "variants:\n  patient: {layout: maple-mountain}\n")
    (root / "handouts" / "tall.yaml").write_text(text, encoding="utf-8")
    report = build(root, ["tall"], out_dir=root / "out")
    [problem] = report.problems
    assert (problem.file, problem.line, problem.path) == ("handouts/tall.yaml", 8, "body[1].table")  # its "kind:"
    assert "taller than a page" in problem.message and "LayoutError" not in str(problem)
    assert not (root / "out" / "tall").exists()
