"""One builder per block kind: model block -> HTML, the same blocks the PDF gets. Author text is
always escaped: content is text, never markup."""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

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


def items(list_items, ctx, attrs: str = "") -> str:
    out = [f"<ul{attrs}>"]
    for item in list_items:
        nested = items(item.items, ctx) if item.items else ""
        out.append(f"<li{_lang(item)}>{inline(item.text, ctx)}{nested}</li>")
    return "".join(out) + "</ul>"


def table(block: m.Table, ctx, level):
    if not block.header:
        return grid(block, ctx)
    out = [f"<table{_lang(block)}>"]
    if block.caption:
        out.append(f"<caption>{inline(block.caption, ctx)}</caption>")
    out.append("<thead><tr>" + "".join(f'<th scope="col">{inline(c, ctx)}</th>' for c in block.header)
               + "</tr></thead><tbody>")
    for row in block.rows:
        out.append("<tr>" + "".join(f"<td>{inline(c, ctx)}</td>" for c in row) + "</tr>")
    return ["".join(out) + "</tbody></table>"]


def grid(block: m.Table, ctx):
    """A table without column headings is a grid of items, not a data table (as in the PDF: a list)."""
    cols = max((len(r) for r in block.rows), default=1)
    labelled = ""
    out = []
    if block.caption:
        cid = ctx.new_id("caption")
        out.append(f'<p class="caption" id="{cid}">{inline(block.caption, ctx)}</p>')
        labelled = f' aria-labelledby="{cid}"'
    cells = "".join(f"<li>{inline(c, ctx)}</li>" for row in block.rows for c in row)
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


BUILDERS = {m.Paragraph: paragraph, m.BulletList: bullet_list, m.Table: table, m.Callout: callout,
            m.Section: section}
