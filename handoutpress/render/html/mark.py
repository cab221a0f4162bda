"""The clinic's one-colour SVG mark as inline SVG: only shapes and their geometry are kept, in
currentColor, so nothing in the file (scripts, handlers, styles, references) reaches the page."""
from __future__ import annotations

import re
from html import escape

SHAPES = {"g", "path", "circle", "ellipse", "rect", "polygon", "polyline", "line"}
GEOMETRY = {"d", "cx", "cy", "r", "rx", "ry", "x", "y", "width", "height", "points", "x1", "y1", "x2", "y2",
            "transform", "fill-rule", "clip-rule"}
_NAMES, _ATTRS = "|".join(sorted(SHAPES)), "|".join(sorted(GEOMETRY, key=lambda a: (-len(a), a)))
# What mark_shapes() writes, and nothing else: shape tags with geometry in quotes (escaped), and numbers.
_WRITTEN = re.compile(rf'(?:<(?:{_NAMES})(?: (?:{_ATTRS})="[^"<>]*")*(?: fill="currentColor")?>|</(?:{_NAMES})>)+')
_VIEW_BOX = re.compile(r"-?[0-9.e+-]+(?: -?[0-9.e+-]+){3}")


def mark_shapes(svg: bytes) -> tuple[str, str] | None:
    """The mark's viewBox and its shapes as inline SVG markup, or None when it holds no usable shape."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    try:
        root = etree.fromstring(svg, parser)
    except etree.XMLSyntaxError:
        return None  # the layout loader reports a broken mark; the page then shows the wordmark alone
    view_box = " ".join(_number(v) for v in (root.get("viewBox") or "").replace(",", " ").split())
    if len(view_box.split()) != 4:
        return None
    shapes = "".join(_shape(node, etree) for node in root if isinstance(node.tag, str))
    return (view_box, shapes) if shapes else None


def well_formed(parts) -> bool:
    """Whether parts (kept between runs) are what mark_shapes() writes: shapes and numbers, no other markup."""
    return (isinstance(parts, (list, tuple)) and len(parts) == 2 and all(isinstance(p, str) for p in parts)
            and bool(_VIEW_BOX.fullmatch(parts[0])) and bool(_WRITTEN.fullmatch(parts[1])))


def inline_mark(svg: bytes | tuple | None, title: str, title_id: str) -> str:
    """<svg role="img"> with a <title> naming it; empty when the file holds no usable shape. svg: the
    file's bytes, or the (viewBox, shapes) mark_shapes() made of them."""
    parts = svg if isinstance(svg, tuple) else mark_shapes(svg) if svg else None
    if not parts or not well_formed(parts):
        return ""
    view_box, shapes = parts
    return (f'<svg class="mark" role="img" aria-labelledby="{title_id}" viewBox="{view_box}" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="{title_id}">{escape(title)}</title>{shapes}</svg>')


def _shape(node, etree) -> str:
    name = etree.QName(node).localname
    if name not in SHAPES:
        return ""
    attrs = "".join(f' {k}="{escape(node.get(k), quote=True)}"' for k in sorted(GEOMETRY) if node.get(k) is not None)
    fill = ' fill="currentColor"' if name != "g" else ""
    inner = "".join(_shape(kid, etree) for kid in node if isinstance(kid.tag, str)) if name == "g" else ""
    return f"<{name}{attrs}{fill}>{inner}</{name}>"


def _number(text: str) -> str:
    try:
        return f"{float(text):g}"
    except ValueError:
        return "x"  # not a number: well_formed() then refuses the viewBox
