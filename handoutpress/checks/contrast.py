"""Colour contrast, black-and-white printing and type sizes of a layout (theme).

Every colour pair checked here is one the renderer really draws (render/pdf/document.py,
render/pdf/blocks.py, render/pdf/flowables.py):

* on the white page: body, list, sources, closing, header and footer text, headings, table
  cells in plain rows, links; list bullets, box borders, the table grid and the footer rule;
* on the table stripe: table cells and links; on the table header fill: header text (always bold);
* on the title band: title, subtitle, wordmark, tagline, and the logo mark;
* on callout and emergency box fills: the text inside a box is drawn with the *body*, *list* and
  *heading2/heading3* styles (and links, and list bullets); the boxes' own `colour:` is checked
  too, as declared.

Codes (stable):

* ``contrast-text`` (error): WCAG 2.1 SC 1.4.3: 4.5:1, or 3:1 for large text (>= 18 pt, or
  >= 14 pt bold).
* ``contrast-graphics`` (warning): WCAG 2.1 SC 1.4.11 non-text contrast, 3:1 for bullets, box
  borders, the table grid, the footer rule and the logo mark.
* ``grayscale-distinction`` (warning; ``info`` for table stripes, which are decoration): two
  surfaces whose colours differ but whose grey levels on a black-and-white printout differ by
  less than ``MIN_GREY_STEP``.
* ``emergency-colour-only`` (warning): emergency and callout boxes have borders of the same width,
  so only the colour tells an emergency box apart (WCAG 1.4.1; the brand brief: "never by colour
  alone, and legible in grayscale").
* ``type-size`` (error): standard print, body text (body, list, table, callout, emergency) at least
  12 pt (RNIB Clear Print); large print, every style at least 16 pt and body text at least 18 pt
  (APH; UKAAF minimum 16, ideally 18).

Two pairs are measured (see ``measurements``) but never reported, because no layout value alone
makes them a problem: the table grid on the dark header fill (the header row is told apart by its
fill and bold text, not by its grid), and the link colour on the header fill, which the renderer
only draws if content puts a link in a table header cell.
"""
from __future__ import annotations

import colorsys

from ..records import dataclass
from ..load.yamlio import format_path
from pathlib import Path

from ..errors import Problem

# ---- thresholds -----------------------------------------------------------------------------

TEXT_RATIO = 4.5  # WCAG 2.1 SC 1.4.3 (AA)
LARGE_TEXT_RATIO = 3.0  # ... for large-scale text
GRAPHICS_RATIO = 3.0  # WCAG 2.1 SC 1.4.11 (AA)
LARGE_SIZE = 18.0  # points; WCAG's "18 point" (the layout's sizes are PDF points, 1/72 in)
LARGE_BOLD_SIZE = 14.0  # points, bold

# Grey levels (0 = solid black, 1 = paper) closer than this can print identically in black and
# white. A 600-dpi office laser printer renders tints with a halftone screen of roughly 100-110
# lines per inch, i.e. cells of about 6 x 6 device dots: about 32-36 distinct grey levels, one
# level every ~3 %. Two fills less than one level apart may come out as the same pattern (and
# photocopiers are coarser still, with background suppression that erases the lightest tints).
MIN_GREY_STEP = 0.03

# A border must be at least this much thicker (points) to be a visible, non-colour difference.
MIN_BORDER_STEP = 1.0

STANDARD_BODY_MIN = 12.0  # checklist: body text 12 pt minimum (RNIB Clear Print), 14 preferred
LARGE_PRINT_MIN = 16.0  # checklist: large print, everything at body size or close; UKAAF minimum 16
LARGE_PRINT_BODY_MIN = 18.0  # checklist: large print body 18 pt or more (APH; UKAAF ideal)
BODY_TEXT_STYLES = ("body", "list", "table", "callout", "emergency")
LARGE_PRINT_MARKERS = ("large-print", "large_print", "largeprint")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # error | warning | info
    file: str
    line: int | None
    column: int | None
    path: str  # YAML path of the value to change, e.g. "styles.table.size"
    message: str
    fix: str


@dataclass(frozen=True)
class Measurement:
    """One computed pair: what the check measured, whether or not it passed."""

    kind: str  # text | graphics | grayscale
    fg: str  # "evergreen #1F4E4A"
    bg: str
    value: float  # contrast ratio, or grey-level difference for kind == "grayscale"
    required: float
    uses: tuple  # where the pair is drawn
    passed: bool
    code: str
    severity: str | None  # severity of the finding when it fails; None: measured, never reported


