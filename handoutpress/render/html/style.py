"""The page's stylesheet from the layout: its palette, its fonts (files beside the pages), its
type sizes scaled to the screen (a large-print layout is large on screen too), and print rules."""
from __future__ import annotations

from pathlib import Path

SCREEN_BODY_REM = 1.125  # 12 pt print body -> 18 CSS px; other sizes keep their ratio to it
FACES = (("regular", 400, "normal"), ("bold", 700, "normal"), ("italic", 400, "italic"),
         ("bold_italic", 700, "italic"))


def hexcolour(colour) -> str:
    return "#" + colour.hexval()[2:].upper()


def font_files(theme) -> list[Path]:
    """Every font file the page's @font-face rules name, in a stable order."""
    return sorted({Path(p) for faces in theme.families.values() for p in faces.values() if p})


def stylesheet(theme, assets: str) -> str:
    st, pal = theme.styles, theme.palette
    body = st["body"]
    scale = body.size / 12

    def em(name):
        return f"{st[name].size / body.size:.4g}em"

    def col(name, key=None):
        return hexcolour(st[name].extra[key] if key else st[name].colour)

    band = theme.settings["title_band"]
    links = hexcolour(theme.settings["links"]["colour"])
    accent = hexcolour(st["list"].extra["bullet_colour"])
    faces = []
    for role, files in sorted(theme.families.items()):
        for face, weight, style in FACES:
            if files.get(face):
                faces.append(f'@font-face{{font-family:"hp-{role}";src:url("{assets}{Path(files[face]).name}") '
                             f'format("truetype");font-weight:{weight};font-style:{style};font-display:swap}}')
    family = lambda name: f'"hp-{st[name].family}",system-ui,sans-serif'  # noqa: E731
    call, emer, tab = st["callout"].extra, st["emergency"].extra, st["table"].extra
    gap = f'{max(st["table"].leading * 1.5, 16.0) / st["table"].size:.3g}em'  # writing lines as the PDF rules them
    # h1 at most 10vw: the title's longest word fits a phone's width instead of breaking inside
    return "\n".join(faces) + f"""
:root{{--ink:{col("body")};--accent:{accent};--link:{links};--band:{hexcolour(band["background"])};--band-ink:{hexcolour(band["foreground"])};--mist:{hexcolour(call["background"])};--muted:{col("footer")}}}
*{{box-sizing:border-box}}
html{{font-size:{SCREEN_BODY_REM * scale:.4g}rem;-webkit-text-size-adjust:100%;text-size-adjust:100%}}
body{{margin:0;background:#fff;color:var(--ink);font-family:{family("body")};line-height:{body.leading / body.size:.3g};overflow-wrap:break-word}}
a{{color:var(--link);text-underline-offset:.15em;overflow-wrap:anywhere}}
a:focus-visible,input:focus-visible{{outline:3px solid var(--accent);outline-offset:2px}}
.skip{{position:absolute;left:.5rem;top:-10rem;background:#fff;color:var(--link);padding:.4rem .8rem;z-index:2}}
.skip:focus{{top:.5rem}}
.wrap{{max-width:42rem;margin:0 auto;padding:0 1rem}}
.draft{{margin:0;padding:.6rem 1rem;background:#fff;color:var(--ink);border-bottom:4px solid var(--accent);font-weight:700;text-align:center}}
.band{{background:var(--band);color:var(--band-ink);padding:1rem 0 1.1rem}}
.brand{{display:flex;align-items:center;gap:.6rem;margin:0 0 .6rem}}
.mark{{width:2.6rem;height:2.6rem;flex:none;color:var(--band-ink)}}
.wordmark{{margin:0;font-size:{em("wordmark")};font-weight:700;line-height:1.2}}
.tagline{{display:block;font-size:{st["tagline"].size / st["wordmark"].size:.4g}em;font-weight:400}}
h1{{margin:0;font-size:min({em("title")},10vw);line-height:{st["title"].leading / st["title"].size:.3g}}}
.subtitle{{margin:.35rem 0 0;font-size:{em("subtitle")}}}
.versions{{margin:1rem auto 0;border-bottom:1px solid var(--accent);padding-bottom:.75rem}}
.versions h2{{font-size:1em;margin:0 0 .25rem;color:var(--ink)}}
.versions ul{{margin:0;padding-left:1.2em}}
main{{padding-top:1rem;padding-bottom:1rem}}
h2,h3,h4,h5,h6{{color:{col("heading2")};line-height:1.25;margin:1.2em 0 .4em}}
h2{{font-size:{em("heading2")}}}
h3,h4,h5,h6{{font-size:{em("heading3")}}}
p{{margin:0 0 {body.space_after / body.size:.3g}em}}
ul,ol{{margin:0 0 .8em;padding-left:1.4em}}
li{{margin:0 0 {st["list"].space_after / body.size:.3g}em}}
li>ul{{margin:.3em 0 0}}
li::marker{{color:var(--accent)}}
.sources li::marker{{color:var(--ink);font-weight:700}}
.box{{margin:1.2em 0;padding:.9em 1em;border:{call["border_width"]}px solid {hexcolour(call["border"])};background:var(--mist);border-radius:4px}}
.box.emergency{{border:{emer["border_width"]}px solid {hexcolour(emer["border"])};background:{hexcolour(emer["background"])}}}
.box>h2:first-child,.box>h3:first-child,.box>h4:first-child{{margin-top:0}}
.box>:last-child{{margin-bottom:0}}
table{{width:100%;border-collapse:collapse;table-layout:fixed;margin:.6em 0 1em}}
th,td{{text-align:left;vertical-align:top;padding:.35em .45em;border:1px solid {hexcolour(tab["grid"])}}}
th{{background:{hexcolour(tab["header_background"])};color:{hexcolour(tab["header_colour"])}}}
tbody tr:nth-child(even) td{{background:{hexcolour(tab["stripe"])}}}
caption{{text-align:left;font-weight:700;padding-bottom:.3em}}
.grid{{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,11em),1fr));gap:0;list-style:none;padding:0;margin:.6em 0 1em;border-top:1px solid {hexcolour(tab["grid"])};border-left:1px solid {hexcolour(tab["grid"])}}}
.grid li{{margin:0;padding:.35em .5em;border-right:1px solid {hexcolour(tab["grid"])};border-bottom:1px solid {hexcolour(tab["grid"])}}}
.grid li:nth-child(even){{background:{hexcolour(tab["stripe"])}}}
.table-scroll{{overflow-x:auto;max-width:100%}}
.table-scroll>table{{margin:.6em 0 1em}}
.write-in,.sized{{table-layout:auto}}
.write-in th,.sized th{{overflow-wrap:normal}}
.write-in td,.sized td{{overflow-wrap:anywhere}}
.write-in td{{height:var(--row)}}
.write-in.lines td:empty{{background-image:repeating-linear-gradient(to top,transparent 0 calc({gap} - 1px),{hexcolour(tab["grid"])} calc({gap} - 1px) {gap});background-size:calc(100% - .9em) 100%;background-position:center;background-repeat:no-repeat;print-color-adjust:exact;-webkit-print-color-adjust:exact}}
.steps>li::marker{{font-weight:700;color:var(--ink)}}
.checklist{{list-style:none;padding-left:0}}
.checklist li{{display:flex;gap:.5em;align-items:flex-start}}
.checklist input{{flex:none;font:inherit;width:1em;height:1em;margin:.25em 0 0;accent-color:var(--accent)}}
figure,.figure{{margin:1em 0;text-align:center}}
figure img,.figure img{{max-width:100%;height:auto}}
figcaption,.figure-note{{font-style:italic;font-size:{em("table")};margin:.3em 0 0}}
.glossary{{margin:0 0 .8em}}
.glossary dt{{font-weight:700}}
.glossary dd{{margin:0 0 .6em 1.4em}}
.box.key{{border:{max(2.0, call["border_width"] * 2):g}px solid {col("heading2")}}}
.cite{{white-space:nowrap}}
.sources{{font-size:{em("sources")}}}
.back{{margin-left:.3em;white-space:nowrap}}
.fields p{{display:flex;flex-wrap:wrap;gap:.3em .6em;align-items:center}}
.fields input{{font:inherit;color:var(--ink);min-width:min(100%,14em);padding:.2em .4em;border:1px solid var(--muted);border-radius:3px;background:#fff}}
footer{{border-top:2px solid var(--accent);margin-top:1.5rem;padding:1rem 0 2rem;font-size:{em("closing")}}}
address{{font-style:normal;margin:0 0 .8em}}
.contact{{list-style:none;padding:0}}
@media (min-width:48rem){{.wrap{{padding:0 1.5rem}}.band{{padding:1.5rem 0}}.mark{{width:3.2rem;height:3.2rem}}}}
@media print{{
html{{font-size:{body.size:g}pt}}
.skip,.versions{{display:none}}
body{{color:#000}}
.band{{background:#fff;color:#000;border-bottom:2px solid #000}}
.mark{{color:#000}}
.wrap{{max-width:none;padding:0}}
h1,h2,h3,h4,h5,h6{{break-after:avoid}}
.box,table,.grid,li,figure,.figure,.keep{{break-inside:avoid}}
.page-break{{break-before:page}}
th{{background:#fff;color:#000;border-bottom:2px solid #000}}
.glossary dt{{break-after:avoid}}
main a[href^="https:"]::after{{content:" (" attr(href) ")";font-size:.85em}}
a{{color:#000}}
}}
"""
