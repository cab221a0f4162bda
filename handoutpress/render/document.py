"""Lay out one resolved handout into PDF bytes: page templates, furniture, story."""
from __future__ import annotations

import io

from reportlab import rl_config
from reportlab.platypus import NextPageTemplate
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError, PageTemplate
from reportlab.platypus.frames import Frame

from .. import model as m
from ..citations import format_source
from ..errors import Problem, PublishError
from ..labels import format_date, labels_for, next_review
from ..text import compile_template, escape, render_template
from . import blocks as b
from .flowables import Box, QRBlock, TitleBand
from .tagging import HandoutCanvas, StructNode, Tagged, Tagger

QR_SIZE = 58.0  # 2.05 cm with its quiet zone: the 2 cm minimum for phones to read it, and a little more
PAGES = "\ue000"  # stands for the page total in a rendered footer; drawn from a form filled at the end


def template_context(resolved: m.Resolved, clinic: m.Clinic) -> dict:
    """The values header and footer templates can use (documented in the layout files)."""
    v, h = resolved.variant, resolved.handout
    lab = labels_for(v.language)
    review = v.review
    if review.status == "approved":
        due = next_review(review.reviewed)
        line = f"{lab['reviewed']} {format_date(review.reviewed, v.language)}"
        if due:
            line += f" · {lab['next_review']} {format_date(due, v.language)}"
    else:
        line = lab["draft_notice"]
    return {
        "clinic": {"name": clinic.name, "short_name": clinic.short_name,
                   "phone": clinic.phone.value, "web": clinic.web.value},
        "handout": {"id": h.id, "title": resolved.title, "version": h.version},
        "variant": {"name": v.name, "audience": v.audience, "language": v.language},
        "review": {"status": review.status, "reviewed": format_date(review.reviewed, v.language),
                   "next_review": format_date(next_review(review.reviewed), v.language),
                   "reviewer": review.reviewer, "line": line},
        "labels": lab,
    }


