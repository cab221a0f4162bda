"""One builder per block kind: model block -> HTML, the same blocks the PDF gets. Author text is
always escaped: content is text, never markup."""
from __future__ import annotations

import base64
from dataclasses import field
from html import escape
from pathlib import Path

from ...records import dataclass
from ... import model as m

SCHEMES = ("https:", "mailto:", "tel:")  # the PDF's link rules: anything else prints as text


def esc(text: str) -> str:
    return escape(text, quote=True)


@dataclass
class Ctx:
    """What every builder needs: source numbers, and counters that keep ids unique and stable."""

    numbers: dict
    words: dict = field(default_factory=dict)  # the page's fixed words (words.py)
    cites: dict = field(default_factory=dict)  # source number -> ids of its markers, in reading order
    ids: list = field(default_factory=lambda: [0])

    def new_id(self, prefix: str) -> str:
        self.ids[0] += 1
        return f"{prefix}-{self.ids[0]}"


def inline(spans, ctx: Ctx) -> str:
    """Inline spans -> HTML; citations become numbered links to the sources, with ids to come back to."""
    out = []
    for span in spans:
        if isinstance(span, m.Text):
            out.append(esc(span.text))
        elif isinstance(span, m.Strong):
            out.append("<strong>" + inline(span.children, ctx) + "</strong>")
        elif isinstance(span, m.Emph):
            out.append("<em>" + inline(span.children, ctx) + "</em>")
        elif isinstance(span, m.Link):
            out.append(link(span.url, inline(span.children, ctx)))
        elif isinstance(span, m.Cite):
            out.append(" ".join(_cite(key, ctx) for key in span.keys))
        elif hasattr(span, "children"):  # a span in another language (issue 11's inline markup)
            out.append(_lang_span(span, inline(span.children, ctx)))
    return "".join(out)


def _lang_span(span, html: str) -> str:
    lang = getattr(span, "lang", "") or getattr(span, "language", "")
    return f'<span lang="{esc(lang)}">{html}</span>' if lang else html


def link(url: str, html: str) -> str:
    if not url.lower().startswith(SCHEMES):
        return html
    return f'<a href="{esc(url)}">{html}</a>'


def _cite(key: str, ctx: Ctx) -> str:
    n = ctx.numbers[key]
    ids = ctx.cites.setdefault(n, [])
    ids.append(f"cite-{n}-{len(ids) + 1}")
    return f'<a class="cite" id="{ids[-1]}" href="#source-{n}">[{n}]</a>'


def _lang(block) -> str:
    lang = getattr(block, "lang", "") or getattr(block, "language", "")
    return f' lang="{esc(lang)}"' if lang else ""


def build(blocks, ctx: Ctx, level: int = 2) -> list[str]:
    out = []
    for block in blocks:
        out += BUILDERS[type(block)](block, ctx, level)
    return out


def paragraph(block: m.Paragraph, ctx, level):
    return [f"<p{_lang(block)}>{inline(block.text, ctx)}</p>"]


def heading(text, ctx, level, hid: str) -> str:
    level = min(level, 6)
    return f'<h{level} id="{hid}">{inline(text, ctx)}</h{level}>'


def section(block: m.Section, ctx, level):
    hid = ctx.new_id("h")
    return [f'<section aria-labelledby="{hid}"{_lang(block)}>', heading(block.heading, ctx, level, hid)] \
        + build(block.blocks, ctx, level + 1) + ["</section>"]


def bullet_list(block: m.BulletList, ctx, level):
    return [items(block.items, ctx, _lang(block))]


def items(list_items, ctx, attrs: str = "", tag: str = "ul") -> str:
    out = [f"<{tag}{attrs}>"]
    for item in list_items:
        nested = items(item.items, ctx) if item.items else ""  # a step's own items are bullets, as in the PDF
        out.append(f"<li{_lang(item)}>{inline(item.text, ctx)}{nested}</li>")
    return "".join(out) + f"</{tag}>"


def steps(block: m.Steps, ctx, level):
    return [items(block.items, ctx, ' class="steps"' + _lang(block), "ol")]


def checklist(block: m.Checklist, ctx, level):
    """Real check boxes, unchecked, each named by its label: ticked on a phone, printed as empty boxes."""
    out = [f'<ul class="checklist"{_lang(block)}>']
    for item in block.items:
        cid = ctx.new_id("check")
        out.append(f'<li{_lang(item)}><input type="checkbox" id="{cid}"><label for="{cid}">'
                   f"{inline(item.text, ctx)}</label></li>")
    return ["".join(out) + "</ul>"]


