"""Tagged PDF while drawing: marked content around every flowable, artifacts for furniture.

The structure tree is built from the content model before drawing (StructNode); while
drawing, each leaf flowable opens `/Role <</MCID n>> BDC ... EMC` and records which node owns
(page, MCID). Link annotations made while a node is open become Link children of that node.
finish.py turns the record into /StructTreeRoot, /ParentTree and the rest with pikepdf.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus.flowables import Flowable


CONTENT = "content"  # in StructNode.kids: where the node's own marked content goes when drawn


@dataclass(eq=False)
class StructNode:
    role: str
    kids: list = field(default_factory=list)  # StructNode | MarkRef | AnnotRef
    alt: str = ""
    lang: str = ""
    attrs: dict = field(default_factory=dict)  # e.g. {"Scope": "Column"} or {"BBox": [...]}
    title: str = ""

    def add(self, role, **kw) -> "StructNode":
        node = StructNode(role, **kw)
        self.kids.append(node)
        return node


@dataclass(frozen=True)
class MarkRef:
    page: int  # 0-based page index
    mcid: int


@dataclass(frozen=True)
class AnnotRef:
    page: int
    index: int  # position in the page's /Annots, in creation order
    contents: str


@dataclass(frozen=True)
class FieldRef:
    page: int
    name: str
    tooltip: str
    rect: tuple


class Tagger:
    """Allocates MCIDs per page and keeps the record finish.py needs."""

    def __init__(self, root: StructNode):
        self.root = root
        self.mcids: dict[int, list] = {}  # page -> [node owning MCID 0, 1, ...]
        self.annots: dict[int, list] = {}  # page -> [Link node per annotation]
        self.open: list[StructNode] = []
        self.canvas = None
        self.link_text = {}  # href -> what a screen reader is told about it
        self.fields = []  # (page, Form node, field name, tooltip, rect in page coordinates)

    def page(self) -> int:
        return self.canvas.getPageNumber() - 1

    def begin(self, node: StructNode):
        page = self.page()
        owners = self.mcids.setdefault(page, [])
        ref = MarkRef(page, len(owners))
        if CONTENT in node.kids:  # its own text reads before children made earlier (a nested list)
            node.kids.insert(node.kids.index(CONTENT), ref)
        else:
            node.kids.append(ref)
        self.canvas._code.append(f"/{node.role} <</MCID {len(owners)}>> BDC")
        owners.append(node)
        self.open.append(node)

    def end(self):
        self.canvas._code.append("EMC")
        self.open.pop()

    def begin_artifact(self, kind: str = "Layout"):
        self.canvas._code.append(f"/Artifact <</Type /{kind}>> BDC")

    def end_artifact(self):
        self.canvas._code.append("EMC")

    def field(self, node: StructNode, name: str, tooltip: str, rect):
        """A fillable text field finish.py adds at rect on the current page, tagged by node."""
        ref = FieldRef(self.page(), name, tooltip, tuple(round(v, 2) for v in rect))
        self.fields.append(ref)
        node.kids.append(ref)

    def link(self, href: str):
        """Called by the canvas for every link annotation it adds to the current page."""
        page = self.page()
        owner = self.open[-1] if self.open else self.root
        index = len(self.annots.setdefault(page, []))
        last = owner.kids[-1] if owner.kids else None
        if isinstance(last, StructNode) and last.role == "Link" and last.title == href:
            node = last  # the same link wrapped onto the next line: one Link, one annotation per line
        else:
            node = owner.add("Link", title=href)
        node.kids.append(AnnotRef(page, index, self.link_text.get(href, href)))
        self.annots[page].append(node)


class _SpacedText(PDFTextObject):
    """Writes a space at every soft line break, so text read from the tags keeps its words apart."""

    def _textOut(self, text, TStar=0):
        if TStar and not text.endswith(" "):
            text += " "
        return super()._textOut(text, TStar)


class HandoutCanvas(Canvas):
    """A canvas that reports link annotations to the tagger and keeps word spaces."""

    def __init__(self, *args, tagger: Tagger, **kwargs):
        super().__init__(*args, **kwargs)
        self.tagger = tagger
        tagger.canvas = self

    def beginText(self, x=0, y=0, direction=None):
        return _SpacedText(self, x, y, direction=direction)

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
