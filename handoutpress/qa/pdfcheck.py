"""Our own tagged-PDF rules, family by family, on one file (external validators: qa/tools.py)."""
from __future__ import annotations

import pikepdf
from pikepdf import Dictionary

from .document import _check_catalog, _info_title
from .draft import _check_draft_first
from .findings import Finding
from .fonts import _check_fonts
from .links import _check_links
from .marked import _check_mcids, _number_tree, _scan_page
from .structure import _check_elements, _walk_tree


# ---------------------------------------------------------------- public API


def check_tagged_pdf(path) -> list[Finding]:
    """Run our own tagged-PDF rules on path; an empty list means clean."""
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        return [Finding("unreadable", f"pikepdf cannot open the file: {exc}")]
    with pdf:
        return _check_open_pdf(pdf)


def _check_open_pdf(pdf: pikepdf.Pdf) -> list[Finding]:
    """All our rules on an opened PDF."""
    page_numbers = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
    scans = {page.obj.objgen: _scan_page(page, n) for n, page in enumerate(pdf.pages, start=1)}
    findings = _check_catalog(pdf) + _check_fonts(pdf)
    for _mcids, page_findings in scans.values():
        findings += page_findings
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary):
        findings.append(Finding("no-struct-tree", "catalog has no /StructTreeRoot"))
        return findings + _check_links(pdf, {}, {})
    elems, role_findings = _walk_tree(root, page_numbers)
    parent_tree = _number_tree(root.get("/ParentTree"))
    findings += role_findings + _check_elements(elems) + _check_draft_first(pdf, elems, info_title=_info_title(pdf))
    by_obj = {e.obj.objgen: e for e in elems if e.obj.is_indirect}
    findings += _check_mcids(pdf, elems, parent_tree, {k: v[0] for k, v in scans.items()}, by_obj)
    findings += _check_links(pdf, parent_tree, by_obj)
    return findings
