"""Document-level entries: catalog, language, title, MarkInfo and XMP metadata."""
from __future__ import annotations

import pikepdf
from pikepdf import Dictionary

from .draft import _check_draft_title
from .findings import Finding, _text

PDF_VERSION = "1.7"
PDFA_ID = ("2", "A")  # PDF/A-2a, the tagged level, which every output claims


# ----- document entries


def _check_catalog(pdf: pikepdf.Pdf) -> list[Finding]:
    """Catalog, Info and XMP entries PDF/UA-1 asks for."""
    root, out = pdf.Root, []
    mark = root.get("/MarkInfo")
    if not (isinstance(mark, Dictionary) and mark.get("/Marked") is True):
        out.append(Finding("no-markinfo", "catalog /MarkInfo /Marked is not true"))
    elif mark.get("/Suspects") is True:
        out.append(Finding("no-markinfo", "/MarkInfo /Suspects is true (tags are unreliable)"))
    if not _text(root.get("/Lang")).strip():
        out.append(Finding("no-lang", "catalog has no /Lang"))
    prefs = root.get("/ViewerPreferences")
    if not (isinstance(prefs, Dictionary) and prefs.get("/DisplayDocTitle") is True):
        out.append(Finding("no-display-doc-title", "/ViewerPreferences /DisplayDocTitle is not true"))
    return out + _check_metadata(pdf)


def _info_title(pdf: pikepdf.Pdf) -> str:
    info = pdf.trailer.get("/Info")
    return _text(info.get("/Title")) if isinstance(info, Dictionary) else ""


def _check_metadata(pdf: pikepdf.Pdf) -> list[Finding]:
    """Title in Info and XMP, and the PDF/UA identifier in XMP."""
    out = []
    info = pdf.trailer.get("/Info")
    info_title = _text(info.get("/Title")) if isinstance(info, Dictionary) else ""
    # ReportLab writes the placeholder "untitled" when nobody set a title.
    if info_title.strip().lower() in ("", "untitled"):
        out.append(Finding("no-title", f"Info /Title is missing or a placeholder ({info_title!r})"))
    # open_metadata() invents an empty packet when there is none, so look first.
    meta = pdf.open_metadata() if "/Metadata" in pdf.Root else {}
    if not str(meta.get("dc:title", "") or "").strip():
        out.append(Finding("no-title", "XMP has no dc:title"))
    if str(meta.get("pdfuaid:part", "")).strip() != "1":
        out.append(Finding("no-pdfua-id", "XMP has no pdfuaid:part = 1"))
    part, level = str(meta.get("pdfaid:part", "")).strip(), str(meta.get("pdfaid:conformance", "")).strip()
    if (part, level) != PDFA_ID:
        out.append(Finding("no-pdfa2-id", f"XMP claims PDF/A part {part or '-'} level {level or '-'}, not PDF/A-2a"))
    if pdf.pdf_version != PDF_VERSION:
        out.append(Finding("pdf-version", f"the file is PDF {pdf.pdf_version}, not {PDF_VERSION} (PDF/A-2 with "
                                          "PDF/UA-1, whose artifact subtypes need 1.7)"))
    return out + _check_draft_title(pdf, info_title, str(meta.get("dc:title", "") or ""))
