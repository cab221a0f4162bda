"""`publish.py specimen LAYOUT`: a proof sheet of one layout for the designer.

On the layout's own page size and margins, with its registered fonts (no standard-14 font:
the canvas starts in the body font and every table cell names its font): the title band with
the logo, every text style set in itself with its settings, the palette as swatches with the
contrast of each colour on white and on every background the renderer puts it on, every font
face with a character sample, the list, table, callout and emergency box as they print, the page
settings, and every colour pair the checks measure.

The proof sheet is a working document, not a handout: it is not tagged.
"""
from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import PublishError

# What every face is shown with: the alphabet, figures, the accents of the clinic's languages
# and the punctuation handouts use (curly quotes, dashes, the bullet and the middle dot).
CHARACTER_SAMPLE = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "abcdefghijklmnopqrstuvwxyz 0123456789",
    "á é í ó ú ñ ü ç Á É Í Ó Ú Ñ Ü ¿ ¡ « »",
    "“double” ‘single’ it’s – — … • · % & @ $ € ° ± ½ ( ) [ ] / ?",
    "Il1| O0 rn m cl d  (look-alikes)",
)

SAMPLES = {
    "body": ("Take your medicine exactly as prescribed. Talk to your care team before you change a dose: "
             "<b>bold</b>, <i>italic</i>, a {link} and a citation [1]."),
    "title": "Benzodiazepines",
    "subtitle": "How they work, how addiction happens, and how treatment helps",
    "heading2": "How Benzos Work",
    "heading3": "Brain Mechanisms",
    "list": "Anxiety disorders, insomnia and seizures",
    "table": "Anxiety, insomnia, irritability",
    "callout": "Our admissions team is here to help.",
    "emergency": "Call 911 or go to the nearest emergency room.",
    "sources": "[1] Ashton H. The diagnosis and management of benzodiazepine dependence. 2005;18(3):249-55.",
    "closing": "This handout is available in large print and other formats: call (555) 555-0142.",
    "header": "Benzodiazepines",
    "footer": "Page 2 of 4 · Reviewed November 26, 2026",
}
BAND_STYLES = ("title", "subtitle", "wordmark", "tagline")
HAIRLINE = "#D0D0D0"  # the proof sheet's own separators, not a layout colour
PAIR_USES_SHOWN = 3


def _hex(colour) -> str:
    from ..checks.contrast import hex_of

    return hex_of(colour)


def _colour_name(theme, colour) -> str:
    """'evergreen #1F4E4A': the palette name(s) of a colour, then its hex."""
    h = _hex(colour)
    names = [n for n, c in theme.palette.items() if _hex(c) == h]
    return f"{'/'.join(names)} {h}" if names else h


def _num(value) -> str:
    return f"{value:g}"


