"""One builder per block kind: model block -> flowables, with its structure element."""
from __future__ import annotations

from dataclasses import field, replace

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Table as RLTable
from reportlab.platypus import KeepTogether, PageBreak, TableStyle

from ...records import dataclass
from ... import model as m
from ...text import to_markup
from .flowables import Box, RoomFor, TableTags
from .tagging import CONTENT, HandoutParagraph, StructNode, Tagged


MIN_ROWS_PER_PART = 2


class HandoutTable(RLTable):
    """A table that never leaves fewer than two body rows alone on either side of a page break, and
    rules writing lines in its blank cells when they are tall enough to write in."""

    row_height = None  # minimum height of body rows (write-in tables); ReportLab's split parts forget it
    line_gap = 0.0  # distance between writing lines; 0: none
    line_style = (0.5, None)  # width, colour

    def split(self, aw, ah):
        parts = self._split(aw, ah)
        header = self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)
        for part in parts:
            part.row_height, part.line_gap, part.line_style = self.row_height, self.line_gap, self.line_style
            if self.row_height and part is not self:
                part._minRowHeights = [0] * header + [self.row_height] * (part._nrows - header)
        return parts

    def draw(self):
        super().draw()
        if not self.line_gap:
            return
        c, tagger = self.canv, self.canv.tagger
        width, colour = self.line_style
        tagger.begin_artifact()
        c.saveState()
        c.setLineWidth(width)
        c.setStrokeColor(colour)
        for row, bottom, height in zip(self._cellvalues, self._rowpositions[1:], self._rowHeights):
            for cell, x0, w in zip(row, self._colpositions[:-1], self._colWidths):
                cell = cell[0] if isinstance(cell, (list, tuple)) and cell else cell
                if getattr(cell, "_blank", False):
                    y = bottom + self.line_gap
                    while y <= bottom + height - self.line_gap * 0.8:  # a full line's room above each
                        c.line(x0 + 4, y, x0 + w - 4, y)
                        y += self.line_gap
        c.restoreState()
        tagger.end_artifact()

    def _split(self, aw, ah):
        parts = super().split(aw, ah)
        if len(parts) == 2:
            header = self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)
            short = MIN_ROWS_PER_PART - (parts[1]._nrows - header)
            if short > 0:  # too few rows after the break: end this page's part that many rows earlier
                cut = parts[0]._nrows - short
                parts = super().split(aw, sum(self._rowHeights[:cut]) + 0.01) if cut > header else []
            if len(parts) == 2 and parts[0]._nrows - header < MIN_ROWS_PER_PART:
                return []  # too few rows before the break: the table starts on the next page
        for part in parts:
            part._handout_place = getattr(self, "_handout_place", None)  # so a layout error can name it
        return parts


@dataclass
class Ctx:
    """What every builder needs: the theme, registered fonts, source numbers, the text width."""

    theme: object
    fonts: dict  # role -> {"regular": name, ...}
    numbers: dict
    width: float
    link_colour: str
    page_height: float = 0.0  # the body frame's height on a page without the title band
    outline_count: list = field(default_factory=lambda: [0])
    _styles: dict = field(default_factory=dict)
    in_box: bool = False  # a box splits itself (Box.split keeps a heading with what follows)
    labels: dict = field(default_factory=dict)  # fixed words in the variant's language (labels.py)
    fillable: bool = False  # the variant has form fields: checklists get real check boxes
    field_count: list = field(default_factory=lambda: [0])

    def style(self, name: str, **over) -> ParagraphStyle:
        key = (name, tuple(sorted(over.items())))
        if key not in self._styles:
            ts = self.theme.styles[name]
            faces = self.fonts[ts.family]
            font = faces["bold"] if ts.extra.get("bold") else faces["regular"]
            base = dict(fontName=font, fontSize=ts.size, leading=ts.leading, textColor=ts.colour,
                        spaceBefore=ts.space_before, spaceAfter=ts.space_after, alignment=TA_LEFT,
                        allowWidows=0, allowOrphans=0, bulletFontName=faces["regular"], splitLongWords=1,
                        hyphenationLang="", embeddedHyphenation=0, uriWasteReduce=0)
            base.update(over)
            self._styles[key] = ParagraphStyle(f"{name}-{len(self._styles)}", **base)
        return self._styles[key]

    def para(self, inline, style: ParagraphStyle, anchor: str = "") -> HandoutParagraph:
        prefix = f'<a name="{anchor}"/>' if anchor else ""
        para = HandoutParagraph(prefix + to_markup(inline, self.numbers, self.link_colour), style)
        para.inline = m.has_spans(inline)
        return para

    def outline_key(self) -> str:
        self.outline_count[0] += 1
        return f"h{self.outline_count[0]}"


