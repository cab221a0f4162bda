"""Links: each annotation tagged, with its text and a destination."""
from __future__ import annotations

from pikepdf import Array, Dictionary, Name

from .findings import Finding, _text


# ----- links and annotations


def _check_links(pdf, parent_tree: dict, by_obj: dict) -> list[Finding]:
    """Link annotations are described and tagged; pages with annotations use /Tabs /S."""
    out = []
    for number, page in enumerate(pdf.pages, start=1):
        annots = [a for a in page.obj.get("/Annots", Array()) if isinstance(a, Dictionary)]
        if annots and page.obj.get("/Tabs") != Name.S:
            out.append(Finding("missing-tabs", "page has annotations but no /Tabs /S", number))
        for annot in annots:
            if annot.get("/Subtype") == Name.Link:
                problem = _link_problem(annot, parent_tree, by_obj)
                out += [Finding("link-untagged", problem, number)] if problem else []
    return out


def _link_problem(annot: Dictionary, parent_tree: dict, by_obj: dict) -> str | None:
    """Why this Link annotation is not properly tagged, or None."""
    if not _text(annot.get("/Contents")).strip():
        return "Link annotation without /Contents"
    key = annot.get("/StructParent")
    if not isinstance(key, int):
        return "Link annotation without /StructParent"
    entry = parent_tree.get(int(key))
    elem = by_obj.get(entry.objgen) if isinstance(entry, Dictionary) else None
    if elem is None or elem.role != "Link":
        return f"ParentTree entry {key} of the Link annotation is not a Link element in the tree"
    if not annot.is_indirect or annot.objgen not in elem.objrs:
        return "its Link element has no OBJR pointing at the annotation"
    return None
