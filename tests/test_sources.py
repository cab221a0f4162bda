"""Source entries: any mix of fields prints cleanly, undated sources and web pages, read back from a PDF."""
from __future__ import annotations

import re

import pdfplumber
import pikepdf
from hypothesis import given, settings
from hypothesis import strategies as st

from handoutpress.model import Place, Source
from handoutpress.publish.build import build
from handoutpress.publish.check import run as run_check
from handoutpress.resolve.sources import format_source

from project_copy import VISIT_FILE, copy_project, edit

P = Place("t.yaml", 1, 1, "sources[0]")
# What a source field holds: words, digits and the punctuation titles use, no edge spaces.
WORD = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9'-]{0,5}", fullmatch=True)
FIELD = st.lists(st.tuples(WORD, st.sampled_from([" ", ", ", ": "])), min_size=1, max_size=3).map(
    lambda words: "".join(w + sep for w, sep in words)[:-len(words[-1][1])])
OPTIONAL = st.one_of(st.just(""), FIELD)
EMPTY_RUNS = (". ;", "  ", ",.", "()", ";;", ";.", ":.", " .", " ,", ";:", "..")


@st.composite
def sources(draw):
    return Source(
        key="k", authors=tuple(draw(st.lists(FIELD, max_size=3))), title=draw(FIELD), place=P,
        year=draw(st.sampled_from(["", "n.d.", "1994", "2024"])), container=draw(OPTIONAL), date=draw(OPTIONAL),
        volume=draw(OPTIONAL), issue=draw(OPTIONAL), pages=draw(OPTIONAL),
        url=draw(st.sampled_from(["", "https://example.org/a/page"])),
        accessed=draw(st.sampled_from(["", "2026-11-30"])))


@settings(max_examples=400, deadline=None)
@given(sources())
def test_any_mix_of_fields_prints_every_given_field_and_no_empty_punctuation(source):
    text = format_source(source)
    # a field's own text may hold ",": the runs checked are those the formatter could make between fields
    joints = text
    for value in (*source.authors, source.title, source.container, source.date, source.volume, source.issue,
                  source.pages):
        joints = joints.replace(value, "x") if value else joints
    assert not [run for run in EMPTY_RUNS if run in joints], text
    assert not text.startswith((".", ";", ",", ":", " ")), text
    for value in (*source.authors, source.title, source.container, source.date, source.volume, source.issue,
                  source.pages, source.url if source.accessed else ""):
        assert value in text
    assert (source.year or "n.d.") in text
    assert ("Accessed 2026 Nov 30." in text) == bool(source.accessed)


def test_missing_date_leaves_no_stray_semicolon():
    src = Source(key="k", authors=("Ashton H",), year="1994", title="The treatment", place=P, container="Addiction",
                 volume="89", issue="11", pages="1535-41")
    assert format_source(src) == "Ashton H. 1994. The treatment. Addiction. 89(11):1535-41."


def test_undated_web_page():
    src = Source(key="k", authors=("SAMHSA",), year="n.d.", title="988 Key Messages", place=P, container="SAMHSA",
                 url="https://988lifeline.org/", accessed="2026-11-30")
    assert format_source(src) == "SAMHSA. n.d. 988 Key Messages. SAMHSA. Accessed 2026 Nov 30. https://988lifeline.org/"
    no_year = Source(key="k", authors=(), year="", title="A page", place=P)
    assert format_source(no_year) == "n.d. A page."


WEB = """  - key: web2026
    authors: [Example Health Service]
    year: n.d.
    title: Storing medicines safely
    container: Example Health
    url: https://example.org/storing-medicines
    accessed: 2026-11-30
"""


def test_undated_web_page_in_a_pdf_prints_and_links_its_address(tmp_path):
    root = copy_project(tmp_path / "p")
    edit(root, VISIT_FILE, "We will call you within a week [@nih2019].",
         "We will call you within a week [@nih2019; @web2026].")
    edit(root, VISIT_FILE, "sources:\n", "sources:\n" + WEB)
    report = build(root, ["visit"], ["patient"])
    assert not report.problems, report.problems
    pdf = tmp_path / "p" / "out" / "visit" / "maple-mountain-visit-patient-en.pdf"
    with pdfplumber.open(pdf) as doc:
        text = " ".join(page.extract_text() for page in doc.pages)
    assert re.search(r"Example Health Service\. n\.d\. Storing medicines safely\. Example Health\. Accessed 2026 "
                     r"Nov 30\.\s+https://example\.org/storing-medicines", text), text
    with pikepdf.open(pdf) as doc:
        uris = [str(a.A.URI) for page in doc.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A]
    assert "https://example.org/storing-medicines" in uris


def test_a_year_in_the_wrong_form_says_what_to_write_not_a_regular_expression(tmp_path):
    root = copy_project(tmp_path / "p")
    edit(root, VISIT_FILE, 'year: "2020"', "year: circa 2020")
    result = run_check(root, ["visit"])
    found = [p for p in result.problems if p.code == "schema-pattern"]
    assert len(found) == 1 and "n.d." in found[0].fix and "\\d" not in str(found[0]), found