def build(blocks, ctx: Ctx, parent: StructNode, level: int = 2) -> list:
    """Flowables for a sequence of blocks; their structure elements go under parent."""
    out = []
    for i, block in enumerate(blocks):
        flows = BUILDERS[type(block)](block, ctx, parent, level)
        for f in flows:
            f._handout_place = getattr(f, "_handout_place", None) or block.place  # for layout errors
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(block, m.Paragraph) and isinstance(following, (m.BulletList, m.Table)) \
                and m.plain(block.text).rstrip().endswith(":"):
            flows[-1].inner.keepWithNext = 1  # "such as:" stays on the page with the list it introduces
        out.extend(flows)
    return _keep_leads(out, ctx)


def _keep_leads(flows, ctx):
    """A heading or "such as:" line before a table or list keeps with its first rows or items only."""
    if ctx.in_box:
        return flows
    out = []
    for i in range(len(flows) - 1, -1, -1):  # from the end, so a heading sees the guard of the line after it
        f = flows[i]
        rest = out[::-1]
        if f.getKeepWithNext() and rest and (isinstance(rest[0], RoomFor) or getattr(rest[0], "_unit", False)):
            following = rest[0].following if isinstance(rest[0], RoomFor) else rest
            lead = [f] + (rest[0].lead if isinstance(rest[0], RoomFor) else [])
            f.keepWithNext = 0  # Tagged honours this; the guard does the keeping
            out.append(f)
            out.append(RoomFor(lead, following))
        else:
            out.append(f)
    return out[::-1]


def paragraph(block: m.Paragraph, ctx, parent, level):
    return [Tagged(ctx.para(block.text, ctx.style("body")), parent.add("P", lang=block.lang))]


def heading(text, ctx, parent, level, style_name=None):
    style = ctx.style(style_name or ("heading2" if level <= 2 else "heading3"), keepWithNext=1)
    title = m.plain(text)
    return Tagged(ctx.para(text, style), parent.add(f"H{level}"), outline=(title, max(level - 2, 0),
                                                                            ctx.outline_key()))


def section(block: m.Section, ctx, parent, level):
    sect = parent.add("Sect", lang=block.lang)
    return _keep_leads([heading(block.heading, ctx, sect, level)] + build(block.blocks, ctx, sect, level + 1), ctx)


def bullet_list(block: m.BulletList, ctx, parent, level, depth=0):
    return list_items(block.items, ctx, parent.add("L", lang=block.lang, attrs=list_numbering(ctx)), depth)


# ISO 32000-1 table 347: how an unordered list's labels look, by the bullet the layout prints
BULLET_NUMBERING = {"•": "Disc", "●": "Disc", "◦": "Circle", "○": "Circle", "▪": "Square", "■": "Square"}


def list_numbering(ctx, numbered=False) -> dict:
    """The List attribute that tells a screen reader what kind of labels the items have."""
    if numbered:
        return {"ListNumbering": "Decimal"}
    return {"ListNumbering": BULLET_NUMBERING.get(ctx.theme.styles["list"].extra["bullet"].strip(), "None")}