# ---- colour arithmetic ---------------------------------------------------------------------

def _rgb(colour) -> tuple[float, float, float]:
    """(r, g, b) in 0..1 from a ReportLab Color (or a "#RRGGBB" string, for convenience)."""
    if isinstance(colour, str):
        h = colour.lstrip("#")
        return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return float(colour.red), float(colour.green), float(colour.blue)


def hex_of(colour) -> str:
    r, g, b = _rgb(colour)
    return "#" + "".join(f"{round(c * 255):02X}" for c in (r, g, b))


def _linear(c: float) -> float:
    # WCAG 2.1 definition of relative luminance (the 0.03928 break point as the 2.1 text gives it;
    # sRGB's 0.04045 changes no 8-bit value's result)
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour) -> float:
    """WCAG 2.1 relative luminance, 0 (black) .. 1 (white)."""
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg, bg) -> float:
    """WCAG 2.1 contrast ratio (L1 + 0.05) / (L2 + 0.05), 1.0 .. 21.0; symmetric in fg and bg."""
    a, b = luminance(fg), luminance(bg)
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


def grayscale(colour) -> float:
    """The grey level a black-and-white printer or photocopier gives a colour: 0 black .. 1 paper.

    gray = 0.30 R + 0.59 G + 0.11 B on the gamma-encoded (sRGB) components, with no
    linearisation. This is the DeviceRGB -> DeviceGray conversion of the PostScript Language
    Reference (3rd ed., section 7.2.1) and PDF, which PostScript/PDF printers, Ghostscript and
    most printer drivers apply when they print colour on a monochrome device (it is, to two
    decimals, the ITU-R BT.601 luma weighting 0.299 / 0.587 / 0.114).
    """
    r, g, b = _rgb(colour)
    return 0.30 * r + 0.59 * g + 0.11 * b


def _with_lightness(colour, lightness: float) -> tuple[float, float, float]:
    h, _, s = colorsys.rgb_to_hls(*_rgb(colour))
    return colorsys.hls_to_rgb(h, min(max(lightness, 0.0), 1.0), s)


def _hex_rgb(rgb) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02X}" for c in rgb)


def suggest_contrast(fg, bg, required: float) -> str | None:
    """The nearest colour of fg's hue and saturation (changing only HLS lightness) with at least
    `required` contrast against bg, as #RRGGBB; None when no lightness reaches it."""
    _, l0, _ = colorsys.rgb_to_hls(*_rgb(fg))
    for step in range(1, 201):  # half-percent steps of lightness, darker first at equal distance
        for sign in (-1, 1):
            candidate = _hex_rgb(_with_lightness(fg, l0 + sign * step / 200))
            if contrast_ratio(candidate, bg) >= required:
                return candidate
    return None


def suggest_grey_step(fill, other, step: float = MIN_GREY_STEP) -> str | None:
    """A colour of fill's hue, moved away from `other` in lightness until their grey levels differ
    by at least step (a fill lighter than `other` gets lighter, else darker); None if impossible."""
    _, l0, _ = colorsys.rgb_to_hls(*_rgb(fill))
    sign = 1 if grayscale(fill) > grayscale(other) else -1
    for i in range(1, 201):
        candidate = _hex_rgb(_with_lightness(fill, l0 + sign * i / 200))
        if abs(grayscale(candidate) - grayscale(other)) >= step + 1e-9:
            return candidate
    for i in range(1, 201):  # no room that way (e.g. next to white): go the other way past it
        candidate = _hex_rgb(_with_lightness(fill, l0 - sign * i / 200))
        if abs(grayscale(candidate) - grayscale(other)) >= step + 1e-9:
            return candidate
    return None


# ---- what the renderer draws ---------------------------------------------------------------

@dataclass(frozen=True)
class _Paint:
    """A colour and the layout value that sets it (None: the paper, which no value sets)."""

    colour: object
    path: tuple | None
    label: str  # "the page", "table stripe rows", "heading3 text"


def _name(theme, colour) -> str:
    """ "evergreen #1F4E4A": palette names (if any) and hex."""
    h = hex_of(colour)
    names = [n for n, c in theme.palette.items() if hex_of(c) == h]
    builtin = [n for n in names if n in ("white", "black")]
    names = [n for n in names if n not in builtin] + builtin  # the layout's own names first
    return f"{'/'.join(names)} {h}" if names else h


