"""Load a clinic's SVG mark as a ReportLab drawing at any size: in its own colours, or in one ink."""
from __future__ import annotations

import logging
import math
import os
from contextlib import contextmanager
from pathlib import Path

from reportlab.graphics.shapes import Drawing, Group, Image, String
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.colors import Color
from reportlab.lib.validators import isColorOrNone
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import PublishError, problem
from .markstore import decode, encode

MAX_BYTES = 1_000_000  # a logo mark is a few KB; anything this large is a mistake or an attack

# Text would pull in a standard (non-embedded) font, images bring their own colours.
FORBIDDEN = {"text", "tspan", "textPath", "image", "foreignObject"}

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# <use> copies what it refers to, so 20 levels of two <use> each expand to a million shapes (svglib takes
# half a minute): the elements after expansion are counted before svglib runs.
MAX_ELEMENTS = 10_000  # a real mark has tens to a few hundred

FIX = "export the mark as a plain SVG of paths and shapes (convert text to outlines)"
WHITE = "#ffffff"  # in one ink, white shapes are holes: they take the band's colour, not the ink
MODES = ("auto", "own", "one-ink")  # title_band.logo_colours


class Mark(Drawing):
    """A Drawing whose renderer starts in the mark's own ink instead of ReportLab's black."""

    # Drawing only declares initialFontName/Size; the renderer honours any initial<State>.
    _attrMap = AttrMap(BASE=Drawing,
                       initialFillColor=AttrMapValue(isColorOrNone, desc="starting fill colour"),
                       initialStrokeColor=AttrMapValue(isColorOrNone, desc="starting stroke colour"))


