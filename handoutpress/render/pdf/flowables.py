"""The few flowables ReportLab lacks: a splittable box, the title band, table tagging."""
from __future__ import annotations

import functools
import re

from reportlab.platypus.flowables import Flowable
from reportlab.platypus.tables import TableRenderCB

from .tagging import StructNode


class Box(Flowable):
    """A padded, bordered box around flowables; splits between (and inside) its children."""

    def __init__(self, content, padding, background, border, border_width, continued=False, space=(0, 0)):
        super().__init__()
        self.content = list(content)
        self.spaceBefore, self.spaceAfter = space
        self.padding, self.background, self.border, self.border_width = padding, background, border, border_width
        self.continued = continued
        self._placed = []
        for f in self.content:
            if isinstance(f, RoomFor):
                f.inert = True  # a box splits itself; a page break asked from inside it would land outside

    def _inner(self, aw):
        return aw - 2 * (self.padding + self.border_width)

    def wrap(self, aw, ah):
        iw = self._inner(aw)
        self._placed, y = [], 0.0
        for i, f in enumerate(self.content):
            if i:
                y += max(self.content[i - 1].getSpaceAfter(), f.getSpaceBefore())
            w, h = f.wrap(iw, 1e9)
            self._placed.append((f, y, h))
            y += h
        self.width, self.height = aw, y + 2 * (self.padding + self.border_width)
        return self.width, self.height

    def split(self, aw, ah):
        iw = self._inner(aw)
        room = ah - 2 * (self.padding + self.border_width)
        taken, y = [], 0.0
        for i, f in enumerate(self.content):
            gap = max(self.content[i - 1].getSpaceAfter(), f.getSpaceBefore()) if i else 0
            w, h = f.wrap(iw, room - y - gap)
            if y + gap + h <= room:
                taken.append(f)
                y += gap + h
                continue
            parts = f.split(iw, room - y - gap) if room - y - gap > 0 else []
            rest = self.content[i + 1:]
            if parts:
                taken.append(parts[0])
                rest = parts[1:] + rest
            else:
                rest = [f] + rest
            while taken and taken[-1].getKeepWithNext():  # a heading never ends a page's part of a box
                rest.insert(0, taken.pop())
            if not taken or not rest:
                return []
            return [self._copy(taken, self.continued), self._copy(rest, True)]
        return [self]

    def _copy(self, content, continued):
        box = Box(content, self.padding, self.background, self.border, self.border_width, continued,
                  (self.spaceBefore, self.spaceAfter))
        box._handout_place = getattr(self, "_handout_place", None)  # so a layout error can name it
        return box

    def draw(self):
        c, tagger = self.canv, self.canv.tagger
        bw = self.border_width
        tagger.begin_artifact()
        c.saveState()
        c.setFillColor(self.background)
        c.setStrokeColor(self.border)
        c.setLineWidth(bw)
        c.rect(bw / 2, bw / 2, self.width - bw, self.height - bw, stroke=1 if bw else 0, fill=1)
        c.restoreState()
        tagger.end_artifact()
        top = self.height - self.padding - bw
        x = self.padding + bw
        for f, y, h in self._placed:
            f.drawOn(c, x, top - y - h)


class TableTags(TableRenderCB):
    """Table render callback: each cell's drawing inside its TD/TH; grid and fills as artifacts.

    A header row repeated after a page break draws the same cell objects again: the second time
    they are artifacts, so a screen reader reads each header once.
    """

    def __init__(self, cells: dict):
        self.cells = cells  # id(cell flowable) -> StructNode
        self.drawn = set()
        self.current = None

    def startTable(self, T):
        pass

    def endTable(self, T):
        pass

    def startBG(self, T):
        T.canv.tagger.begin_artifact()

    endBG = endLines = lambda self, T: T.canv.tagger.end_artifact()
    startLines = startBG

    def startRow(self, T, rowNo):
        pass

    def endRow(self, T):
        pass

    def startCell(self, T, rowNo, colNo, cellval, cellstyle, pos, size):
        key = id(cellval[0] if isinstance(cellval, (list, tuple)) and cellval else cellval)
        node = self.cells.get(key)
        tagger = T.canv.tagger
        if node is None or key in self.drawn:
            self.current = "artifact"
            tagger.begin_artifact()
        else:
            self.drawn.add(key)
            self.current = "tag"
            tagger.begin(node)

    def endCell(self, T):
        tagger = T.canv.tagger
        tagger.end() if self.current == "tag" else tagger.end_artifact()