def _where(theme, *paths) -> tuple[str, int | None, int | None, str]:
    """(file, line, column, path) of the first path the layout sets; else the layout file."""
    for path in paths:
        if path is not None and path in theme.origins:
            file, line, col = theme.origins[path]
            return file, line, col, format_path(path)
    file = theme.origins.get((), (theme.files[0] if theme.files else theme.name, None, None))[0]
    return file, None, None, ""


def _large(size: float, bold: bool) -> bool:
    return size >= LARGE_SIZE or (bold and size >= LARGE_BOLD_SIZE)


def _surfaces(theme) -> dict:
    st = theme.styles
    band = theme.settings["title_band"]
    return {
        "page": _Paint(theme.palette["white"], None, "the page"),
        "stripe": _Paint(st["table"].extra["stripe"], ("styles", "table", "stripe"), "table stripe rows"),
        "header": _Paint(st["table"].extra["header_background"], ("styles", "table", "header_background"),
                         "the table header row"),
        "band": _Paint(band["background"], ("title_band", "background"), "the title band"),
        "callout": _Paint(st["callout"].extra["background"], ("styles", "callout", "background"),
                          "callout boxes"),
        "emergency": _Paint(st["emergency"].extra["background"], ("styles", "emergency", "background"),
                            "emergency boxes"),
    }


def _text_uses(theme):
    """(ink, surface key, size, bold, use) for every text colour drawn on a background."""
    st = theme.styles

    def ink(name):
        return _Paint(st[name].colour, ("styles", name, "colour"), f"{name} text")

    def style(name, surface, use):
        ts = st[name]
        return ink(name), surface, ts.size, bool(ts.extra.get("bold")), use

    link = _Paint(theme.settings["links"]["colour"], ("links", "colour"), "link text")

    def links(surface, contexts, where):
        for name in contexts:  # a link takes the size and weight of the text it sits in
            ts = st[name]
            yield link, surface, ts.size, bool(ts.extra.get("bold")), f"links in {name} text {where}"

    out = []
    for name, use in (("body", "paragraphs"), ("list", "list items"), ("sources", "source entries"),
                      ("closing", "the closing block"), ("header", "the running header"),
                      ("footer", "the running footer and page numbers"), ("heading2", "section headings"),
                      ("heading3", "sub-section headings"), ("table", "table cells in plain rows")):
        out.append(style(name, "page", f"{use} on the page"))
    out += links("page", ("body", "list", "sources", "closing", "table"), "on the page")
    out.append(style("table", "stripe", "table cells in stripe rows"))
    out += links("stripe", ("table",), "in stripe rows")
    hdr = _Paint(st["table"].extra["header_colour"], ("styles", "table", "header_colour"), "table header text")
    out.append((hdr, "header", st["table"].size, True, "table header cells (bold)"))
    for name in ("title", "subtitle", "wordmark", "tagline"):
        out.append(style(name, "band", f"the {name} on the title band"))
    for box in ("callout", "emergency"):
        out.append(style(box, box, f"{box} text (the style's own colour) in {box} boxes"))
        for name, use in (("body", "paragraphs"), ("list", "list items"), ("heading2", "box headings"),
                          ("heading3", "box headings in sections")):
            out.append(style(name, box, f"{use} in {box} boxes"))
        out += links(box, ("body", "list"), f"in {box} boxes")
    return out


def _graphic_uses(theme):
    """(paint, surface key, use, severity) for every graphic that must stand out (1.4.11)."""
    st = theme.styles
    out = []
    bullet = _Paint(st["list"].extra["bullet_colour"], ("styles", "list", "bullet_colour"), "list bullets")
    for surface, where in (("page", "on the page"), ("callout", "in callout boxes"),
                           ("emergency", "in emergency boxes")):
        out.append((bullet, surface, f"list bullets {where}", "warning"))
    for box in ("callout", "emergency"):
        if st[box].extra["border_width"] > 0:
            out.append((_Paint(st[box].extra["border"], ("styles", box, "border"), f"{box} border"), "page",
                        f"the {box} box border on the page", "warning"))
    if st["table"].extra["grid_width"] > 0:
        grid = _Paint(st["table"].extra["grid"], ("styles", "table", "grid"), "table grid")
        out.append((grid, "page", "the table grid in plain rows", "warning"))
        out.append((grid, "stripe", "the table grid in stripe rows", "warning"))
        out.append((grid, "header", "the table grid in the header row (told apart by its fill)", None))
    rule = theme.settings["rule"]
    if rule["width"] > 0:
        out.append((_Paint(rule["colour"], ("rule", "colour"), "footer rule"), "page",
                    "the rule above the footer", "warning"))
    band = theme.settings["title_band"]
    if band.get("logo"):
        out.append((_Paint(band["foreground"], ("title_band", "foreground"), "logo mark"), "band",
                    "the logo mark on the title band", "warning"))
    return out


