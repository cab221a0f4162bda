"""The web page of a handout using every new block kind (issue 14 item 1 on the web, issue 15): built
through the real loader in a project copy, opened in Chromium, checked with axe-core and the Nu HTML
Checker, its outline compared with its PDF's structure tree, and author text kept literal."""
from __future__ import annotations

import base64
import html as htmllib
import json
import re
import subprocess

import pytest

from conftest import normalise
from project_copy import copy_project
from test_blocks import _pictures
from test_catalog import _missing
from test_web import OUTLINE_JS, VNU, WCAG, WIDTHS, _open, _pdf_outline, browser  # noqa: F401 (a fixture)

# Author text with markup characters: it must reach the reader as written, in text and attributes.
ODD = '<script>alert(1)</script> & "quoted" {{ 7 }} {% if x %}'
BLOCKS = f"""\
id: webblocks
title: Every new block on the web
version: "1.0"
review: {{status: approved, reviewed: 2026-11-26, reviewer: Maple Mountain clinical team}}
body:
  - key_messages:
      heading: Key messages
      items:
        - Take your medicine at the same time each day.
        - Never stop suddenly without talking to your prescriber [@nih].
  - section:
      heading: How to take it
      body:
        - steps:
            - Wash your hands.
            - text: Check the label.
              items: [The name, The dose]
            - Take the dose with water.
  - section:
      heading: Before you leave
      keep_together: true
      body:
        - checklist:
            - I have my prescription.
            - '{ODD}'
  - table:
      caption: Your taper schedule
      header: [Week, Dose, Notes]
      widths: [20%, 30%, 50%]
      row_height: 0.6in
      rows:
        - ["1", "", ""]
        - ["2", ~, ""]
        - ["3", 5 mg, '{ODD}']
  - table:
      kind: grid
      caption: Things to bring
      rows:
        - [Photo ID, Insurance card]
        - [Medicines, ""]
  - figure:
      image: images/cabinet.png
      alt: 'A locked cabinet. {ODD}'
      caption: Store medicines locked away.
      width: 40%
  - figure:
      image: capsule.svg
      alt: A capsule, half green and half orange.
  - figure:
      image: images/photo.jpg
      decorative: true
      caption: A kitchen shelf.
      width: 25%
  - page_break: true
  - glossary:
      - term: Taper
        definition: Lowering a dose slowly, in small steps [@nih].
      - term: '{ODD}'
        definition: A term written with markup characters.
      - term: Abstinencia
        definition: La palabra en español.
        lang: es
  - keep_together:
      - paragraph: These two paragraphs stay together.
      - paragraph: This is the second of them.
sources:
  - key: nih
    authors: [Smith J]
    year: "2019"
    title: Follow-up after intake
    container: Journal of Care
variants:
  patient: {{layout: maple-mountain}}
  large-print: {{layout: maple-mountain-large-print}}
  admissions: {{layout: maple-mountain, appointment_fields: true}}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """out/ of a project copy holding the handout; (out folder, its manifest entries)."""
    from handoutpress.publish.build import build

    root = copy_project(tmp_path_factory.mktemp("webblocks"), cli=False)
    _pictures(root)
    (root / "handouts" / "webblocks.yaml").write_text(BLOCKS, "utf-8")
    report = build(root, ["webblocks"], out_dir=root / "out")
    assert report.problems == [], [str(p) for p in report.problems]
    return root / "out", report.written


def _page(built, variant="patient") -> str:
    out, entries = built
    entry = next(e for e in entries if e["variant"] == variant)
    return (out / entry["web_page"]["path"]).read_text("utf-8")


def _main(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def test_each_block_has_its_own_html(built):
    main = _main(_page(built))
    assert re.search(r'<ol class="steps"><li>Wash your hands\.</li><li>Check the label\.<ul><li>The name</li>'
                     r'<li>The dose</li></ul></li><li>Take the dose with water\.</li></ol>', main)
    boxes = re.findall(r'<li><input type="checkbox" id="([\w-]+)"><label for="([\w-]+)">', main)
    assert len(boxes) == 2 and all(a == b for a, b in boxes) and len({a for a, _ in boxes}) == 2
    assert "checked" not in main.replace('type="checkbox"', "") and "<form" not in main
    assert '<section class="box key" aria-labelledby="h-1">\n<h2 id="h-1">Key messages</h2>' in main
    assert '<div class="page-break"></div>' in main and '<div class="keep">' in main
    assert re.search(r'<section class="keep" aria-labelledby="h-\d+">\n<h2 id="h-\d+">Before you leave', main)
    assert "<dl class=\"glossary\"><dt>Taper</dt><dd>Lowering a dose slowly" in main
    assert '<dt lang="es">Abstinencia</dt><dd lang="es">La palabra en español.</dd>' in main


def test_a_write_in_table_keeps_its_widths_blank_cells_and_room_to_write(built):
    main = _main(_page(built))
    table = re.search(r'<table class="write-in lines sized">.*?</table>', main).group(0)
    assert "<caption>Your taper schedule</caption>" in table
    assert '<colgroup><col style="width:20%"><col style="width:30%"><col style="width:50%"></colgroup>' in table
    assert '<tbody style="--row:43.2pt"><tr><td>1</td><td></td><td></td></tr><tr><td>2</td><td></td><td></td></tr>' \
        in table
    assert table.count('<th scope="col">') == 3
    # the grid's blank square is no item, as in the PDF
    assert '<ul class="grid cols-2" aria-labelledby="caption-' in main
    assert re.search(r"<li>Photo ID</li><li>Insurance card</li><li>Medicines</li></ul>", main)


def test_figures_are_images_with_alt_text_inside_the_page(built):
    main = _main(_page(built))
    imgs = re.findall(r"<img ([^>]*)>", main)
    assert len(imgs) == 3
    png, svg, jpeg = (dict(re.findall(r'([\w-]+)="([^"]*)"', i)) for i in imgs)
    assert htmllib.unescape(png["alt"]) == f"A locked cabinet. {ODD}"
    assert svg["alt"] == "A capsule, half green and half orange." and "role" not in svg
    assert jpeg["alt"] == "" and "role" not in jpeg  # alt="" is presentational; vnu refuses a role beside it
    for attrs, media, magic in ((png, "image/png", b"\x89PNG"), (svg, "image/svg+xml", b"<svg"),
                                (jpeg, "image/jpeg", b"\xff\xd8")):
        head, data = attrs["src"].split(",", 1)
        assert head == f"data:{media};base64" and base64.b64decode(data).startswith(magic)
    assert (png["width"], png["height"], png["style"]) == ("384", "256", "width:40%")  # 600 px at 150 dpi
    assert "<svg" not in main, "an author's SVG is never inline: it is an image, which runs no script"
    assert re.search(r"<figure><img [^>]+><figcaption>Store medicines locked away\.</figcaption></figure>", main)
    assert re.search(r'<div class="figure"><img [^>]+><p class="figure-note">A kitchen shelf\.</p></div>', main)


def test_author_text_stays_literal(built):
    html = _page(built)
    assert "<script" not in html
    literal = htmllib.escape(ODD, quote=True)
    assert _main(html).count(literal) == 4  # checklist item, table cell, alt text, glossary term


def test_same_input_gives_the_same_page_bytes(built, tmp_path):
    from handoutpress.publish.build import build

    out, _ = built
    again = tmp_path / "again"
    build(out.parent, ["webblocks"], ["patient"], out_dir=again)
    assert (again / "webblocks" / "patient.html").read_bytes() == (out / "webblocks" / "patient.html").read_bytes()


def test_the_pages_pass_the_nu_html_checker(built):
    if not VNU.is_file():
        _missing(f"vnu.jar is not at {VNU}: make vnu installs it")
    out, entries = built
    pages = [str(out / e["web_page"]["path"]) for e in entries]
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--errors-only", *pages],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    assert messages == [], "\n".join(f'{m.get("url", "")}:{m.get("lastLine")}: {m["message"]}' for m in messages)


def test_the_pages_have_no_axe_violation_at_phone_and_desktop_width(browser, built):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    out, entries = built
    axe, found = Axe(), []
    for entry in entries:
        for width in WIDTHS:
            context, page, seen = _open(browser, out / entry["web_page"]["path"], width)
            try:
                result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
                found += [f'{entry["variant"]} @{width}px: {v["id"]}: {v["help"]} {[n["target"] for n in v["nodes"][:3]]}'
                          for v in result.response["violations"]]
                assert seen["errors"] == [], seen["errors"]
                assert all(u.startswith(("file://", "data:")) for u in seen["requests"]), seen["requests"]
                if width == WIDTHS[0]:
                    assert page.evaluate("document.documentElement.scrollWidth") <= width, entry["variant"]
                    loaded = page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
                    assert loaded, "every picture decodes"
            finally:
                context.close()
    assert found == [], "\n".join(found)


def test_each_page_has_the_outline_of_its_pdf(browser, built):  # noqa: F811
    """Headings, items, cells, captions and glossary terms in the order and words of the PDF's tags."""
    out, entries = built
    for entry in entries:
        context, page, _ = _open(browser, out / entry["web_page"]["path"], 1280)
        try:
            web = [(kind, normalise(text)) for kind, text in page.evaluate(OUTLINE_JS)]
        finally:
            context.close()
        pdf = _pdf_outline(out / entry["path"])
        assert web == pdf, entry["variant"]
        kinds = {k for k, _ in web}
        assert {"term", "caption"} <= kinds and ("term", "Abstinencia") in web


