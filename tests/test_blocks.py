"""Tables that split honestly, and the blocks clinics hand out (issue 14 items 1, 2 and 8), read back
from the PDF: text, order, tags."""
from __future__ import annotations

import pdfplumber
import pikepdf
import pytest

from project_copy import copy_project
from handoutpress.errors import PublishError
from handoutpress.load.content import load_clinic, load_handout
from handoutpress.publish.build import Caches, build, check_variant
from handoutpress.qa.pdfcheck import check_tagged_pdf

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
    return "\n".join(" " * indent + f"- [Day {i}, '7', '']" for i in range(1, n + 1))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("blocks"), cli=False)


def publish(root, text: str, id="t"):
    """Build one handout; return its PDF paths by variant (every problem fails the test)."""
    (root / "handouts" / f"{id}.yaml").write_text(text, "utf-8")
    report = build(root, [id], out_dir=root / "out")
    assert report.problems == [], [str(p) for p in report.problems]
    return {p.stem.removeprefix(f"maple-mountain-{id}-").removesuffix("-en"): p
            for p in (root / "out" / id).glob("*.pdf")}


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
    from handoutpress.render.pdf.document import render

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


# ---------------------------------------------------------------- the new blocks, read back

EVERY_BLOCK = """\
  - key_messages:
      heading: Key messages
      items:
        - Take your medicine at the same time each day.
        - Never stop suddenly without talking to your prescriber.
  - section:
      heading: How to take it
      body:
        - steps:
            - Wash your hands.
            - text: Check the label.
              items: [The name, The dose]
            - Take the dose with water.
  - section:
      heading: Before you leave
      keep_together: true
      body:
        - checklist:
            - I have my prescription.
            - I know when my next visit is.
  - table:
      caption: Your taper schedule
      header: [Week, Dose, Notes]
      widths: [20%, 30%, 50%]
      row_height: 0.6in
      rows:
        - ["1", "", ""]
        - ["2", ~, ""]
        - ["3", 5 mg, As agreed]
  - figure:
      image: images/cabinet.png
      alt: A locked cabinet with a red pill bottle inside.
      caption: Store medicines locked away.
      width: 40%
  - figure:
      image: capsule.svg
      alt: A capsule, half green and half orange.
      width: 0.3
  - figure:
      image: images/photo.jpg
      decorative: true
      width: 25%
  - page_break: true
  - glossary:
      - term: Taper
        definition: Lowering a dose slowly, in small steps.
      - term: Withdrawal
        definition: Symptoms when a medicine is lowered or stopped.
  - keep_together:
      - paragraph: These two paragraphs stay together.
      - paragraph: This is the second of them.
"""
EVERY_VARIANT = """
variants:
  patient: {layout: maple-mountain}
  large-print: {layout: maple-mountain-large-print}
  admissions: {layout: maple-mountain, appointment_fields: true}
"""
CAPSULE = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><rect x="10" y="20" width="180" '
           'height="60" rx="30" fill="#1F4E4A"/><rect x="100" y="20" width="90" height="60" rx="30" fill="#E8A33D"/></svg>')


def _pictures(root):
    from PIL import Image, ImageDraw

    (root / "images").mkdir(exist_ok=True)
    im = Image.new("RGB", (600, 400), (230, 240, 235))
    draw = ImageDraw.Draw(im)
    draw.rectangle((100, 100, 500, 300), outline=(31, 78, 74), width=12)
    draw.ellipse((250, 150, 350, 250), fill=(180, 60, 40))
    im.save(root / "images" / "cabinet.png")
    im.save(root / "images" / "photo.jpg", quality=85)
    (root / "handouts" / "capsule.svg").write_text(CAPSULE, "utf-8")  # beside the handout


@pytest.fixture(scope="module")
def every_block(project):
    _pictures(project)
    return publish(project, handout(EVERY_BLOCK, id="every", title="Every new block", variants=EVERY_VARIANT),
                   id="every")


def tree(path):
    from test_accessibility import read_struct_tree

    return read_struct_tree(path)


def kids(elem, role=None):
    return [p for p in elem.parts if not isinstance(p, str) and (role is None or p.role == role)]


def test_steps_are_a_decimal_list_labelled_1_2_3(every_block):
    for found in elements(every_block["patient"]):
        numbering = [str(e.A.ListNumbering) for role, e in found if role == "L"]
    assert numbering[:3] == ["/Disc", "/Decimal", "/Disc"]  # key messages, the steps, a step's own bullets
    steps = [e for _, e in tree(every_block["patient"]).elements() if e.role == "L"][1]
    items = kids(steps, "LI")
    assert [kids(li, "Lbl")[0].text for li in items] == ["1.", "2.", "3."]
    assert [kids(li, "LBody")[0].chunks()[0] for li in items] == ["Wash your hands. ", "Check the label. ",
                                                                 "Take the dose with water. "]
    assert [i.text for i in kids(kids(kids(items[1], "LBody")[0], "L")[0], "LI")] == ["• The name", "• The dose"]


def test_a_checklist_prints_empty_boxes_read_as_unchecked(every_block):
    pdf = every_block["patient"]
    with pikepdf.open(pdf) as doc:
        assert "/AcroForm" not in doc.Root
    for found in elements(pdf):
        labels = [e for role, e in found if role == "Lbl" and "/ActualText" in e]
        assert [str(e.ActualText) for e in labels] == ["unchecked", "unchecked"]
    page = page_texts(pdf)[0]
    assert "I have my prescription." in page and "I know when my next visit is." in page
    with pdfplumber.open(pdf) as doc:  # two squares drawn before the items
        boxes = [r for r in doc.pages[0].rects if abs(r["width"] - r["height"]) < 0.1 and r["width"] < 15]
    assert len(boxes) == 2