def _grey_pairs(theme, surfaces):
    """(a, b, what, severity): fills that must still look different in black and white.

    Only pairs whose colours differ are compared: the same colour on both sides means the layout
    asks for no difference (e.g. a white emergency box on the white page, told apart by its border).
    """
    st = theme.styles
    page = surfaces["page"]
    out = [
        (surfaces["stripe"], page, "table stripe rows against plain rows (decoration only)", "info"),
        (surfaces["header"], page, "the table header row against the body rows", "warning"),
        (surfaces["callout"], page, "callout box fill against the page", "warning"),
        (surfaces["emergency"], page, "emergency box fill against the page", "warning"),
        (surfaces["band"], page, "the title band against the page", "warning"),
    ]
    if st["callout"].extra["border_width"] > 0 and st["emergency"].extra["border_width"] > 0:
        out.append((_Paint(st["emergency"].extra["border"], ("styles", "emergency", "border"), "emergency border"),
                    _Paint(st["callout"].extra["border"], ("styles", "callout", "border"), "callout border"),
                    "emergency box border against callout box border", "warning"))
    return out


# ---- measuring -----------------------------------------------------------------------------

def _merge(rows):
    """Group uses of one (value path, foreground, background) pair: the strictest need wins."""
    merged: dict = {}
    for key, item in rows:
        if key in merged:
            old = merged[key]
            merged[key] = {**old, "uses": old["uses"] + [u for u in item["uses"] if u not in old["uses"]],
                           "required": max(old["required"], item["required"]),
                           "severity": _stricter(old["severity"], item["severity"])}
        else:
            merged[key] = item
    return list(merged.values())


SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def _stricter(a, b):
    if a is None or b is None:
        return a or b
    return a if SEVERITY_RANK[a] >= SEVERITY_RANK[b] else b


def _pairs(theme):
    """Every computed pair as dicts: kind, fg/bg paints, value, required, uses, code, severity."""
    surfaces = _surfaces(theme)
    rows = []
    for paint, skey, size, bold, use in _text_uses(theme):
        bg = surfaces[skey]
        required = LARGE_TEXT_RATIO if _large(size, bold) else TEXT_RATIO
        rows.append(((paint.path, hex_of(paint.colour), hex_of(bg.colour), "text"),
                     {"kind": "text", "fg": paint, "bg": bg, "uses": [use], "required": required,
                      "code": "contrast-text", "severity": "error"}))
    # a link in a table header cell would be drawn in the link colour on the header fill
    link = _Paint(theme.settings["links"]["colour"], ("links", "colour"), "link text")
    header_size = theme.styles["table"].size
    rows.append(((link.path, hex_of(link.colour), hex_of(surfaces["header"].colour), "conditional"),
                 {"kind": "text", "fg": link, "bg": surfaces["header"],
                  "uses": ["links in table header cells (only if content puts one there)"],
                  "required": LARGE_TEXT_RATIO if _large(header_size, True) else TEXT_RATIO,
                  "code": "contrast-text", "severity": None}))
    for paint, skey, use, severity in _graphic_uses(theme):
        bg = surfaces[skey]
        rows.append(((paint.path, hex_of(paint.colour), hex_of(bg.colour), "graphics"),
                     {"kind": "graphics", "fg": paint, "bg": bg, "uses": [use], "required": GRAPHICS_RATIO,
                      "code": "contrast-graphics", "severity": severity}))
    out = []
    for item in _merge(rows):
        item["value"] = contrast_ratio(item["fg"].colour, item["bg"].colour)
        out.append(item)
    for a, b, use, severity in _grey_pairs(theme, surfaces):
        if hex_of(a.colour) == hex_of(b.colour):
            continue  # the same colour: no difference asked for
        out.append({"kind": "grayscale", "fg": a, "bg": b, "uses": [use], "required": MIN_GREY_STEP,
                    "value": abs(grayscale(a.colour) - grayscale(b.colour)),
                    "code": "grayscale-distinction", "severity": severity})
    for item in out:
        item["passed"] = item["value"] >= item["required"]
    return out


