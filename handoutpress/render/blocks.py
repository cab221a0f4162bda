"""One builder per block kind: model block -> flowables, with its structure element."""
from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from .. import model as m
from ..text import to_markup
from .flowables import Box, RoomFor, TableTags
from .tagging import CONTENT, HandoutParagraph, StructNode, Tagged


MIN_ROWS_PER_PART = 2


class HandoutTable(RLTable):
    """A table that never leaves fewer than two body rows alone on either side of a page break."""

    def split(self, aw, ah):
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
    t = HandoutTable(data, colWidths=[ctx.width / ncols] * ncols, repeatRows=first, style=TableStyle(style),
                renderCB=TableTags(cells), spaceBefore=0 if caption else ts.space_before,
                spaceAfter=ts.space_after)
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
    return Ctx(ctx.theme, ctx.fonts, ctx.numbers, ctx.width - by, ctx.link_colour, ctx.page_height,
               ctx.outline_count, ctx._styles, in_box=True)


BUILDERS = {m.Paragraph: paragraph, m.BulletList: bullet_list, m.Table: table, m.Callout: callout,
            m.Section: section}