def list_items(items, ctx, lnode, depth, labels=None, style_name="list", anchors=None):
    """Items as indented paragraphs; each draws its label (Lbl) and its text (LBody)."""
    ts = ctx.theme.styles["list"]
    indent = ts.extra["indent"]
    style = ctx.style(style_name, leftIndent=indent * (depth + 1))
    # the last item of a top-level list keeps a paragraph's distance from what follows
    last_style = ctx.style(style_name, leftIndent=indent * (depth + 1),
                           spaceAfter=max(style.spaceAfter, ctx.theme.styles["body"].space_after))
    out = []
    for i, item in enumerate(items):
        if depth == 0 and i == len(items) - 1 and not item.items:
            style = last_style
        li = lnode.add("LI", lang=item.lang)
        lbl = li.add("Lbl")
        body = li.add("LBody")
        text = labels[i] if labels else ts.extra["bullet"]
        anchor = anchors[i] if anchors else ""
        out.append(Tagged(ctx.para(item.text, style, anchor), body,
                          label=(lbl, _label_drawer(text, ctx, style, indent, depth, bool(labels)))))
        out[-1]._unit = True  # a heading keeps with the first two items (RoomFor)
        if item.items:
            body.kids.append(CONTENT)
            out.extend(list_items(item.items, ctx, body.add("L", attrs=list_numbering(ctx)), depth + 1))
    return out


def _label_drawer(text, ctx, style, indent, depth, numbered):
    colour = ctx.theme.styles["list"].extra["bullet_colour"] if not numbered else style.textColor
    font = ctx.fonts[ctx.theme.styles["list"].family]["bold" if numbered else "regular"]

    def draw(canvas, x, y_top):
        canvas.saveState()
        canvas.setFont(font, style.fontSize)
        canvas.setFillColor(colour)
        baseline = y_top - style.fontSize
        if numbered:
            canvas.drawRightString(x + indent * (depth + 1) - 5, baseline, text)
        else:
            canvas.drawString(x + indent * depth + 2, baseline, text)
        canvas.restoreState()

    return draw


def table(block: m.Table, ctx, parent, level):
    ts = ctx.theme.styles["table"]
    x = ts.extra
    grid = block.kind == "grid"
    # a grid of items is read as a list, row by row; a data table as a table under its headings
    node = (parent.add("L", lang=block.lang, attrs={"ListNumbering": "None"}) if grid
            else parent.add("Table", lang=block.lang))
    caption = []
    if block.caption:  # printed above the table, read first: the first kid of its Table (or L)
        faces = ctx.fonts[ts.family]
        style = ctx.style("table", fontName=faces.get("italic", faces["regular"]), keepWithNext=1,
                          spaceBefore=ts.space_before, spaceAfter=2)
        caption = [Tagged(ctx.para(block.caption, style), node.add("Caption"))]
    cell_style = ctx.style("table")
    head_style = ctx.style("table", fontName=ctx.fonts[ts.family]["bold"], textColor=x["header_colour"])
    cells, data = {}, []
    if block.header:
        row_node = node.add("THead").add("TR")
        row = [ctx.para(c, head_style) for c in block.header]
        for p in row:
            cells[id(p)] = row_node.add("TH", attrs={"Scope": "Column"})
        data.append(row)
    body = node.add("TBody") if block.header else node
    for cells_in in block.rows:
        row_node = None if grid else body.add("TR")
        row = [ctx.para(c, cell_style) for c in cells_in]
        for p, text in zip(row, cells_in):
            p._blank = not m.plain(text).strip()  # a cell to write in
            if not grid:
                cells[id(p)] = row_node.add("TD")
            elif m.plain(text).strip():  # an empty square of the grid is no item
                cells[id(p)] = node.add("LI").add("LBody")
        data.append(row)
    ncols = len(data[0])
    style = [("FONT", (0, 0), (-1, -1), ctx.fonts[ts.family]["regular"], ts.size),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), x["padding"]), ("RIGHTPADDING", (0, 0), (-1, -1), x["padding"]),
             ("TOPPADDING", (0, 0), (-1, -1), x["padding"] * 0.6),
             ("BOTTOMPADDING", (0, 0), (-1, -1), x["padding"]),
             ("GRID", (0, 0), (-1, -1), x["grid_width"], x["grid"])]
    first = 1 if block.header else 0
    if block.header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), x["header_background"]))
    style.append(("ROWBACKGROUNDS", (0, first), (-1, -1), [ctx.theme.palette["white"], x["stripe"]]))
    widths = [ctx.width * w for w in block.widths] if block.widths else [ctx.width / ncols] * ncols
    heights = [0] * first + [block.row_height] * len(block.rows) if block.row_height else None
    t = HandoutTable(data, colWidths=widths, repeatRows=first, style=TableStyle(style),
                     renderCB=TableTags(cells), spaceBefore=0 if caption else ts.space_before,
                     spaceAfter=ts.space_after, minRowHeights=heights)
    if block.row_height:
        t.row_height = block.row_height
        if block.lines:  # lines a body line and a half apart: room for handwriting
            t.line_gap, t.line_style = max(cell_style.leading * 1.5, 16.0), (0.5, x["grid"])
    t._unit = True  # a heading keeps with its first two rows (RoomFor)
    return caption + [t]


