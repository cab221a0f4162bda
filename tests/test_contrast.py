"""Colour contrast, black-and-white distinctions and type sizes of layouts (handoutpress.checks.contrast).

Known-answer WCAG ratios; every finding code triggered by a copy of the real layouts with one
value changed, pointing at the file and line of that value; the shipped layouts checked as they are.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from reportlab.lib.colors import HexColor

from handoutpress.checks.contrast import (MIN_GREY_STEP, Finding, check_theme, contrast_ratio, grayscale,
                                          is_large_print, measurements, suggest_contrast)
from handoutpress.load.layout import load_theme

ROOT = Path(__file__).resolve().parent.parent
STANDARD = "layouts/maple-mountain.yaml"
LARGE = "layouts/maple-mountain-large-print.yaml"


# ---- helpers --------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Path:
    """layouts/ and fonts/ copied, ready for one edit."""
    shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
    shutil.copytree(ROOT / "fonts", tmp_path / "fonts")
    return tmp_path


def find_value(root: Path, rel: str, where: str, key: str) -> tuple[int, int, int]:
    """(line index, start, end) of the value of `key` in the mapping at dotted path `where`
    (e.g. "styles.body", "title_band", "palette"), block or flow style."""
    lines = (root / rel).read_text("utf-8").split("\n")
    parts = where.split(".")
    n = 0
    for depth, part in enumerate(parts):
        head = re.compile(rf"^{'  ' * depth}{re.escape(part)}:(\s|$)")
        n = next(i for i in range(n, len(lines)) if head.match(lines[i]))
    value = re.compile(rf"(?<![\w-]){re.escape(key)}: (\"[^\"]*\"|[^,}}\s#]+)")
    indent = 2 * (len(parts) - 1)
    start = lines[n].index(":") + 1  # past the mapping's own key
    for i in range(n, len(lines)):
        line = lines[i]
        if i > n and line.strip() and not line.startswith("#") and len(line) - len(line.lstrip()) <= indent:
            break  # the mapping ended
        found = value.search(line, start if i == n else 0)
        if found:
            return i, found.start(1), found.end(1)
    raise AssertionError(f"no {key} in {where} in {rel}")


def set_value(root: Path, rel: str, where: str, key: str, new: str) -> tuple[int, int]:
    """Give `key` of the mapping `where` the value `new` (YAML text); return its 1-based (line, column)."""
    i, a, b = find_value(root, rel, where, key)
    path = root / rel
    lines = path.read_text("utf-8").split("\n")
    lines[i] = lines[i][:a] + new + lines[i][b:]
    path.write_text("\n".join(lines), "utf-8")
    return i + 1, a + 1


def line_of(root: Path, rel: str, where: str, key: str) -> int:
    return find_value(root, rel, where, key)[0] + 1


def only(findings, code, path, where="") -> Finding:
    """The one finding with this code and path (and `where` in its message, e.g. "on the page")."""
    found = [f for f in findings if f.code == code and f.path == path and where in f.message]
    assert len(found) == 1, f"expected one {code} at {path}, got:\n" + "\n".join(map(str, findings))
    return found[0]


def none_of(findings, code, path=None):
    found = [f for f in findings if f.code == code and (path is None or f.path == path)]
    assert not found, "\n".join(map(str, found))


# ---- known answers --------------------------------------------------------------------------

@pytest.mark.parametrize("fg, bg, expected", [
    ("#000000", "#FFFFFF", 21.0),
    ("#FFFFFF", "#000000", 21.0),  # symmetric
    ("#777777", "#FFFFFF", 4.48),  # the classic near-miss grey
    ("#767676", "#FFFFFF", 4.54),  # the lightest grey that passes 4.5:1 on white
    ("#595959", "#FFFFFF", 7.00),  # AAA 7:1
    ("#FF0000", "#FFFFFF", 4.00),
    ("#0000FF", "#FFFFFF", 8.59),
    ("#00FF00", "#000000", 15.30),
    ("#1F4E4A", "#1F4E4A", 1.0),
])
def test_contrast_ratio_known_answers(fg, bg, expected):
    assert contrast_ratio(HexColor(fg), HexColor(bg)) == pytest.approx(expected, abs=0.005)


def test_777777_fails_and_767676_passes_text_contrast():
    assert contrast_ratio(HexColor("#777777"), HexColor("#FFFFFF")) < 4.5 <= contrast_ratio(
        HexColor("#767676"), HexColor("#FFFFFF"))


@pytest.mark.parametrize("colour, expected", [
    ("#FFFFFF", 1.0), ("#000000", 0.0), ("#FF0000", 0.30), ("#00FF00", 0.59), ("#0000FF", 0.11),
    ("#808080", 128 / 255),
])
def test_grayscale_is_the_postscript_rgb_to_gray_weighting(colour, expected):
    assert grayscale(HexColor(colour)) == pytest.approx(expected, abs=1e-6)


def test_suggested_colour_passes_and_keeps_the_side():
    better = suggest_contrast(HexColor("#8A8A8A"), HexColor("#FFFFFF"), 4.5)
    assert contrast_ratio(better, HexColor("#FFFFFF")) >= 4.5
    assert grayscale(better) < grayscale(HexColor("#8A8A8A"))  # darker on a light page


# ---- contrast-text ---------------------------------------------------------------------------
# Each test sets the values it relies on, so it keeps working while the shipped layouts change.

def test_contrast_text_points_at_the_text_colour(project):
    line, col = set_value(project, STANDARD, "styles.body", "colour", '"#8A8A8A"')
    findings = check_theme(load_theme(project, "maple-mountain"))
    f = only(findings, "contrast-text", "styles.body.colour", "on the page")
    assert (f.severity, f.file, f.line, f.column) == ("error", STANDARD, line, col)
    assert "body text #8A8A8A on the page white #FFFFFF" in f.message
    assert "3.45:1" in f.message and "4.5:1" in f.message
    assert "paragraphs on the page" in f.message
    assert "e.g. #767676" in f.fix  # the same grey, just dark enough
    # the same colour on the callout fill is its own finding, at the same place
    g = only(findings, "contrast-text", "styles.body.colour", "on callout boxes")
    assert (g.line, g.column) == (line, col) and "paragraphs in callout boxes" in g.message


def test_contrast_text_names_palette_entries(project):
    set_value(project, STANDARD, "palette", "slate", '"#9AA0A6"')
    line, _ = set_value(project, STANDARD, "styles.footer", "colour", "slate")
    f = only(check_theme(load_theme(project, "maple-mountain")), "contrast-text", "styles.footer.colour")
    assert "slate #9AA0A6" in f.message and "running footer" in f.message
    assert f.line == line


def test_large_text_needs_only_3_to_1(project):
    # #808080 is 3.95:1 on white: too light for 11 pt text, fine for 17 pt bold headings
    for key, value in (("size", "17"), ("bold", "true"), ("colour", '"#808080"')):
        set_value(project, STANDARD, "styles.heading2", key, value)
    set_value(project, STANDARD, "styles.closing", "size", "11")
    set_value(project, STANDARD, "styles.closing", "colour", '"#808080"')
    findings = check_theme(load_theme(project, "maple-mountain"))
    none_of(findings, "contrast-text", "styles.heading2.colour")
    f = only(findings, "contrast-text", "styles.closing.colour")
    assert "3.95:1" in f.message and "4.5:1" in f.message


def test_14pt_is_large_only_when_bold(project):
    set_value(project, STANDARD, "styles.heading3", "size", "14")
    set_value(project, STANDARD, "styles.heading3", "colour", '"#808080"')
    set_value(project, STANDARD, "styles.heading3", "bold", "true")
    none_of(check_theme(load_theme(project, "maple-mountain")), "contrast-text", "styles.heading3.colour")
    set_value(project, STANDARD, "styles.heading3", "bold", "false")
    f = only(check_theme(load_theme(project, "maple-mountain")), "contrast-text", "styles.heading3.colour",
             "on the page")
    assert "3.95:1" in f.message and "4.5:1" in f.message


def test_text_on_the_title_band(project):
    set_value(project, STANDARD, "title_band", "background", '"#6FA8A0"')
    set_value(project, STANDARD, "styles.tagline", "size", "10")
    line, col = set_value(project, STANDARD, "styles.tagline", "colour", "white")
    f = only(check_theme(load_theme(project, "maple-mountain")), "contrast-text", "styles.tagline.colour")
    assert (f.line, f.column) == (line, col)  # the text colour, not the band, is where the finding points
    assert "white #FFFFFF on the title band #6FA8A0" in f.message and "the tagline on the title band" in f.message


def test_inherited_colour_points_at_the_parent_file(project):
    line, col = set_value(project, STANDARD, "styles.sources", "colour", '"#8A8A8A"')
    f = only(check_theme(load_theme(project, "maple-mountain-large-print")), "contrast-text",
             "styles.sources.colour")
    assert (f.file, f.line, f.column) == (STANDARD, line, col)  # the child changes the size, not the colour


def test_falls_back_to_the_background_then_the_layout_file(project):
    band_line, _ = set_value(project, STANDARD, "title_band", "background", '"#1F4E4A"')
    set_value(project, STANDARD, "styles.tagline", "colour", '"#3F6E6A"')
    theme = load_theme(project, "maple-mountain")
    gone = replace(theme, origins={k: v for k, v in theme.origins.items() if k != ("styles", "tagline", "colour")})
    f = only(check_theme(gone), "contrast-text", "title_band.background")
    assert (f.file, f.line) == (STANDARD, band_line)
    # body text sits on the paper, which no value sets: the layout file itself
    set_value(project, STANDARD, "styles.body", "colour", '"#AAAAAA"')
    theme = load_theme(project, "maple-mountain")
    gone = replace(theme, origins={k: v for k, v in theme.origins.items() if k != ("styles", "body", "colour")})
    f = only(check_theme(gone), "contrast-text", "", "body text #AAAAAA on the page")
    assert (f.file, f.line, f.column) == (STANDARD, None, None)


# ---- contrast-graphics -----------------------------------------------------------------------

def test_contrast_graphics_bullets(project):
    line, col = set_value(project, STANDARD, "styles.list", "bullet_colour", '"#BBBBBB"')
    f = only(check_theme(load_theme(project, "maple-mountain")), "contrast-graphics", "styles.list.bullet_colour",
             "on the page")
    assert (f.severity, f.file, f.line, f.column) == ("warning", STANDARD, line, col)
    assert "1.92:1" in f.message and "3:1" in f.message and "1.4.11" in f.message


def test_contrast_graphics_rule(project):
    set_value(project, STANDARD, "rule", "width", "0.75")
    line, col = set_value(project, STANDARD, "rule", "colour", '"#D8D8D8"')
    f = only(check_theme(load_theme(project, "maple-mountain")), "contrast-graphics", "rule.colour")
    assert (f.severity, f.line, f.column) == ("warning", line, col)


def test_contrast_graphics_box_border(project):
    set_value(project, STANDARD, "styles.callout", "border_width", "2")
    line, _ = set_value(project, STANDARD, "styles.callout", "border", '"#D0C8B0"')
    f = only(check_theme(load_theme(project, "maple-mountain")), "contrast-graphics", "styles.callout.border")
    assert (f.severity, f.line) == ("warning", line) and "callout box border" in f.message


# ---- grayscale-distinction and emergency-colour-only -----------------------------------------

def test_grayscale_distinction_callout_fill(project):
    line, col = set_value(project, STANDARD, "styles.callout", "background", '"#FFF5F5"')
    f = only(check_theme(load_theme(project, "maple-mountain")), "grayscale-distinction",
             "styles.callout.background")
    assert (f.severity, f.file, f.line, f.column) == ("warning", STANDARD, line, col)
    assert "0.027 apart" in f.message and "#FFF5F5" in f.message
    better = f.fix.split("e.g. ")[1][:7]
    assert abs(grayscale(better) - 1.0) >= MIN_GREY_STEP


def test_grayscale_distinction_stripe_is_only_info(project):
    line, _ = set_value(project, STANDARD, "styles.table", "stripe", '"#FAFAFA"')
    f = only(check_theme(load_theme(project, "maple-mountain")), "grayscale-distinction", "styles.table.stripe")
    assert (f.severity, f.line) == ("info", line)


def test_same_colour_asks_for_no_distinction(project):
    set_value(project, STANDARD, "styles.table", "stripe", "white")  # no stripes at all: nothing to lose
    set_value(project, STANDARD, "styles.emergency", "background", "white")  # a white box with a border
    none_of(check_theme(load_theme(project, "maple-mountain")), "grayscale-distinction")


def test_emergency_borders_apart_only_by_hue(project):
    set_value(project, STANDARD, "styles.callout", "border_width", "2")
    set_value(project, STANDARD, "styles.emergency", "border", '"#A4161A"')
    set_value(project, STANDARD, "styles.callout", "border", '"#B5651D"')
    line, col = set_value(project, STANDARD, "styles.emergency", "border_width", "2")
    f = only(check_theme(load_theme(project, "maple-mountain")), "emergency-colour-only",
             "styles.emergency.border_width")
    assert (f.severity, f.file, f.line, f.column) == ("warning", STANDARD, line, col)
    assert "#A4161A" in f.message and "#B5651D" in f.message
    set_value(project, STANDARD, "styles.emergency", "border_width", "3")  # 1 pt thicker: a visible difference
    none_of(check_theme(load_theme(project, "maple-mountain")), "emergency-colour-only")


def test_emergency_border_grey_too_close_to_callout_border(project):
    # a hue-only difference: nearly the same grey level on a black-and-white copy
    set_value(project, STANDARD, "styles.callout", "border", '"#B5651D"')
    line, _ = set_value(project, STANDARD, "styles.emergency", "border", '"#B0652E"')
    f = only(check_theme(load_theme(project, "maple-mountain")), "grayscale-distinction", "styles.emergency.border")
    assert (f.severity, f.line) == ("warning", line)


# ---- type-size -----------------------------------------------------------------------------

def test_type_size_standard_body(project):
    line, col = set_value(project, STANDARD, "styles.body", "size", "11")
    f = only(check_theme(load_theme(project, "maple-mountain")), "type-size", "styles.body.size")
    assert (f.severity, f.file, f.line, f.column) == ("error", STANDARD, line, col)
    assert "11 pt" in f.message and "12 pt" in f.message


def test_standard_print_allows_small_furniture(project):
    for name in ("footer", "header", "tagline", "sources"):  # 9-10 pt is fine outside body text
        set_value(project, STANDARD, f"styles.{name}", "size", "9")
    findings = check_theme(load_theme(project, "maple-mountain"))
    for name in ("footer", "header", "tagline", "sources"):
        none_of(findings, "type-size", f"styles.{name}.size")


def test_type_size_large_print_body(project):
    line, col = set_value(project, LARGE, "styles.body", "size", "16")
    f = only(check_theme(load_theme(project, "maple-mountain-large-print")), "type-size", "styles.body.size")
    assert (f.severity, f.file, f.line, f.column) == ("error", LARGE, line, col)
    assert "18 pt" in f.message


def test_type_size_large_print_everything(project):
    line, _ = set_value(project, LARGE, "styles.footer", "size", "14")
    f = only(check_theme(load_theme(project, "maple-mountain-large-print")), "type-size", "styles.footer.size")
    assert (f.file, f.line) == (LARGE, line)
    assert "16 pt" in f.message


def test_large_print_by_body_size(project):
    # an unnamed layout with 18 pt body text is large print: its 9 pt footer is an error
    set_value(project, STANDARD, "styles.footer", "size", "9")
    (project / "layouts" / "clinic-big.yaml").write_text(
        "extends: maple-mountain\nstyles:\n  body: {size: 18, leading: 25}\n", "utf-8")
    theme = load_theme(project, "clinic-big")
    assert is_large_print(theme)
    f = only(check_theme(theme), "type-size", "styles.footer.size")
    assert f.file == STANDARD  # the 9 pt comes from the parent
    # 16 pt body alone is "enlarged" print (APH), not a claim to large print
    (project / "layouts" / "clinic-enlarged.yaml").write_text(
        "extends: maple-mountain\nstyles:\n  body: {size: 16, leading: 22}\n", "utf-8")
    assert not is_large_print(load_theme(project, "clinic-enlarged"))


# ---- the shipped layouts ---------------------------------------------------------------------

SHIPPED = ["maple-mountain", "maple-mountain-large-print"]


@pytest.fixture(scope="module")
def shipped():
    return {name: load_theme(ROOT, name) for name in SHIPPED}


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_layouts_have_no_contrast_errors(shipped, name):
    findings = check_theme(shipped[name])
    assert [f for f in findings if f.code == "contrast-text"] == []
    # nor any graphics, black-and-white or emergency-box finding, of any severity
    assert [f for f in findings if f.code != "type-size"] == []
    reported = [m for m in measurements(shipped[name]) if m.code == "contrast-text" and m.severity]
    assert reported and all(m.passed for m in reported)


def test_pairs_measured_but_never_reported(shipped):
    """Grid and links on the table header fill: measured for the record, not findings."""
    quiet = {m.uses: m for m in measurements(shipped["maple-mountain"]) if m.severity is None}
    grid = quiet[("the table grid in the header row (told apart by its fill)",)]
    link = quiet[("links in table header cells (only if content puts one there)",)]
    assert not grid.passed and round(grid.value, 2) == 1.16
    assert not link.passed and link.value == pytest.approx(1.0)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_layouts_have_no_type_size_errors(shipped, name):
    assert [f for f in check_theme(shipped[name]) if f.code == "type-size"] == []


def test_shipped_large_print_is_large_print(shipped):
    assert is_large_print(shipped["maple-mountain-large-print"])
    assert not is_large_print(shipped["maple-mountain"])
