"""The catalog at clinic scale, in the browser: search, sort, filters, marks, the draft gate, packets.

A test project of four generated handouts (one draft; a large-print and a fillable variant; topics;
a word in each body no title has) is built once and served by its own `publish.py serve`, so
packets are drawn with its layouts. Debian's Chromium through Playwright, as in test_catalog.py;
axe-core (PyPI axe-playwright-python, which ships it) checks WCAG 2.1 A and AA at two widths.
"""
from __future__ import annotations

import io
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from project_copy import ROOT, run_cli
from test_catalog import Served, Watched, _from_elsewhere, browser  # noqa: F401 - browser is a fixture

HANDOUT = """\
id: {id}
title: {title}
subtitle: {subtitle}
language: en
version: "{version}"
topics: [{topics}]
review: {review}
body:
  - paragraph: >-
      {text} Talk with your care team before you change anything.
  - section:
      heading: What helps
      body:
        - list:
            - Keep a regular routine each day.
            - Ask us when something is not clear.
variants:
{variants}
"""
PATIENT = "  patient: {layout: maple-mountain}"
HANDOUTS = {
    "sleep": dict(title="Sleep and recovery", subtitle="Rest that helps you heal", version="1.0", topics="sleep",
                  review="{status: approved, reviewed: 2026-11-20, reviewer: Maple Mountain clinical team}",
                  text="Some people take melatonin for a short time.",
                  variants=PATIENT + "\n  large-print: {layout: maple-mountain-large-print}"),
    "visit": dict(title="Your first visit", subtitle="What to bring", version="2.1", topics="visits",
                  review="{status: approved, reviewed: 2026-10-01, reviewer: Maple Mountain clinical team}",
                  text="Bring a clipboard list of your medicines.",
                  variants=PATIENT + "\n  admissions: {layout: maple-mountain, appointment_fields: true}"),
    "anxiety": dict(title="Living with anxiety", subtitle="Calm your body and mind", version="0.3",
                    topics="anxiety, sleep", review="{status: draft}", text="Slow breathing can calm your body.",
                    variants=PATIENT),
    "grief": dict(title="Grief and loss", subtitle="When someone dies", version="1.2", topics="family",
                  review="{status: approved, reviewed: 2026-01-10, reviewer: Maple Mountain clinical team}",
                  text="A bereavement group meets every week.", variants=PATIENT),
}
PACKET = ["sleep:patient", "visit:admissions", "grief:patient"]
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Path:
    """A project with the real layouts, fonts and clinic file and the four handouts above, built."""
    root = tmp_path_factory.mktemp("clinic")
    (root / "handouts").mkdir()
    for sub in ("layouts", "fonts"):
        shutil.copytree(ROOT / sub, root / sub)
    shutil.copy2(ROOT / "handouts" / "clinic.yaml", root / "handouts" / "clinic.yaml")
    shutil.copy2(ROOT / "publish.py", root / "publish.py")
    for name, fields in HANDOUTS.items():
        (root / "handouts" / f"{name}.yaml").write_text(HANDOUT.format(id=name, **fields), "utf-8")
    done = run_cli(root, "build", "--jobs", "1", timeout=300)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def clinic_server(clinic, tmp_path_factory):
    served = Served(clinic / "out", tmp_path_factory.mktemp("clinic-serve") / "serve.log", clinic / "publish.py")
    yield served
    served.stop()


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def page(browser, clinic_server):  # noqa: F811 - the fixture imported above
    watched = Watched(browser, accept_downloads=True)
    watched.page.goto(clinic_server.url, wait_until="load")
    yield watched
    # a download ends its navigation: Chromium reports the packet's request as aborted, and that is all
    assert [e for e in watched.errors if not e.endswith("/packet net::ERR_ABORTED")] == []
    assert _from_elsewhere(watched.requests, clinic_server.url) == []
    watched.context.close()


def _items(watched, where: str = "") -> list[str]:
    return [r["item"] for r in watched.rows(where)]