class TitleBand(Flowable):
    """The coloured band on page 1: logo and wordmark (a Figure), title (H1), subtitle (P)."""

    def __init__(self, band, mark, wordmark, tagline, title, subtitle, nodes, bleed, draft=None, outline=""):
        super().__init__()
        self.draft = draft  # Paragraph: a draft's notice, read first, beside the wordmark (or above it)
        self.outline = outline  # the title's bookmark, the first in the panel
        self.band = band  # settings: background, padding, space_after
        self.mark = mark  # a Drawing (logo mark) or None
        self.wordmark, self.tagline = wordmark, tagline  # Paragraphs
        self.title, self.subtitle = title, subtitle  # Paragraphs (subtitle may be None)
        self.nodes = nodes  # {"figure": StructNode, "title": StructNode, "subtitle": StructNode}
        self.bleed = bleed  # (left, right, top) margins to paint into

    def wrap(self, aw, ah):
        pad = self.band["padding"]
        mark_w = self.mark.width if self.mark else 0
        text_w = aw - mark_w - (pad * 0.75 if self.mark else 0)
        self._wm = self.wordmark.wrap(text_w, ah)
        self._tl = self.tagline.wrap(text_w, ah)
        logo_h = max(self.mark.height if self.mark else 0, self._wm[1] + self._tl[1])
        self._title = self.title.wrap(aw, ah)
        self._sub = self.subtitle.wrap(aw, ah) if self.subtitle else (0, 0)
        self._logo_h = logo_h
        self._draft_row = self._draft_row_height(aw, ah, mark_w + (pad * 0.75 if self.mark else 0), logo_h)
        self.width = aw
        self.height = (pad + self._draft_row + logo_h + pad * 0.9 + self._title[1]
                       + (self._sub[1] + 2 if self.subtitle else 0) + pad)
        return self.width, self.height

    def _draft_row_height(self, aw, ah, x_text, logo_h) -> float:
        """0 when the draft notice fits at the right of the wordmark; else the height of its own row."""
        if not self.draft:
            return 0
        self._dr = self.draft.wrap(aw, ah)
        self._dr_w = max(self.draft.getActualLineWidths0())
        words = max(self.wordmark.getActualLineWidths0() + self.tagline.getActualLineWidths0())
        beside = len(self.draft.blPara.lines) == 1 and x_text + words + self.band["padding"] <= aw - self._dr_w
        return 0 if beside and self._dr[1] <= logo_h else self._dr[1] + self.band["padding"] * 0.5

    def getSpaceAfter(self):
        return self.band["space_after"]

    def draw(self):
        c, tagger = self.canv, self.canv.tagger
        left, right, top = self.bleed
        pad = self.band["padding"]
        tagger.begin_artifact()
        c.saveState()
        c.setFillColor(self.band["background"])
        c.rect(-left, 0, self.width + left + right, self.height + top, stroke=0, fill=1)
        c.restoreState()
        tagger.end_artifact()
        y = self.height - pad
        if self.draft:  # first in the content as in the tags: a screen reader hears it before the title
            tagger.begin(self.nodes["draft"])
            x = 0 if self._draft_row or len(self.draft.blPara.lines) > 1 else self.width - self._dr_w
            self.draft.drawOn(c, x, y - self._dr[1])
            tagger.end()
            y -= self._draft_row
        if self.outline:
            c.bookmarkPage("title")
            c.addOutlineEntry(self.outline, "title", 0, closed=False)
            c._outline_level = 0
        # logo mark and wordmark: one Figure whose alt text names the clinic
        figure = self.nodes["figure"]
        mark_w = self.mark.width if self.mark else 0
        x_text = mark_w + (pad * 0.75 if self.mark else 0)
        figure.attrs["BBox"] = [0, y - self._logo_h, x_text + max(self._wm[0], self._tl[0]), y]
        tagger.begin(figure)
        if self.mark:
            from reportlab.graphics import renderPDF

            renderPDF.draw(self.mark, c, 0, y - self.mark.height)
        text_top = y - (self._logo_h - self._wm[1] - self._tl[1]) / 2
        self.wordmark.drawOn(c, x_text, text_top - self._wm[1])
        self.tagline.drawOn(c, x_text, text_top - self._wm[1] - self._tl[1])
        tagger.end()
        y -= self._logo_h + pad * 0.9
        tagger.begin(self.nodes["title"])
        self.title.drawOn(c, 0, y - self._title[1])
        tagger.end()
        y -= self._title[1] + 2
        if self.subtitle:
            tagger.begin(self.nodes["subtitle"])
            self.subtitle.drawOn(c, 0, y - self._sub[1])
            tagger.end()


