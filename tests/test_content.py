"""Content semantics: literal text stays literal, inline markup, audience filtering, source numbering."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph as RLParagraph

from handoutpress.load.content import load_handout
from handoutpress.model import (BulletList, Callout, Cite, Emph, Group, Link, ListItem, Paragraph, Place, Section,
                                Source, Strong, Table, Text, plain)
from handoutpress.publish.build import build
from handoutpress.resolve.citations import number_sources
from handoutpress.resolve.sources import format_source
from handoutpress.resolve.variants import filter_blocks
from handoutpress.text import MarkupError, parse_inline, to_markup

from project_copy import HANDOUT, ROOT, VISIT_FILE, copy_project, edit

from conftest import ARTICLE  # shared/source/benzodiazepines-article.txt beside the repository

# ---- what an author writes prints as written ----------------------------------------------------------
LITERAL = "Take 1 < 2 & 3 > 2; {{ x }} and {% if %} and &amp; print as written."
LITERAL_HEADING = "After the Visit & <Later>"
LITERAL_CELL = "Nausea & <vomiting>"  # short enough not to wrap in its cell
ODD_URL = 'https://example.org/a?b=1&c="2"'


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def literal_pdf(tmp_path_factory):
    """The patient variant built from a handout whose author typed < > & {{ }} {% %} and an odd link."""
    tmp = tmp_path_factory.mktemp("literal")
    root = copy_project(tmp / "project", cli=False)
    edit(root, VISIT_FILE, "paragraph: You can bring someone with you.",
         f"paragraph: '{LITERAL}'\n        - paragraph: 'Read [the guide]({ODD_URL}) today.'")
    edit(root, VISIT_FILE, "heading: After the Visit", f"heading: '{LITERAL_HEADING}'")
    edit(root, VISIT_FILE, "[10-40 min, Interview, Clinician]", f"[10-40 min, '{LITERAL_CELL}', Clinician]")
    report = build(root, ["visit"], ["patient"], out_dir=tmp / "out")
    assert not report.problems, "\n".join(map(str, report.problems))
    return tmp / "out" / "visit" / "maple-mountain-visit-patient-en.pdf"


def test_author_text_prints_literally(literal_pdf):
    with pdfplumber.open(literal_pdf) as pdf:
        text = _norm(" ".join(page.extract_text() or "" for page in pdf.pages))
    assert LITERAL in text
    assert LITERAL_HEADING in text
    assert LITERAL_CELL in text
    assert "Read the guide today." in text


def test_link_address_with_quotes_and_ampersand_is_kept_exactly(literal_pdf):
    with pikepdf.open(literal_pdf) as pdf:
        uris = [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A]
    assert ODD_URL in uris


# ---- inline markup ------------------------------------------------------------------------------------
T = Text


@pytest.mark.parametrize("source, spans", [
    ("plain text", (T("plain text"),)),
    ("", ()),
    ("**bold**", (Strong((T("bold"),)),)),
    ("a *italic* b", (T("a "), Emph((T("italic"),)), T(" b"))),
    ("**bold *and italic* too**", (Strong((T("bold "), Emph((T("and italic"),)), T(" too"))),)),
    ("*italic **and bold** too*", (Emph((T("italic "), Strong((T("and bold"),)), T(" too"))),)),
    ("***both***", (Strong((Emph((T("both"),)),)),)),
    ("**bold *italic***", (Strong((T("bold "), Emph((T("italic"),)))),)),
    ("[the clinic](https://example.org/x)", (Link("https://example.org/x", (T("the clinic"),)),)),
    ("[**call**](tel:+15555550142) us", (Link("tel:+15555550142", (Strong((T("call"),)),)), T(" us"))),
    ("[write](mailto:a@example.org)", (Link("mailto:a@example.org", (T("write"),)),)),
    ("as shown [@tan2010].", (T("as shown "), Cite(("tan2010",)), T("."))),
    ("[@a; @b.c:1]", (Cite(("a", "b.c:1")),)),
    ("**key:** [@x]", (Strong((T("key:"),)), T(" "), Cite(("x",)))),
    (r"2 \* 3 \*\* 4", (T("2 * 3 ** 4"),)),
    (r"\[not a link\](x)", (T("[not a link](x)"),)),
    (r"back\\slash", (T("back\\slash"),)),
    ("trailing\\", (T("trailing\\"),)),
    ("a ] b ( c ) d", (T("a ] b ( c ) d"),)),
    ("<b>not bold</b> & {{ x }} {% if %}", (T("<b>not bold</b> & {{ x }} {% if %}"),)),
    ("&amp; &#60; &lt;", (T("&amp; &#60; &lt;"),)),
])
def test_parse_inline(source, spans):
    assert parse_inline(source) == spans


@pytest.mark.parametrize("source, message, offset", [
    ("**unclosed", "'**' opened here is never closed", 0),
    ("some *unclosed", "'*' opened here is never closed", 5),
    ("a ****", "empty bold", 4),
    ("a ** b", "never closed", 2),
    ("5 * 3 = 15", "never closed", 2),
    ("[text] alone", "no '(address)' follows", 0),
    ("[text](https://example.org", "not closed with ')'", 6),
    ("[text](javascript:alert(1))", "is not a link address", 6),
    ("[text](www.example.org)", "is not a link address", 6),
    ("[text](https://example.org/a b)", "is not a link address", 6),
    ("[unclosed link", "never closed", 0),
    ("see [@tan2010", "not closed with ']'", 4),
    ("see [@tan 2010]", "is not a citation", 4),
    ("see [@a, @b]", "is not a citation", 4),
    ("see [@a; b]", "is not a citation", 4),
])
def test_parse_inline_errors(source, message, offset):
    with pytest.raises(MarkupError) as info:
        parse_inline(source)
    assert message in str(info.value)
    assert info.value.fix
    assert info.value.offset == offset


def test_to_markup_escapes_text_and_numbers_citations():
    spans = parse_inline("1 < 2 & **bold <b>** [x](https://e.org/?a=1&b=\"2\") [@a; @b] [@a]")
    assert to_markup(spans, {"a": 1, "b": 2}, link_colour="#1F4E4A") == (
        '1 &lt; 2 &amp; <b>bold &lt;b&gt;</b> '
        '<a href="https://e.org/?a=1&amp;b=&quot;2&quot;" color="#1F4E4A" underline="1">x</a> '
        '<a href="#source-1">[1]</a> <a href="#source-2">[2]</a> <a href="#source-1">[1]</a>')


def test_to_markup_of_template_syntax_is_plain_text():
    assert to_markup(parse_inline("{{ clinic.name }} {% if page %}"), {}) == "{{ clinic.name }} {% if page %}"


_SAFE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="*[]\\"), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_backslash_escaped_text_parses_to_itself(text):
    escaped = "".join("\\" + c if c in "*[]\\" else c for c in text)
    assert parse_inline(escaped) == ((Text(text),) if text else ())


@settings(max_examples=200, deadline=None)
@given(_SAFE)
def test_text_without_markup_round_trips_through_reportlab_escaping(text):
    spans = parse_inline(text)
    assert html.unescape(to_markup(spans, {})) == text


_PIECES = st.sampled_from(["**", "*", "[", "]", "(", ")", "](", "https://e.org/", "mailto:a@e.org", "[@k]",
                           "[@k; @j]", '"', "'", "<", ">", "&", "&amp;", "\\", "a", " ", "{{", "}}", "{%", "%}",
                           "<b>", "</a>", "\u00e9"])
_RL_STYLE = getSampleStyleSheet()["Normal"]


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_whatever_parses_renders_in_reportlab(source):
    """Anything the parser accepts must be valid ReportLab markup (no crash deep in the renderer)."""
    try:
        spans = parse_inline(source)
    except MarkupError:
        return
    para = RLParagraph(to_markup(spans, {"k": 1, "j": 2}, link_colour="#1F4E4A"), _RL_STYLE)
    para.wrap(300, 1000)


# ---- audiences ----------------------------------------------------------------------------------------
P = Place("t.yaml", 1, 1, "body")


def para(text, *audiences):
    return Paragraph((Text(text),), P, tuple(audiences))


def texts(blocks):
    """Every paragraph/item text left, in order (a way to compare filtered trees)."""
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(plain(b.text))
        elif isinstance(b, (Section, Callout, Group)):
            out.append("<" + type(b).__name__ + ">")
            out += texts(b.blocks)
        elif isinstance(b, BulletList):
            out += _item_texts(b.items)
        elif isinstance(b, Table):
            out.append("<table>")
    return out


def _item_texts(items):
    out = []
    for i in items:
        out.append(plain(i.text))
        out += _item_texts(i.items)
    return out


def item(text, *audiences, items=()):
    return ListItem((Text(text),), P, tuple(items), tuple(audiences))


def test_block_for_family_is_absent_for_patient():
    blocks = (para("everyone"), para("family only", "family"), para("patients and family", "patient", "family"))
    assert texts(filter_blocks(blocks, "patient")) == ["everyone", "patients and family"]
    assert texts(filter_blocks(blocks, "family")) == ["everyone", "family only", "patients and family"]


def test_containers_left_empty_are_dropped():
    blocks = (
        Section((Text("Family section"),), (para("for family", "family"),), P),
        Callout((para("for family", "family"),), P, (Text("Box"),)),
        BulletList((item("for family", "family"),), P),
        Section((Text("Kept"),), (para("for patients", "patient"), para("for family", "family")), P),
        Table(((( Text("cell"),),),), P, audiences=("family",)),
        Group((para("grouped for family"),), P, ("family",)),
    )
    got = filter_blocks(blocks, "patient")
    assert texts(got) == ["<Section>", "for patients"]
    assert got[0].heading == (Text("Kept"),)
    assert texts(filter_blocks(blocks, "family")) == [
        "<Section>", "for family", "<Callout>", "for family", "for family", "<Section>", "for family", "<table>",
        "grouped for family"]


def test_nested_containers_and_list_items_are_filtered_all_the_way_down():
    blocks = (Section((Text("Outer"),), (
        Section((Text("Inner"),), (para("deep family", "family"),), P),
        BulletList((item("all", items=(item("nested family", "family"), item("nested all"))),
                    item("top family", "family")), P),
    ), P),)
    got = filter_blocks(blocks, "patient")
    assert texts(got) == ["<Section>", "all", "nested all"]
    assert got == filter_blocks(got, "patient")  # filtering is idempotent


def test_audiences_in_a_handout_file(tmp_path):
    """A family-only section and list item written in YAML are gone from the patient resolution,
    and a source cited only there gets no number for the patient."""
    from handoutpress.resolve.variants import find_variant, resolve

    root = copy_project(tmp_path / "project", cli=False)
    edit(root, VISIT_FILE, "  - section:\n      heading: After the Visit\n",
         "  - section:\n      heading: After the Visit\n      audiences: [family]\n")
    edit(root, VISIT_FILE, "      - Insurance card\n", "      - text: Insurance card\n        audiences: [family]\n")
    edit(root, VISIT_FILE, "    max_pages: 3\n",
         "    max_pages: 3\n  family:\n    audience: family\n    layout: maple-mountain\n")
    handout = load_handout(root / VISIT_FILE, display=VISIT_FILE)
    patient = resolve(handout, find_variant(handout, "patient"))
    family = resolve(handout, find_variant(handout, "family"))
    headings = lambda r: [plain(b.heading) for b in r.blocks if isinstance(b, Section)]  # noqa: E731
    assert headings(family) == ["During the Visit", "After the Visit"]
    assert headings(patient) == ["During the Visit"]
    assert "Insurance card" in texts(family.blocks) and "Insurance card" not in texts(patient.blocks)
    assert "Photo ID" in texts(patient.blocks)
    assert family.numbers == {"who2020": 1, "nih2019": 2}
    assert patient.numbers == {"who2020": 1}
    assert [s.key for _, s in patient.sources] == ["who2020"]


# ---- sources ------------------------------------------------------------------------------------------
def src(key):
    return Source(key=key, authors=("A B",), year="2000", title=key, place=P)


def cite_para(*keys, audiences=()):
    return Paragraph(tuple(Cite((k,)) for k in keys), P, tuple(audiences))


def test_sources_numbered_by_first_use_and_uncited_get_none():
    sources = tuple(src(k) for k in ("a", "b", "c", "d"))
    blocks = (cite_para("c"), Section((Text("S"),), (cite_para("a", "c"),), P),
              Table(((( Cite(("b",)),),),), P))
    ordered, numbers = number_sources(blocks, None, sources)
    assert numbers == {"c": 1, "a": 2, "b": 3}
    assert [(n, s.key) for n, s in ordered] == [(1, "c"), (2, "a"), (3, "b")]
    assert "d" not in numbers


def test_sources_numbered_within_the_resolved_variant():
    """A citation in a block another audience sees does not take a number for this one."""
    sources = tuple(src(k) for k in ("a", "b", "c"))
    blocks = (cite_para("a", audiences=("family",)), cite_para("b"), cite_para("a"),
              BulletList((item("x"),), P))
    for audience, want in (("patient", {"b": 1, "a": 2}), ("family", {"a": 1, "b": 2})):
        ordered, numbers = number_sources(filter_blocks(blocks, audience), None, sources)
        assert numbers == want
        assert [s.key for _, s in ordered] == list(want)


def test_citation_only_in_the_call_to_action_comes_last():
    sources = tuple(src(k) for k in ("a", "b"))
    cta = Callout((cite_para("a"),), P)
    ordered, numbers = number_sources((cite_para("b"),), cta, sources)
    assert numbers == {"b": 1, "a": 2}


def test_sources_print_exactly_as_in_the_article():
    from handoutpress.resolve.variants import find_variant, resolve

    if not ARTICLE.is_file():
        pytest.skip(f"the source article is not at {ARTICLE} (shared/ must sit beside the repository)")
    expected = [line for line in ARTICLE.read_text("utf-8").splitlines() if re.match(r"\[\d+\] ", line)]
    assert len(expected) == 4
    handout = load_handout(ROOT / HANDOUT, display=HANDOUT)
    resolved = resolve(handout, find_variant(handout, "patient"))
    assert [f"[{n}] {format_source(s)}" for n, s in resolved.sources] == expected
    assert resolved.numbers == {"tan2010": 1, "ashton1994": 2, "petursson1994": 3, "davis2024": 4}


def test_format_source_without_optional_parts():
    assert format_source(Source(key="k", authors=("Davis S",), year="2024", title="Is it safe?", place=P,
                                container="WebMD")) == "Davis S. 2024. Is it safe? WebMD."
    assert format_source(Source(key="k", authors=("A B", "C D"), year="2001", title="T", place=P,
                                date="2001 Jan", volume="3", pages="1-2")) == "A B, C D. 2001. T. 2001 Jan;3:1-2."
