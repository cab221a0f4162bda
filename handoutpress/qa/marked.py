"""Marked content: every painting operator tagged or an artifact, MCIDs and the parent tree."""
from __future__ import annotations

from collections import Counter

import pikepdf
from pikepdf import Array, Dictionary, Name

from .findings import Finding, _resources
from .structure import _Elem

# Operators that put marks on the page (ISO 32000-1 tables 59, 60, 77, 87, 107).
PAINT_OPS = frozenset(
    ["Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "Do", "INLINE IMAGE"]
)


# ----- content streams


def _scan_page(page: pikepdf.Page, number: int) -> tuple[list[int], list[Finding]]:
    """Walk one page's content: MCIDs used in order, and marked-content findings."""
    stack: list[str] = []  # one of "tagged", "artifact", "other" per open sequence
    mcids: list[int] = []
    untagged: list[str] = []
    out: list[Finding] = []
    try:
        instructions = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError as exc:
        return [], [Finding("content-unparseable", f"content stream cannot be parsed: {exc}", number)]
    for instruction in instructions:
        op = str(instruction.operator)
        if op in ("BDC", "BMC"):
            kind, mcid = _sequence_kind(instruction.operands, page)
            out += _nesting_finding(stack, kind, number)
            stack.append(kind)
            mcids += [] if mcid is None else [mcid]
        elif op == "EMC":
            if not stack:
                out.append(Finding("unbalanced-marked-content", "EMC without BDC/BMC", number))
            else:
                stack.pop()
        elif op in PAINT_OPS and not any(k in ("tagged", "artifact") for k in stack):
            untagged.append(op)
    if stack:
        out.append(Finding("unbalanced-marked-content", f"{len(stack)} BDC/BMC without EMC", number))
    if untagged:
        out.append(Finding(
            "untagged-content",
            f"{len(untagged)} painting operator(s) neither tagged nor artifact: {untagged[:5]}",
            number,
        ))
    return mcids, out + _duplicate_mcids(mcids, number)


def _sequence_kind(operands, page: pikepdf.Page) -> tuple[str, int | None]:
    """Classify a BDC/BMC as tagged (has MCID), artifact, or other; return its MCID."""
    tag = str(operands[0]) if operands else ""
    props = operands[1] if len(operands) > 1 else None
    if isinstance(props, Name):
        # BDC may name a property list in the page's /Properties resources.
        props = _resources(page.obj).get("/Properties", Dictionary()).get(str(props))
    mcid = props.get("/MCID") if isinstance(props, Dictionary) else None
    mcid = int(mcid) if isinstance(mcid, int) and not isinstance(mcid, bool) else None
    if tag == "/Artifact":
        return "artifact", None
    return ("tagged" if mcid is not None else "other"), mcid


def _nesting_finding(stack: list[str], kind: str, page: int) -> list[Finding]:
    """Artifacts inside tagged content, and tagged content inside artifacts, are both wrong."""
    # PDF/UA-1 7.1 (veraPDF rules 7.1-1 and 7.1-2): a reader would drop or read them twice.
    if kind == "artifact" and "tagged" in stack:
        return [Finding("marked-content-nesting", "artifact inside tagged content", page)]
    if kind == "tagged" and "artifact" in stack:
        return [Finding("marked-content-nesting", "tagged content inside an artifact", page)]
    return []


def _duplicate_mcids(mcids: list[int], page: int) -> list[Finding]:
    """An MCID may be used once per page."""
    dupes = sorted(m for m, n in Counter(mcids).items() if n > 1)
    return [Finding("duplicate-mcid", f"MCID {m} used more than once", page) for m in dupes]


# ----- MCIDs and the ParentTree


def _number_tree(node, depth: int = 0) -> dict[int, object]:
    """Flatten a number tree (/Nums and /Kids) into a dict."""
    out: dict[int, object] = {}
    if not isinstance(node, Dictionary) or depth > 32:
        return out
    nums = list(node.get("/Nums", Array()))
    for key, value in zip(nums[0::2], nums[1::2]):
        out[int(key)] = value
    for kid in node.get("/Kids", Array()):
        out.update(_number_tree(kid, depth + 1))
    return out


def _check_mcids(pdf, elems: list[_Elem], parent_tree: dict, used: dict, by_obj: dict) -> list[Finding]:
    """Page MCIDs, ParentTree arrays and element /K entries must agree."""
    owners = {mcid: e for e in elems for mcid in e.mcids}  # (page objgen, mcid) -> element
    out = []
    for number, page in enumerate(pdf.pages, start=1):
        pg = page.obj.objgen
        out += _check_page_parent_tree(page.obj, number, used[pg], parent_tree, owners, by_obj)
        out += [
            Finding("mcid-missing-from-content", f"/{e.role} claims MCID {m}, not on the page", number)
            for (p, m), e in owners.items() if p == pg and m not in used[pg]
        ]
    return out


def _check_page_parent_tree(page, number, used, parent_tree, owners, by_obj) -> list[Finding]:
    """One page: each used MCID has an owner in the ParentTree array, and no extras."""
    key = page.get("/StructParents")
    array = parent_tree.get(int(key)) if isinstance(key, int) else None
    if not isinstance(array, Array):
        if not used:
            return []
        return [Finding("mcid-not-in-parent-tree", "page uses MCIDs but has no ParentTree array", number)]
    out = [_check_used_mcid(mcid, array, page.objgen, owners, by_obj, number) for mcid in used]
    for index, entry in enumerate(array):
        if isinstance(entry, Dictionary) and index not in used:
            out.append(Finding("parent-tree-entry-without-mcid", f"entry {index} has no MCID on the page", number))
    return [f for f in out if f is not None]


def _check_used_mcid(mcid, array, pg, owners, by_obj, number) -> Finding | None:
    """The ParentTree entry for mcid is the element that lists (pg, mcid) in its /K."""
    entry = array[mcid] if mcid < len(array) else None
    if not isinstance(entry, Dictionary):
        return Finding("mcid-not-in-parent-tree", f"MCID {mcid} has no ParentTree entry", number)
    elem = by_obj.get(entry.objgen) if entry.is_indirect else None
    if elem is None:
        return Finding("mcid-not-in-parent-tree", f"MCID {mcid} maps to an element not in the tree", number)
    if owners.get((pg, mcid)) is not elem:
        return Finding(
            "mcid-not-in-parent-tree",
            f"MCID {mcid} maps to /{elem.role}, which does not list it for this page (/Pg)",
            number,
        )
    return None
