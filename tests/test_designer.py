"""The designer's loop: `preview` (PNGs of every page), `specimen` (a proof sheet of a layout) and
`layout show` (the merged layout, every value with its file and line)."""
from __future__ import annotations

import functools
import json
import re
import shutil

import pdfplumber
import pikepdf
import pytest
from PIL import Image

from conftest import HANDOUT, ROOT, publish_once
from handoutpress.checks.contrast import contrast_ratio
from handoutpress.checks.glyphs import font_chars
from handoutpress.designer.preview import preview
from handoutpress.load.layout import load_theme
from handoutpress.qa.fonts import BASE14
from project_copy import LARGE, LAYOUT, line_of, run_cli

LAYOUTS = ["maple-mountain", "maple-mountain-large-print"]


# ---- preview ---------------------------------------------------------------------------------

def test_preview_writes_one_png_per_page_of_the_variant(tmp_path):
    entry = publish_once().entry(HANDOUT, "patient")
    pages = entry["pages"]
    old = tmp_path / HANDOUT / "patient" / f"page-{pages + 3}.png"  # left over from a longer earlier version
    old.parent.mkdir(parents=True)
    old.write_bytes(b"stale")
    report = preview(ROOT, HANDOUT, ["patient"], tmp_path, dpi=24)
    assert report.problems == []
    [(handout, variant, paths)] = report.written
    assert (handout, variant) == (HANDOUT, "patient")
    assert [p.name for p in paths] == [f"page-{n}.png" for n in range(1, pages + 1)] + ["page.html"]  # + the web page
    assert (tmp_path / HANDOUT / "_assets" / "AtkinsonHyperlegible-Regular.ttf").is_file()  # its ../_assets/
    assert sorted(p.name for p in paths[0].parent.iterdir()) == sorted(p.name for p in paths)  # stale page gone
    with Image.open(paths[0]) as img:
        assert img.size == (round(612 * 24 / 72), round(792 * 24 / 72))  # US Letter at 24 dpi


def test_preview_command_prints_every_path_of_every_variant(tmp_path):
    run = run_cli(ROOT, "preview", HANDOUT, "--variant", "family", "--variant", "clinician", "--out", str(tmp_path),
                  "--dpi", "12")
    assert run.returncode == 0, run.stderr
    expected = {v: publish_once().entry(HANDOUT, v)["pages"] for v in ("family", "clinician")}
    printed = run.stdout.split()
    assert len(printed) == sum(expected.values()) + len(expected)  # every page's PNG and each web page
    for variant, pages in expected.items():
        folder = tmp_path / HANDOUT / variant
        assert sorted(p.name for p in folder.glob("*.png")) == sorted(f"page-{n}.png" for n in range(1, pages + 1))
        assert str(folder / "page-1.png") in printed and str(folder / "page.html") in printed


def test_preview_of_an_unknown_handout_or_variant_is_a_usage_error(tmp_path):
    run = run_cli(ROOT, "preview", "benzodiazepine", "--out", str(tmp_path))
    assert run.returncode == 2
    assert "benzodiazepine: no such handout; did you mean 'benzodiazepines'?" in run.stderr
    run = run_cli(ROOT, "preview", HANDOUT, "--variant", "large_print", "--out", str(tmp_path))
    assert run.returncode == 2
    assert re.search(r"error: handouts/benzodiazepines\.yaml: variants: no variant named large_print; use one of: "
                     r"patient, large-print", run.stderr), run.stderr
    assert not any(tmp_path.iterdir())


def test_preview_usage_errors_are_exit_2(tmp_path):
    assert run_cli(ROOT, "preview").returncode == 2
    bad_dpi = run_cli(ROOT, "preview", HANDOUT, "--dpi", "5000", "--out", str(tmp_path))
    assert bad_dpi.returncode == 2 and "--dpi" in bad_dpi.stderr


# ---- specimen --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def specimens(tmp_path_factory):
    """Each shipped layout's proof sheet, written by the command."""
    folder = tmp_path_factory.mktemp("specimens")
    out = {}
    for name in LAYOUTS:
        target = folder / f"{name}.pdf"
        run = run_cli(ROOT, "specimen", name, "--out", str(target))
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == str(target)
        out[name] = target
    return out


@functools.lru_cache(maxsize=None)
def _text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


@pytest.mark.parametrize("name", LAYOUTS)
def test_specimen_names_every_style_and_palette_colour(specimens, name):
    theme = load_theme(ROOT, name)
    words = set(re.findall(r"[\w-]+", _text(specimens[name])))
    assert set(theme.styles) <= words, f"styles missing: {set(theme.styles) - words}"
    declared = {n for n in theme.palette if n not in ("white", "black")}
    assert declared <= words, f"palette names missing: {declared - words}"