def figure_node(parent: StructNode, alt: str) -> StructNode:
    return parent.add("Figure", alt=alt)


class QRBlock(Flowable):
    """Closing lines (each its own P) beside a QR code to the handout's web address (a Figure)."""

    def __init__(self, url, size, texts, figure, gap=12):
        super().__init__()
        self.url, self.size, self.texts, self.figure, self.gap = url, size, texts, figure, gap  # texts: [(Paragraph, node)]

    def wrap(self, aw, ah):
        inner = aw - self.size - self.gap
        self._placed, y = [], 0.0
        for i, (para, node) in enumerate(self.texts):
            if i:
                y += para.getSpaceBefore() or self.texts[i - 1][0].getSpaceAfter()
            w, h = para.wrap(aw if y >= self.size else inner, ah)
            if y < self.size and len(para.blPara.lines) > 1 and i == len(self.texts) - 1:
                # a last line (the web address) that wraps beside the code reads better, and is shorter,
                # below it at the full width
                full = max(y, self.size)
                if full + para.wrap(aw, ah)[1] < y + h:
                    y, h = full, para.wrap(aw, ah)[1]
                else:
                    w, h = para.wrap(inner, ah)
            self._placed.append((para, node, y, h))
            y += h
        self.width, self.height = aw, max(self.size, y)
        return self.width, self.height

    def getSpaceBefore(self):
        return self.texts[0][0].getSpaceBefore()

    def draw(self):
        c, tagger = self.canv, self.canv.tagger
        for para, node, y, h in self._placed:
            tagger.begin(node)
            para.drawOn(c, 0, self.height - y - h)
            tagger.end()
        x, y = self.width - self.size, self.height - self.size
        self.figure.attrs["BBox"] = [x, y, x + self.size, y + self.size]
        tagger.begin(self.figure)
        draw_qr(c, self.url, x, y, self.size)
        tagger.end()


_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = "10111010000"  # ReportLab's rule 3: this one way round, in rows only (its column test never matches)