def table(block: m.Table, ctx, level):
    if block.kind == "grid" or not block.header:
        return grid(block, ctx)
    # sized by content where the author set widths or room to write: a narrow column keeps its heading's words
    classes = " ".join(name for name, on in (("write-in", block.row_height), ("lines", block.row_height and block.lines),
                                             ("sized", block.widths)) if on)
    out = [f'<table class="{classes}"{_lang(block)}>' if classes else f"<table{_lang(block)}>"]
    if block.caption:
        out.append(f"<caption>{inline(block.caption, ctx)}</caption>")
    if block.widths:  # the author's shares of the width, as the PDF's columns
        out.append("<colgroup>" + "".join(f'<col style="width:{w * 100:.4g}%">' for w in block.widths) + "</colgroup>")
    out.append("<thead><tr>" + "".join(f'<th scope="col">{inline(c, ctx)}</th>' for c in block.header)
               + "</tr></thead>")
    # room to write: the row height as the cells' height (a minimum in a table), in the PDF's points
    out.append(f'<tbody style="--row:{block.row_height:.4g}pt">' if block.row_height else "<tbody>")
    for row in block.rows:
        out.append("<tr>" + "".join(f"<td>{_cell(c, ctx)}</td>" for c in row) + "</tr>")
    # a table may be wider than a phone: it scrolls in its own keyboard-reachable region, the page does not
    name = esc(m.plain(block.caption) or " / ".join(m.plain(c) for c in block.header))
    return [f'<div class="table-scroll" role="region" tabindex="0" aria-label="{name}">' + "".join(out)
            + "</tbody></table></div>"]


def _cell(cell, ctx) -> str:
    html = inline(cell, ctx)
    return html if html.strip() else ""  # a blank cell to write in is empty: :empty rules its lines


def grid(block: m.Table, ctx):
    """A table without column headings is a grid of items, not a data table (as in the PDF: a list)."""
    cols = max((len(r) for r in block.rows), default=1)
    labelled = ""
    out = []
    if block.caption:
        cid = ctx.new_id("caption")
        out.append(f'<p class="caption" id="{cid}">{inline(block.caption, ctx)}</p>')
        labelled = f' aria-labelledby="{cid}"'
    cells = "".join(f"<li>{inline(c, ctx)}</li>" for row in block.rows for c in row if m.plain(c).strip())
    out.append(f'<ul class="grid cols-{min(cols, 4)}"{labelled}{_lang(block)}>{cells}</ul>')
    return out


def callout(block: m.Callout, ctx, level, extra=()):
    """A labelled region: its heading names it, or the word for its tone does."""
    tone = "emergency" if block.tone == "emergency" else "note"
    out = []
    if block.heading:
        hid = ctx.new_id("h")
        out.append(f'<section class="box {tone}" aria-labelledby="{hid}"{_lang(block)}>')
        out.append(heading(block.heading, ctx, level, hid))
    else:
        name = ctx.words.get(tone, tone.capitalize())
        out.append(f'<section class="box {tone}" aria-label="{esc(name)}"{_lang(block)}>')
    out += build(block.blocks, ctx, level + 1)
    out += list(extra)
    return out + ["</section>"]


MEDIA = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
CSS_PX = {"png": 96 / 150, "jpeg": 96 / 150, "svg": 1.0}  # the PDF's sizes: bitmaps at 150 dpi, SVG px at 96 dpi


def figure(block: m.Figure, ctx, level):
    """The picture inside the page as a data: URL (an <img>, never inline SVG: an image runs no script),
    with its alt text and caption; a decorative one is hidden from screen readers, as the PDF's artifact."""
    data = base64.b64encode(Path(block.image).read_bytes()).decode("ascii")
    w, h = block.size
    scale = CSS_PX[block.format]
    size = f' width="{max(1, round(w * scale))}" height="{max(1, round(h * scale))}"'
    style = f' style="width:{block.width * 100:.4g}%"' if block.width else ""
    src = f"data:{MEDIA[block.format]};base64,{data}"
    caption = inline(block.caption, ctx) if block.caption else ""
    if block.decorative:
        note = f'<p class="figure-note">{caption}</p>' if caption else ""
        # alt="" alone makes it presentational (the Nu checker refuses role="presentation" beside it)
        return [f'<div class="figure"{_lang(block)}><img src="{src}" alt=""{size}{style}>'
                f"{note}</div>"]
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return [f'<figure{_lang(block)}><img src="{src}" alt="{esc(block.alt)}"{size}{style}>{figcaption}</figure>']


def glossary(block: m.Glossary, ctx, level):
    out = [f'<dl class="glossary"{_lang(block)}>']
    for t in block.terms:
        out.append(f"<dt{_lang(t)}>{inline(t.term, ctx)}</dt><dd{_lang(t)}>{inline(t.definition, ctx)}</dd>")
    return ["".join(out) + "</dl>"]


def key_messages(block: m.KeyMessages, ctx, level):
    """A region named by its heading, drawn like the callouts but heavier, as in the PDF."""
    hid = ctx.new_id("h")
    return [f'<section class="box key" aria-labelledby="{hid}"{_lang(block)}>', heading(block.heading, ctx, level, hid)] \
        + build(block.blocks, ctx, level + 1) + ["</section>"]


def page_break(block: m.PageBreak, ctx, level):
    return ['<div class="page-break"></div>']  # nothing on screen; a new page in print (style.py)


def keep_together(block: m.KeepTogether, ctx, level):
    return ['<div class="keep">'] + build(block.blocks, ctx, level) + ["</div>"]


def _section(block: m.Section, ctx, level):
    out = section(block, ctx, level)
    if block.keep_together:  # on one page in print, when it fits on one
        out[0] = out[0].replace("<section ", '<section class="keep" ', 1)
    return out


BUILDERS = {m.Paragraph: paragraph, m.BulletList: bullet_list, m.Steps: steps, m.Checklist: checklist,
            m.Table: table, m.Figure: figure, m.Glossary: glossary, m.Callout: callout,
            m.KeyMessages: key_messages, m.Section: _section, m.PageBreak: page_break,
            m.KeepTogether: keep_together}