def callout(block: m.Callout, ctx, parent, level):
    name = "emergency" if block.tone == "emergency" else "callout"
    ts = ctx.theme.styles[name]
    group = parent.add("Div", lang=block.lang)
    inner_ctx = _narrower(ctx, 2 * (ts.extra["padding"] + ts.extra["border_width"]))
    content = []
    if block.heading:
        content.append(heading(block.heading, inner_ctx, group, level))
        content[-1]._handout_place = block.place  # for layout errors: the box's own line
    content += build(block.blocks, inner_ctx, group, level + 1)
    box = Box(content, ts.extra["padding"], ts.extra["background"], ts.extra["border"],
              ts.extra["border_width"], space=(ts.space_before, ts.space_after))
    box.node = group  # for content added after the model's blocks (the admissions contacts)
    return [box]


def _narrower(ctx, by):
    return replace(ctx, width=ctx.width - by, in_box=True)


def steps(block: m.Steps, ctx, parent, level):
    lnode = parent.add("L", lang=block.lang, attrs=list_numbering(ctx, numbered=True))
    return list_items(block.items, ctx, lnode, 0, labels=[f"{i}." for i in range(1, len(block.items) + 1)])


def checklist(block: m.Checklist, ctx, parent, level):
    """Items after an empty box to tick, read as "unchecked"; in fillable variants the box is a check box."""
    lnode = parent.add("L", lang=block.lang, attrs={"ListNumbering": "None"})
    ts = ctx.theme.styles["list"]
    indent = ts.extra["indent"]
    style = ctx.style("list", leftIndent=indent)
    last = ctx.style("list", leftIndent=indent, spaceAfter=max(style.spaceAfter, ctx.theme.styles["body"].space_after))
    out = []
    for i, item in enumerate(block.items):
        st = last if i == len(block.items) - 1 else style
        li = lnode.add("LI", lang=item.lang)
        lbl = li.add("Lbl", actual=ctx.labels.get("unchecked", "unchecked"))
        body = li.add("LBody")
        label = _box_drawer(ctx, st, m.plain(item.text), lbl)
        flow = Tagged(ctx.para(item.text, st), body, label=(None if ctx.fillable else lbl, label))
        flow._unit = True
        out.append(flow)
    return out


def _box_drawer(ctx, style, text, lbl):
    size = min(style.fontSize * 0.9, 14)
    colour = ctx.theme.styles["table"].extra["grid"]
    ink = style.textColor

    def draw(canvas, x, y_top):
        top = y_top - (style.leading - size) / 2 - 1
        tagger = canvas.tagger
        if ctx.fillable:  # the box is a border (artifact) with a check box field on it
            ctx.field_count[0] += 1
            tagger.begin_artifact()
        canvas.saveState()
        canvas.setLineWidth(1)
        canvas.setStrokeColor(colour if ctx.fillable else ink)
        canvas.rect(x + 1, top - size, size, size, stroke=1, fill=0)
        canvas.restoreState()
        if ctx.fillable:
            tagger.end_artifact()
            x0, y0 = canvas.absolutePosition(x + 1, top - size)
            x1, y1 = canvas.absolutePosition(x + 1 + size, top)
            form = lbl.add("Form")
            tagger.field(form, f"check_{ctx.field_count[0]}", text, (x0, y0, x1, y1), kind="check")

    return draw


