"""Page furniture: the running header and footer (designers' templates), the rule, the draft
watermark and the page total, all drawn as artifacts on every page."""
from __future__ import annotations

from ...errors import Problem
from ...page_text import PAGES
from ...text import render_template
from .tagging import HandoutCanvas


class Furniture:
    """Running header, footer, rule and watermark, drawn as artifacts on every page."""

    def __init__(self, theme, fonts, context, templates, draft_text):
        self.theme, self.fonts, self.context = theme, fonts, context
        self.templates = templates  # {"header": {"left": Template...}, "footer": {...}}
        self.draft_text = draft_text
        self.problems = []  # a template that fails on a page the layout check did not try

    def _template_failed(self, which, slot, page, exc):
        import jinja2

        from ...load.yamlio import format_path

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


class TotalCanvas(HandoutCanvas):
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
