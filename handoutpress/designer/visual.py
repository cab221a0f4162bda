"""Visual regression: page 1 of every shipped variant against a reference PNG in tests/visual/.

References are small (REFERENCE_DPI) RGB PNGs named <handout>-<variant>.png. They are
refreshed after an intended change with

    python publish.py preview --refresh-references

and compared in tests/test_visual.py with a tolerance: a pixel counts as different when one of
its channels differs by more than PIXEL_THRESHOLD (of 255), and page 1 fails when more than
MAX_DIFF_FRACTION of its pixels differ (or its size changed).
"""
from __future__ import annotations

from dataclasses import field
from pathlib import Path

from ..records import dataclass

REFERENCE_DIR = Path("tests") / "visual"
REFERENCE_DPI = 50  # a letter page is 425 x 550 pixels: enough to see a layout change, ~40 KB a file
# Anti-aliased edges move by a few levels between PDFium/FreeType versions and platforms; a colour,
# font, size or position change moves whole glyphs, rules and fills by far more than 32 levels.
PIXEL_THRESHOLD = 32
# 0.5 % of a 425 x 550 page is ~1,170 pixels: more than edge noise, less than one changed line of
# body text (a 12 pt line at 50 dpi is ~2,500 pixels of which ~40 % are ink), a moved heading or
# any change of a colour that fills the title band or a box.
MAX_DIFF_FRACTION = 0.005


def reference_path(root: Path, handout_id: str, variant: str) -> Path:
    return Path(root) / REFERENCE_DIR / f"{handout_id}-{variant}.png"


def page_one(data: bytes, dpi: float = REFERENCE_DPI):
    """Page 1 of a PDF as a PIL RGB image, as the references are made."""
    from .preview import page_images

    return page_images(data, dpi, pages=[0])[0]


@dataclass
class Comparison:
    differing: int  # pixels whose largest channel difference is above the threshold
    total: int
    size_changed: bool
    threshold: int
    max_fraction: float

    @property
    def fraction(self) -> float:
        return self.differing / self.total if self.total else 1.0

    @property
    def ok(self) -> bool:
        return not self.size_changed and self.fraction <= self.max_fraction

    def __str__(self) -> str:
        if self.size_changed:
            return "the page size changed"
        return (f"{self.differing} of {self.total} pixels ({self.fraction:.2%}) differ by more than "
                f"{self.threshold}/255; at most {self.max_fraction:.2%} may")


def _mask(expected, actual, threshold: int):
    """An L image: 255 where any channel of the two RGB images differs by more than threshold."""
    from PIL import ImageChops

    r, g, b = ImageChops.difference(expected.convert("RGB"), actual.convert("RGB")).split()
    largest = ImageChops.lighter(ImageChops.lighter(r, g), b)
    return largest.point(lambda v: 255 if v > threshold else 0)


def compare(expected, actual, threshold: int = PIXEL_THRESHOLD,
            max_fraction: float = MAX_DIFF_FRACTION) -> Comparison:
    """How far apart two page images are, by the tolerance above."""
    if expected.size != actual.size:
        return Comparison(expected.width * expected.height, expected.width * expected.height, True, threshold,
                          max_fraction)
    differing = _mask(expected, actual, threshold).histogram()[255]
    return Comparison(differing, expected.width * expected.height, False, threshold, max_fraction)


def diff_image(expected, actual, threshold: int = PIXEL_THRESHOLD):
    """The actual page faded to light grey with every differing pixel in solid red (sizes may differ)."""
    from PIL import Image

    width, height = max(expected.width, actual.width), max(expected.height, actual.height)
    canvas_e = Image.new("RGB", (width, height), "white")
    canvas_a = Image.new("RGB", (width, height), "white")
    canvas_e.paste(expected.convert("RGB"), (0, 0))
    canvas_a.paste(actual.convert("RGB"), (0, 0))
    faded = Image.blend(canvas_a.convert("L").convert("RGB"), Image.new("RGB", (width, height), "white"), 0.7)
    faded.paste(Image.new("RGB", (width, height), (220, 0, 0)), (0, 0), _mask(canvas_e, canvas_a, threshold))
    return faded


def check_page_one(data: bytes, reference: Path, report_dir: Path) -> str | None:
    """None when page 1 of the PDF matches the reference PNG; otherwise a message naming the
    actual page and a diff image written to report_dir."""
    from PIL import Image

    from .preview import png_bytes

    actual = page_one(data)
    fix = "if the change is intended, run: python publish.py preview --refresh-references"
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    actual_path = report_dir / f"{reference.stem}-actual.png"
    if not reference.is_file():
        actual_path.write_bytes(png_bytes(actual))
        return f"no reference image {reference} (page 1 as rendered now: {actual_path}); {fix}"
    with Image.open(reference) as img:
        expected = img.convert("RGB")
    result = compare(expected, actual)
    if result.ok:
        return None
    diff_path = report_dir / f"{reference.stem}-diff.png"
    actual_path.write_bytes(png_bytes(actual))
    diff_path.write_bytes(png_bytes(diff_image(expected, actual)))
    return (f"page 1 no longer matches {reference}: {result}. Actual: {actual_path}; "
            f"differences in red: {diff_path}; {fix}")


@dataclass
class RefreshReport:
    written: list = field(default_factory=list)  # Paths whose image changed (or is new)
    unchanged: list = field(default_factory=list)
    removed: list = field(default_factory=list)  # references of variants that no longer exist
    problems: list = field(default_factory=list)


def refresh_references(root: Path, names=(), variant_names=()) -> RefreshReport:
    """Render page 1 of every shipped variant (or the chosen handouts and variants) and rewrite
    tests/visual/<handout>-<variant>.png where the picture changed.

    A reference is rewritten only when the new image differs from it at all, so refreshing
    twice, or refreshing on a machine whose renderer draws edges a level differently, leaves
    untouched files untouched. With no names given, references of variants that no longer
    exist are removed.
    """
    from PIL import Image, ImageChops

    from ..errors import PublishError
    from ..publish.inputs import select
    from ..publish.output import write_atomic
    from .preview import png_bytes, render_handout

    root = Path(root)
    report = RefreshReport()
    if names:
        handouts = list(names)
    else:
        handouts = [p.stem for p in select(root, [])[0]]
    keep = set()
    failed_any = False
    for name in handouts:
        try:
            rendered = render_handout(root, name, variant_names)
        except PublishError as exc:
            report.problems += exc.problems
            failed_any = True
            continue
        for item in rendered:
            path = reference_path(root, item.handout_id, item.variant)
            keep.add(path)
            if item.built is None:
                report.problems += item.problems
                failed_any = True
                continue
            image = page_one(item.built.data)
            if path.is_file():
                with Image.open(path) as old:
                    same = old.size == image.size and ImageChops.difference(
                        old.convert("RGB"), image).getbbox() is None
                if same:
                    report.unchanged.append(path)
                    continue
            write_atomic(path, png_bytes(image))
            report.written.append(path)
    folder = root / REFERENCE_DIR
    if not names and not variant_names and not failed_any and folder.is_dir():
        for path in sorted(folder.glob("*.png")):
            if path not in keep:
                path.unlink()
                report.removed.append(path)
    return report