def test_a_fillable_variant_gets_real_check_boxes_tagged_as_form_fields(every_block):
    pdf = every_block["admissions"]
    with pikepdf.open(pdf) as doc:
        fields = [f for f in doc.Root.AcroForm.Fields if f.FT == pikepdf.Name.Btn]
        assert [str(f.TU) for f in fields] == ["I have my prescription.", "I know when my next visit is."]
        assert all(f.AS == pikepdf.Name.Off and set(f.AP.N.keys()) == {"/Yes", "/Off"} for f in fields)
        assert all("/StructParent" in f for f in fields)
    checklist = [e for _, e in tree(pdf).elements() if e.role == "L"][3]
    assert [[k.role for k in kids(kids(li, "Lbl")[0])] for li in kids(checklist, "LI")] == [["Form"], ["Form"]]


def test_a_write_in_table_has_blank_cells_widths_and_writing_lines(every_block):
    pdf = every_block["patient"]
    table = next(e for _, e in tree(pdf).elements() if e.role == "Table")
    rows = [[td.text for td in kids(tr, "TD")] for tr in kids(kids(table, "TBody")[0], "TR")]
    assert rows == [["1", "", ""], ["2", "", ""], ["3", "5 mg", "As agreed"]]
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        words = {w["text"]: w for w in page.extract_words()}
        week, dose, notes = (words[k]["x0"] for k in ("Week", "Dose", "Notes"))
        width = page.width - 2 * 57.6
        assert dose - week == pytest.approx(0.2 * width, abs=1) and notes - dose == pytest.approx(0.3 * width, abs=1)
        below = words["As"]["top"]  # row 3 is as tall as asked: 0.6 in
        assert words["As"]["top"] - words["2"]["top"] == pytest.approx(43.2, abs=1)
        lines = [ln for ln in page.lines if ln["top"] < below and abs(ln["top"] - ln["bottom"]) < 0.1
                 and ln["x0"] > dose - 10]
    assert len(lines) == 4  # a writing line in each of the four blank cells


def test_figures_have_alt_bbox_and_caption_and_decorative_ones_are_artifacts(every_block):
    pdf = every_block["patient"]
    for found in elements(pdf):
        figures = [e for role, e in found if role == "Figure"][1:]  # after the clinic's logo
        assert [str(f.Alt) for f in figures] == ["A locked cabinet with a red pill bottle inside.",
                                                 "A capsule, half green and half orange."]
        assert all(len(f.A.BBox) == 4 for f in figures)
    div = next(e for _, e in tree(pdf).elements() if e.role == "Div" and kids(e, "Figure"))
    assert [k.role for k in kids(div)] == ["Figure", "Caption"]
    assert kids(div, "Caption")[0].text == "Store medicines locked away."
    with pdfplumber.open(pdf) as doc:
        assert sum(len(p.images) for p in doc.pages) == 2  # the PNG and the decorative JPEG; the SVG is drawn
    assert check_tagged_pdf(pdf) == []


def test_a_glossary_is_a_list_of_terms_and_definitions_after_a_page_break(every_block):
    pdf = every_block["patient"]
    glossary = [e for _, e in tree(pdf).elements() if e.role == "L"][4]  # after key messages, steps (two), checklist
    assert [(kids(li, "Lbl")[0].text, kids(li, "LBody")[0].text) for li in kids(glossary, "LI")] == [
        ("Taper", "Lowering a dose slowly, in small steps."),
        ("Withdrawal", "Symptoms when a medicine is lowered or stopped.")]
    pages = page_texts(pdf)
    last = pages[-1].splitlines()
    assert last[1] == "Taper"  # the running header, then the glossary at the top of its own page
    assert "These two paragraphs stay together." in pages[-1] and "This is the second of them." in pages[-1]


def test_key_messages_are_a_box_with_its_heading_and_list(every_block):
    box = next(e for _, e in tree(every_block["patient"]).elements() if e.role == "Div")
    assert [k.role for k in kids(box)] == ["H2", "L"]
    assert kids(box, "H2")[0].text == "Key messages"
    assert len(kids(kids(box, "L")[0], "LI")) == 2


@pytest.mark.parametrize("variant", ["patient", "large-print", "admissions"])
def test_every_new_block_passes_the_validators(every_block, variant):
    from handoutpress.qa.tools import run_outloud, run_page_validation, run_qpdf_check

    pdf = every_block[variant]
    assert run_page_validation(pdf, "ua1") == []
    assert run_page_validation(pdf, "2a") == []
    assert [f for f in run_outloud(pdf, "warning")] == []
    assert run_qpdf_check(pdf) == []
    assert check_tagged_pdf(pdf) == []


def test_a_bad_picture_is_an_error_at_its_line_and_nothing_is_written(project):
    (project / "handouts" / "fake.png").write_text("not a picture", "utf-8")
    text = handout("  - figure:\n      image: fake.png\n      alt: A moon.\n", id="badpic")
    [problem] = problems(project, text, id="badpic")
    assert (problem.code, problem.line, problem.path) == ("image-format", 7, "body[0].figure.image")
    assert "named .png but its contents are not a picture" in problem.message
    assert not (project / "out" / "badpic").exists()
