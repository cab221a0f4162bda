"""Pictures for figures: found in the project, and checked to be what they say they are before layout."""
from __future__ import annotations

from pathlib import Path

from ..records import dataclass

MAX_BYTES = 10_000_000  # a handout picture is tens to hundreds of KB; 10 MB would swamp an e-mailed PDF
MAX_PIXELS = 25_000_000  # 5000 x 5000: far past print resolution at full width; decoding more is a risk
MAX_SVG_ELEMENTS = 10_000  # after <use> references are copied out
FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg"}
MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}
FORBIDDEN_SVG = {"text", "tspan", "textPath", "image", "foreignObject", "script"}
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


@dataclass
class ImageProblem(Exception):
    message: str
    fix: str
    code: str = "image-format"


def find(written: str, folder: Path, root: Path) -> Path:
    """The file named by image:, beside the handout or else from the project folder; never outside it."""
    rel = Path(written)
    if rel.is_absolute() or written.startswith(("~", "\\")):
        raise ImageProblem(f"'{written}' is not a path inside the project",
                           "write the path relative to the handout's folder or the project, e.g. images/steps.png",
                           code="image-missing")
    project = root.resolve()
    for base in (folder, root):
        path = (base / rel).resolve()
        if not path.is_relative_to(project):
            raise ImageProblem(f"'{written}' leads out of the project folder",
                               "put the picture in the project (e.g. images/) and name it from there",
                               code="image-missing")
        if path.is_file():
            return path
    raise ImageProblem(f"no picture '{written}' beside the handout or in the project",
                       "check the file name, or put the picture in images/ and write image: images/<name>",
                       code="image-missing")


def probe(path: Path) -> tuple[str, tuple]:
    """(format, (width, height)) of a PNG, JPEG or SVG file, or an ImageProblem saying what is wrong."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImageProblem(f"'{path.name}' is not a PNG, JPEG or SVG file",
                           "export the picture as .png, .jpg or .svg", code="image-format")
    size = path.stat().st_size
    if size == 0:
        raise ImageProblem(f"'{path.name}' is empty (0 bytes)", "export the picture again", code="image-empty")
    if size > MAX_BYTES:
        raise ImageProblem(f"'{path.name}' is {size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB a handout "
                           "picture may have", "export it smaller (about 1500 pixels wide is plenty for print)",
                           code="image-too-large")
    return fmt, (_svg_size(path) if fmt == "svg" else _bitmap_size(path, fmt))


def _bitmap_size(path: Path, fmt: str) -> tuple:
    from PIL import Image

    with path.open("rb") as f:
        head = f.read(8)
    if not head.startswith(MAGIC[fmt]):
        actual = next((k for k, magic in MAGIC.items() if head.startswith(magic)), None)
        said = f"it is a {actual.upper()} file" if actual else "its contents are not a picture of that kind"
        raise ImageProblem(f"'{path.name}' is named .{path.suffix[1:]} but {said}",
                           f"export it again as {fmt.upper()}, or give it the right extension", code="image-format")
    try:
        with Image.open(path) as im:
            w, h = im.size
            if w * h > MAX_PIXELS:  # checked before anything is decoded
                raise ImageProblem(f"'{path.name}' is {w} x {h} pixels, over the {MAX_PIXELS / 1e6:.0f} million "
                                   "a handout picture may have",
                                   "export it smaller (about 1500 pixels wide is plenty for print)", code="image-too-large")
            if im.mode in ("CMYK", "I;16", "I", "F"):
                raise ImageProblem(f"'{path.name}' is in {im.mode} colour, which the PDF's sRGB colour space "
                                   "cannot hold", "export it as RGB (sRGB) or greyscale", code="image-format")
            im.load()  # a truncated or corrupt file fails here, not halfway through a build
    except ImageProblem:
        raise
    except Exception as exc:  # Pillow raises many kinds for a damaged file
        raise ImageProblem(f"'{path.name}' cannot be read as {fmt.upper()} ({exc.__class__.__name__})",
                           "export the picture again", code="image-format") from None
    if not w or not h:
        raise ImageProblem(f"'{path.name}' has no size ({w} x {h} pixels)", "export the picture again", code="image-empty")
    return w, h


def _svg_size(path: Path) -> tuple:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        raise ImageProblem(f"'{path.name}' is named .svg but is not SVG ({str(exc)[:80]})",
                           "export it again as SVG, or give it the right extension", code="image-format") from None
    if etree.QName(root).localname != "svg":
        raise ImageProblem(f"'{path.name}' is named .svg but is not SVG (its first element is "
                           f"<{etree.QName(root).localname}>)", "export it again as SVG", code="image-format")
    ids = {}
    for node in root.iter(etree.Element):
        name = etree.QName(node).localname
        if name in FORBIDDEN_SVG:
            raise ImageProblem(f"'{path.name}' contains <{name}> (line {node.sourceline}): text, scripts and "
                               "embedded pictures would not print as drawn", "convert text to outlines, and export "
                               "embedded pictures as PNG instead", code="image-format")
        href = node.get("href") or node.get(XLINK_HREF)
        if href is not None and not href.strip().startswith("#"):
            raise ImageProblem(f"'{path.name}' refers to another file or address (line {node.sourceline})",
                               "keep everything the drawing needs inside the SVG", code="image-format")
        if node.get("id"):
            ids[node.get("id")] = node
    _count(root, ids, path)
    w, h = _svg_dimensions(root)
    if not w or not h:
        raise ImageProblem(f"'{path.name}' has no size", 'give the <svg> element a viewBox, e.g. viewBox="0 0 400 300"',
                           code="image-empty")
    return w, h


def _count(root, ids, path):
    """Refuse an SVG whose <use> references copy out to more than MAX_SVG_ELEMENTS elements, or loop."""
    from lxml import etree

    sizes = {}

    def size(node, chain):
        if node in sizes:
            return sizes[node]
        if node in chain or len(chain) > 200:
            raise ImageProblem(f"'{path.name}' has <use> references that go round in a circle",
                               "export the drawing again", code="image-too-large")
        href = (node.get("href") or node.get(XLINK_HREF) or "").strip()
        parts = [ids[href[1:]]] if etree.QName(node).localname == "use" and href[1:] in ids else []
        total = 1
        for part in parts + list(node.iterchildren(etree.Element)):
            total += size(part, chain + (node,))
            if total > MAX_SVG_ELEMENTS:
                raise ImageProblem(f"'{path.name}' has over {MAX_SVG_ELEMENTS:,} shapes once its <use> references "
                                   "are copied out", "simplify the drawing, or export it as PNG", code="image-too-large")
        sizes[node] = total
        return total

    size(root, ())


def _svg_dimensions(root) -> tuple:
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return abs(float(box[2])), abs(float(box[3]))
        except ValueError:
            pass
    try:
        return (float((root.get("width") or "0").rstrip("px")), float((root.get("height") or "0").rstrip("px")))
    except ValueError:
        return 0, 0