class Furniture:
    """Running header, footer, rule and watermark, drawn as artifacts on every page."""

    def __init__(self, theme, fonts, context, templates, draft_text):
        self.theme, self.fonts, self.context = theme, fonts, context
        self.templates = templates  # {"header": {"left": Template...}, "footer": {...}}
        self.draft_text = draft_text
        self.problems = []  # a template that fails on a page the layout check did not try

    def _template_failed(self, which, slot, page, exc):
        import jinja2

        from ..yamlio import format_path

        message = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        file, line, column = self.theme.origins.get((which, slot), (self.theme.files[0], None, None))
        problem = Problem(str(file), line, column, format_path((which, slot)),
                          f"template error on page {page}: {message.rstrip('.')}",
                          "use only the values listed in the layout's comments, e.g. {{ handout.title }} or "
                          "{{ page }}, and keep the line short", code="template")
        if all(p.path != problem.path for p in self.problems):  # the first page it fails on is enough
            self.problems.append(problem)

    def font(self, style_name, bold=False):
        ts = self.theme.styles[style_name]
        return self.fonts[ts.family]["bold" if bold or ts.extra.get("bold") else "regular"], ts

    def watermark(self, canvas):
        """The draft mark, drawn last as outlined letters: seen over boxes, text still readable below."""
        if not self.draft_text:
            return
        wm = self.theme.settings["watermark"]
        font, _ = self.font("body", bold=True)
        w, h = self.theme.page_size
        size = wm["size"]
        while canvas.stringWidth(self.draft_text, font, size) > h * 0.85 and size > 24:
            size -= 4
        canvas.tagger.begin_artifact("Pagination /Subtype /Watermark")
        canvas.saveState()
        canvas.translate(w / 2, h / 2)
        canvas.rotate(55)
        text = canvas.beginText()
        text.setTextRenderMode(1)  # stroke only
        text.setFont(font, size)
        text.setTextOrigin(-canvas.stringWidth(self.draft_text, font, size) / 2, -size / 3)
        canvas.setStrokeColor(wm["colour"])
        canvas.setLineWidth(max(size / 55, 1.2))
        text.textOut(self.draft_text)
        canvas.drawText(text)
        canvas.restoreState()
        canvas.tagger.end_artifact()

    def foreground(self, canvas, doc):
        self.watermark(canvas)
        w, h = self.theme.page_size
        top, right, bottom, left = self.theme.margins
        page = canvas.getPageNumber()
        rule = self.theme.settings["rule"]
        fnt, fts = self.font("footer")
        canvas.tagger.begin_artifact("Pagination /Subtype /Footer")
        canvas.saveState()
        canvas.setStrokeColor(rule["colour"])
        canvas.setLineWidth(rule["width"])
        rule_y = bottom - fts.leading * 0.6
        canvas.line(left, rule_y, w - right, rule_y)
        self._slots(canvas, "footer", page, rule_y - fts.size - 4, left, w - right, fnt, fts, down=True)
        canvas.restoreState()
        canvas.tagger.end_artifact()
        if page > 1:
            hnt, hts = self.font("header")
            canvas.tagger.begin_artifact("Pagination /Subtype /Header")
            canvas.saveState()
            self._slots(canvas, "header", page, h - top * 0.6, left, w - right, hnt, hts, down=False)
            canvas.restoreState()
            canvas.tagger.end_artifact()

    def _slots(self, canvas, which, page, y, x0, x1, font, ts, down):
        canvas.setFillColor(ts.colour)
        for slot, template in self.templates[which].items():
            try:
                text = render_template(template, **self.context, page=page, pages=PAGES)
            except Exception as exc:  # noqa: BLE001 - checked on sample pages at load; this page differs
                self._template_failed(which, slot, page, exc)
                continue
            lines = [ln for ln in text.split("\n")]
            if not down:
                lines.reverse()
            for i, line in enumerate(lines):
                yy = y - i * ts.leading if down else y + i * ts.leading
                self._line(canvas, line, slot, yy, x0, x1, font, ts.size)

    def _line(self, canvas, text, slot, y, x0, x1, font, size):
        before, _, after = text.partition(PAGES)
        has_total = PAGES in text
        total_w = canvas.stringWidth(str(max(canvas.getPageNumber(), 1)), font, size) if has_total else 0
        width = canvas.stringWidth(before, font, size) + total_w + canvas.stringWidth(after, font, size)
        x = {"left": x0, "center": (x0 + x1 - width) / 2, "right": x1 - width}[slot]
        canvas.setFont(font, size)
        canvas.drawString(x, y, before)
        if has_total:
            canvas.saveState()
            canvas.translate(x + canvas.stringWidth(before, font, size), y)
            canvas.doForm("page-total")
            canvas.restoreState()
            canvas.drawString(x + canvas.stringWidth(before, font, size) + total_w, y, after)


class _TotalCanvas(HandoutCanvas):
    """Fills the page-total form once the last page is known."""

    def __init__(self, *args, total_font=None, total_colour=None, **kw):
        super().__init__(*args, **kw)
        self._total_font = total_font
        self._total_colour = total_colour

    def save(self):
        pages = self.getPageNumber() - (0 if self._code else 1)
        self.beginForm("page-total")
        font, size = self._total_font
        self.setFont(font, size)
        self.setFillColor(self._total_colour)
        self.drawString(0, 0, str(pages))
        self.endForm()
        super().save()