def figure(block: m.Figure, ctx, parent, level):
    """The picture (a Figure with alt text, or an artifact when decorative) and its caption under it."""
    from .flowables import Picture

    holder = parent.add("Div", lang=block.lang) if block.caption and not block.decorative else parent
    node = None if block.decorative else holder.add("Figure", alt=block.alt, lang=block.lang if holder is parent else "")
    w, h = block.size
    natural = w * (72 / 150 if block.format != "svg" else 0.75)  # bitmaps at 150 dpi, SVG px at 96 dpi
    width = ctx.width * block.width if block.width else min(natural, ctx.width)
    height = width * h / w
    if ctx.page_height and height > ctx.page_height * 0.8:  # a tall picture is scaled to fit a page
        width, height = width * ctx.page_height * 0.8 / height, ctx.page_height * 0.8
    body = ctx.theme.styles["body"]
    pic = Picture(block.image, block.format, width, height, node, ctx.fonts["body"]["regular"],
                  space=(body.space_before or body.space_after, 4 if block.caption else body.space_after))
    if not block.caption:
        return [pic]
    faces = ctx.fonts[ctx.theme.styles["table"].family]
    style = ctx.style("table", fontName=faces.get("italic", faces["regular"]), spaceBefore=0,
                      spaceAfter=body.space_after, alignment=TA_CENTER)
    caption = Tagged(ctx.para(block.caption, style), holder.add("Caption") if node else holder.add("P"))
    return [KeepTogether([pic, caption])]


def glossary(block: m.Glossary, ctx, parent, level):
    """Each term (its label, in bold) above its definition (its body), indented."""
    lnode = parent.add("L", lang=block.lang, attrs={"ListNumbering": "None"})
    faces = ctx.fonts[ctx.theme.styles["body"].family]
    indent = ctx.theme.styles["list"].extra["indent"]
    term_style = ctx.style("body", fontName=faces["bold"], keepWithNext=1, spaceAfter=1)
    def_style = ctx.style("body", leftIndent=indent)
    out = []
    for t in block.terms:
        li = lnode.add("LI", lang=t.lang)
        term = Tagged(ctx.para(t.term, term_style), li.add("Lbl"))
        term._unit = True
        out += [term, Tagged(ctx.para(t.definition, def_style), li.add("LBody"))]
    return out


def key_messages(block: m.KeyMessages, ctx, parent, level):
    """A callout box drawn heavier, in the heading colour: the points to take away."""
    ts = ctx.theme.styles["callout"]
    extra = dict(ts.extra, border=ctx.theme.styles["heading2"].colour, border_width=max(2.0, ts.extra["border_width"] * 2))
    group = parent.add("Div", lang=block.lang)
    inner_ctx = _narrower(ctx, 2 * (extra["padding"] + extra["border_width"]))
    content = [heading(block.heading, inner_ctx, group, level)]
    content[-1]._handout_place = block.place
    content += build(block.blocks, inner_ctx, group, level + 1)
    return [Box(content, extra["padding"], extra["background"], extra["border"], extra["border_width"],
                space=(ts.space_before, ts.space_after))]


def page_break(block: m.PageBreak, ctx, parent, level):
    return [PageBreak()]


def keep_together(block: m.KeepTogether, ctx, parent, level):
    return [KeepTogether(build(block.blocks, ctx, parent, level))]


def _section(block: m.Section, ctx, parent, level):
    flows = section(block, ctx, parent, level)
    return [KeepTogether(flows)] if block.keep_together else flows


BUILDERS = {m.Paragraph: paragraph, m.BulletList: bullet_list, m.Steps: steps, m.Checklist: checklist,
            m.Table: table, m.Figure: figure, m.Glossary: glossary, m.Callout: callout,
            m.KeyMessages: key_messages, m.Section: _section, m.PageBreak: page_break,
            m.KeepTogether: keep_together}