class _Complaints(logging.Handler):
    """Collects the messages of svglib's warnings and errors."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def _svglib_complaints():
    """Catch what svglib logs while it parses, instead of letting it reach the terminal."""
    # svglib logs what it cannot draw (a bad colour, transform or reference) and carries on,
    # so the mark would print subtly wrong; we turn the first complaint into a problem.
    log = logging.getLogger("svglib.svglib")
    handler, propagate = _Complaints(), log.propagate
    log.addHandler(handler)
    log.propagate = False
    try:
        yield handler.messages
    finally:
        log.removeHandler(handler)
        log.propagate = propagate


def _read_mark(path: Path) -> bytes:
    """The bytes of the mark at path, or a problem: missing, unreadable, too large."""
    if not path.is_file():
        raise problem(path, None, None, "", "the logo mark file is missing (or not a file)",
                      "check the path, or put the SVG in layouts/assets/", code="logo-missing")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise problem(path, None, None, "", f"cannot read the logo mark ({err.strerror})",
                      "check the file's permissions", code="logo-unreadable") from None
    if len(data) > MAX_BYTES:
        raise problem(path, None, None, "", f"the logo mark is {len(data):,} bytes, too large",
                      FIX, code="logo-too-large")
    return data


def _check_svg(path: Path, data: bytes) -> None:
    """Raise a problem unless data (read from path) is a well-formed SVG without text or images."""
    from lxml import etree

    # Entities and network access stay off: an SVG is data, not a program.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        line, column = err.position if err.position else (None, None)
        raise problem(path, line, column, "", f"the logo mark is not valid SVG ({err.msg})",
                      FIX, code="logo-invalid") from None
    if etree.QName(root).localname != "svg":
        raise problem(path, root.sourceline, None, "", "the logo mark is not an SVG file", FIX, code="logo-invalid")
    for node in root.iter(etree.Element):
        name = etree.QName(node).localname
        if name in FORBIDDEN:
            raise problem(path, node.sourceline, None, "",
                          f"the logo mark contains <{name}>; text and images are not allowed", FIX,
                          code="logo-forbidden")
        # <use href="../../elsewhere.svg#a"> would make svglib read a file outside the project (it refuses
        # only absolute paths), and an address would be a request: a mark refers only to its own parts.
        href = node.get("href") or node.get(XLINK_HREF)
        if href is not None and not href.strip().startswith("#"):
            raise problem(path, node.sourceline, None, "",
                          f"the logo mark refers to another file or address ({href[:80]}); only #references "
                          "to its own parts are allowed", FIX, code="logo-external")
    if not root.get("viewBox") and not (root.get("width") and root.get("height")):
        raise problem(path, root.sourceline, None, "", "the logo mark has no size",
                      'give the <svg> element a viewBox, e.g. viewBox="0 0 100 100"', code="logo-no-size")
    _check_expansion(root, path)


def _check_expansion(root, path: Path) -> None:
    """Refuse a mark whose <use> references expand to over MAX_ELEMENTS elements (or refer in a circle)."""
    from lxml import etree

    ids = {node.get("id"): node for node in root.iter(etree.Element) if node.get("id")}
    sizes: dict = {}  # element -> its element count with every <use> expanded

    def size(node, chain: tuple) -> int:
        if node in sizes:
            return sizes[node]
        if node in chain or len(chain) > 200:
            raise problem(path, node.sourceline, None, "", "the logo mark's <use> references go round in a "
                          "circle (or nest over 200 deep)", FIX, code="logo-use-loop")
        total = 1
        href = (node.get("href") or node.get(XLINK_HREF) or "").strip()
        parts = [ids[href[1:]]] if etree.QName(node).localname == "use" and href[1:] in ids else []
        for part in parts + list(node.iterchildren(etree.Element)):
            total += size(part, chain + (node,))
            if total > MAX_ELEMENTS:  # named at the part that tips it over: the <use> or the group it copies
                raise problem(path, (node if parts and part is parts[0] else part).sourceline, None, "",
                              f"the logo mark expands to over {MAX_ELEMENTS:,} shapes once its <use> references "
                              "are copied out", "simplify the mark: " + FIX, code="logo-too-complex")
        sizes[node] = total
        return total

    size(root, ())


MAX_NUMBER = 1e6  # a coordinate, length or transform entry; no mark needs more, PDF readers choke on more
MIN_SIZE = 1e-3  # the mark's own width and height: scaled up from less, its numbers overflow
MIN_DETERMINANT = 1e-12  # a transform that flattens a shape to nothing (ReportLab cannot invert it)


def _numbers_problem(path: Path, detail: str):
    return problem(path, None, None, "", f"the logo mark has numbers that cannot be drawn ({detail})",
                   "export it again with ordinary sizes: a viewBox such as 0 0 100 100 and coordinates, lengths "
                   "and transforms within it", code="logo-numbers")


def _finite(value) -> bool:
    return math.isfinite(value) and abs(value) <= MAX_NUMBER


def _check_numbers(node, path: Path, matrix=(1, 0, 0, 1, 0, 0)) -> None:
    """Every coordinate, length and transform under node is a finite, drawable number, and every
    transform, composed with those above it, keeps the shapes drawable."""
    from reportlab.graphics.transform import mmult

    transform = getattr(node, "transform", None)
    if transform is not None:
        transform = tuple(transform)
        if not all(_finite(v) for v in transform):
            raise _numbers_problem(path, f"transform {', '.join(f'{v:g}' for v in transform)}")
        matrix = mmult(matrix, transform)
        determinant = matrix[0] * matrix[3] - matrix[1] * matrix[2]
        if not all(_finite(v) for v in matrix) or not abs(determinant) >= MIN_DETERMINANT:
            raise _numbers_problem(path, "a transform scales its shapes out of all proportion")
    if isinstance(node, Group):
        for child in node.contents:
            _check_numbers(child, path, matrix)
        return
    for name, value in vars(node).items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if isinstance(v, (int, float)) and not isinstance(v, bool) and not _finite(v):
                raise _numbers_problem(path, f"{name} {v:g}")


def _shapes(group: Group, path: Path):
    """Every shape under group, refusing text and images svglib let through."""
    for node in group.contents:
        if isinstance(node, Group):
            yield from _shapes(node, path)
        elif isinstance(node, (String, Image)):
            raise problem(path, None, None, "", "the logo mark contains text or an image", FIX, code="logo-forbidden")
        else:
            yield node


def _hex(colour) -> str:
    return "#" + colour.hexval()[2:8].lower()


def inks(group: Group, path: Path) -> list[str]:
    """The colours a mark paints, other than white, as #rrggbb in the order first used."""
    found = []
    for node in _shapes(group, path):
        for attr in ("fillColor", "strokeColor"):
            colour = getattr(node, attr, None)
            if colour is not None and _hex(colour) != WHITE and _hex(colour) not in found:
                found.append(_hex(colour))
    return found


def _recolour(group: Group, colour: Color, hole: Color | None, path: Path) -> None:
    """Paint every shape under group in colour, and white ones (holes in the mark) in hole."""
    for node in _shapes(group, path):
        for attr in ("fillColor", "strokeColor"):
            # None means "not painted" (fill="none"); keep it so outlines stay outlines.
            current = getattr(node, attr, None)
            if current is not None:
                setattr(node, attr, hole if hole is not None and _hex(current) == WHITE else colour)


def _embedded_font() -> str | None:
    """The first registered TrueType font (registration order), or None if there is none."""
    for name in pdfmetrics.getRegisteredFontNames():
        if isinstance(pdfmetrics.getFont(name), TTFont):
            return name
    return None


def mark_inks(path: Path, store=None) -> list[str]:
    """The colours other than white that the mark at path paints (it has been checked already)."""
    try:
        svg = _parsed(Path(path), store)
    except PublishError:
        return []
    return inks(Group(*svg.contents), Path(path))


