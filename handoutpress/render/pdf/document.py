"""Lay out one resolved handout into PDF bytes: page templates and the story (furniture: furniture.py)."""
from __future__ import annotations

import io

from reportlab import rl_config
from reportlab.platypus import NextPageTemplate
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError, PageTemplate
from reportlab.platypus.frames import Frame

from ... import model as m
from ...errors import Problem, PublishError
from ...labels import labels_for
from ...page_text import review_line, template_context
from ...resolve.sources import format_source
from ...text import compile_template
from . import blocks as b
from .flowables import Box, QRBlock, TitleBand
from .furniture import Furniture, TotalCanvas
from .tagging import StructNode, Tagged, Tagger

QR_SIZE = 58.0  # 2.05 cm with its quiet zone: the 2 cm minimum for phones to read it, and a little more


def render(resolved: m.Resolved, theme, fonts: dict, clinic: m.Clinic, mark=None) -> tuple[bytes, Tagger, StructNode]:
    """Lay out the handout; return raw PDF bytes and the tag record for finish.py."""
    rl_config.invariant = 1  # fixed IDs and dates: the same input gives the same bytes
    v, h = resolved.variant, resolved.handout
    lab = labels_for(v.language)
    w, hgt = theme.page_size
    top, right, bottom, left = theme.margins
    width = w - left - right
    link_colour = theme.settings["links"]["colour"].hexval().replace("0x", "#")
    ctx = b.Ctx(theme, fonts, resolved.numbers, width, link_colour, hgt - top - bottom, labels=lab,
                fillable=v.appointment_fields)

    doc_node = StructNode("Document", lang=v.language)
    tagger = Tagger(doc_node)
    story = _title_band(resolved, theme, ctx, clinic, doc_node, lab, (left, right, 0), mark=mark)
    story.append(NextPageTemplate("later"))
    if v.appointment_fields:
        story += _appointment(ctx, doc_node, lab, theme)
    story += b.build(resolved.blocks, ctx, doc_node, 2)
    if resolved.call_to_action:
        story += _call_to_action(resolved.call_to_action, ctx, doc_node, clinic, lab, resolved.url)
    if v.closing:
        story += _closing(ctx, doc_node, clinic, lab, v, h, resolved)
    story += _sources(resolved, ctx, doc_node, lab)
    for source in resolved.sources:
        tagger.link_text[f"#source-{source[0]}"] = lab["source_link"].format(n=source[0],
                                                                             text=format_source(source[1]))
    for contact in (clinic.phone, clinic.web, clinic.email):
        if contact and contact.link:
            tagger.link_text[contact.link] = f"{contact.value} ({contact.link.split(':')[0]})"

    context = template_context(resolved, clinic)
    templates = {}
    for which in ("header", "footer"):
        templates[which] = {slot: compile_template(src) for slot, src in theme.settings[which].items() if src}
    draft = "" if v.review.status == "approved" else lab["draft"]
    furniture = Furniture(theme, fonts, context, templates, draft)

    buf = io.BytesIO()
    first = Frame(left, bottom, width, hgt - bottom, 0, 0, 0, 0, id="first")
    later = Frame(left, bottom, width, hgt - top - bottom, 0, 0, 0, 0, id="later")
    doc = _Doc(buf, pagesize=theme.page_size, title=resolved.title, author=clinic.name,
               subject=resolved.subtitle or resolved.title, keywords=", ".join(h.keywords), creator="handoutpress",
               producer="handoutpress (ReportLab)", lang=v.language, displayDocTitle=1,
               leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom, invariant=1,
               initialFontName=fonts["body"]["regular"])
    doc.addPageTemplates([
        PageTemplate("first", [first], onPageEnd=furniture.foreground),
        PageTemplate("later", [later], onPageEnd=furniture.foreground)])
    fts = theme.styles["footer"]
    footer_font = fonts[fts.family]["regular"]

    def make_canvas(*args, **kw):
        kw.setdefault("initialFontName", fonts["body"]["regular"])
        return TotalCanvas(*args, tagger=tagger, total_font=(footer_font, fts.size), total_colour=fts.colour,
                            **kw)

    everything = list(_flowables(story))  # doc.build consumes the story list
    try:
        doc.build(story, canvasmaker=make_canvas)
    except LayoutError as exc:
        raise PublishError(_layout_problem(resolved, everything, exc, doc.failed_at))
    if furniture.problems:
        raise PublishError(furniture.problems)
    return buf.getvalue(), tagger, doc_node