@pytest.mark.parametrize("name", LAYOUTS)
def test_specimen_reports_each_palette_colour_contrast_on_white(specimens, name):
    theme = load_theme(ROOT, name)
    text = " ".join(_text(specimens[name]).split())
    for colour_name, colour in theme.palette.items():
        if colour_name in ("white", "black"):
            continue
        ratio = f"{contrast_ratio(colour, theme.palette['white']):.2f}:1 on white"
        assert ratio in text, f"{colour_name}: no '{ratio}'"
    # and against the other backgrounds a colour is drawn on: evergreen links on the mist stripes and boxes
    mist, evergreen = theme.palette["mist"], theme.palette["evergreen"]
    assert f"{contrast_ratio(evergreen, mist):.2f}:1 on mist #F3F0EB" in text


@pytest.mark.parametrize("name", LAYOUTS)
def test_specimen_uses_only_the_layout_fonts_embedded(specimens, name):
    with pikepdf.open(specimens[name]) as pdf:
        fonts = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"]
        assert fonts
        for font in fonts:
            base = str(font.get("/BaseFont")).lstrip("/").split("+")[-1]
            assert base not in BASE14, f"standard-14 font {base} in the specimen"
            assert base.startswith("AtkinsonHyperlegible"), base
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
            assert descriptor is not None and "/FontFile2" in descriptor, f"{base} is not embedded"


def test_specimen_shows_every_face_with_accents_and_quotes_and_no_missing_glyphs(specimens):
    theme = load_theme(ROOT, "maple-mountain")
    text = _text(specimens["maple-mountain"])
    for faces in theme.families.values():
        for path in faces.values():
            assert path.name in text
    for sample in ("á é í ó ú ñ ü", "“double”", "‘single’"):
        assert sample in text
    have = font_chars("AtkinsonHyperlegible-Regular")
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in have}
    assert not missing, f"the specimen prints characters its font lacks: {missing}"


def test_specimen_default_output_and_a_bad_layout(tmp_path):
    from handoutpress.designer.specimen import write_specimen

    project = tmp_path / "p"
    for sub in ("layouts", "fonts", "handouts"):
        shutil.copytree(ROOT / sub, project / sub)
    path = write_specimen(project, "maple-mountain")
    assert path == project / "out" / "specimen-maple-mountain.pdf" and path.is_file()
    run = run_cli(ROOT, "specimen", "maple-montain", "--out", str(tmp_path / "x.pdf"))
    assert run.returncode == 1
    assert "error: layouts/maple-montain.yaml: no layout named 'maple-montain'; did you mean 'maple-mountain'?" \
        in run.stderr
    assert not (tmp_path / "x.pdf").exists()


# ---- layout show -----------------------------------------------------------------------------

SHOW_LINE = re.compile(r"^(\S+) = (.*?)\s+\((.+)\)$")


def _shown(*args):
    run = run_cli(ROOT, "layout", "show", *args)
    assert run.returncode == 0, run.stderr
    rows = {}
    for line in run.stdout.splitlines():
        if line.startswith("#"):
            continue
        m = SHOW_LINE.match(line)
        assert m, f"unexpected line: {line!r}"
        rows[m.group(1)] = (m.group(2), m.group(3))
    return rows


def test_layout_show_says_where_each_value_comes_from():
    rows = _shown("maple-mountain-large-print")
    large = (ROOT / LARGE).read_text("utf-8")
    parent = (ROOT / LAYOUT).read_text("utf-8")
    # set in the large-print file
    assert rows["styles.body.size"] == ("18", f"{LARGE}:{line_of(large, 'body: {size: 18')}")
    # only in the parent
    assert rows["styles.body.colour"] == ("ink", f"{LAYOUT}:{line_of(parent, '  body: {size: 12')}")
    assert rows["palette.evergreen"] == ("#1F4E4A", f"{LAYOUT}:{line_of(parent, 'evergreen:')}")
    # no file sets it: the declared default
    assert rows["styles.body.font"] == ("body", "default")
    assert rows["styles.body.bold"] == ("false", "default")
    # every style and every declared key of one is listed
    theme = load_theme(ROOT, "maple-mountain-large-print")
    for style in theme.styles:
        for key in ("font", "bold", "size", "leading", "colour", "space_before", "space_after"):
            assert f"styles.{style}.{key}" in rows


def test_layout_show_json():
    run = run_cli(ROOT, "layout", "show", "maple-mountain-large-print", "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["files"] == [LARGE, LAYOUT]
    values = {v["path"]: v for v in data["values"]}
    assert values["styles.body.size"]["value"] == 18 and values["styles.body.size"]["file"] == LARGE
    assert values["styles.heading2.bold"]["value"] is True and values["styles.heading2.bold"]["file"] == LAYOUT
    assert values["styles.body.font"]["default"] is True and values["styles.body.font"]["file"] is None


def test_layout_show_of_a_bad_layout_is_exit_1_with_the_layouts_named():
    run = run_cli(ROOT, "layout", "show", "large-print")
    assert run.returncode == 1
    assert run.stderr.startswith("error: layouts/large-print.yaml: no layout named 'large-print'")
    assert "maple-mountain-large-print" in run.stderr
    assert run.stdout == ""
    run = run_cli(ROOT, "layout", "show", "../handouts/benzodiazepines")
    assert run.returncode == 1 and "no layout named" in run.stderr