def measurements(theme) -> list[Measurement]:
    """Every contrast ratio and grey-level difference the checks compute, passed or not."""
    return [Measurement(p["kind"], _name(theme, p["fg"].colour), _name(theme, p["bg"].colour), p["value"],
                        p["required"], tuple(p["uses"]), p["passed"], p["code"], p["severity"])
            for p in _pairs(theme)]


# ---- findings -------------------------------------------------------------------------------

def _contrast_finding(theme, p) -> Finding:
    fg, bg = p["fg"], p["bg"]
    file, line, col, path = _where(theme, fg.path, bg.path)
    text = p["kind"] == "text"
    rule = "WCAG 2.1 SC 1.4.3" if text else "WCAG 2.1 SC 1.4.11, non-text contrast"
    if text and p["required"] == LARGE_TEXT_RATIO:
        rule += ", large text"
    message = (f"{fg.label} {_name(theme, fg.colour)} on {bg.label} {_name(theme, bg.colour)} has contrast "
               f"{p['value']:.2f}:1, below the {p['required']:g}:1 {'text' if text else 'graphics'} need "
               f"({rule}); used for: {'; '.join(p['uses'])}")
    better = suggest_contrast(fg.colour, bg.colour, p["required"])
    if better:
        fix = (f"use e.g. {better} (same hue, {contrast_ratio(better, bg.colour):.2f}:1 on "
               f"{hex_of(bg.colour)}) for {fg.label}, or change the background")
    else:
        fix = f"no shade of this hue reaches {p['required']:g}:1 on {hex_of(bg.colour)}: change the background"
    return Finding(p["code"], p["severity"], file, line, col, path, message, fix)


def _grey_finding(theme, p) -> Finding:
    a, b = p["fg"], p["bg"]
    file, line, col, path = _where(theme, a.path, b.path)
    ga, gb = grayscale(a.colour), grayscale(b.colour)
    message = (f"{p['uses'][0]}: {_name(theme, a.colour)} and {_name(theme, b.colour)} differ in colour but "
               f"print as grey {ga:.3f} and {gb:.3f} in black and white, {p['value']:.3f} apart "
               f"(at least {MIN_GREY_STEP:g} needed to be told apart on a laser print or photocopy)")
    better = suggest_grey_step(a.colour, b.colour)
    fix = f"make {a.label} lighter or darker, e.g. {better} (grey {grayscale(better):.3f})" if better else \
        f"make {a.label} clearly lighter or darker than {b.label}"
    return Finding(p["code"], p["severity"], file, line, col, path, message, fix)


def _emergency_finding(theme) -> list[Finding]:
    st = theme.styles
    em, co = st["emergency"].extra, st["callout"].extra
    if abs(em["border_width"] - co["border_width"]) >= MIN_BORDER_STEP:
        return []
    file, line, col, path = _where(theme, ("styles", "emergency", "border_width"), ("styles", "emergency", "border"))
    same = hex_of(em["border"]) == hex_of(co["border"]) and hex_of(em["background"]) == hex_of(co["background"])
    what = ("emergency boxes look exactly like callout boxes" if same else
            f"only colour tells emergency boxes from callout boxes (borders {_name(theme, em['border'])} vs "
            f"{_name(theme, co['border'])}, grey {grayscale(em['border']):.2f} vs {grayscale(co['border']):.2f})")
    message = (f"{what}: the borders are {em['border_width']:g} pt and {co['border_width']:g} pt wide, which "
               f"colour-blind readers and black-and-white copies cannot rely on (WCAG 2.1 SC 1.4.1)")
    fix = (f"make the emergency border at least {MIN_BORDER_STEP:g} pt thicker than the callout's "
           f"(e.g. border_width: {co['border_width'] + 1.5:g}), and keep the word 'Emergency' in the box heading")
    return [Finding("emergency-colour-only", "warning", file, line, col, path, message, fix)]


