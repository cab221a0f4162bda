#!/usr/bin/env python3
"""The baseline: the benzodiazepines patient handout laid out with bare ReportLab.

What a developer would write by hand for this one handout, with the same fonts, sizes, margins
and content (read straight from the YAML, no publisher code): title, paragraphs, headings,
nested bullet lists, the withdrawal table, the call-to-action box as a one-cell table, numbered
sources, and "Page X of Y". No tagging, no checks, no metadata beyond the title, no PDF/A.

    python bench/bare_reportlab.py OUT.pdf     render once (the cold-start comparison)
"""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import yaml
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (KeepTogether, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import letter

ROOT = Path(__file__).resolve().parent.parent
FACES = {"regular": "AtkinsonHyperlegible-Regular", "bold": "AtkinsonHyperlegible-Bold",
         "italic": "AtkinsonHyperlegible-Italic", "bold_italic": "AtkinsonHyperlegible-BoldItalic"}


def register_fonts():
    for name in FACES.values():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(ROOT / "fonts" / f"{name}.ttf")))
    for bold, italic, face in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic"), (1, 1, "bold_italic")):
        addMapping("Atkinson", bold, italic, FACES[face])


def markup(text: str, numbers: dict) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"\[@([^\]]+)\]", lambda m: f'<a href="#s{numbers.setdefault(m.group(1), len(numbers) + 1)}">'
                  f'[{numbers[m.group(1)]}]</a>', text)


def story_for(data: dict) -> list:
    ink, green = HexColor("#1F2328"), HexColor("#1F4E4A")
    body = ParagraphStyle("body", fontName=FACES["regular"], fontSize=12, leading=16, textColor=ink, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontName=FACES["bold"], fontSize=17, leading=21, textColor=green,
                        spaceBefore=9, keepWithNext=1)
    h3 = ParagraphStyle("h3", parent=h2, fontSize=14, leading=18, spaceBefore=4)
    title = ParagraphStyle("title", parent=h2, fontSize=26, leading=30)
    cell = ParagraphStyle("cell", parent=body, spaceAfter=0)
    numbers: dict = {}
    out = [Paragraph(data["title"], title)]

    def blocks(items, level):
        for item in items:
            (kind, value), = item.items()
            if kind == "group":
                blocks(value["body"], level)
            elif kind == "paragraph":
                out.append(Paragraph(markup(value, numbers), body))
            elif kind == "list":
                out.append(bullets(value))
            elif kind == "section":
                out.append(Paragraph(value["heading"], h2 if level == 2 else h3))
                blocks(value["body"], level + 1)
            elif kind == "table":
                rows = [[Paragraph(markup(c, numbers), cell) for c in row] for row in value["rows"]]
                out.append(Table(rows, colWidths=[165] * 3, style=TableStyle([
                    ("FONT", (0, 0), (-1, -1), FACES["regular"], 12), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("GRID", (0, 0), (-1, -1), 0.6, ink)])))

    def bullets(items):
        flows = []
        for it in items:
            if isinstance(it, dict):
                flows.append(ListItem([Paragraph(markup(it["text"], numbers), body), bullets(it["items"])]))
            else:
                flows.append(ListItem(Paragraph(markup(it, numbers), body)))
        return ListFlowable(flows, bulletType="bullet", start="•", bulletFontName=FACES["regular"])

    patient = [b for b in data["body"] if "patient" in (b.get("group") or {}).get("audiences", ["patient"])]
    blocks(patient, 2)
    cta = data["call_to_action"]
    box = [Paragraph(cta["heading"], h2)] + [Paragraph(markup(p["paragraph"], numbers), body) for p in cta["body"]]
    out.append(KeepTogether(Table([[box]], style=TableStyle([
        ("FONT", (0, 0), (-1, -1), FACES["regular"], 12), ("BOX", (0, 0), (-1, -1), 2, HexColor("#B5651D")),
        ("BACKGROUND", (0, 0), (-1, -1), HexColor("#F3F0EB"))]))))
    out.append(Paragraph("Sources", h2))
    by_key = {s["key"]: s for s in data["sources"]}
    for key, n in sorted(numbers.items(), key=lambda kv: kv[1]):
        s = by_key[key]
        text = f'<a name="s{n}"/>{n}. {", ".join(s["authors"])}. {s["year"]}. {s["title"]}. {s.get("container", "")}.'
        out.append(Paragraph(text.replace("&", "&amp;"), body))
    return out


class _Numbered:
    """Page X of Y with a form filled at the end, as the publisher does (one pass)."""

    @staticmethod
    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FACES["regular"], 9)
        canvas.drawRightString(540, 40, f"Page {canvas.getPageNumber()} of")
        canvas.translate(540, 40)
        canvas.doForm("total")
        canvas.restoreState()


def render(data: dict) -> bytes:
    rl_config.invariant = 1
    register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=letter, leftMargin=57.6, rightMargin=57.6, topMargin=43.2,
                            bottomMargin=68.4, title=data["title"], initialFontName=FACES["regular"])

    from reportlab.pdfgen.canvas import Canvas as RLCanvas

    class TotalCanvas(RLCanvas):
        def save(self):
            self.beginForm("total")
            self.setFont(FACES["regular"], 9)
            self.drawString(2, 0, str(self.getPageNumber() - (0 if self._code else 1)))
            self.endForm()
            super().save()

    doc.build(story_for(data), onFirstPage=_Numbered.footer, onLaterPages=_Numbered.footer,
              canvasmaker=TotalCanvas)
    return buf.getvalue()


def load() -> dict:
    with open(ROOT / "handouts" / "benzodiazepines.yaml", "rb") as f:
        return yaml.safe_load(f)


if __name__ == "__main__":
    Path(sys.argv[1] if len(sys.argv) > 1 else "bare.pdf").write_bytes(render(load()))
