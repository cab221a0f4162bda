"""render/pdf: takes a resolved document and its theme (fonts registered, logo drawn) and gives the finished PDF."""
from __future__ import annotations

from dataclasses import dataclass

from . import document as _document, finish as _finish


@dataclass(frozen=True)
class RenderedPDF:
    data: bytes
    pages: int
    text: str = ""  # the text layer: every string drawn as text, in drawing order, joined by spaces


def render_pdf(resolved, theme, fonts: dict, clinic, meta: dict, mark=None) -> RenderedPDF:
    """The one entry point of the PDF format: lay out, tag and finish (PDF/UA, PDF/A); nothing is read or written."""
    raw, tagger, doc_node = _document.render(resolved, theme, fonts, clinic, mark=mark)
    data = _finish.finish(raw, tagger, doc_node, meta)  # module attribute: bench/ swaps finish() out
    pages = tagger.canvas.getPageNumber() - (0 if tagger.canvas._code else 1)
    return RenderedPDF(data, pages, " ".join(tagger.canvas.drawn_text))
