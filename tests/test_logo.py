"""The clinic mark loads in one ink, at the asked width, and bad files fail with a clear problem."""
from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from reportlab.graphics import renderPDF
from reportlab.lib.colors import Color, black, white
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from handoutpress.errors import PublishError
from handoutpress.load.logo import load_mark

ROOT = Path(__file__).resolve().parent.parent
MARK = ROOT / "layouts" / "assets" / "maple-mountain-mark.svg"
FONT = "AtkinsonHyperlegible-Regular"
TWO_CM = 56.7
ORIGIN = (40.0, 50.0)

# Operators that set the non-stroking (fill) colour in a content stream.
FILL_OPS = {"g", "rg", "k", "sc", "scn"}


@pytest.fixture(scope="module", autouse=True)
def font():
    """A real embedded font as the canvas's initial font, so no standard Helvetica sneaks in."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(ROOT / "fonts" / f"{FONT}.ttf")))


def draw_to_pdf(colour: Color, pdf: Path) -> None:
    """Draw the mark at 2 cm onto a one-page PDF."""
    c = canvas.Canvas(str(pdf), pagesize=(200, 200), initialFontName=FONT)
    renderPDF.draw(load_mark(MARK, colour, TWO_CM), c, *ORIGIN)
    c.showPage()
    c.save()


def fill_colours(pdf: Path) -> set[tuple]:
    """Every fill colour the first page's content sets, as (operator, operands)."""
    with pikepdf.open(pdf) as doc:
        page = doc.pages[0]
        return {
            (str(op), tuple(round(float(x), 3) for x in operands))
            for operands, op in pikepdf.parse_content_stream(page)
            if str(op) in FILL_OPS
        }


def fonts_named(pdf: Path) -> list[str]:
    """The BaseFont of every font object in the file."""
    with pikepdf.open(pdf) as doc:
        return [str(obj.get("/BaseFont")) for obj in doc.objects
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"]


@pytest.mark.parametrize("colour, expected", [(white, (1.0, 1.0, 1.0)), (black, (0.0, 0.0, 0.0))])
def test_mark_is_drawn_in_one_ink_at_two_cm(tmp_path, colour, expected):
    mark = load_mark(MARK, colour, TWO_CM)
    assert mark.width == pytest.approx(TWO_CM)
    assert mark.wrap(500, 500) == pytest.approx((TWO_CM, mark.height))  # usable as a flowable
    assert 0.6 * TWO_CM < mark.height <= TWO_CM  # roughly square viewBox

    pdf = tmp_path / "mark.pdf"
    draw_to_pdf(colour, pdf)

    assert fill_colours(pdf) == {("rg", expected)}
    assert not any(re.search("Helvetica|Times|Courier", name) for name in fonts_named(pdf))

    # The artwork lands inside its box and spans most of it: the scale is applied once.
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        shapes = page.curves + page.rects + page.lines
        assert shapes
        x0 = min(s["x0"] for s in shapes)
        x1 = max(s["x1"] for s in shapes)
        y0 = min(page.height - s["bottom"] for s in shapes)
        y1 = max(page.height - s["top"] for s in shapes)
    left, bottom = ORIGIN
    assert left - 0.5 <= x0 and x1 <= left + TWO_CM + 0.5
    assert bottom - 0.5 <= y0 and y1 <= bottom + mark.height + 0.5
    assert x1 - x0 > 0.9 * TWO_CM


def test_each_call_gets_its_own_colour():
    first = load_mark(MARK, white, TWO_CM)
    load_mark(MARK, black, 20)

    def inks(node):
        for child in getattr(node, "contents", []):
            yield from inks(child)
        if getattr(node, "fillColor", None) is not None:
            yield node.fillColor

    assert set(map(str, inks(first))) == {str(white)}


def test_missing_file_is_a_problem_naming_the_file(tmp_path):
    missing = tmp_path / "no-such-mark.svg"
    with pytest.raises(PublishError, match="no-such-mark.svg"):
        load_mark(missing, black, TWO_CM)


def test_text_in_the_svg_is_a_problem_naming_the_file(tmp_path):
    svg = tmp_path / "wordy-mark.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">\n'
        '  <circle cx="50" cy="50" r="40" fill="#000000"/>\n'
        '  <text x="10" y="90">Maple</text>\n'
        "</svg>\n"
    )
    with pytest.raises(PublishError, match=r"wordy-mark\.svg:3: .*<text>"):
        load_mark(svg, black, TWO_CM)


@pytest.mark.parametrize("content", [b"not an svg at all", b"\x89PNG\r\n\x1a\n\x00\x00", b"<html><body/></html>"])
def test_a_file_that_is_not_svg_is_a_problem(tmp_path, content):
    bad = tmp_path / "not-a-mark.svg"
    bad.write_bytes(content)
    with pytest.raises(PublishError, match="not-a-mark.svg"):
        load_mark(bad, black, TWO_CM)


def test_what_svglib_cannot_draw_is_a_problem_not_terminal_noise(tmp_path, capfd):
    svg = tmp_path / "odd-mark.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        '<path fill="not-a-colour" d="M0 90 L50 10 L100 90 Z"/></svg>'
    )
    with pytest.raises(PublishError, match=r"odd-mark\.svg: .*not-a-colour"):
        load_mark(svg, black, TWO_CM)
    assert capfd.readouterr().err == ""
