"""render/pdf: takes a resolved document and its theme (fonts registered, logo drawn) and gives the finished PDF."""
from __future__ import annotations

from ...records import dataclass

# In two steps, which a build may run in two processes: draw (ReportLab: pages, marked content, the tags'
# record) and finish (pikepdf: the structure tree, PDF/UA and PDF/A).



@dataclass(frozen=True)
class RenderedPDF:
    data: bytes
    pages: int
    text: str = ""  # the text layer: every string drawn as text, in drawing order, joined by spaces


@dataclass(frozen=True)
class Tags:
    """What finish needs of the drawing's tagger (tagging.Tagger): plain values, so a drawing can be
    finished in another process."""

    mcids: dict  # page -> [StructNode owning MCID 0, 1, ...]
    annots: dict  # page -> [Link node per annotation]
    fields: list  # tagging.FieldRef


@dataclass(frozen=True)
class Drawn:
    raw: bytes  # ReportLab's PDF, untagged as yet
    tags: Tags
    root: object  # tagging.StructNode: the Document element
    pages: int
    text: str = ""


def draw_pdf(resolved, theme, fonts: dict, clinic, mark=None) -> Drawn:
    """Lay out and draw with marked content; nothing is read or written."""
    from . import document as _document  # ReportLab: imported by the process that draws

    raw, tagger, doc_node = _document.render(resolved, theme, fonts, clinic, mark=mark)
    pages = tagger.canvas.getPageNumber() - (0 if tagger.canvas._code else 1)
    return Drawn(raw, Tags(tagger.mcids, tagger.annots, tagger.fields), doc_node, pages,
                 " ".join(tagger.canvas.drawn_text))


def finish_pdf(drawn: Drawn, meta: dict) -> bytes:
    """The drawing with its structure tree, metadata and output intent (PDF/UA, PDF/A)."""
    from . import finish as _finish  # pikepdf: imported by the process that finishes

    return _finish.finish(drawn.raw, drawn.tags, drawn.root, meta)  # module attribute: bench/ swaps finish() out


def render_pdf(resolved, theme, fonts: dict, clinic, meta: dict, mark=None) -> RenderedPDF:
    """The one entry point of the PDF format: lay out, tag and finish (PDF/UA, PDF/A); nothing is read or written."""
    drawn = draw_pdf(resolved, theme, fonts, clinic, mark)
    return RenderedPDF(finish_pdf(drawn, meta), drawn.pages, drawn.text)