def is_large_print(theme) -> bool:
    """A layout is large print when it (or a layout it extends) is named so (e.g.
    'maple-mountain-large-print'), or when its body text is 18 pt or more.

    A 16 pt body alone does not make a layout large print: APH calls 14-16 pt "enlarged" print,
    and an unnamed 16 pt layout is not claiming to be large print.
    """
    from pathlib import PurePath

    names = [theme.name] + [PurePath(f).stem for f in theme.files]
    if any(marker in n.lower() for n in names for marker in LARGE_PRINT_MARKERS):
        return True
    return theme.styles["body"].size >= LARGE_PRINT_BODY_MIN


def _size_findings(theme) -> list[Finding]:
    out = []
    large = is_large_print(theme)
    why = (f"'{theme.name}' is a large-print layout" if any(
        m in theme.name.lower() for m in LARGE_PRINT_MARKERS) else "this is a large-print layout")
    for name, ts in theme.styles.items():
        body = name in BODY_TEXT_STYLES
        if large:
            need = LARGE_PRINT_BODY_MIN if body else LARGE_PRINT_MIN
            rule = (f"{why}: body text needs {need:g} pt or more (APH; UKAAF minimum 16, ideally 18)" if body
                    else f"{why}: every text style needs {need:g} pt or more (checklist: everything at body size "
                         "or close, UKAAF minimum 16)")
        elif body:
            need = STANDARD_BODY_MIN
            rule = f"body text needs {need:g} pt or more in standard print (RNIB Clear Print; 14 pt preferred)"
        else:
            continue
        if ts.size >= need:
            continue
        file, line, col, path = _where(theme, ("styles", name, "size"), ("styles", name))
        out.append(Finding("type-size", "error", file, line, col, path,
                           f"{name} text is {ts.size:g} pt; {rule}", f"set styles.{name}.size to {need:g} or more"))
    return out


def check_theme(theme) -> list[Finding]:
    """Contrast (text and graphics), black-and-white distinctions and type sizes of one theme."""
    out = []
    for p in _pairs(theme):
        if p["passed"] or p["severity"] is None:
            continue
        out.append(_grey_finding(theme, p) if p["kind"] == "grayscale" else _contrast_finding(theme, p))
    out += _emergency_finding(theme)
    out += _size_findings(theme)
    return out


def ratio_table(theme) -> str:
    """Every measurement as a Markdown table (for reports and reviews)."""
    lines = ["| kind | foreground | background | value | needs | ok | used for |", "|---|---|---|---|---|---|---|"]
    for m in measurements(theme):
        value = f"{m.value:.3f}" if m.kind == "grayscale" else f"{m.value:.2f}:1"
        need = f">= {m.required:g}" if m.kind == "grayscale" else f"{m.required:g}:1"
        ok = "yes" if m.passed else f"NO ({m.severity})" if m.severity else "no (not reported)"
        lines.append(f"| {m.kind} | {m.fg} | {m.bg} | {value} | {need} | {ok} | {'; '.join(m.uses)} |")
    return "\n".join(lines)


def theme_problems(theme, store=None) -> list[Problem]:
    """Contrast, grayscale and type sizes of a layout, and a logo whose colours one ink loses, as Problems."""
    return [Problem(f.file, f.line, f.column, f.path, f.message, f.fix, code=f.code, severity=f.severity)
            for f in check_theme(theme)] + logo_ink_problems(theme, store=store)


def logo_ink_problems(theme, clinic=None, store=None) -> list[Problem]:
    """A mark of several colours (the layout's, or the clinic's own) that the layout asks to print in one
    ink: say what is lost, once, at the layout's logo_colours line."""
    from ..load.logo import mark_inks

    band = theme.settings["title_band"]
    mark = (clinic.logo_path if clinic else "") or band.get("logo_path")
    if not mark or band["logo_colours"] != "one-ink" or (clinic is not None and not clinic.logo_path):
        return []
    colours = mark_inks(mark, store)
    if len(colours) <= 1:
        return []
    file, line, column = theme.origins.get(("title_band", "logo_colours"), (theme.files[0], None, None))
    ink = band["foreground"].hexval().replace("0x", "#")
    return [Problem(file, line, column, "title_band.logo_colours",
                    f"the logo mark {Path(mark).name} has {len(colours)} colours ({', '.join(colours)}); "
                    "logo_colours: one-ink prints "
                    f"them all in {ink}, so its parts run together",
                    "use logo_colours: own (or auto) to print the mark in its colours, or give a one-colour "
                    "version of the mark", code="logo-one-ink", severity="warning")]
