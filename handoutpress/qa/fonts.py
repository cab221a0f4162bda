"""Fonts: embedded, no standard-14 fonts, in page content and in form appearances."""
from __future__ import annotations

import re

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from .findings import Finding, _dict_values, _resources

# ToUnicode values PDF/UA-1 and PDF/A-2 forbid (page-validation *-UNICODE-VALUE-001)
BAD_UNICODE = frozenset("\x00\ufeff\ufffe")

BASE14 = frozenset(
    """Times-Roman Times-Bold Times-Italic Times-BoldItalic Helvetica Helvetica-Bold
    Helvetica-Oblique Helvetica-BoldOblique Courier Courier-Bold Courier-Oblique
    Courier-BoldOblique Symbol ZapfDingbats""".split()
)


# ----- fonts


def _check_fonts(pdf: pikepdf.Pdf) -> list[Finding]:
    """Every font reachable from pages, form XObjects and appearance streams."""
    out, seen = [], set()
    for number, page in enumerate(pdf.pages, start=1):
        for font in _page_fonts(page.obj):
            if font.is_indirect and font.objgen in seen:  # report a shared font once
                continue
            seen.add(font.objgen)
            out += _font_findings(font, number)
    return out


def _page_fonts(page: Dictionary) -> list[Dictionary]:
    """Fonts in the page resources, nested XObjects/patterns/Type3 and annotation appearances."""
    holders = [page] + [s for a in page.get("/Annots", Array()) for s in _appearance_streams(a)]
    fonts: list[Dictionary] = []
    seen: set = set()
    for holder in holders:
        _collect_fonts(_resources(holder), fonts, seen)
    return fonts


def _collect_fonts(resources: Dictionary, fonts: list, seen: set) -> None:
    """Add fonts of resources, descending into forms, patterns and Type3 fonts."""
    if resources.is_indirect:  # shared resource dictionaries are common; cycles are possible
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    for font in _dict_values(resources.get("/Font")):
        fonts.append(font)
        if font.get("/Subtype") == Name.Type3 and isinstance(font.get("/Resources"), Dictionary):
            _collect_fonts(font.Resources, fonts, seen)
    for child in _dict_values(resources.get("/XObject")) + _dict_values(resources.get("/Pattern")):
        if isinstance(child.get("/Resources"), Dictionary):
            _collect_fonts(child.Resources, fonts, seen)


def _appearance_streams(annot) -> list[Stream]:
    """The /N, /R and /D appearance streams of an annotation, including state sub-dictionaries."""
    ap = annot.get("/AP") if isinstance(annot, Dictionary) else None
    out = []
    for entry in _dict_values(ap):
        out += [entry] if isinstance(entry, Stream) else [s for s in _dict_values(entry) if isinstance(s, Stream)]
    return out


def _font_findings(font: Dictionary, page: int) -> list[Finding]:
    """Base-14, not embedded, no ToUnicode."""
    name = str(font.get("/BaseFont", "/?"))[1:]
    bare = name.split("+", 1)[-1]  # drop a subset tag such as AAAAAA+
    subtype = font.get("/Subtype")
    out = []
    if bare in BASE14:
        out.append(Finding("standard-14-font", f"font {name} is one of the standard 14", page))
    if subtype != Name.Type3 and not _embedded(font):
        out.append(Finding("font-not-embedded", f"font {name} is not embedded", page))
    if "/ToUnicode" not in font:
        out.append(Finding("font-no-tounicode", f"font {name} has no /ToUnicode", page))
    else:
        bad = sorted(code for code, text in _to_unicode(font).items() if BAD_UNICODE & set(text))
        if bad:
            out.append(Finding("tounicode-value", f"font {name} maps {len(bad)} code(s) to U+0000, U+FEFF or "
                                                  f"U+FFFE in /ToUnicode (first: {bad[0]:#04x})", page))
    return out


_CMAP_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>|\[([^\]]*)\]")


def _to_unicode(font: Dictionary) -> dict[int, str]:
    """code -> text from the font's ToUnicode CMap (bfchar and bfrange entries)."""
    try:
        data = font.ToUnicode.read_bytes()
    except (AttributeError, pikepdf.PdfError):
        return {}
    out: dict[int, str] = {}
    utf16 = lambda h: bytes.fromhex(h.decode()).decode("utf-16-be", "surrogatepass")  # noqa: E731
    for kind, body in _CMAP_BLOCK.findall(data):
        tokens = _HEX.findall(body)
        step = 2 if kind == b"bfchar" else 3
        for entry in zip(*[iter(tokens)] * step):
            if kind == b"bfchar":
                out[int(entry[0][0] or b"0", 16)] = utf16(entry[1][0])
                continue
            lo, hi = int(entry[0][0] or b"0", 16), int(entry[1][0] or b"0", 16)
            if entry[2][1]:  # an array of destinations
                for code, h in zip(range(lo, hi + 1), re.findall(rb"<([0-9A-Fa-f]*)>", entry[2][1])):
                    out[code] = utf16(h)
            else:
                start = bytes.fromhex(entry[2][0].decode())
                for i, code in enumerate(range(lo, min(hi, lo + 0xFFFF) + 1)):
                    value = (int.from_bytes(start, "big") + i).to_bytes(len(start), "big")
                    out[code] = value.decode("utf-16-be", "surrogatepass")
    return out


def _embedded(font: Dictionary) -> bool:
    """True when the font (or its CIDFont descendant) has a FontFile stream."""
    if font.get("/Subtype") == Name.Type0:
        descendants = font.get("/DescendantFonts", Array())
        font = descendants[0] if len(descendants) else Dictionary()
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, Dictionary) and any(
        isinstance(descriptor.get(k), Stream) for k in ("/FontFile", "/FontFile2", "/FontFile3")
    )
