"""Tagged PDF while drawing: marked content around every flowable, artifacts for furniture.

The structure tree is built from the content model before drawing (StructNode); while
drawing, each leaf flowable opens `/Role <</MCID n>> BDC ... EMC` and records which node owns
(page, MCID). A paragraph holding links (or passages in another language) hands its element's
marked content over to its text object, which splits it at each link (P -> MCID a, Link -> MCID b
+ OBJR, P -> MCID c), so a Link holds its visible text and its annotations; a passage in another
language becomes a Span with /Lang. finish.py turns the record into /StructTreeRoot, /ParentTree
and the rest with pikepdf.
"""
from __future__ import annotations

import re

from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.paragraph import Paragraph

from .structure import CONTENT, AnnotRef, FieldRef, MarkRef, StructNode  # noqa: F401 - the tree's vocabulary

_STATE_ONLY = re.compile(r"([-\d.]+ )*(q|Q|cm|rg|RG|g|G|w|J|j|M)")  # operators that paint nothing


class Tagger:
    """Allocates MCIDs per page and keeps the record finish.py needs."""

    def __init__(self, root: StructNode):
        self.root = root
        self.mcids: dict[int, list] = {}  # page -> [node owning MCID 0, 1, ...]
        self.annots: dict[int, list] = {}  # page -> [Link node per annotation]
        self.open: list[StructNode] = []
        self.live: list = []  # per open node: (MarkRef, index of its BDC in the canvas code), None once handed over
        self.artifacts = 0  # artifact sequences open on the canvas
        self.canvas = None
        self.link_text = {}  # href -> what a screen reader is told about it
        self.fields = []  # (page, Form node, field name, tooltip, rect in page coordinates)
        self.expected: dict[str, list] = {}  # href -> inline Link nodes waiting for their annotation

    def page(self) -> int:
        return self.canvas.getPageNumber() - 1

    def mark(self, node: StructNode) -> tuple[str, MarkRef]:
        """A new MCID owned by node: the BDC operator that opens it, and its reference."""
        page = self.page()
        owners = self.mcids.setdefault(page, [])
        ref = MarkRef(page, len(owners))
        node.place(ref)
        owners.append(node)
        return f"/{node.role} <</MCID {ref.mcid}>> BDC", ref

    def unmark(self, node: StructNode, ref: MarkRef):
        """Take back the MCID allocated last, when its sequence turned out to hold nothing."""
        owners = self.mcids[ref.page]
        assert ref.page == self.page() and ref.mcid == len(owners) - 1 and owners[-1] is node
        owners.pop()
        node.kids.remove(ref)

    def begin(self, node: StructNode):
        op, ref = self.mark(node)
        self.open.append(node)
        self.live.append((ref, len(self.canvas._code)))
        self.canvas._code.append(op)

    def end(self):
        if self.live.pop() is not None:
            self.canvas._code.append("EMC")
        self.open.pop()

    def hand_over(self) -> StructNode | None:
        """Close the open element's sequence so a text object can split its text (its Link and
        Span children); returns the element, or None inside an artifact or outside any element."""
        if self.artifacts or not self.open or self.live[-1] is None:
            return None
        node, (ref, at) = self.open[-1], self.live[-1]
        code = self.canvas._code
        if ref.mcid == len(self.mcids[ref.page]) - 1 and all(_STATE_ONLY.fullmatch(op) for op in code[at + 1:]):
            del code[at]  # nothing painted in it yet: drop it rather than leave an empty sequence
            self.unmark(node, ref)
        else:
            code.append("EMC")
        self.live[-1] = None
        return node

    def begin_artifact(self, kind: str = "Layout"):
        self.canvas._code.append(f"/Artifact <</Type /{kind}>> BDC")
        self.artifacts += 1

    def end_artifact(self):
        self.canvas._code.append("EMC")
        self.artifacts -= 1

    def field(self, node: StructNode, name: str, tooltip: str, rect, kind: str = "text"):
        """A fillable field (text or check box) finish.py adds at rect on the current page, tagged by node."""
        ref = FieldRef(self.page(), name, tooltip, tuple(round(v, 2) for v in rect), kind)
        self.fields.append(ref)
        node.kids.append(ref)

    def expect_link(self, href: str, node: StructNode):
        """The next annotation made for href belongs to node (a Link holding its text)."""
        self.expected.setdefault(href, []).append(node)

    def link(self, href: str):
        """Called by the canvas for every link annotation it adds to the current page."""
        page = self.page()
        index = len(self.annots.setdefault(page, []))
        waiting = self.expected.get(href)
        if waiting:
            node = waiting.pop(0)
        else:  # a link drawn outside a paragraph's text (or in an artifact): an OBJR-only Link
            owner = self.open[-1] if self.open else self.root
            last = owner.kids[-1] if owner.kids else None
            if isinstance(last, StructNode) and last.role == "Link" and last.title == href:
                node = last  # the same link wrapped onto the next line: one Link, one annotation per line
            else:
                node = owner.add("Link", title=href)
        node.kids.append(AnnotRef(page, index, self.link_text.get(href, href)))
        self.annots[page].append(node)