def test_search_looks_in_titles_topics_and_the_text_of_each_handout(page):
    p = page.page
    search = p.get_by_label("Search")
    search.fill("bereave")  # a word only in the grief handout's body: the start of a word is enough
    assert _items(page) == ["grief:patient"]
    search.fill("Melatonin")
    assert sorted(_items(page)) == ["sleep:large-print", "sleep:patient"]
    search.fill("sleep")  # a title and a topic (the anxiety draft is filed under sleep)
    assert sorted(_items(page)) == ["anxiety:patient", "sleep:large-print", "sleep:patient"]
    search.fill("sleep breathing")  # every word must match
    assert _items(page) == ["anxiety:patient"]
    search.fill("xyzzy")
    assert _items(page) == []
    assert p.locator("#filter-status").inner_text() == "Showing 0 of 6 PDFs matching \u201cxyzzy\u201d."
    assert p.locator("#approved .none-match").is_visible() and p.locator("#drafts .none-match").is_visible()
    search.fill("")
    assert len(_items(page)) == 6


def test_sort_by_title_and_by_last_review(page):
    p = page.page
    default = _items(page, "#approved")
    p.get_by_label("Sort by").select_option("title")
    assert _items(page, "#approved") == ["grief:patient", "sleep:patient", "sleep:large-print", "visit:patient",
                                         "visit:admissions"]
    p.get_by_label("Sort by").select_option("updated")
    reviewed = [r["reviewed"] for r in page.rows("#approved")]
    assert reviewed == sorted(reviewed, reverse=True) and reviewed[0] == "2026-11-20"
    p.get_by_label("Sort by").select_option("")
    assert _items(page, "#approved") == default


def test_topic_format_and_language_filters(page):
    p = page.page
    assert p.get_by_label("Format").locator("option").all_inner_texts() == ["All formats", "Standard print",
                                                                             "Large print", "Fillable"]
    p.get_by_label("Topic").select_option("family")
    assert _items(page) == ["grief:patient"]
    p.get_by_label("Topic").select_option("")
    p.get_by_label("Format").select_option("fillable")
    assert _items(page) == ["visit:admissions"]
    p.get_by_label("Format").select_option("large-print")
    assert _items(page) == ["sleep:large-print"]
    p.get_by_label("Language").select_option("en")
    assert _items(page) == ["sleep:large-print"]
    assert p.locator("#filter-status").inner_text() == "Showing 1 of 6 PDFs."
    row = p.locator("tr[data-item='sleep:large-print']")
    assert "Large print" in row.inner_text() and "Reading level: grade" in row.inner_text()


def test_new_and_updated_marks_count_back_from_the_newest_review(page):
    marks = {r["item"]: r["mark"] for r in page.rows()}
    assert marks == {"sleep:patient": "new", "sleep:large-print": "new", "visit:patient": "updated",
                     "visit:admissions": "updated", "grief:patient": "", "anxiety:patient": ""}
    assert page.page.locator("tr[data-item='visit:patient'] .badge.mark").inner_text() == "Updated"


def test_a_drafts_buttons_wait_behind_a_gate_that_says_it_is_a_draft(page):
    p = page.page
    row = p.locator("tr[data-item='anxiety:patient']")
    download = row.locator("a.download")
    assert not download.is_visible() and not row.locator("button.print").is_visible()
    row.locator("summary").click()
    assert download.is_visible() and row.locator("button.print").is_visible()
    warning = row.locator(".gate-warning").inner_text()
    assert "DRAFT" in warning and "not for patients" in warning
    assert download.inner_text().startswith("Download draft")


def _make_packet(watched, click) -> bytes:
    with watched.page.expect_download() as download:
        click()
    path = download.value.path()
    assert download.value.suggested_filename == "handout-packet.pdf"
    return Path(path).read_bytes()


def _outline(data: bytes) -> list[str]:
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    with pdf.open_outline() as outline:
        return [item.title for item in outline.root]


