"""The web version: every variant's out/<handout>/<file>.html, read back in Debian's Chromium
(Playwright, as in test_catalog.py), checked with axe-core (WCAG 2.1 A and AA) and the Nu HTML
Checker, and compared with the clinic's article and with its PDF's structure tree."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import normalise
from handoutpress import model as m
from handoutpress.render.html import BUDGET_KB, PageLinks, render_page
from test_catalog import TIMEOUT_MS, _missing, browser  # noqa: F401 (browser is a fixture)
from test_published_pdfs import find_subsequence

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (390, 1280)


def _pages(manifest) -> list[dict]:
    return [e["web_page"] for e in manifest["outputs"]]


# ---------------------------------------------------------------- the files


def test_every_variant_has_its_web_page_beside_its_pdf(out_dir, manifest):
    for entry in manifest["outputs"]:
        web = entry["web_page"]
        page = out_dir / web["path"]
        # beside its PDF, named after its variant: the address printed by the QR code stays short
        assert web["kind"] == "web page" and page == (out_dir / entry["path"]).parent / f"{entry['variant']}.html"
        data = page.read_bytes()
        assert hashlib.sha256(data).hexdigest() == web["sha256"] and len(data) == web["bytes"]
        assert len(data) < BUDGET_KB * 1024, f"{page.name}: {len(data)} bytes, over the {BUDGET_KB} KB budget"
        for asset in web["assets"]:
            assert (out_dir / asset).is_file(), asset
        html = data.decode("utf-8")
        assert len(re.findall(r"<h1[ >]", html)) == 1
        assert not re.search(r"""(src|url)\(?=?["']?(https?:)?//""", html), "a page loads nothing from elsewhere"
        assert not re.search(r"<link[^>]+href=\"(https?:)?//", html) and "<script" not in html
        assert f'href="{Path(entry["path"]).name}"' in html, "the page links to its PDF"
        draft = entry["status"] != "approved"
        assert ('<meta name="robots" content="noindex">' in html) == draft
        if draft:  # the banner comes before anything else in the body
            first = re.search(r"<body>\s*<header>\s*<p[^>]*>([^<]*)</p>", html)
            assert first and first.group(1) in ("Draft - not for distribution", "Borrador - no distribuir")
    assert (out_dir / "_assets" / "OFL.txt").is_file(), "the bundled fonts travel with their licence"


def test_links_to_other_variants_resolve_and_say_their_language(out_dir, manifest):
    by_path = {e["web_page"]["path"]: e for e in manifest["outputs"]}
    for entry in manifest["outputs"]:
        page = out_dir / entry["web_page"]["path"]
        html = page.read_text("utf-8")
        for href in re.findall(r'<a href="([^":#]+)"', html):
            assert (page.parent / href).is_file(), f"{page.name} links to {href}, which is not there"
        for tag, href in re.findall(r'(<a href="([^":#]+\.html)"[^>]*>)', html):
            other = by_path[f'{entry["handout"]}/{href}']
            assert (f'hreflang="{other["language"]}"' in tag) == (other["language"] != entry["language"])
            if entry["status"] == "approved":
                assert other["status"] == "approved", "an approved page links to no draft"
        assert f'<html lang="{entry["language"]}">' in html


def test_spanish_page_keeps_english_source_titles_in_english(out_dir, manifest):
    entry = next(e for e in manifest["outputs"] if e["language"] == "es")
    html = (out_dir / entry["web_page"]["path"]).read_text("utf-8")
    sources = re.findall(r'<li id="source-\d+" value="\d+"><span( lang="en")?>', html)
    assert sources and all(sources)
    assert 'hreflang="en" href="patient.html"' in html  # the alternate in <head>


def test_same_input_gives_the_same_page_bytes(tmp_path, out_dir, manifest):
    from handoutpress.publish.build import build

    again = tmp_path / "again"
    build(ROOT, ["benzodiazepines"], ["patient"], out_dir=again)
    entry = next(e for e in manifest["outputs"] if (e["handout"], e["variant"]) == ("benzodiazepines", "patient"))
    page = entry["web_page"]["path"]
    assert (again / page).read_bytes() == (out_dir / page).read_bytes()


def test_web_pages_pass_the_nu_html_checker(out_dir, manifest):
    if not VNU.is_file():
        _missing(f"vnu.jar is not at {VNU}: make vnu installs it")
    pages = [str(out_dir / p["path"]) for p in _pages(manifest)]
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--errors-only", *pages],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    assert messages == [], "\n".join(f'{m.get("url", "")}:{m.get("lastLine")}: {m["message"]}' for m in messages)


# ---------------------------------------------------------------- author text stays text


def _resolved(blocks=(), title="T", **variant) -> m.Resolved:
    place = m.Place("h.yaml", 1, 1, "")
    clinic = m.Clinic("Clinic <b>", "C&C", "tag \"q\"", m.Contact("(555) 555-0142", "tel:+1-555-555-0142", "phone"),
                      m.Contact("c.example.org", "https://c.example.org/", "web"), None, None, "clinic.yaml")
    v = m.Variant("patient", "patient", "en", "maple-mountain", m.Review("draft"), place, **variant)
    h = m.Handout("x", title, "", "en", "1.0", m.Review("draft"), tuple(blocks), (), (v,), "h.yaml", clinic=clinic)
    return m.Resolved(h, v, title, "", tuple(blocks), None, ())


@pytest.fixture(scope="module")
def theme():
    from handoutpress.load.layout import load_theme

    return load_theme(ROOT, "maple-mountain")


EVIL = "<script>alert(1)</script> & \"quoted\" {{ 7*7 }} {% if x %}"


def test_author_text_appears_literally_in_text_and_attributes(theme):
    place = m.Place("h.yaml", 1, 1, "")
    t = (m.Text(EVIL),)
    blocks = (m.Section(t, (m.Paragraph(t, place), m.BulletList((m.ListItem(t, place),), place),
                            m.Table(((t, t),), place, header=(t, t)), m.Table(((t, t),), place, caption=t),
                            m.Callout((m.Paragraph(t, place),), place, heading=t, tone="emergency"),
                            m.Paragraph((m.Link("javascript:alert(1)", t), m.Link('https://a.example/"x', t)), place)),
                        place),)
    html = render_page(_resolved(blocks, title=EVIL), theme, _resolved().handout.clinic,
                       PageLinks(pdf='a"b.pdf')).decode()
    assert "<script" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; {{ 7*7 }} {% if x %}") >= 9
    assert "javascript:" not in html, "links keep the PDF's rules: https, mailto and tel only"
    assert 'href="https://a.example/&quot;x"' in html and 'href="a&quot;b.pdf"' in html
    assert "Clinic &lt;b&gt;" in html and "C&amp;C" in html


def test_a_table_without_headings_is_a_grid_of_items_and_one_with_headings_has_scoped_headers(theme):
    place = m.Place("h.yaml", 1, 1, "")
    cell = lambda s: (m.Text(s),)  # noqa: E731
    blocks = (m.Table(((cell("a"), cell("b")), (cell("c"), cell("d"))), place),
              m.Table(((cell("1"), cell("2")),), place, header=(cell("H1"), cell("H2"))))
    html = render_page(_resolved(blocks), theme, _resolved().handout.clinic, PageLinks(pdf="a.pdf")).decode()
    assert '<ul class="grid cols-2"><li>a</li><li>b</li><li>c</li><li>d</li></ul>' in html
    assert '<th scope="col">H1</th><th scope="col">H2</th>' in html and "<td>1</td><td>2</td>" in html


def test_robustness_payloads_render_as_text(theme):
    """Every odd value the robustness suite feeds the loader, as text of every block kind."""
    from test_robustness import EXOTIC

    place = m.Place("h.yaml", 1, 1, "")
    for odd in EXOTIC + [EVIL]:
        t = (m.Text(odd),)
        blocks = (m.Section(t, (m.Paragraph(t, place), m.BulletList((m.ListItem(t, place, (m.ListItem(t, place),)),),
                                                                     place),
                                m.Table(((t,),), place), m.Callout((m.Paragraph(t, place),), place, heading=t)), place),)
        html = render_page(_resolved(blocks, title=odd or "x"), theme, _resolved().handout.clinic,
                           PageLinks(pdf="a.pdf")).decode()
        assert "<script" not in html.lower().replace("&lt;script", "")


# ---------------------------------------------------------------- in the browser


# the browser fixture is the catalog tests' own (Debian's Chromium through Playwright)


def _open(browser, path: Path, width: int):
    """The page opened from disk (everything relative), with every request and console error it caused."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    seen = {"errors": [], "requests": []}
    page.on("console", lambda msg: seen["errors"].append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return context, page, seen


def test_every_web_page_has_no_axe_violation_at_phone_and_desktop_width(browser, out_dir, manifest):
    from axe_playwright_python.sync_playwright import Axe

    axe, found = Axe(), []
    for web in _pages(manifest):
        for width in WIDTHS:
            context, page, seen = _open(browser, out_dir / web["path"], width)
            try:
                result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
                for v in result.response["violations"]:
                    found.append(f'{web["path"]} @{width}px: {v["id"]}: {v["help"]} '
                                 f'{[n["target"] for n in v["nodes"][:3]]}')
                assert seen["errors"] == [], (web["path"], seen["errors"])
                assert all(u.startswith(("file://", "data:")) for u in seen["requests"]), seen["requests"]
                fonts = page.evaluate("Array.from(document.fonts).filter(f => f.status === 'loaded').length")
                assert fonts >= 2, f"{web['path']}: the bundled fonts did not load"
                if width == WIDTHS[0]:  # readable on a phone: nothing wider than the screen
                    assert page.evaluate("document.documentElement.scrollWidth") <= width, web["path"]
            finally:
                context.close()
    assert found == [], "\n".join(found)


def test_pages_are_readable_at_320_px_and_large_print_is_large_on_screen(browser, out_dir, manifest):
    sizes = {}
    for entry in manifest["outputs"]:
        context, page, _ = _open(browser, out_dir / entry["web_page"]["path"], 320)
        try:
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, entry["variant"]
            words = page.evaluate("""() => { const h = document.querySelector('h1'), r = document.createRange();
                r.selectNodeContents(h); return [h.textContent.split(/\\s+/).length, r.getClientRects().length]; }""")
            assert words[1] <= words[0], f"{entry['variant']}: a word of the title breaks across lines at 320 px"
            sizes[entry["variant"]] = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
        finally:
            context.close()
    assert sizes["patient"] >= 16 and sizes["large-print"] >= 1.4 * sizes["patient"], sizes


def _main_text(page) -> str:
    return normalise(page.evaluate("document.querySelector('main').innerText"))


def test_patient_page_reads_every_piece_of_the_article_in_order(browser, out_dir, manifest, article):
    entry = next(e for e in manifest["outputs"] if (e["handout"], e["variant"]) == ("benzodiazepines", "patient"))
    context, page, _ = _open(browser, out_dir / entry["web_page"]["path"], 1280)
    try:
        text = _main_text(page)
        cells = [normalise(c) for c in page.evaluate("Array.from(document.querySelectorAll('main .grid li, "
                                                     "main td, main th')).map(e => e.innerText)")]
    finally:
        context.close()
    pieces = [normalise(t) for kind, t in article.pieces]  # headings, sentences, items, cells, sources
    assert find_subsequence(text, pieces) == []
    assert cells == [normalise(c) for row in article.table for c in row], "the grid reads row by row"


OUTLINE_JS = """() => {
  const own = (el) => { const c = el.cloneNode(true); c.querySelectorAll('ul, ol, a.back').forEach(x => x.remove());
                        return c.textContent; };
  const kind = {CAPTION: 'caption', FIGCAPTION: 'caption', P: 'caption', DT: 'term'};
  return Array.from(document.querySelectorAll('h1, main h2, main h3, main h4, main h5, main h6, main li, main td, '
                                              + 'main th, main dd, main dt, main caption, main figcaption, main p.caption'))
    .map(el => [/^H/.test(el.tagName) ? 'heading' : kind[el.tagName] || 'item', own(el)]);
}"""
PDF_KINDS = {"H1": "heading", "H2": "heading", "H3": "heading", "H4": "heading", "H5": "heading", "H6": "heading",
             "LBody": "item", "TD": "item", "TH": "item", "Caption": "caption", "Lbl": "term"}


def _struct_rows(path: Path) -> list[tuple[int, str, str]]:
    """`pdfinfo -struct-text` in reading order: (depth, role, "") per element and (depth, "#text", text)
    per piece of marked content, so a paragraph's text before and after its Link children keeps its place."""
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", "-struct-text", str(path)], capture_output=True,
                         timeout=120, check=True).stdout.decode("utf-8", "replace")
    rows = []
    for line in out.splitlines():
        body = line.lstrip(" ")
        depth = (len(line) - len(body)) // 2
        if body.startswith("/ListNumbering") and rows and rows[-1][1] == "L":
            rows[-1] = (*rows[-1][:2], body.split()[-1])  # a list's kind of labels, for its Lbl (below)
        elif not body or body.startswith("/") or re.fullmatch(r"Object \d+ \d+", body) or body == "(No content)":
            continue
        elif body.startswith('"') and body.endswith('"') and len(body) >= 2:
            rows.append((depth, "#text", body[1:-1]))
        else:
            rows.append((depth, re.match(r"[^\s:]+", body).group(0), ""))
    return rows