def test_print_breaks_before_the_page_break_and_keeps_blocks_together(browser, built):  # noqa: F811
    out, entries = built
    entry = next(e for e in entries if e["variant"] == "patient")
    context, page, _ = _open(browser, out / entry["web_page"]["path"], 1280)
    try:
        assert page.evaluate("document.querySelector('.page-break').getBoundingClientRect().height") == 0
        page.emulate_media(media="print")
        style = "(s) => getComputedStyle(document.querySelector(s))"
        assert page.evaluate(f"({style})('.page-break').breakBefore") == "page"
        assert page.evaluate(f"({style})('.keep').breakInside") == "avoid"
        assert page.evaluate(f"({style})('section.keep').breakInside") == "avoid"
        assert page.evaluate(f"({style})('figure').breakInside") == "avoid"
    finally:
        context.close()


def test_robustness_payloads_render_as_text_in_every_new_block(tmp_path):
    """The robustness suite's odd values as the text, terms, cells, captions and alt text of the new blocks."""
    from handoutpress import model as m
    from handoutpress.load.layout import load_theme
    from handoutpress.render.html import PageLinks, render_page
    from test_robustness import EXOTIC
    from test_web import EVIL, ROOT, _resolved

    theme = load_theme(ROOT, "maple-mountain")
    png = tmp_path / "p.png"
    png.write_bytes(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="))
    place = m.Place("h.yaml", 1, 1, "")
    for odd in EXOTIC + [EVIL]:
        t = (m.Text(odd),)
        items = (m.ListItem(t, place, (m.ListItem(t, place),)),)
        blocks = (m.KeyMessages((m.BulletList(items, place),), place, heading=t),
                  m.Steps(items, place), m.Checklist((m.ListItem(t, place),), place),
                  m.Table(((t, ()),), place, header=(t, t), caption=t, widths=(0.5, 0.5), row_height=40.0),
                  m.Figure(str(png), "p.png", "png", (1, 1), place, alt=odd or "x", caption=t),
                  m.Glossary((m.Term(t, t, place),), place), m.PageBreak(place),
                  m.KeepTogether((m.Paragraph(t, place),), place))
        html = render_page(_resolved(blocks, title=odd or "x"), theme, _resolved().handout.clinic,
                           PageLinks(pdf="a.pdf")).decode()
        assert "<script" not in html.lower().replace("&lt;script", "")
        if odd == EVIL:
            literal = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; {{ 7*7 }} {% if x %}"
            assert html.count(literal) >= 12  # heading, items, steps, check item, cells, caption, alt, term
