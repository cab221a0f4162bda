"""The clinic's one-colour SVG mark as inline SVG: only shapes and their geometry are kept, in
currentColor, so nothing in the file (scripts, handlers, styles, references) reaches the page."""
from __future__ import annotations

from html import escape

from lxml import etree

SHAPES = {"g", "path", "circle", "ellipse", "rect", "polygon", "polyline", "line"}
GEOMETRY = {"d", "cx", "cy", "r", "rx", "ry", "x", "y", "width", "height", "points", "x1", "y1", "x2", "y2",
            "transform", "fill-rule", "clip-rule"}


def inline_mark(svg: bytes, title: str, title_id: str) -> str:
    """<svg role="img"> with a <title> naming it; empty when the file holds no usable shape."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    try:
        root = etree.fromstring(svg, parser)
    except etree.XMLSyntaxError:
        return ""  # the layout loader reports a broken mark; the page then shows the wordmark alone
    view_box = " ".join(_number(v) for v in (root.get("viewBox") or "").replace(",", " ").split())
    if len(view_box.split()) != 4:
        return ""
    shapes = "".join(_shape(node) for node in root if isinstance(node.tag, str))
    if not shapes:
        return ""
    return (f'<svg class="mark" role="img" aria-labelledby="{title_id}" viewBox="{view_box}" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="{title_id}">{escape(title)}</title>{shapes}</svg>')


def _shape(node) -> str:
    name = etree.QName(node).localname
    if name not in SHAPES:
        return ""
    attrs = "".join(f' {k}="{escape(node.get(k), quote=True)}"' for k in sorted(GEOMETRY) if node.get(k) is not None)
    fill = ' fill="currentColor"' if name != "g" else ""
    inner = "".join(_shape(kid) for kid in node if isinstance(kid.tag, str)) if name == "g" else ""
    return f"<{name}{attrs}{fill}>{inner}</{name}>"


def _number(text: str) -> str:
    try:
        return f"{float(text):g}"
    except ValueError:
        return "x"  # not a number: the viewBox check above then fails