class _Doc(BaseDocTemplate):
    """Remembers the flowable at the head of the story when ReportLab gives up, for the error's place
    (a part split off during layout is not among the flowables the story started with)."""

    failed_at = None

    def handle_flowable(self, flowables):
        head = flowables[0] if flowables else None
        try:
            super().handle_flowable(flowables)
        except LayoutError:
            self.failed_at = head
            raise


def _layout_problem(resolved, flowables, exc, head=None) -> Problem:
    """ReportLab names the flowable by its id; turn that back into the handout block it came from.
    head: the flowable ReportLab was placing (perhaps a part split off during layout, or a group
    kept together), whose first block with a place answers when no id matches."""
    text = str(exc).lower()
    at_head = [f for f in _flowables([head] if head is not None else []) if getattr(f, "_handout_place", None)]
    placed = [f for f in flowables if getattr(f, "_handout_place", None)] + at_head
    culprit = next((f for f in placed if f"{id(f):x}" in text), at_head[0] if at_head else None)
    if culprit is None:
        place, what, fix = m.Place(resolved.handout.file, None, None, ""), "something", \
            "shorten the cell or paragraph, or split it into smaller blocks"
    elif isinstance(culprit, TitleBand):
        place, what, fix = culprit._handout_place, "the title band (title and subtitle)", "shorten the title or subtitle"
    else:
        place, what, fix = culprit._handout_place, "a block", "shorten the cell or paragraph, or split it into smaller blocks"
    return Problem(place.file, place.line, place.column, place.path,
                   f"{what} is taller than a page and cannot be split (variant {resolved.variant.name})",
                   fix, code="block-too-tall")


def _flowables(story):
    for f in story:
        yield f
        for attr in ("inner", "content", "_content"):
            inner = getattr(f, attr, None)
            if isinstance(inner, list):
                yield from _flowables(inner)
            elif inner is not None and hasattr(inner, "wrap"):
                yield from _flowables([inner])


def _title_band(resolved, theme, ctx, clinic, doc_node, lab, bleed, mark=None):
    band = theme.settings["title_band"]
    wordmark = ctx.para((m.Text(clinic.short_name),), ctx.style("wordmark"))
    tagline = ctx.para((m.Text(clinic.tagline),), ctx.style("tagline"))
    title = ctx.para((m.Text(resolved.title),), ctx.style("title"))
    subtitle = ctx.para((m.Text(resolved.subtitle),), ctx.style("subtitle")) if resolved.subtitle else None
    draft = None
    if resolved.variant.review.status != "approved":  # a draft says so before anything else
        draft = ctx.para((m.Text(lab["draft_notice"]),), ctx.style("wordmark"))
        doc_node.add("P")
    nodes = {"draft": doc_node.kids[-1] if draft else None,
             "figure": doc_node.add("Figure", alt=lab["logo_alt"].format(name=clinic.name)),
             "title": doc_node.add("H1")}
    if subtitle:
        nodes["subtitle"] = doc_node.add("P")
    flow = TitleBand(band, mark, wordmark, tagline, title, subtitle, nodes, bleed, draft=draft,
                     outline=resolved.title)
    flow._handout_place = resolved.title_place  # a title too tall for a page is reported at its line
    return [flow]