class _Kit:
    """Paragraph styles from the layout's styles, plus the proof sheet's own small labels."""

    def __init__(self, theme, fonts):
        from reportlab.lib.styles import ParagraphStyle

        self.theme, self.fonts = theme, fonts
        self._cache = {}
        body = fonts["body"]
        ink = theme.styles["body"].colour
        self.label = ParagraphStyle("label", fontName=body["regular"], fontSize=8.5, leading=11, textColor=ink)
        self.note = ParagraphStyle("note", parent=self.label, fontSize=9.5, leading=13, spaceAfter=6)
        self.link_colour = _hex(theme.settings["links"]["colour"])

    def face(self, name, bold=None, italic=False):
        ts = self.theme.styles[name]
        faces = self.fonts[ts.family]
        bold = ts.extra.get("bold") if bold is None else bold
        if italic:
            return faces["bold_italic" if bold else "italic"]
        return faces["bold" if bold else "regular"]

    def style(self, name, **over):
        from reportlab.lib.styles import ParagraphStyle

        key = (name, tuple(sorted(over.items())))
        if key not in self._cache:
            ts = self.theme.styles[name]
            faces = self.fonts[ts.family]
            base = dict(fontName=self.face(name), fontSize=ts.size, leading=ts.leading, textColor=ts.colour,
                        spaceBefore=ts.space_before, spaceAfter=ts.space_after, bulletFontName=faces["regular"],
                        splitLongWords=1, allowWidows=0, allowOrphans=0)
            base.update(over)
            self._cache[key] = ParagraphStyle(f"{name}-{len(self._cache)}", **base)
        return self._cache[key]

    def link(self, text):
        return f'<a href="https://example.org" color="{self.link_colour}" underline="1">{escape(text)}</a>'

    def table_style(self, *commands):
        """A TableStyle that names the body font for every cell (ReportLab's default is Helvetica)."""
        from reportlab.platypus import TableStyle

        return TableStyle([("FONT", (0, 0), (-1, -1), self.fonts["body"]["regular"], 9),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"), *commands])


def _sample_markup(kit, name, clinic) -> str:
    if name == "wordmark":
        return escape(clinic[0])
    if name == "tagline":
        return escape(clinic[1])
    text = SAMPLES.get(name, "The quick brown fox jumps over the lazy dog.")
    if name == "body":
        return text.replace("{link}", kit.link("link"))
    return escape(text)


def _clinic_words(root: Path) -> tuple[str, str]:
    """The clinic's short name and tagline for the band (placeholders if the clinic file is broken)."""
    from ..load.content import load_clinic
    from ..publish.inputs import CLINIC_FILE

    try:
        clinic = load_clinic(root / "handouts" / CLINIC_FILE, f"handouts/{CLINIC_FILE}")
        return clinic.short_name, clinic.tagline
    except (PublishError, OSError):
        return "Clinic name", "Clinic tagline"


# ---- the title band ---------------------------------------------------------------------------

def _band(kit, theme, clinic, title, subtitle, bleed):
    from reportlab.graphics import renderPDF
    from reportlab.platypus import Paragraph
    from reportlab.platypus.flowables import Flowable

    from ..load.logo import load_mark

    band = theme.settings["title_band"]
    mark = None
    if band.get("logo_path"):
        mark = load_mark(band["logo_path"], band["foreground"], band["logo_width"],
                         font_name=kit.fonts["body"]["regular"], mode=band["logo_colours"],
                         background=band["background"])
    wordmark = Paragraph(escape(clinic[0]), kit.style("wordmark"))
    tagline = Paragraph(escape(clinic[1]), kit.style("tagline"))
    title_p = Paragraph(escape(title), kit.style("title"))
    subtitle_p = Paragraph(escape(subtitle), kit.style("subtitle")) if subtitle else None

    class Band(Flowable):
        def wrap(self, aw, ah):
            pad = band["padding"]
            mark_w = mark.width if mark else 0
            text_w = aw - mark_w - (pad * 0.75 if mark else 0)
            self._wm, self._tl = wordmark.wrap(text_w, ah), tagline.wrap(text_w, ah)
            self._logo_h = max(mark.height if mark else 0, self._wm[1] + self._tl[1])
            self._title = title_p.wrap(aw, ah)
            self._sub = subtitle_p.wrap(aw, ah) if subtitle_p else (0, 0)
            self.width = aw
            self.height = pad + self._logo_h + pad * 0.9 + self._title[1] + (self._sub[1] + 2 if subtitle_p else 0) + pad
            return self.width, self.height

        def getSpaceAfter(self):
            return band["space_after"]

        def draw(self):
            c, pad = self.canv, band["padding"]
            left, right, top = bleed
            c.saveState()
            c.setFillColor(band["background"])
            c.rect(-left, 0, self.width + left + right, self.height + top, stroke=0, fill=1)
            c.restoreState()
            y = self.height - pad
            x_text = (mark.width + pad * 0.75) if mark else 0
            if mark:
                renderPDF.draw(mark, c, 0, y - mark.height)
            text_top = y - (self._logo_h - self._wm[1] - self._tl[1]) / 2
            wordmark.drawOn(c, x_text, text_top - self._wm[1])
            tagline.drawOn(c, x_text, text_top - self._wm[1] - self._tl[1])
            y -= self._logo_h + pad * 0.9
            title_p.drawOn(c, 0, y - self._title[1])
            if subtitle_p:
                subtitle_p.drawOn(c, 0, y - self._title[1] - 2 - self._sub[1])

    return Band()


# ---- sections ---------------------------------------------------------------------------------

def _section(kit, text, *following):
    """A section heading on a new page unless there is room for it and a good start of what follows."""
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph

    heading = Paragraph(escape(text), kit.style("heading2", keepWithNext=1))
    room = CondPageBreak(kit.theme.styles["heading2"].leading * 2 + 8 * kit.theme.styles["body"].leading)
    return [room, KeepTogether([heading, *following]) if following else heading]


def _style_settings(kit, name, ts) -> str:
    theme = kit.theme
    parts = [f"{kit.face(name)}, {_num(ts.size)}/{_num(ts.leading)} pt",
             f"{_colour_name(theme, ts.colour)}, space {_num(ts.space_before)}/{_num(ts.space_after)} pt"]
    extra = ts.extra
    if name == "list":
        parts.append(f"indent {_num(extra['indent'])} pt, bullet {extra['bullet']} in "
                     f"{_colour_name(theme, extra['bullet_colour'])}")
    elif name == "table":
        parts.append(f"padding {_num(extra['padding'])} pt, grid {_colour_name(theme, extra['grid'])} "
                     f"{_num(extra['grid_width'])} pt, stripe {_colour_name(theme, extra['stripe'])}, header "
                     f"{_colour_name(theme, extra['header_colour'])} on "
                     f"{_colour_name(theme, extra['header_background'])}")
    elif name in ("callout", "emergency"):
        parts.append(f"padding {_num(extra['padding'])} pt, background {_colour_name(theme, extra['background'])}, "
                     f"border {_colour_name(theme, extra['border'])} {_num(extra['border_width'])} pt")
    return "<br/>".join(escape(p) for p in parts)


def _styles_table(kit, width, clinic):
    from reportlab.platypus import Paragraph, Table

    theme = kit.theme
    label_w = min(190.0, width * 0.38)
    rows, commands = [], []
    band_bg = theme.settings["title_band"]["background"]
    for i, (name, ts) in enumerate(theme.styles.items()):
        label = Paragraph(f"<b>{escape(name)}</b><br/>{_style_settings(kit, name, ts)}", kit.label)
        style = kit.style(name, spaceBefore=0, spaceAfter=0)
        if name == "list":
            sample = Paragraph(_sample_markup(kit, name, clinic), kit.style(
                name, spaceBefore=0, spaceAfter=0, leftIndent=ts.extra["indent"], bulletIndent=0,
                bulletColor=ts.extra["bullet_colour"], bulletFontSize=ts.size), bulletText=ts.extra["bullet"])
        else:
            sample = Paragraph(_sample_markup(kit, name, clinic), style)
        rows.append([label, sample])
        background = band_bg if name in BAND_STYLES else (
            ts.extra["background"] if name in ("callout", "emergency") else None)
        if background is not None:
            commands.append(("BACKGROUND", (1, i), (1, i), background))
        if name in ("callout", "emergency") and ts.extra["border_width"] > 0:
            commands.append(("BOX", (1, i), (1, i), ts.extra["border_width"], ts.extra["border"]))
        commands.append(("LINEBELOW", (0, i), (-1, i), 0.4, HAIRLINE))
    table = Table(rows, colWidths=[label_w, width - label_w], repeatRows=0)
    table.setStyle(kit.table_style(("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                                   ("LEFTPADDING", (0, 0), (0, -1), 0), ("LEFTPADDING", (1, 0), (1, -1), 8),
                                   *commands))
    return table


def _rating(ratio) -> str:
    if ratio >= 7:
        return "AAA for text"
    if ratio >= 4.5:
        return "AA for text"
    if ratio >= 3:
        return "large text and graphics only"
    return "below 3:1: decoration only"


def _palette_lines(theme, colour, pairs) -> list[str]:
    """Contrast lines for one palette colour: on white, then wherever the renderer puts it."""
    from ..checks.contrast import contrast_ratio, grayscale

    h = _hex(colour)
    white = theme.palette["white"]
    ratio = contrast_ratio(colour, white)
    if h == "#FFFFFF":
        lines = [f"<b>the page</b>; prints as grey {grayscale(colour):.0%}"]
    else:
        lines = [f"<b>{ratio:.2f}:1 on white</b> ({_rating(ratio)}); prints as grey {grayscale(colour):.0%}"]
    if not any(h in (m.fg.rsplit(" ", 1)[-1], m.bg.rsplit(" ", 1)[-1]) for m in pairs):
        lines.append("not used by any style or setting of this layout")
    grouped: dict = {}
    for m in pairs:
        if m.kind == "grayscale" or m.severity is None:
            continue
        fg, bg = m.fg.rsplit(" ", 1)[-1], m.bg.rsplit(" ", 1)[-1]
        if fg == h and bg != "#FFFFFF":
            key = ("on", m.bg)
        elif bg == h and fg != h:
            key = ("under", m.fg)
        else:
            continue
        entry = grouped.setdefault(key, {"value": m.value, "needs": {}, "uses": [], "passed": True})
        entry["needs"][m.kind] = max(entry["needs"].get(m.kind, 0), m.required)
        entry["uses"] += [u for u in m.uses if u not in entry["uses"]]
        entry["passed"] = entry["passed"] and m.passed
    for (where, other), e in grouped.items():
        needs = ", ".join(f"{kind} needs {req:g}:1" for kind, req in sorted(e["needs"].items()))
        uses = e["uses"][:PAIR_USES_SHOWN]
        more = f" and {len(e['uses']) - len(uses)} more" if len(e["uses"]) > len(uses) else ""
        what = f"on {other}" if where == "on" else f"{other} on it"
        verdict = "pass" if e["passed"] else "<b>FAILS</b>"
        lines.append(f"{e['value']:.2f}:1 {escape(what)}: {needs}, {verdict} ({escape('; '.join(uses))}{more})")
    return lines


def _palette_table(kit, width, pairs):
    from reportlab.platypus import Paragraph, Table

    theme = kit.theme
    rows, commands = [], []
    declared = [n for n in theme.palette if n not in ("white", "black")]
    used = {m.fg.rsplit(" ", 1)[-1] for m in pairs} | {m.bg.rsplit(" ", 1)[-1] for m in pairs}
    builtin = [n for n in ("white", "black") if n in theme.palette and _hex(theme.palette[n]) in used]
    for i, name in enumerate(declared + builtin):
        colour = theme.palette[name]
        label = Paragraph(f"<b>{escape(name)}</b><br/>{_hex(colour)}" + ("<br/>built in" if name in builtin else ""),
                          kit.label)
        lines = _palette_lines(theme, colour, pairs)
        rows.append(["", label, Paragraph("<br/>".join(lines), kit.label)])
        commands += [("BACKGROUND", (0, i), (0, i), colour), ("BOX", (0, i), (0, i), 0.5, theme.palette["black"])]
    table = Table(rows, colWidths=[46, 92, width - 138])
    table.setStyle(kit.table_style(("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                                   ("LINEBELOW", (1, 0), (-1, -1), 0.4, HAIRLINE),
                                   *commands))
    return table, declared + builtin


def _fonts_flow(kit):
    from reportlab.platypus import KeepTogether, Paragraph

    from ..checks.glyphs import font_chars

    out = []
    theme, fonts = kit.theme, kit.fonts
    size = max(14.0, theme.styles["body"].size)
    for role, faces in theme.families.items():
        for face, path in faces.items():
            registered = fonts[role][face]
            have = font_chars(registered)
            wanted = {ch for line in CHARACTER_SAMPLE for ch in line if not ch.isspace()}
            missing = sorted(ch for ch in wanted if ord(ch) not in have)
            head = Paragraph(f"<b>{escape(role)} · {escape(face.replace('_', ' '))}</b>: "
                             f"{escape(Path(path).name)}, {len(have)} characters"
                             + (f"; <b>not in this face:</b> {' '.join(f'U+{ord(c):04X}' for c in missing)}"
                                if missing else "; every character below is in the face"), kit.label)
            sample_lines = ["".join(ch if (ch.isspace() or ord(ch) in have) else "?" for ch in line)
                            for line in CHARACTER_SAMPLE]
            from reportlab.lib.styles import ParagraphStyle

            st = ParagraphStyle(f"face-{registered}", fontName=registered, fontSize=size, leading=size * 1.3,
                                textColor=theme.styles["body"].colour, spaceAfter=10, spaceBefore=3)
            out.append(KeepTogether([head, Paragraph("<br/>".join(escape(ln) for ln in sample_lines), st)]))
    return out


def _in_use(kit, width):
    """A section, a paragraph, a list, a table, a callout and an emergency box, as the renderer sets them."""
    from reportlab.platypus import KeepTogether, Paragraph, Table

    theme, st = kit.theme, kit.theme.styles
    out = [Paragraph("Section heading (heading2)", kit.style("heading2", keepWithNext=1)),
           Paragraph("Body text runs like this, with " + kit.link("a link to a web page") +
                     ", <b>bold</b> and <i>italic</i> words and a citation [2]. Paragraphs keep the layout's "
                     "space after.", kit.style("body"))]
    lst = st["list"]
    items = [Paragraph("Sub-section heading (heading3)", kit.style("heading3", keepWithNext=1))]
    for depth, text in ((0, "A list item in the list style"), (0, "A longer item that wraps onto a second line "
                                                                   "to show the hanging indent of the list style"),
                        (1, "A nested item, one indent deeper"), (0, "The last item")):
        indent = lst.extra["indent"] * (depth + 1)
        items.append(Paragraph(escape(text), kit.style(
            "list", leftIndent=indent, bulletIndent=indent - lst.extra["indent"], bulletColor=lst.extra["bullet_colour"],
            bulletFontSize=lst.size), bulletText=lst.extra["bullet"]))
    out.append(KeepTogether(items))
    tbl = st["table"]
    head = kit.style("table", fontName=kit.face("table", bold=True), textColor=tbl.extra["header_colour"],
                     spaceBefore=0, spaceAfter=0)
    cell = kit.style("table", spaceBefore=0, spaceAfter=0)
    data = [["Symptom", "When", "What to do"],
            ["Anxiety", "Days 1-4", "Call your clinician"],
            ["Insomnia", "Week 1-2", "Keep a sleep routine"],
            ["Seizures", "Any time", "Call 911"]]
    rows = [[Paragraph(escape(c), head if r == 0 else cell) for c in row] for r, row in enumerate(data)]
    grid = tbl.extra["grid_width"]
    commands = [("BACKGROUND", (0, 0), (-1, 0), tbl.extra["header_background"]),
                ("TOPPADDING", (0, 0), (-1, -1), tbl.extra["padding"]),
                ("BOTTOMPADDING", (0, 0), (-1, -1), tbl.extra["padding"]),
                ("LEFTPADDING", (0, 0), (-1, -1), tbl.extra["padding"]),
                ("RIGHTPADDING", (0, 0), (-1, -1), tbl.extra["padding"])]
    if grid > 0:
        commands.append(("GRID", (0, 0), (-1, -1), grid, tbl.extra["grid"]))
    for r in range(2, len(rows), 2):
        commands.append(("BACKGROUND", (0, r), (-1, r), tbl.extra["stripe"]))
    table = Table(rows, colWidths=[width / 3] * 3, repeatRows=1, spaceBefore=tbl.space_before,
                  spaceAfter=tbl.space_after)
    table.setStyle(kit.table_style(*commands))
    out.append(table)
    for box, heading, text in (("callout", "Questions?", "Our admissions team is here to help. Call: "
                                "(555) 555-0142"), ("emergency", "Emergency: call 911",
                                                   "If someone is having a seizure or cannot be woken, call 911 "
                                                   "or go to the nearest emergency room.")):
        out.append(_box(kit, box, heading, text, width))
    return out


def _box(kit, box, heading, text, width):
    from reportlab.platypus import Paragraph, Table

    ts = kit.theme.styles[box]
    e = ts.extra
    content = [Paragraph(escape(heading), kit.style("heading2", spaceBefore=0)),
               Paragraph(escape(text), kit.style("body")),
               Paragraph(f"Text in the {box} style's own colour.", kit.style(box, spaceBefore=0, spaceAfter=0))]
    table = Table([[content]], colWidths=[width], spaceBefore=ts.space_before, spaceAfter=ts.space_after)
    pad = e["padding"] + e["border_width"]
    commands = [("BACKGROUND", (0, 0), (-1, -1), e["background"]),
                ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad)]
    if e["border_width"] > 0:
        commands.append(("BOX", (0, 0), (-1, -1), e["border_width"], e["border"]))
    table.setStyle(kit.table_style(*commands))
    return table


def _settings_table(kit, width):
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, Table

    theme = kit.theme
    s = theme.settings
    band, rule, wm = s["title_band"], s["rule"], s["watermark"]
    pw, ph = theme.page_size
    top, right, bottom, left = theme.margins

    def pt(v):
        return f"{_num(round(v, 2))} pt ({v / 72:.2f} in)"

    rows = [("page", f"{'A4' if (pw, ph) == A4 else 'US Letter'}, {_num(round(pw, 1))} x {_num(round(ph, 1))} pt"),
            ("margins", f"top {pt(top)}, right {pt(right)}, bottom {pt(bottom)}, left {pt(left)}"),
            ("title band", f"background {_colour_name(theme, band['background'])}, logo in "
                           f"{_colour_name(theme, band['foreground'])}, padding {pt(band['padding'])}, logo "
                           f"{band['logo'] or '(none)'} at {pt(band['logo_width'])} wide, space after "
                           f"{pt(band['space_after'])}"),
            ("links", f"{_colour_name(theme, s['links']['colour'])}, underlined"),
            ("rule", f"{_colour_name(theme, rule['colour'])}, {_num(rule['width'])} pt"),
            ("watermark", f"{_colour_name(theme, wm['colour'])}, {_num(wm['size'])} pt outline, on drafts only")]
    for which in ("header", "footer"):
        for slot, template in s[which].items():
            if template:
                rows.append((f"{which} {slot}", template))
    cells = [[Paragraph(f"<b>{escape(k)}</b>", kit.label), Paragraph(escape(v).replace("\n", "<br/>"), kit.label)]
             for k, v in rows]
    table = Table(cells, colWidths=[90, width - 90])
    table.setStyle(kit.table_style(("LEFTPADDING", (0, 0), (0, -1), 0),
                                   ("LINEBELOW", (0, 0), (-1, -1), 0.4, HAIRLINE)))
    return table


def _pairs_table(kit, width, pairs):
    from reportlab.platypus import Paragraph, Table

    theme = kit.theme
    header = ["ink / fill", "on", "value", "needs", "result", "used for"]
    rows = [[Paragraph(f"<b>{h}</b>", kit.label) for h in header]]
    for m in pairs:
        value = f"{m.value:.3f} grey" if m.kind == "grayscale" else f"{m.value:.2f}:1"
        need = f"{m.required:g} grey" if m.kind == "grayscale" else f"{m.required:g}:1 {m.kind}"
        result = "pass" if m.passed else (f"<b>FAILS</b> ({m.severity})" if m.severity else "not checked")
        rows.append([Paragraph(escape(m.fg), kit.label), Paragraph(escape(m.bg), kit.label),
                     Paragraph(value, kit.label), Paragraph(escape(need), kit.label), Paragraph(result, kit.label),
                     Paragraph(escape("; ".join(m.uses)), kit.label)])
    widths = [82, 82, 44, 64, 50]
    table = Table(rows, colWidths=widths + [width - sum(widths)], repeatRows=1)
    table.setStyle(kit.table_style(("LINEBELOW", (0, 0), (-1, 0), 0.8, theme.styles["body"].colour),
                                   ("LINEBELOW", (0, 1), (-1, -1), 0.3, HAIRLINE),
                                   ("LEFTPADDING", (0, 0), (0, -1), 0)))
    return table


# ---- the document ----------------------------------------------------------------------------

def specimen_pdf(root: Path, name: str) -> bytes:
    """The proof sheet of layout NAME as PDF bytes (same layout, same bytes)."""
    from reportlab import rl_config
    from reportlab.platypus import NextPageTemplate, Paragraph, Spacer
    from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate
    from reportlab.platypus.frames import Frame

    from ..checks.contrast import measurements
    from ..load.fonts import register_families
    from ..load.layout import load_theme
    from .layout_show import layout_name

    root = Path(root)
    name = layout_name(root, name)
    theme = load_theme(root, name)
    fonts = register_families(theme)
    kit = _Kit(theme, fonts)
    clinic = _clinic_words(root)
    pairs = measurements(theme)
    rl_config.invariant = 1

    w, h = theme.page_size
    top, right, bottom, left = theme.margins
    width = w - left - right
    description = _description(root, theme)

    story = [_band(kit, theme, clinic, name, description or "Layout specimen", (left, right, 0)),
             NextPageTemplate("later"),
             Paragraph(f"Proof sheet of <b>{escape(' extends '.join(theme.files))}</b>. Everything below is set "
                       "with the layout's own fonts, sizes and colours on its page size and margins. "
                       f"<b>python publish.py layout show {escape(name)}</b> lists every value and the line it "
                       "comes from.", kit.note),
             *_section(kit, "Text styles"),
             Paragraph("Each style's name, face, size/leading, colour and space above/below; its sample on the "
                       "background it prints on.", kit.note),
             _styles_table(kit, width, clinic),
             *_section(kit, "Palette and contrast")]
    story.append(Paragraph("WCAG 2.1: text needs 4.5:1 (3:1 from 18 pt, or 14 pt bold); bullets, borders, rules "
                           "and the logo need 3:1. Each colour on white, then on (or under) every other colour "
                           "the renderer pairs it with.", kit.note))
    palette_table, _ = _palette_table(kit, width, pairs)
    story.append(palette_table)
    faces = _fonts_flow(kit)
    story += [*_section(kit, "Fonts", faces[0]), *faces[1:]]
    samples = _in_use(kit, width)
    story += [*_section(kit, "In use", *samples[:2]), *samples[2:]]
    story += _section(kit, "Page settings")
    story.append(_settings_table(kit, width))
    story.append(Spacer(1, 6))
    story += _section(kit, "Every colour pair the checks measure")
    story.append(Paragraph("From <b>python publish.py check</b>: text and graphics contrast, and grey levels "
                           "that must differ on a black-and-white printout.", kit.note))
    story.append(_pairs_table(kit, width, pairs))

    footer_style, header_style = theme.styles["footer"], theme.styles["header"]
    rule = theme.settings["rule"]

    def furniture(canvas, doc):
        canvas.saveState()
        canvas.setStrokeColor(rule["colour"])
        canvas.setLineWidth(rule["width"])
        rule_y = bottom - footer_style.leading * 0.6
        if rule["width"] > 0:
            canvas.line(left, rule_y, w - right, rule_y)
        canvas.setFillColor(footer_style.colour)
        canvas.setFont(kit.face("footer"), footer_style.size)
        y = rule_y - footer_style.size - 4
        canvas.drawString(left, y, f"Layout specimen: {name}")
        canvas.drawRightString(w - right, y, f"Page {canvas.getPageNumber()}")
        if canvas.getPageNumber() > 1:
            canvas.setFillColor(header_style.colour)
            canvas.setFont(kit.face("header"), header_style.size)
            canvas.drawRightString(w - right, h - top * 0.6, f"{name}: proof sheet")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=theme.page_size, title=f"Layout specimen: {name}", author="handoutpress",
                          subject=description, creator="handoutpress", producer="handoutpress (ReportLab)",
                          leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom, invariant=1,
                          initialFontName=fonts["body"]["regular"])
    doc.addPageTemplates([
        PageTemplate("first", [Frame(left, bottom, width, h - bottom, 0, 0, 0, 0, id="first")], onPageEnd=furniture),
        PageTemplate("later", [Frame(left, bottom, width, h - top - bottom, 0, 0, 0, 0, id="later")],
                     onPageEnd=furniture)])
    doc.build(story)
    return buf.getvalue()


def _description(root: Path, theme) -> str:
    from ..load.layout import load_chain, merge_chain

    data, _ = merge_chain(load_chain(root / "layouts", theme.name, root))
    return str(data.get("description") or "")


def write_specimen(root: Path, name: str, out: Path | None = None) -> Path:
    """Write the proof sheet (default out/specimen-<layout>.pdf) atomically; return its path."""
    from ..publish.output import write_atomic
    from .layout_show import layout_name

    root = Path(root)
    name = layout_name(root, name)
    data = specimen_pdf(root, name)
    path = Path(out) if out else root / "out" / f"specimen-{name}.pdf"
    write_atomic(path, data)
    return path