class InlineMarks:
    """Marked content inside one paragraph's text object: the owner's text, split around its
    Link and Span children (P -> MCID a, Link -> MCID b + OBJR, P -> MCID c).

    Sequences open lazily, right before the text they hold, so none is empty; every one closes
    before the text object ends (ET)."""

    def __init__(self, tagger: Tagger, owner: StructNode, para):
        self.tagger = tagger
        self.want = [owner]  # who owns the next text: the owner, then open Link/Span children
        self.cur = None  # (node, ref, index of its BDC in the text object's code)
        self.links = {}  # ReportLab's (number, href) of a link -> its Link node, across lines
        blpara = para.blPara
        if blpara.kind == 0 and getattr(blpara, "link", None):  # one link is the whole paragraph
            node = self._link_node(blpara.link[0])
            for _ in blpara.lines:  # ReportLab makes one annotation per line
                tagger.expect_link(blpara.link[0][1], node)
            self.want.append(node)

    def _link_node(self, key) -> StructNode:
        if key not in self.links:
            node = StructNode("Link", title=key[1])
            self.want[-1].place(node)
            self.links[key] = node
        return self.links[key]

    def before_text(self, code: list, text: str):
        node = self.want[-1]
        if self.cur and (self.cur[0] is node or not text.strip()):  # a line's closing space stays where it is
            return
        self.close(code)
        op, ref = self.tagger.mark(node)
        self.cur = (node, ref, len(code))
        code.append(op)

    def close(self, code: list):
        if self.cur:
            code.append("EMC")
            self.cur = None

    def link(self, code: list, text_at: int, key, what: str):
        """ReportLab reports a link's start on each line after writing its first piece (at text_at)."""
        if what == "end":
            if self.links.get(key) is self.want[-1]:  # (already closed when its span ended)
                self.want.pop()
            return
        node = self._link_node(key)
        self.tagger.expect_link(key[1], node)
        owner, ref, at = self.cur or (None, None, None)  # (none open: the piece had no text)
        if owner is None:
            pass
        elif at == text_at - 1:  # that sequence was opened for this piece alone: it goes to the link
            del code[at]
            self.tagger.unmark(owner, ref)
            text_at -= 1
        else:
            code.insert(text_at, "EMC")
            text_at += 1
        op, ref = self.tagger.mark(node)
        code.insert(text_at, op)
        self.cur = (node, ref, text_at)
        self.want.append(node)

    def span(self, lang: str):
        """<onDraw name="span"/> fragments: a language code opens a Span with /Lang, no label closes it."""
        if lang:
            node = StructNode("Span", lang=lang)
            self.want[-1].place(node)
            self.want.append(node)
        else:  # ReportLab reports a link ending with the span only at the next text: close both here
            spans = [i for i, node in enumerate(self.want) if i and node.role == "Span"]
            if spans:
                del self.want[spans[-1]:]