def test_a_packet_of_three_handouts_from_the_page(page, clinic):
    p = page.page
    before = _listing(clinic / "out")
    for item in PACKET:
        p.locator(f"tr[data-item='{item}'] button.add").click()
    assert p.locator("#packet-list li").count() == 3
    assert p.locator("#packet-status").inner_text() == "3 handouts in the packet."
    assert p.locator("tr[data-item='sleep:patient'] button.add").get_attribute("aria-pressed") == "true"
    p.get_by_label("Add a \u201cwhat was given\u201d slip for the chart").check()
    data = _make_packet(page, lambda: p.get_by_role("button", name="Make the packet PDF").click())
    assert data.startswith(b"%PDF-")
    assert _outline(data) == ["Packet contents", "Sleep and recovery (patient)", "Your first visit (admissions)",
                              "Grief and loss (patient)", "What was given"]
    assert _listing(clinic / "out") == before  # serve wrote nothing in the folder it serves


def test_a_packet_with_a_draft_needs_the_confirmation(page):
    p = page.page
    p.locator("tr[data-item='grief:patient'] button.add").click()
    row = p.locator("tr[data-item='anxiety:patient']")
    row.locator("summary").click()
    row.locator("button.add").click()
    confirm = p.get_by_label("I confirm this packet holds drafts and is not for patients")
    assert confirm.is_visible() and p.locator("#packet-status").inner_text().endswith("1 of them draft.")
    assert "(DRAFT)" in p.locator("#packet-list").inner_text()
    assert p.evaluate("document.getElementById('packet-form').checkValidity()") is False  # the browser will not send it
    confirm.check()
    data = _make_packet(page, lambda: p.get_by_role("button", name="Make the packet PDF").click())
    assert _outline(data)[1:] == ["Grief and loss (patient)", "Living with anxiety (patient)"]


def _focused(p) -> dict:
    return p.evaluate("""() => { const e = document.activeElement;
        return {id: e.id, cls: e.className, item: e.getAttribute('data-item') || '',
                visible: e.matches(':focus-visible')}; }""")


def _tab_to(p, test, shift=False, limit=80) -> dict:
    for _ in range(limit):
        p.keyboard.press("Shift+Tab" if shift else "Tab")
        focus = _focused(p)
        assert focus["visible"], focus
        if test(focus):
            return focus
    raise AssertionError("never reached by Tab")