def _call_to_action(cta: m.Callout, ctx, doc_node, clinic: m.Clinic, lab, url: str):
    """The call to action ends with how to reach admissions, beside a QR code to the handout online."""
    lines = []
    for label, contact in ((lab["call"], clinic.phone), (lab["visit"], clinic.web), (lab["email"], clinic.email)):
        if contact:
            value = m.Link(contact.link, (m.Text(contact.value),)) if contact.link else m.Text(contact.value)
            lines.append((m.Strong((m.Text(label + ": "),)), value))
    if url:
        shown = url.removeprefix("https://").rstrip("/")
        lines.append((m.Strong((m.Text(lab["scan"] + " "),)), m.Link(url, (m.Text(shown),))))
    box = b.build((cta,), ctx, doc_node, 2)[0]  # a box like any callout, placed for layout errors
    style = ctx.style("body", spaceBefore=0, spaceAfter=2)
    paras = [(ctx.para(line, style), box.node.add("P")) for line in lines]
    if url:
        figure = box.node.add("Figure", alt=lab["qr_alt"].format(url=shown))
        box.content.append(QRBlock(url, QR_SIZE, paras, figure))
    else:
        box.content += [Tagged(para, node) for para, node in paras]
    return [box]


def _appointment(ctx, doc_node, lab, theme):
    """A box of fillable fields (date, time, clinician) that admissions staff type in before sending."""
    from .flowables import FieldsBlock

    ts = theme.styles["callout"]
    group = doc_node.add("Div")
    heading = b.heading((m.Text(lab["appointment"]),), ctx, group, 2)
    label_style = ctx.style("body", spaceBefore=0, spaceAfter=2)
    fields, nodes = [], []
    for name, share in (("appointment_date", 0.5), ("appointment_time", 0.5), ("clinician", 1.0)):
        text = lab[name]
        fields.append((name, ctx.para((m.Text(text),), label_style), text, share))
        nodes.append((group.add("P"), group.add("Form")))
    block = FieldsBlock(fields, label_style, theme.styles["table"].extra["grid"], nodes)
    inner = Box([heading, block], ts.extra["padding"], ts.extra["background"], ts.extra["border"],
                ts.extra["border_width"], space=(0, ts.space_after))
    return [inner]


def _closing(ctx, doc_node, clinic, lab, variant, handout, resolved):
    """Alternate formats, the disclaimer, and who reviewed this version and when."""
    style = ctx.style("closing")
    group = doc_node.add("Div")
    from ...labels import availability
    from ...resolve.variants import alternatives

    offers = resolved.offers if resolved.offers is not None else alternatives(handout, variant)
    offer = availability(variant.language, *offers, clinic.phone.value)
    texts = [text for text in (offer, lab["disclaimer"], review_line(variant, handout, lab)) if text]
    return [Tagged(ctx.para((m.Text(text),), style), group.add("P")) for text in texts]


def _sources(resolved, ctx, doc_node, lab):
    if not resolved.sources:
        return []
    sect = doc_node.add("Sect")
    out = [b.heading((m.Text(lab["sources"]),), ctx, sect, 2)]
    items, labels = [], []
    for n, source in resolved.sources:
        text = format_source(source)
        spans = (m.Text(text),)
        if source.url and text.endswith(source.url):  # a web page's address is a link a reader can follow
            spans = (m.Text(text[:-len(source.url)]), m.Link(source.url, (m.Text(source.url),)))
        items.append(m.ListItem(spans, source.place))
        labels.append(f"{n}.")
    anchors = [f"source-{n}" for n, _ in resolved.sources]  # what each in-text marker links to
    # sources stay in the language they were published in: a screen reader switches voice for them
    other = resolved.handout.language if resolved.handout.language != resolved.variant.language else ""
    lnode = sect.add("L", lang=other, attrs=b.list_numbering(ctx, numbered=True))
    return out + b.list_items(items, ctx, lnode, 0, labels=labels, style_name="sources", anchors=anchors)


__all__ = ["render"]