class _HandoutText(PDFTextObject):
    """ReportLab's text object, writing a space at soft line breaks that fell at a space (so text
    read from the tags keeps its words apart, and a word split over two lines stays one word), and
    splitting a paragraph's marked content around its links and language spans."""

    marks: InlineMarks | None = None
    breaks: list | None = None  # per line: True when it ended at a space; None: unknown (always)
    _line = 0
    _text_at = 0

    def _textOut(self, text, TStar=0):
        if TStar:
            at_space = self.breaks is None or self._line >= len(self.breaks) or self.breaks[self._line]
            self._line += 1
            if at_space and not text.endswith(" "):
                text += " "
        if self.marks and text:
            self.marks.before_text(self._code, text)
        self._text_at = len(self._code)
        return super()._textOut(text, TStar)

    def _formatText(self, text):  # every string a text object writes passes here, once
        self._canvas.drawn_text.append(text)  # the text layer, as a PDF reader extracts it (the search words)
        return super()._formatText(text)

    def _linkRecord(self, key, what):  # ReportLab's paragraph code calls this where a link starts and ends
        if self.marks:
            self.marks.link(self._code, self._text_at, key, what)

    def getCode(self):
        if self.marks:
            self.marks.close(self._code)
            self.marks = None
        return super().getCode()


def _span_callback(canvas, kind, label):
    """ReportLab calls this at an <onDraw name="span"/> fragment, while the line's text is written."""
    tx = canvas._curr_tx_info["tx"]
    if getattr(tx, "marks", None):
        tx.marks.span(label or "")


class HandoutParagraph(Paragraph):
    """A paragraph whose text object knows its line breaks and, when it holds links or passages in
    another language, tags them as children of the element it is drawn in."""

    inline = False  # set for text with links or language spans

    def wrap(self, availWidth, availHeight):
        """ReportLab's wrap, once per width: its line breaking depends on the width alone (the style and
        text never change), and the same paragraph is often measured again at the same width (a guard
        keeping a heading with what follows, a list or table measuring its items, then the frame)."""
        done = self.__dict__.get("_wrapped")
        if done is not None and done[0] == availWidth and done[1] is self.__dict__.get("blPara"):
            self.width, self.height = availWidth, done[2]
            return availWidth, done[2]
        width, height = super().wrap(availWidth, availHeight)
        if "blPara" in self.__dict__:
            self._wrapped = (availWidth, self.blPara, height)
        return width, height

    def split(self, aw, ah):
        parts = super().split(aw, ah)
        for part in parts:
            part.inline = self.inline
        return parts

    def drawOn(self, canvas, x, y, _sW=0):
        tagger = getattr(canvas, "tagger", None)
        owner = tagger.hand_over() if tagger and self.inline else None
        self._marks = InlineMarks(tagger, owner, self) if owner else None
        canvas._inline_paragraph = bool(owner)
        try:
            super().drawOn(canvas, x, y, _sW)
        finally:
            self._marks, canvas._inline_paragraph = None, False

    def beginText(self, x, y):
        tx = super().beginText(x, y)
        tx.marks = getattr(self, "_marks", None)
        tx.breaks = soft_breaks(self)
        return tx


def soft_breaks(para) -> list:
    """For each line but the last: did ReportLab break it at a space (True) or inside a word?"""
    blpara = para.blPara
    if blpara.kind == 0:
        lines = [" ".join(words) for _, words in blpara.lines]
    else:
        lines = ["".join(getattr(w, "text", "") for w in line.words) for line in blpara.lines]
    full = " ".join(para.getPlainText().split())
    out, pos = [], 0
    for line in lines[:-1]:
        line = " ".join(line.split())
        at = full.find(line, pos)
        if at < 0:  # not found as written: keep the space, as before
            out.append(True)
            continue
        pos = at + len(line)
        out.append(full[pos:pos + 1] == " ")
    return out