def test_keyboard_only_search_add_and_make_a_packet(page):
    p = page.page
    _tab_to(p, lambda f: f["id"] == "search")
    p.keyboard.type("bereave")
    _tab_to(p, lambda f: "add" in f["cls"].split() and f["item"] == "grief:patient")
    p.keyboard.press("Space")
    p.keyboard.press("Shift+Tab")  # back up to the search, widen it, add another
    _tab_to(p, lambda f: f["id"] == "search", shift=True)
    p.keyboard.press("Control+A")
    p.keyboard.type("melatonin")
    _tab_to(p, lambda f: "add" in f["cls"].split() and f["item"] == "sleep:patient")
    p.keyboard.press("Enter")
    assert p.locator("#packet-list li").count() == 2
    _tab_to(p, lambda f: f["id"] == "packet-make", shift=True)
    data = _make_packet(page, lambda: p.keyboard.press("Enter"))
    assert _outline(data)[1:] == ["Grief and loss (patient)", "Sleep and recovery (patient)"]


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_wcag_21_a_or_aa_violation(browser, clinic_server, width):  # noqa: F811
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is not installed: pip install -e '.[test]'")
    context = browser.new_context(viewport={"width": width, "height": 900})
    p = context.new_page()
    p.goto(clinic_server.url, wait_until="load")
    p.locator("tr[data-item='sleep:patient'] button.add").click()
    row = p.locator("tr[data-item='anxiety:patient']")
    row.locator("summary").click()
    row.locator("button.add").click()  # the packet panel, its draft confirmation and an open gate are checked too
    results = Axe().run(p, options={"runOnly": {"type": "tag",
                                                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert violations == [], violations
    context.close()


def test_opened_from_disk_the_packet_is_a_command(browser, clinic):  # noqa: F811
    watched = Watched(browser)
    p = watched.page
    p.goto((clinic / "out" / "index.html").as_uri(), wait_until="load")
    for item in PACKET[:2]:
        p.locator(f"tr[data-item='{item}'] button.add").click()
    assert p.locator("#packet-form").is_hidden()
    assert p.locator("#packet-command").inner_text() == "python publish.py packet packet.pdf sleep:patient " \
                                                        "visit:admissions"
    row = p.locator("tr[data-item='anxiety:patient']")
    row.locator("summary").click()
    row.locator("button.add").click()
    assert p.locator("#packet-command").inner_text().endswith("anxiety:patient --include-drafts")
    assert watched.errors == []
    watched.context.close()


def _post(url: str, body: str, **headers) -> tuple[int, str]:
    request = urllib.request.Request(url + "packet", data=body.encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_serve_refuses_bad_packet_requests_with_a_page_saying_why(clinic_server, clinic):
    url = clinic_server.url
    own = {"Origin": url.rstrip("/"), "Sec-Fetch-Site": "same-origin"}
    before = _listing(clinic / "out")
    cases = [
        ("item=sleep:patient", {}, 403, "does not come from this catalog"),
        ("item=sleep:patient", {"Origin": "http://evil.example"}, 403, "evil.example"),
        ("item=sleep:patient", {**own, "Sec-Fetch-Site": "cross-site"}, 403, "another site"),
        ("item=nope:patient", own, 400, "no published handout"),
        ("item=sleep:nope", own, 400, "no published variant"),
        ("item=anxiety:patient", own, 400, "is a draft"),
        ("&".join(f"item=h{n}:patient" for n in range(300)), own, 400, "more than 20 handouts"),
        ("item=" + "x" * 20_000, own, 413, "at most"),
    ]
    for body, headers, code, says in cases:
        status, text = _post(url, body, **headers)
        assert status == code and says in text and "Traceback" not in text, (body[:40], status, text)
        assert text.startswith("<!DOCTYPE html>") and "Back to the catalog" in text
    assert _post(url, "item=sleep:patient&item=anxiety:patient&confirm_drafts=yes", **own) == (200, "application/pdf")
    assert _listing(clinic / "out") == before


def test_a_long_catalog_lists_a_hundred_rows_a_section_until_show_all(browser, tmp_path):  # noqa: F811
    from handoutpress.publish import catalog

    outputs = [{"handout": f"h{n:03d}", "variant": "patient", "audience": "patient", "language": "en",
                "status": "approved", "path": f"h{n:03d}/h{n:03d}.pdf", "pages": 1, "bytes": 2048,
                "title": f"Handout {n:03d}", "version": "1.0", "reviewed": "2026-11-26",
                "words": "common" + (" rare" if n % 50 == 0 else "")} for n in range(130)]
    (tmp_path / "index.html").write_text(catalog.catalog_html({"outputs": outputs}), "utf-8")
    for scripts in (True, False):
        watched = Watched(browser, java_script_enabled=scripts)
        p = watched.page
        p.goto((tmp_path / "index.html").as_uri(), wait_until="load")
        if not scripts:
            assert len(watched.rows()) == 130  # without JavaScript the whole list shows
            watched.context.close()
            continue
        assert len(watched.rows()) == catalog.ROWS_SHOWN == 100
        assert p.locator("#filter-status").inner_text() == "Showing 100 of the 130 PDFs (130 in all)."
        p.get_by_role("button", name="Show all 130 in this section").click()
        assert len(watched.rows()) == 130 and p.locator("#filter-status").inner_text() == "Showing all 130 PDFs."
        p.get_by_label("Search").fill("rare")
        assert [r["item"] for r in watched.rows()] == ["h000:patient", "h050:patient", "h100:patient"]
        assert p.locator("#approved p.more").is_hidden()
        assert watched.errors == []
        watched.context.close()
