"""Visual regression: page 1 of every shipped variant against tests/visual/<handout>-<variant>.png.

After an intended change, refresh the references with

    python publish.py preview --refresh-references

and look at the changed PNGs before committing them.
"""
from __future__ import annotations

import shutil

from PIL import Image

from conftest import ROOT
from handoutpress.designer import visual
from handoutpress.designer.preview import render_handout
from project_copy import LAYOUT, copy_project, edit, run_cli


def test_page_one_matches_its_reference(manifest_entry, manifest_pdf, tmp_path):
    reference = visual.reference_path(ROOT, manifest_entry["handout"], manifest_entry["variant"])
    message = visual.check_page_one(manifest_pdf.read_bytes(), reference, tmp_path)
    assert message is None, message


def test_every_reference_belongs_to_a_shipped_variant(published):
    shipped = {f"{e['handout']}-{e['variant']}.png" for e in published.outputs}
    stored = {p.name for p in (ROOT / visual.REFERENCE_DIR).glob("*.png")}
    assert stored == shipped, ("references without a variant: "
                               f"{sorted(stored - shipped)}; variants without a reference: {sorted(shipped - stored)}; "
                               "run: python publish.py preview --refresh-references")


def test_references_are_small_and_at_the_reference_resolution():
    for path in (ROOT / visual.REFERENCE_DIR).glob("*.png"):
        with Image.open(path) as img:
            assert img.mode == "RGB"
            # a page is at most A4/letter: 8.5-8.27 in wide, 11-11.69 in tall
            assert img.width <= 8.5 * visual.REFERENCE_DPI + 1 and img.height <= 11.7 * visual.REFERENCE_DPI + 1
        assert path.stat().st_size < 200_000, f"{path.name} is {path.stat().st_size} bytes"


# ---- the tolerance ---------------------------------------------------------------------------

def _reference(name="benzodiazepines-patient.png"):
    with Image.open(ROOT / visual.REFERENCE_DIR / name) as img:
        return img.convert("RGB")


def test_identical_pages_match():
    page = _reference()
    result = visual.compare(page, page.copy())
    assert result.ok and result.differing == 0


def test_edge_noise_below_the_pixel_threshold_is_ignored():
    page = _reference()
    shifted = page.point(lambda v: min(255, v + visual.PIXEL_THRESHOLD))  # every pixel a little lighter
    assert visual.compare(page, shifted).differing == 0


def test_a_few_changed_pixels_are_tolerated_but_more_fail():
    page = _reference()
    total = page.width * page.height
    allowed = int(total * visual.MAX_DIFF_FRACTION)

    def spoil(count):
        img = page.copy()
        px = img.load()
        for i in range(count):
            x, y = i % img.width, i // img.width
            r, g, b = px[x, y]
            px[x, y] = (255 - r, 255 - g, 255 - b)  # inverted: far over the threshold
        return img

    assert visual.compare(page, spoil(allowed)).ok
    failing = visual.compare(page, spoil(allowed + 50))
    assert not failing.ok and failing.differing == allowed + 50


def test_a_different_page_size_fails():
    page = _reference()
    assert not visual.compare(page, page.resize((page.width, page.height + 10))).ok


# ---- negative test: a visible change must fail ------------------------------------------------

def test_a_changed_layout_colour_fails_and_names_the_actual_and_diff_images(tmp_path):
    root = copy_project(tmp_path / "project", cli=False)
    edit(root, LAYOUT, 'evergreen: "#1F4E4A"', 'evergreen: "#7A2E1F"')  # the band and headings, brick red
    rendered = render_handout(root, "benzodiazepines", ["patient"])[0]
    assert rendered.built is not None, rendered.problems
    report = tmp_path / "report"
    message = visual.check_page_one(rendered.built.data, visual.reference_path(ROOT, "benzodiazepines", "patient"),
                                    report)
    assert message is not None, "page 1 changed colour but matched its reference"
    actual, diff = report / "benzodiazepines-patient-actual.png", report / "benzodiazepines-patient-diff.png"
    assert actual.is_file() and diff.is_file()
    assert str(actual) in message and str(diff) in message
    assert "--refresh-references" in message
    with Image.open(diff) as img:
        red = dict((c, n) for n, c in img.convert("RGB").getcolors(1 << 24)).get((220, 0, 0), 0)
    assert red > 0.05 * img.width * img.height  # the band alone is more than 5 % of the page


def test_a_missing_reference_is_a_failure_with_the_page_written(tmp_path):
    rendered = render_handout(ROOT, "benzodiazepines", ["family"])[0]
    message = visual.check_page_one(rendered.built.data, tmp_path / "nothing-here.png", tmp_path / "report")
    assert message and "no reference image" in message
    assert (tmp_path / "report" / "nothing-here-actual.png").is_file()


# ---- the one refresh command ------------------------------------------------------------------

def test_refresh_references_rewrites_only_what_changed_and_removes_retired_ones(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "handouts" / "visit.yaml").unlink()  # only the shipped handouts
    shutil.copytree(ROOT / visual.REFERENCE_DIR, root / visual.REFERENCE_DIR)
    stale = root / visual.REFERENCE_DIR / "benzodiazepines-retired.png"
    stale.write_bytes((root / visual.REFERENCE_DIR / "benzodiazepines-patient.png").read_bytes())

    first = visual.refresh_references(root)  # brings the copy up to date (nothing to do if the shipped ones are)
    assert first.problems == [] and first.removed == [stale] and not stale.exists()
    before = {p.name: p.read_bytes() for p in (root / visual.REFERENCE_DIR).glob("*.png")}
    again = visual.refresh_references(root)  # the same input gives the same pictures: nothing is rewritten
    assert again.written == [] and again.removed == [] and len(again.unchanged) == len(before)
    assert {p.name: p.read_bytes() for p in (root / visual.REFERENCE_DIR).glob("*.png")} == before

    edit(root, LAYOUT, 'evergreen: "#1F4E4A"', 'evergreen: "#7A2E1F"')
    run = run_cli(root, "preview", "--refresh-references", "benzodiazepines", "--variant", "patient")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "updated tests/visual/benzodiazepines-patient.png"
    assert "1 updated, 0 unchanged" in run.stdout
    new = root / visual.REFERENCE_DIR / "benzodiazepines-patient.png"
    with Image.open(new) as img:
        assert not visual.compare(_reference(), img.convert("RGB")).ok


def test_refresh_references_refuses_out_and_dpi():
    run = run_cli(ROOT, "preview", "--refresh-references", "--dpi", "72")
    assert run.returncode == 2
    assert "drop --out and --dpi" in run.stderr
