"""Passages in another language: inline [text]{lang=xx} and `lang:` on a block become /Lang on
their structure element, read back from the PDF; a bad code is an error at its line."""
from __future__ import annotations

import pikepdf
import pytest

from handoutpress.model import Lang, Text, plain
from handoutpress.publish.build import build
from handoutpress.qa.pdfcheck import check_tagged_pdf
from handoutpress.text import MarkupError, parse_inline
from project_copy import copy_project, line_of

HANDOUT = """\
id: languages
title: Languages
language: en
version: "1.0"
review: {status: approved, reviewed: 2026-11-26, reviewer: Test}
body:
  - paragraph: Ask for help in your language, for example [¿Habla español?]{lang=es} or [Parlez-vous français ?]{lang=fr-CA}, and say so.
  - paragraph:
      lang: es
      text: Este párrafo está en español, con un [enlace](https://example.org/es).
  - list:
      - Say [gracias]{lang=es} and [[**merci**](https://example.org/fr)]{lang=fr} at the end of a long line that wraps.
      - text: Pregunte a su médico.
        lang: es
  - section:
      heading: Sección en español
      lang: es
      body:
        - paragraph: Todo este apartado está en español.
  - table:
      header: [Spanish, English]
      rows:
        - ["[Dolor]{lang=es}", Pain]
  - paragraph: "[A paragraph that is only a link, long enough to wrap onto a second line of the printed page, with a few more words to be sure](https://example.org/only)"
variants:
  patient: {layout: maple-mountain}
"""


def _elements(pdf):
    """(role, /Lang or '', text-bearing?) for every structure element, in tree order."""
    out = []

    def walk(elem):
        if isinstance(elem, pikepdf.Array):
            for kid in elem:
                walk(kid)
            return
        if not isinstance(elem, pikepdf.Dictionary):
            return
        if "/S" in elem:
            out.append((str(elem.S)[1:], str(elem.get("/Lang", "")), elem))
        walk(elem.get("/K"))

    walk(pdf.Root.StructTreeRoot.K)
    return out


@pytest.fixture(scope="module")
def languages_pdf(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("languages"), cli=False)
    (root / "handouts" / "languages.yaml").write_text(HANDOUT, encoding="utf-8")
    report = build(root, ["languages"], out_dir=root / "out")
    assert report.problems == []
    return next((root / "out" / "languages").glob("*.pdf"))


def test_inline_spans_and_blocks_carry_their_language(languages_pdf):
    from test_accessibility import read_struct_tree

    with pikepdf.open(languages_pdf) as pdf:
        assert str(pdf.Root.Lang) == "en"
        langs = [(role, lang) for role, lang, _ in _elements(pdf) if lang]
    assert langs == [("Document", "en"), ("Span", "es"), ("Span", "fr-CA"), ("P", "es"), ("Span", "es"),
                     ("Span", "fr"), ("LI", "es"), ("Sect", "es"), ("Span", "es")]
    tree = read_struct_tree(languages_pdf)
    spans = [elem.text for _, elem in tree.elements() if elem.role == "Span"]
    assert spans == ["¿Habla español?", "Parlez-vous français ?", "gracias", "merci", "Dolor"]
    first = next(elem for _, elem in tree.elements() if elem.role == "P")
    assert first.text == ("Ask for help in your language, for example ¿Habla español? or Parlez-vous "
                          "français ?, and say so.")
    links = [elem for _, elem in tree.elements() if elem.role == "Link"]
    assert [link.text for link in links] == [  # a link inside a span is its child
        "enlace", "merci", "A paragraph that is only a link, long enough to wrap onto a second line of the printed page, with a few more words to be sure"]
    assert check_tagged_pdf(languages_pdf) == []


def test_the_language_markup_parses_into_the_model():
    assert parse_inline("a [b]{lang=es} c") == (Text("a "), Lang("es", (Text("b"),)), Text(" c"))
    assert plain(parse_inline("[*b*]{ lang = pt-BR }")) == "b"


@pytest.mark.parametrize("source, fix", [
    ("[texto]{lang=ES}", "BCP 47"),
    ("[texto]{lang=español}", "BCP 47"),
    ("[texto]{idioma=es}", "[text]{lang=es}"),
    ("[texto]{lang=es", "[text]{lang=es}"),
])
def test_bad_inline_language_is_a_markup_error(source, fix):
    with pytest.raises(MarkupError) as err:
        parse_inline(source)
    assert fix in err.value.fix


def test_bad_block_language_is_an_error_at_its_line(tmp_path):
    root = copy_project(tmp_path, cli=False)
    text = HANDOUT.replace("      lang: es\n      text: Este", "      lang: Spanish\n      text: Este")
    (root / "handouts" / "languages.yaml").write_text(text, encoding="utf-8")
    report = build(root, ["languages"], out_dir=root / "out")
    [problem] = report.problems
    assert (problem.line, problem.path) == (line_of(text, "lang: Spanish"), "body[1].paragraph.lang")
    assert "'Spanish' is not in the expected form" in problem.message and "BCP 47" in problem.fix
    assert not (root / "out" / "languages").exists()


def test_the_glyph_check_covers_a_passage_in_another_language(tmp_path):
    root = copy_project(tmp_path, cli=False)
    text = HANDOUT.replace("[gracias]{lang=es}", "[谢谢]{lang=zh-Hans}")
    (root / "handouts" / "languages.yaml").write_text(text, encoding="utf-8")
    report = build(root, ["languages"], out_dir=root / "out")
    assert {p.code for p in report.problems} == {"glyph-missing"}
    assert {p.line for p in report.problems} == {line_of(text, "谢谢")}