class HandoutCanvas(Canvas):
    """A canvas that reports link annotations to the tagger and keeps word spaces."""

    _inline_paragraph = False  # while a paragraph's text is split around its links

    def __init__(self, *args, tagger: Tagger, **kwargs):
        super().__init__(*args, **kwargs)
        self.tagger = tagger
        tagger.canvas = self
        self.drawn_text = []  # every string drawn as text, in drawing order (the page total's form too)
        self.setNamedCB("span", _span_callback)

    def beginText(self, x=0, y=0, direction=None):
        return _HandoutText(self, x, y, direction=direction)

    def line(self, x1, y1, x2, y2):
        if not self._inline_paragraph:
            return super().line(x1, y1, x2, y2)
        self.tagger.begin_artifact()  # a link's underline, drawn outside the text object: decoration
        super().line(x1, y1, x2, y2)
        self.tagger.end_artifact()

    def linkAbsolute(self, contents, destinationname, Rect=None, addtopage=1, name=None, thickness=0,
                     color=None, dashArray=None, **kw):
        result = super().linkAbsolute(contents, destinationname, Rect, addtopage, name, thickness, color,
                                      dashArray, **kw)
        self.tagger.link("#" + destinationname)
        return result

    def linkRect(self, contents, destinationname, Rect=None, addtopage=1, name=None, relative=1, thickness=0,
                 color=None, dashArray=None, **kw):
        result = super().linkRect(contents, destinationname, Rect, addtopage, name, relative, thickness, color,
                                  dashArray, **kw)
        self.tagger.link("#" + destinationname)
        return result

    def linkURL(self, url, rect, relative=0, thickness=0, color=None, dashArray=None, kind="URI", **kw):
        result = super().linkURL(url, rect, relative, thickness, color, dashArray, kind, **kw)
        self.tagger.link(url)
        return result


class Tagged(Flowable):
    """Draws a flowable inside one structure element's marked content; splits stay one element."""

    def __init__(self, inner, node: StructNode, label=None, outline=None):
        super().__init__()
        self.inner = inner
        self.node = node
        self.label = label  # (Lbl node, draw function(canvas, x, y_top)) drawn before the body
        self.outline = outline  # (title, level, key) for the bookmark panel

    def wrap(self, aw, ah):
        self.width, self.height = self.inner.wrap(aw, ah)
        return self.width, self.height

    def split(self, aw, ah):
        parts = [Tagged(p, self.node, self.label if i == 0 else None, self.outline if i == 0 else None)
                 for i, p in enumerate(self.inner.split(aw, ah))]
        for part in parts:
            part._handout_place = getattr(self, "_handout_place", None)  # so a layout error can name it
        return parts

    def getSpaceBefore(self):
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self):
        return self.inner.getSpaceAfter()

    def getKeepWithNext(self):
        # ReportLab groups kept-with-next flowables and then writes keepWithNext = 0 straight into
        # their __dict__; honour that, or a kept-with-next block taller than a page (a huge heading,
        # a long lead-in before a list) is grouped and split again for ever
        if "keepWithNext" in self.__dict__:
            return self.__dict__["keepWithNext"]
        return self.inner.getKeepWithNext()

    def drawOn(self, canvas, x, y, _sW=0):
        tagger = canvas.tagger
        if self.outline:
            title, level, key = self.outline
            # the bookmark panel cannot skip a level: a section inside a box comes before any
            # top-level section (or after a deeper one ends) is placed one below the last entry at most
            level = min(level, getattr(canvas, "_outline_level", -1) + 1)
            canvas._outline_level = level
            canvas.bookmarkPage(key)
            canvas.addOutlineEntry(title, key, level, closed=False)
        if self.label:
            lbl_node, draw = self.label
            if lbl_node is None:  # the label tags itself (a check box field)
                draw(canvas, x, y + self.height)
            else:
                tagger.begin(lbl_node)
                draw(canvas, x, y + self.height)
                tagger.end()
        tagger.begin(self.node)
        self.inner.drawOn(canvas, x, y, _sW)
        tagger.end()


class Artifact(Flowable):
    """Anything drawn only for looks (rules, spacers with colour)."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def wrap(self, aw, ah):
        self.width, self.height = self.inner.wrap(aw, ah)
        return self.width, self.height

    def getSpaceBefore(self):
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self):
        return self.inner.getSpaceAfter()

    def drawOn(self, canvas, x, y, _sW=0):
        canvas.tagger.begin_artifact()
        self.inner.drawOn(canvas, x, y, _sW)
        canvas.tagger.end_artifact()