def render(resolved: m.Resolved, theme, fonts: dict, clinic: m.Clinic) -> tuple[bytes, Tagger, StructNode]:
    """Lay out the handout; return raw PDF bytes and the tag record for finish.py."""
    rl_config.invariant = 1  # fixed IDs and dates: the same input gives the same bytes
    v, h = resolved.variant, resolved.handout
    lab = labels_for(v.language)
    w, hgt = theme.page_size
    top, right, bottom, left = theme.margins
    width = w - left - right
    link_colour = theme.settings["links"]["colour"].hexval().replace("0x", "#")
    ctx = b.Ctx(theme, fonts, resolved.numbers, width, link_colour, hgt - top - bottom)

    doc_node = StructNode("Document", lang=v.language)
    tagger = Tagger(doc_node)
    story = _title_band(resolved, theme, ctx, clinic, doc_node, lab, (left, right, 0))
    story.append(NextPageTemplate("later"))
    if v.appointment_fields:
        story += _appointment(ctx, doc_node, lab, theme)
    story += b.build(resolved.blocks, ctx, doc_node, 2)
    if resolved.call_to_action:
        story += _call_to_action(resolved.call_to_action, ctx, doc_node, clinic, lab, h.url)
    story += _closing(ctx, doc_node, clinic, lab, v, h)
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
    doc = BaseDocTemplate(buf, pagesize=theme.page_size, title=resolved.title, author=clinic.name,
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
        return _TotalCanvas(*args, tagger=tagger, total_font=(footer_font, fts.size), total_colour=fts.colour,
                            **kw)

    everything = list(_flowables(story))  # doc.build consumes the story list
    try:
        doc.build(story, canvasmaker=make_canvas)
    except LayoutError as exc:
        raise PublishError(_layout_problem(resolved, everything, exc))
    if furniture.problems:
        raise PublishError(furniture.problems)
    return buf.getvalue(), tagger, doc_node


def _layout_problem(resolved, flowables, exc) -> Problem:
    """ReportLab names the flowable by its id; turn that back into the handout block it came from."""
    text = str(exc).lower()
    culprit = next((f for f in flowables if getattr(f, "_handout_place", None) and f"{id(f):x}" in text), None)
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


def _title_band(resolved, theme, ctx, clinic, doc_node, lab, bleed):
    from ..logo import load_mark

    band = theme.settings["title_band"]
    mark = None
    if band.get("logo_path"):
        mark = load_mark(band["logo_path"], band["foreground"], band["logo_width"], font_name=ctx.fonts["body"]["regular"])
    wordmark = ctx.para((m.Text(clinic.short_name),), ctx.style("wordmark"))
    tagline = ctx.para((m.Text(clinic.tagline),), ctx.style("tagline"))
    title = ctx.para((m.Text(resolved.title),), ctx.style("title"))
    subtitle = ctx.para((m.Text(resolved.subtitle),), ctx.style("subtitle")) if resolved.subtitle else None
    nodes = {"figure": doc_node.add("Figure", alt=lab["logo_alt"].format(name=clinic.name)),
             "title": doc_node.add("H1")}
    if subtitle:
        nodes["subtitle"] = doc_node.add("P")
    flow = TitleBand(band, mark, wordmark, tagline, title, subtitle, nodes, bleed)
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
    box = b.callout(cta, ctx, doc_node, 2)[0]
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


def _closing(ctx, doc_node, clinic, lab, variant, handout):
    """Alternate formats, the disclaimer, and who reviewed this version and when."""
    style = ctx.style("closing")
    group = doc_node.add("Div")
    texts = [lab["alternate_formats"].format(phone=clinic.phone.value), lab["disclaimer"],
             review_line(variant, handout, lab)]
    return [Tagged(ctx.para((m.Text(text),), style), group.add("P")) for text in texts]


def review_line(variant, handout, lab) -> str:
    review = variant.review
    if review.status != "approved":
        return lab["draft_review"].format(version=handout.version)
    who = review.reviewer + (f", {review.credentials}" if review.credentials else "")
    return lab["approved_review"].format(version=handout.version, reviewer=who,
                                         date=format_date(review.reviewed, variant.language),
                                         due=format_date(next_review(review.reviewed), variant.language))


def _sources(resolved, ctx, doc_node, lab):
    if not resolved.sources:
        return []
    sect = doc_node.add("Sect")
    out = [b.heading((m.Text(lab["sources"]),), ctx, sect, 2)]
    items, labels = [], []
    for n, source in resolved.sources:
        text = format_source(source)
        items.append(m.ListItem((m.Text(text),), source.place))
        labels.append(f"{n}.")
    anchors = [f"source-{n}" for n, _ in resolved.sources]  # what each in-text marker links to
    # sources stay in the language they were published in: a screen reader switches voice for them
    other = resolved.handout.language if resolved.handout.language != resolved.variant.language else ""
    return out + b.list_items(items, ctx, sect.add("L", lang=other), 0, labels=labels, style_name="sources",
                              anchors=anchors)


__all__ = ["render", "template_context", "escape"]
