"""Drafts: the title and the first text read say DRAFT (text read back through ToUnicode)."""
from __future__ import annotations

import pikepdf
from pikepdf import Dictionary, Name

from .findings import Finding, _resources
from .fonts import _to_unicode
from .marked import _sequence_kind
from .structure import _Elem


def _draft_words() -> tuple[list[str], list[str]]:
    """(title prefixes, notices) that mark a draft, in every language the publisher prints."""
    from ..labels import LABELS

    return [w["draft_title"].format(title="") for w in LABELS.values()], [w["draft_notice"] for w in LABELS.values()]


def _check_draft_title(pdf, info_title: str, xmp_title: str) -> list[Finding]:
    """A draft's Info and XMP titles both say it is one."""
    prefixes, _ = _draft_words()
    marked = [t.startswith(tuple(prefixes)) for t in (info_title, xmp_title)]
    if marked[0] != marked[1]:
        return [Finding("draft-notice", f"Info /Title {info_title!r} and XMP dc:title {xmp_title!r} disagree "
                                        "on whether this is a draft")]
    return []


def _check_draft_first(pdf, elems: list[_Elem], info_title: str) -> list[Finding]:
    """A draft (its title says so) is read as one first: its first tagged text is the draft notice."""
    prefixes, notices = _draft_words()
    first = next((e for e in elems if e.mcids), None)
    text = _element_text(pdf, first).strip() if first else ""
    draft = info_title.startswith(tuple(prefixes))
    if draft and text not in notices:
        return [Finding("draft-notice", f"the title marks a draft but the first text read is {text[:60]!r}, "
                                        f"not the draft notice")]
    if not draft and text in notices:
        return [Finding("draft-notice", f"the first text read is the draft notice but the title {info_title!r} "
                                        "does not say draft")]
    return []


def _element_text(pdf: pikepdf.Pdf, elem: _Elem) -> str:
    """The text of elem's own marked content, decoded through the fonts' ToUnicode maps."""
    out = []
    for page in pdf.pages:
        wanted = {m for pg, m in elem.mcids if pg == page.obj.objgen}
        if wanted:
            out.append(_marked_text(page, wanted))
    return "".join(out)


def _marked_text(page: pikepdf.Page, wanted: set[int]) -> str:
    """Text shown inside the marked-content sequences with the MCIDs in wanted on page."""
    fonts = _resources(page.obj).get("/Font", Dictionary())
    maps: dict[str, tuple[dict, int]] = {}
    stack: list[int | None] = []
    font, out = None, []
    try:
        instructions = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError:  # reported as content-unparseable by _scan_page
        return ""
    for instruction in instructions:
        op, args = str(instruction.operator), instruction.operands
        if op in ("BDC", "BMC"):
            stack.append(_sequence_kind(args, page)[1])
        elif op == "EMC" and stack:
            stack.pop()
        elif op == "Tf" and args:
            key = str(args[0])
            if key not in maps:
                f = fonts.get(key)
                maps[key] = (_to_unicode(f), 2 if isinstance(f, Dictionary) and f.get("/Subtype") == Name.Type0
                             else 1) if isinstance(f, Dictionary) else ({}, 1)
            font = maps[key]
        elif op in ("Tj", "TJ", "'", '"') and font and any(m in wanted for m in stack if m is not None):
            strings = list(args[-1]) if op == "TJ" else [args[-1]]
            for item in strings:
                if isinstance(item, pikepdf.String):
                    raw, (cmap, width) = bytes(item), font
                    out += [cmap.get(int.from_bytes(raw[i:i + width], "big"), "") for i in range(0, len(raw), width)]
    return "".join(out)
