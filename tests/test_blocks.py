"""Tables that split honestly, and the blocks clinics hand out (issue 14 items 1, 2 and 8), read back
from the PDF: text, order, tags."""
from __future__ import annotations

import pdfplumber
import pikepdf
import pytest

from project_copy import copy_project
from handoutpress.build import Caches, build, check_variant
from handoutpress.content import load_clinic, load_handout
from handoutpress.errors import PublishError
from handoutpress.pdfcheck import check_tagged_pdf

HEAD = """\
id: {id}
title: {title}
version: "1.0"
review: {{status: approved, reviewed: 2026-11-26, reviewer: Maple Mountain clinical team}}
"""
VARIANTS = """
variants:
  patient: {layout: maple-mountain}
"""


def handout(body: str, id="t", title="Blocks", variants=VARIANTS) -> str:
    return HEAD.format(id=id, title=title) + "body:\n" + body + variants


def table_rows(n: int, indent: int = 8) -> str:
    return "\n".join(" " * indent + f"- [Day {i}, '7', '3']" for i in range(1, n + 1))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("blocks"), cli=False)


def publish(root, text: str, id="t"):
    """Build one handout; return its PDF paths by variant (every problem fails the test)."""
    (root / "handouts" / f"{id}.yaml").write_text(text, "utf-8")
    report = build(root, [id], out_dir=root / "out")
    assert report.problems == [], [str(p) for p in report.problems]
    return {p.stem.split("-")[-2]: p for p in (root / "out" / id).glob("*.pdf")}


def problems(root, text: str, id="t"):
    (root / "handouts" / f"{id}.yaml").write_text(text, "utf-8")
    return build(root, [id], out_dir=root / "out").problems


def page_texts(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def elements(path):
    """(role, element) of every structure element in reading order."""
    out = []
    with pikepdf.open(path) as pdf:
        def walk(k):
            if isinstance(k, pikepdf.Array):
                for kid in k:
                    walk(kid)
            elif isinstance(k, pikepdf.Dictionary) and "/S" in k:
                out.append((str(k.S)[1:], k))
                walk(k.get("/K"))
        walk(pdf.Root.StructTreeRoot.K)
        yield out


# ---------------------------------------------------------------- tables split where they honestly can


def test_no_false_taller_than_a_page_from_20_to_80_rows(project):
    """Every row count from 20 to 80, with and without a line before the table, lays out: a break
    that would leave one row alone moves a row instead of refusing the table."""
    clinic = load_clinic(project / "handouts" / "clinic.yaml")
    caches = Caches()
    from handoutpress.render.document import render

    refused = []
    for before in ("", "  - paragraph: A one-line paragraph before the table.\n"):
        for n in range(20, 81):
            path = project / "handouts" / "sweep.yaml"
            path.write_text(handout(before + "  - table:\n      header: [Day, Hours, How rested? (1-5)]\n"
                                    f"      rows:\n{table_rows(n)}\n", id="sweep"), "utf-8")
            h = load_handout(path, clinic)
            checked = check_variant(h, h.variants[0], project, caches)
            try:
                render(checked.resolved, checked.theme, caches.fonts["maple-mountain"], clinic)
            except PublishError as exc:
                refused.append((n, bool(before), exc.problems[0].code))
    path.unlink()
    assert refused == []


def test_a_heading_keeps_with_the_first_rows_not_the_whole_table(project):
    filler = "  - paragraph: " + "Sleep is part of recovery, and a diary shows what helps. " * 14 + "\n"
    text = handout(filler * 3 + "  - section:\n      heading: Your sleep diary\n      body:\n"
                   "        - table:\n            header: [Day, Hours, How rested?]\n"
                   f"            rows:\n{table_rows(30, 14)}\n")
    pdf = publish(project, text)["patient"]
    pages = page_texts(pdf)
    assert "Your sleep diary" in pages[0] and "Day 1 " in pages[0] and "Day 2 " in pages[0]
    assert "Day 30" not in pages[0] and "Day 30" in pages[1]
    assert pages[1].count("How rested?") == 1  # the header row repeats on the next page


def test_a_table_caption_is_printed_and_is_the_tables_first_kid(project):
    text = handout("  - table:\n      caption: Hours slept each night this week\n"
                   "      header: [Day, Hours, How rested?]\n" f"      rows:\n{table_rows(3)}\n")
    pdf = publish(project, text)["patient"]
    page = page_texts(pdf)[0]
    assert page.index("Hours slept each night this week") < page.index("How rested?")
    for found in elements(pdf):
        table = next(e for role, e in found if role == "Table")
        first = table.K[0]
        assert str(first.S) == "/Caption"
    assert check_tagged_pdf(pdf) == []