def _qrencoder():
    """ReportLab's QR encoder module. Its package's __init__ imports every barcode symbology and its
    widgets (9 ms of a cold build); the module itself needs only re and itertools, so it is loaded from
    its file on its own, once, when the package has not been imported already."""
    import sys

    name = "reportlab.graphics.barcode.qrencoder"
    if name in sys.modules:
        return sys.modules[name]
    if _QRENCODER:
        return _QRENCODER[0]
    import importlib.util
    from pathlib import Path

    import reportlab

    spec = importlib.util.spec_from_file_location(
        "handoutpress_qrencoder", Path(reportlab.__file__).parent / "graphics" / "barcode" / "qrencoder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _QRENCODER.append(module)
    return module


_QRENCODER: list = []


@functools.lru_cache(maxsize=8)
def _mask_rows(n: int) -> tuple:
    """For each of the 8 QR masks, its rows as ints (bit c: the mask darkens column c)."""
    QRUtil = _qrencoder().QRUtil

    return tuple(tuple(sum(1 << c for c in range(n) if QRUtil.getMask(m)(r, c)) for r in range(n)) for m in range(8))


def _mask_penalty(rows: list[int], n: int) -> int:
    """ReportLab's QRUtil.getLostPoint, computed on whole rows and columns (same figure)."""
    lines = [format(row, f"0{n}b")[::-1] for row in rows]  # column 0 first
    lines += ["".join(col) for col in zip(*lines)]
    score = sum(len(m.group()) - 2 for line in lines for m in _RUN.finditer(line))  # runs of 5 or more
    full = (1 << (n - 1)) - 1
    score += 3 * sum((~(a ^ b) & ~(a ^ (a >> 1)) & ~(b ^ (b >> 1)) & full).bit_count()  # 2x2 blocks
                     for a, b in zip(rows, rows[1:]))
    score += 40 * sum(line[:-1].count(_FINDER_LIKE) for line in lines[:n])
    dark = sum(row.bit_count() for row in rows)
    return score + 10 * (abs(100 * dark // (n * n) - 50) // 5)


@functools.lru_cache(maxsize=64)
def qr_modules(url: str) -> tuple:
    """ReportLab's QR matrix of url (level M) with the mask its own search picks; the search is done
    on rows as ints (ReportLab builds and scores all 8 matrices cell by cell, ~15 ms a code)."""
    qrencoder = _qrencoder()
    QRCode, QRErrorCorrectLevel, QRUtil = qrencoder.QRCode, qrencoder.QRErrorCorrectLevel, qrencoder.QRUtil

    qr = QRCode(None, QRErrorCorrectLevel.M)  # what QrCodeWidget(url, barLevel="M") makes, without importing
    qr.addData(url)  # the barcode widgets (50 ms: every other symbology comes with them)
    qr.version = qr.version or qr.calculate_version()
    qr.makeImpl(True, 0)  # function patterns with blank format areas (test=True), data under mask 0
    n, mask0 = qr.moduleCount, QRUtil.getMask(0)
    base, pos, data = [0] * n, [0] * n, [0] * n
    for c, r in qr.dataPosIterator():
        pos[r] |= 1 << c
        data[r] |= (qr.modules[r][c] ^ mask0(r, c)) << c
    for r, row in enumerate(qr.modules):
        base[r] = int("".join("1" if dark else "0" for dark in reversed(row)), 2) & ~pos[r]
    masked = [[b | ((d ^ m) & p) for b, d, m, p in zip(base, data, rows, pos)] for rows in _mask_rows(n)]
    scores = [_mask_penalty(rows, n) for rows in masked]
    best = scores.index(min(scores))  # the first lowest, as ReportLab's search
    qr.modules = [[bool(row >> c & 1) for c in range(n)] for row in masked[best]]
    qr.setupTypeInfo(False, best)  # what makeImpl(False, best) would add: format (and version) bits
    if qr.version >= 7:
        qr.setupTypeNumber(False)
    return tuple(tuple(row) for row in qr.modules)


def draw_qr(canvas, url: str, x: float, y: float, size: float, quiet: int = 4):
    """A QR code (ReportLab's encoder, level M) as one filled path: size includes the quiet zone."""
    import itertools

    modules = qr_modules(url)
    count = len(modules)
    box = size / (count + 2 * quiet)
    path = canvas.beginPath()
    for r, row in enumerate(modules):
        col = 0
        for dark, run in itertools.groupby(bool(m) for m in row):
            n = len(list(run))
            if dark:  # one rectangle per run of dark modules in a row
                path.rect(x + (col + quiet) * box, y + size - (r + quiet + 1) * box, n * box, box)
            col += n
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class FieldsBlock(Flowable):
    """Labelled boxes where admissions staff type an appointment before sending; the fields
    themselves (AcroForm text widgets) are added by finish.py at the rectangles recorded here."""

    def __init__(self, fields, label_style, box_colour, nodes, height=22, gap=8):
        super().__init__()
        self.fields = fields  # [(name, label Paragraph, tooltip, width share)]
        self.label_style, self.box_colour, self.nodes = label_style, box_colour, nodes  # nodes: [(P, Form)]
        self.row, self.gap = height, gap

    def wrap(self, aw, ah):
        self._labels = [label.wrap(aw, ah) for _, label, _, _ in self.fields]
        self.width = aw
        self.height = sum(h + self.row + self.gap for _, h in self._labels) - self.gap
        return self.width, self.height

    def draw(self):
        c, tagger = self.canv, self.canv.tagger
        y = self.height
        for (name, label, tooltip, share), (_, lh), (p_node, form_node) in zip(self.fields, self._labels, self.nodes):
            tagger.begin(p_node)
            label.drawOn(c, 0, y - lh)
            tagger.end()
            y -= lh + self.row
            w = self.width * share
            tagger.begin_artifact()
            c.saveState()
            c.setStrokeColor(self.box_colour)
            c.setLineWidth(0.75)
            c.rect(0, y, w, self.row, stroke=1, fill=0)
            c.restoreState()
            tagger.end_artifact()
            x0, y0 = c.absolutePosition(0, y)
            x1, y1 = c.absolutePosition(w, y + self.row)
            tagger.field(form_node, name, tooltip, (x0, y0, x1, y1))
            y -= self.gap


class RoomFor(Flowable):
    """Starts a new page unless the lead (a heading, a caption, a "such as:" line) and the first two
    rows or items of what follows fit here: they stay together, the rest may run on to the next page
    (keepWithNext would move the whole table or list)."""

    UNITS = 2
    inert = False
    _ZEROSIZE = _SPACETRANSFER = True  # the frame collapses spaces across the guard as if it were not there

    def __init__(self, lead, following):
        super().__init__()
        self.lead, self.following = list(lead), following
        self.width = self.height = 0

    def needed(self, aw) -> float:
        h, prev = 0.0, None
        for f in self.lead:
            h += (max(prev.getSpaceAfter(), f.getSpaceBefore()) if prev else 0) + f.wrap(aw, 1e9)[1]
            prev = f
        units = self.UNITS
        for f in self.following:
            if isinstance(f, RoomFor):
                continue
            if units <= 0 or not getattr(f, "_unit", False):
                break
            gap = max(prev.getSpaceAfter(), f.getSpaceBefore()) if prev else 0
            f.wrap(aw, 1e9)
            if hasattr(f, "_rowHeights"):  # a table: its header and first rows
                first = f.repeatRows if isinstance(f.repeatRows, int) else len(f.repeatRows)
                return h + gap + sum(f._rowHeights[:first + units])
            h += gap + f.height
            prev, units = f, units - 1
        return h

    def wrap(self, aw, ah):
        frame = self._doctemplateAttr("frame")
        if not self.inert and frame is not None and not getattr(frame, "_atTop", 1) and ah < self.needed(aw):
            from reportlab.platypus.doctemplate import FrameBreak

            frame.add_generated_content(FrameBreak)
        return 0, 0

    def split(self, aw, ah):
        return []

    def draw(self):
        pass


class Picture(Flowable):
    """A figure's picture, centred: PNG and JPEG as images, SVG as vector drawing; inside its Figure
    element (with /BBox) or, when decorative (node None), an artifact."""

    def __init__(self, path, fmt, width, height, node, font_name, space=(0, 0)):
        super().__init__()
        self.path, self.fmt, self.node, self.font_name = path, fmt, node, font_name
        self.pic_w, self.pic_h = width, height
        self.spaceBefore, self.spaceAfter = space

    def wrap(self, aw, ah):
        if self.pic_w > aw:  # narrower in a box than on the page
            self.pic_h, self.pic_w = self.pic_h * aw / self.pic_w, aw
        self.width, self.height = aw, self.pic_h
        return self.width, self.height

    def draw(self):
        c, tagger = self.canv, self.canv.tagger
        x = (self.width - self.pic_w) / 2
        if self.node is None:
            tagger.begin_artifact()
        else:
            x0, y0 = c.absolutePosition(x, 0)
            x1, y1 = c.absolutePosition(x + self.pic_w, self.pic_h)
            self.node.attrs["BBox"] = [round(v, 2) for v in (x0, y0, x1, y1)]
            tagger.begin(self.node)
        if self.fmt == "svg":
            self._draw_svg(c, x)
        else:
            c.drawImage(self.path, x, 0, self.pic_w, self.pic_h, mask="auto")
        tagger.end_artifact() if self.node is None else tagger.end()

    def _draw_svg(self, c, x):
        from reportlab.graphics import renderPDF
        from reportlab.graphics.shapes import Drawing, Group
        from svglib.svglib import svg2rlg

        svg = svg2rlg(self.path)
        scale = self.pic_w / svg.width
        art = Group(*svg.contents)
        art.transform = (scale, 0, 0, scale, 0, 0)
        drawing = Drawing(self.pic_w, self.pic_h)
        drawing.add(art)
        drawing.initialFontName = self.font_name  # the renderer's default state: an embedded font, not Helvetica
        renderPDF.draw(drawing, c, x, 0)
