"""Logos print in their own colours, or in one ink when the layout asks (white parts stay holes), with a warning."""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from reportlab.graphics import renderPDF
from reportlab.lib.colors import HexColor, white
from reportlab.pdfgen import canvas

from handoutpress.load.logo import load_mark, mark_inks

HERE = Path(__file__).resolve().parent
TWO = HERE / "fixtures" / "clinics" / "riverbend-mark.svg"  # blue disc, white wave, green hill
MAPLE = HERE.parent / "layouts" / "assets" / "maple-mountain-mark.svg"
BAND = HexColor("#1F4E4A")


def fills(mark) -> set:
    """The fill colours a drawn mark sets, as rounded rgb triples."""
    pdf = canvas.Canvas(None, pagesize=(200, 200))
    renderPDF.draw(mark, pdf, 10, 10)
    pdf.showPage()
    doc = pikepdf.open(__import__("io").BytesIO(pdf.getpdfdata()))
    return {tuple(round(float(x), 3) for x in ops) for ops, op in pikepdf.parse_content_stream(doc.pages[0])
            if str(op) == "rg"}


def rgb(hexcode: str) -> tuple:
    c = HexColor(hexcode)
    return tuple(round(v, 3) for v in (c.red, c.green, c.blue))


def test_the_mark_lists_its_inks_without_white():
    assert mark_inks(TWO) == ["#1b5e8c", "#3c8d2f"]
    assert mark_inks(MAPLE) == ["#000000"]


@pytest.mark.parametrize("mode", ["auto", "own"])
def test_a_mark_of_several_colours_prints_in_its_own(mode):
    assert fills(load_mark(TWO, white, 57, mode=mode, background=BAND)) >= {rgb("#1B5E8C"), rgb("#3C8D2F"),
                                                                             (1.0, 1.0, 1.0)}


def test_one_ink_paints_every_part_in_the_ink_and_white_parts_in_the_band_colour():
    found = fills(load_mark(TWO, white, 57, mode="one-ink", background=BAND))
    assert rgb("#1B5E8C") not in found and rgb("#3C8D2F") not in found
    assert (1.0, 1.0, 1.0) in found and rgb("#1F4E4A") in found  # the wave is a hole, not a solid shape


def test_a_one_colour_mark_still_takes_the_ink_in_auto():
    assert fills(load_mark(MAPLE, white, 57, mode="auto", background=BAND)) == {(1.0, 1.0, 1.0)}


def test_check_warns_when_a_layout_prints_a_several_colour_mark_in_one_ink(tmp_path):
    from handoutpress.checks.contrast import logo_ink_problems
    from handoutpress.load.layout import load_theme

    from project_copy import copy_project

    root = copy_project(tmp_path / "p")
    (root / "layouts" / "assets" / "two.svg").write_bytes(TWO.read_bytes())
    (root / "layouts" / "two.yaml").write_text("extends: maple-mountain\ntitle_band:\n  logo: assets/two.svg\n"
                                               "  logo_colours: one-ink\n", "utf-8")
    found = logo_ink_problems(load_theme(root, "two"))
    assert [(p.code, p.severity, p.line) for p in found] == [("logo-one-ink", "warning", 4)]
    assert "#1b5e8c, #3c8d2f" in found[0].message and "logo_colours: own" in found[0].fix
    (root / "layouts" / "two.yaml").write_text("extends: maple-mountain\ntitle_band:\n  logo: assets/two.svg\n",
                                               "utf-8")
    assert logo_ink_problems(load_theme(root, "two")) == []


def test_check_warns_for_a_clinics_own_several_colour_mark_in_a_one_ink_layout(tmp_path):
    from handoutpress.publish.check import run

    from project_copy import VISIT_FILE, copy_project, edit
    from test_clinics import two_clinics

    root = two_clinics(copy_project(tmp_path / "p"))
    (root / "layouts" / "one-ink.yaml").write_text("extends: maple-mountain\ntitle_band:\n  logo_colours: one-ink\n",
                                                   "utf-8")
    edit(root, VISIT_FILE, "{layout: maple-mountain, clinic: riverbend,", "{layout: one-ink, clinic: riverbend,")
    found = [p for p in run(root, ["visit"]).problems if p.code == "logo-one-ink"]
    assert [(p.file, p.line) for p in found] == [("layouts/one-ink.yaml", 3)]
    assert "riverbend-mark.svg" in found[0].message