def _pdf_outline(path: Path) -> list[tuple[str, str]]:
    """Headings, list items and cells of the PDF's structure tree, each with the text of its own subtree
    in reading order (links and spans inside it included, nested lists and labels not)."""
    rows, out = _struct_rows(path), []
    lists = []  # the ListNumbering of the lists around the current row
    for i, (depth, role, attr) in enumerate(rows):
        while lists and lists[-1][0] >= depth:
            lists.pop()
        if role == "L":
            lists.append((depth, attr))
        if role not in PDF_KINDS:
            continue
        if role == "Lbl" and not (lists and lists[-1][1] == "/None"):
            continue  # a bullet or a number is no term: only an unnumbered list's labels (a glossary's) are
        text, skip = [], None
        for d, r, t in rows[i + 1:]:
            if d <= depth:
                break
            if skip is not None and d > skip:
                continue
            skip = d if r in ("L", "Lbl") else None
            if skip is None and r == "#text":
                text.append(t)
        if role == "Lbl" and not "".join(text).strip():
            continue  # a checklist's box: no words of its own
        out.append((PDF_KINDS[role], normalise("".join(text))))
    return out


def test_each_page_has_the_outline_of_its_pdf(browser, out_dir, manifest):
    """Headings, list items, table cells and sources in the same order and words as the PDF's tags
    (a headerless grid is items in both; its PDF cells or list items match the page's)."""
    for entry in manifest["outputs"]:
        context, page, _ = _open(browser, out_dir / entry["web_page"]["path"], 1280)
        try:
            web = [(kind, normalise(text)) for kind, text in page.evaluate(OUTLINE_JS)]
        finally:
            context.close()
        assert web == _pdf_outline(out_dir / entry["path"]), entry["variant"]


def test_print_preview_hides_the_navigation_and_keeps_the_content(browser, out_dir, manifest):
    entry = next(e for e in manifest["outputs"] if e["variant"] == "patient")
    context, page, _ = _open(browser, out_dir / entry["web_page"]["path"], 1280)
    try:
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
        assert page.evaluate("getComputedStyle(document.querySelector('.band')).backgroundColor") == "rgb(255, 255, 255)"
        pdf = page.pdf(format="Letter")
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    finally:
        context.close()