def _parsed(path: Path, store=None, read: bool = True):
    """svglib's drawing of the checked mark at path (width, height, contents); from store when it holds
    the drawing of these very bytes (then neither lxml nor svglib is imported: 50 ms of a cold build).
    read=False: parse the SVG, and keep what it gives in the store over what was there."""
    data = _read_mark(path)
    if store is not None and read:
        kept = decode(store.get(data))
        if kept is not None:
            return kept
    _check_svg(path, data)
    from svglib.svglib import svg2rlg

    with _svglib_complaints() as complaints:
        try:
            svg = svg2rlg(str(path))
        except (ArithmeticError, ValueError) as err:  # svglib's own arithmetic on absurd numbers
            raise _numbers_problem(path, str(err)) from None
    if svg is None or complaints:
        reason = complaints[0] if complaints else "unreadable"
        raise problem(path, None, None, "", f"the logo mark cannot be drawn as written ({reason})",
                      FIX, code="logo-unusable")
    if store is not None:
        kept = encode(svg)
        if kept is not None and path.read_bytes() == data:  # the file svglib read is the one checked
            store.put(data, kept)
    return svg


def one_ink(mode: str, colours: list) -> bool:
    """Whether a mark is painted in the layout's one ink: asked for, or (auto) a mark of one colour."""
    return mode == "one-ink" or (mode == "auto" and len(colours) <= 1)


def load_mark(path: Path, colour: Color, width: float, *, font_name: str | None = None, mode: str = "one-ink",
              background: Color | None = None, store=None) -> Drawing:
    """Load the SVG mark at path, scaled to width points wide: in its own colours, or painted in colour
    (its white shapes in background) when one_ink(mode, its colours). store: a MarkStore, or None;
    what it holds is only trusted while it draws: any problem is looked for again in the SVG itself."""
    options = dict(font_name=font_name, mode=mode, background=background)
    if store is not None:
        try:
            return _load_mark(Path(path), colour, width, store=store, **options)
        except PublishError:
            pass  # the mark's own problem, or a damaged store entry: the SVG says which (and is kept afresh)
    return _load_mark(Path(path), colour, width, store=store, read=False, **options)


def _load_mark(path: Path, colour: Color, width: float, *, font_name, mode, background, store,
               read=True) -> Drawing:
    svg = _parsed(path, store, read)
    if not svg.width or not svg.height:
        raise problem(path, None, None, "", "the logo mark has no size",
                      'give the <svg> element a viewBox, e.g. viewBox="0 0 100 100"', code="logo-no-size")
    if not (MIN_SIZE <= svg.width <= MAX_NUMBER and MIN_SIZE <= svg.height <= MAX_NUMBER):
        raise _numbers_problem(path, f"its size is {svg.width:g} x {svg.height:g}")
    # A fresh parse per call: drawings are mutable, so a shared one would keep the last colour.
    art = Group(*svg.contents)
    if one_ink(mode, inks(art, path)):
        _recolour(art, colour, background, path)
    scale = width / svg.width
    art.transform = (scale, 0, 0, scale, 0, 0)
    _check_numbers(art, path)
    mark = Mark(width, svg.height * scale)
    mark.add(art)
    # ReportLab's drawing renderer first sets its default state (black, Helvetica) even when
    # nothing uses it; start it in our ink and an embedded font so neither leaks into the PDF.
    mark.initialFillColor = mark.initialStrokeColor = colour
    font_name = font_name or _embedded_font()
    if font_name:
        mark.initialFontName = font_name
    return mark


def title_mark(theme, fonts: dict, clinic=None, cache: dict | None = None, store=None):
    """The title band's logo as a drawing (the clinic's own mark, else the layout's), or None: loaded
    here so the renderer reads no files.

    cache: a dict kept for one run; the same file (by path, size and change time) drawn with the same
    ink, width, font and colour mode is parsed once. Drawing a mark does not change it; what made each
    call parse afresh was recolouring, and the colour is part of the key."""
    band = theme.settings["title_band"]
    path = (getattr(clinic, "logo_path", None) if clinic is not None else None) or band.get("logo_path")
    if not path:
        return None
    args = (path, band["foreground"], band["logo_width"])
    options = dict(font_name=fonts["body"]["regular"], mode=band["logo_colours"], background=band["background"],
                   store=store)
    if cache is None:
        return load_mark(*args, **options)
    try:
        info = os.stat(path)
    except OSError:
        return load_mark(*args, **options)  # says what is wrong with the file
    background = band["background"]
    key = (str(path), info.st_size, info.st_mtime_ns, tuple(band["foreground"].rgba()), band["logo_width"],
           options["font_name"], options["mode"], tuple(background.rgba()) if background is not None else None)
    if key not in cache:
        cache[key] = load_mark(*args, **options)
    return cache[key]
