"""Everyday words, PEMAT-P items and reading-level advice, on small texts whose results are worked out
by hand, and on the shipped handout (check's report, the manifest, --format json)."""
from __future__ import annotations

import json
import types

import pytest

from conftest import ROOT
from handoutpress.checks import pemat as pm
from handoutpress.checks.plain_language import plain_language
from handoutpress.checks.plain_words import parse, word_list, word_uses
from handoutpress.checks.readability import sentences_of
from handoutpress.checks.reading_advice import drivers, english
from handoutpress.model import (BulletList, ListItem, Paragraph, Place, Resolved, Review, Section, Strong, Table,
                                Text, Variant)


def _place(line):
    return Place("handouts/x.yaml", line, 5, f"body[{line}]")


def t(s):
    return (Text(s),)


def _variant(audience="patient", language="en", accepted=(), tool=False):
    return Variant(name="v", audience=audience, language=language, layout="maple-mountain", review=Review("draft"),
                   place=_place(90), accepted_words=tuple(accepted), appointment_fields=tool)


def _resolved(blocks, variant=None, handout_accepted=(), cta=None):
    handout = types.SimpleNamespace(accepted_words=tuple(handout_accepted))
    return Resolved(handout=handout, variant=variant or _variant(), title="T", subtitle="", blocks=tuple(blocks),
                    call_to_action=cta, sources=())


# ---- the word list ---------------------------------------------------------------------------
def test_the_shipped_list_parses_and_says_what_it_was_checked_against():
    header = (ROOT / "handoutpress" / "data" / "plain-words.txt").read_text("utf-8").split("[en]")[0]
    assert "Everyday Words for Public Health Communication" in header and "plain-language thesaurus" in header
    assert "not copied" in header
    words = word_list()
    assert len(words.jargon["en"]) >= 40 and len(words.jargon["es"]) >= 20
    assert {e.term: e.suggestions for e in words.jargon["en"]}["medication"] == ("medicine",)
    assert "withdrawal" in [term for term, _ in words.terms["en"]]


LIST = parse("[en]\nmedication -> medicine\nutilize -> use (all)\nprior to -> before (all)\n[en terms]\ntaper\n"
             "[es]\nprolongado -> largo\n")


def test_matching_whole_words_with_endings_in_any_case():
    texts = [(_place(1), "Medications help. We utilized them prior  to bed."), (_place(2), "premedication, utilizer")]
    uses = word_uses(texts, "en", "patient", words=LIST)
    assert [(u.entry.term, u.written, u.place.line) for u in uses] == [
        ("medication", "Medications", 1), ("utilize", "utilized", 1), ("prior to", "prior  to", 1)]
    spanish = word_uses([(_place(3), "Uso prolongada, usos prolongados.")], "es", "patient", words=LIST)
    assert [u.written for u in spanish] == ["prolongada"]  # one use per term and block


def test_a_clinician_variant_gets_only_the_words_nobody_needs():
    uses = word_uses([(_place(1), "Utilize the medication.")], "en", "clinician", words=LIST)
    assert [u.entry.term for u in uses] == ["utilize"]


def test_accepted_words_are_reported_as_accepted_not_dropped():
    blocks = [Paragraph(t("Take your medication with food."), _place(3))]
    problems, plain = plain_language(_resolved(blocks))
    [warning] = problems
    assert (warning.code, warning.severity, warning.line) == ("plain-word", "warning", 3)
    assert "'medication'" in warning.message and "'medicine'" in warning.message
    for resolved in (_resolved(blocks, _variant(accepted=["Medication"])), _resolved(blocks, handout_accepted=["medication"])):
        problems, plain = plain_language(resolved)
        assert problems == []
        [note] = plain.notes
        assert (note.code, note.severity, note.line) == ("plain-word-accepted", "info", 3)
        assert plain.words == {"to_change": {}, "accepted": {"medication": 1}}


# ---- PEMAT-P, by hand --------------------------------------------------------------------------
GOOD = [
    Paragraph(t("Tolerance means your body needs more of a medicine to feel the same effect."), _place(1)),
    Section(t("How to stop safely"), (
        BulletList((ListItem(t("Talk with your doctor before you stop."), _place(4)),
                    ListItem(t("Take each dose as planned."), _place(5)),
                    ListItem(t("Write down how you feel each day in the diary below."), _place(6))), _place(3)),
        Table(((t("1"), t("2 mg")),), _place(7), header=(t("Day"), t("Dose")), caption=t("Your taper plan")),
    ), _place(2)),
    Section(t("Key points"), (Paragraph(t("You can stop safely with help."), _place(9)),), _place(8)),
]


def _verdicts(result):
    return {i.number: i.verdict for i in result.items}


def test_pemat_a_material_that_meets_every_item_a_program_can_judge():
    """Every scored item agrees: 11 of 11 understandability items, 4 of 4 actionability items."""
    r = pm.assess(_resolved(GOOD), "en", terms=word_list().terms["en"])
    v = _verdicts(r)
    assert {n for n, x in v.items() if x == "agree"} == {3, 4, 5, 7, 8, 9, 11, 12, 15, 17, 19, 20, 21, 22, 23}
    assert {n for n, x in v.items() if x == "reviewer"} == {1, 2, 6, 10, 16, 25, 26}
    assert {n for n, x in v.items() if x == "n/a"} == {18, 24}
    assert (r.percent("understandability"), r.percent("actionability")) == (100, 100)
    assert r.failing == []


BAD = [
    Paragraph(t("Individuals should be monitored by a physician. Withdrawal is managed by staff. "
                "Calculate your dose each day."), _place(1)),
    Paragraph((Strong(t("Withdrawal can be hard.")),), _place(2)),
]


def test_pemat_a_material_that_fails_items_with_their_places():
    """Two paragraphs and no headings: very short, so 8, 9 and 11 do not apply. Scored understandability:
    3 (individuals, monitor, physician), 4 (withdrawal not defined), 5 (2 of 4 sentences passive), 7 (asks
    a calculation), 15 (no visual aid) disagree; 12 (bold) agrees: 1/6 = 17 %. Actionability: 20 agrees
    ("should"); 21 (not addressed to the reader), 22 (no steps), 23 (no tool) disagree: 1/4 = 25 %."""
    resolved = _resolved(BAD)
    _, plain = plain_language(resolved)
    r = plain.pemat
    v = _verdicts(r)
    assert {n for n, x in v.items() if x == "disagree"} == {3, 4, 5, 7, 15, 21, 22, 23}
    assert {n for n, x in v.items() if x == "agree"} == {12, 20}
    assert {n for n, x in v.items() if x == "n/a"} == {6, 8, 9, 11, 16, 17, 18, 19, 25}  # 6: no numbers
    assert v[24] == "reviewer"  # calculations are asked: how to do them needs a person
    assert (r.percent("understandability"), r.percent("actionability")) == (17, 25)
    failing = {i.number: i for i in r.failing}
    assert failing[3].note == "3 listed terms: individuals, monitor, physician"
    assert failing[4].note == "not defined where first used: withdrawal" and failing[4].place.line == 1
    assert failing[5].note.startswith("2 of 4 sentences in the passive voice")
    assert failing[21].note.startswith("1 of 1 actions not addressed to the reader")
    d = r.as_dict()
    assert d["understandability"] == {"percent": 17, "agree": 1, "scored": 6}
    assert {"item": 1, "title": "purpose evident"} in d["needs_reviewer"]


def test_pemat_long_sections_generic_headings_and_tables_without_headings():
    long_text = " ".join(["Sleep well."] * 101)  # 202 words, and the table's 2 cells: 204 under one heading
    blocks = [Paragraph(t("One."), _place(1)), Paragraph(t("Two."), _place(2)),
              Section(t("Overview"), (Paragraph(t(long_text), _place(4)),
                                      Table(((t("a"), t("b")),), _place(5))), _place(3))]
    v = {i.number: i for i in pm.assess(_resolved(blocks), "en").items}
    assert v[8].verdict == "disagree" and v[8].note.startswith("204 words") and v[8].place.line == 3
    assert v[9].verdict == "disagree" and v[9].place.line == 3
    assert v[17].verdict == v[19].verdict == "disagree" and v[19].place.line == 5
    assert v[6].verdict == "n/a"  # no digits anywhere


def test_pemat_in_spanish_and_a_form_as_the_tool():
    from handoutpress.checks.readability_es import split_sentences_es

    blocks = [Paragraph(t("La tolerancia es cuando el cuerpo se acostumbra al medicamento."), _place(1)),
              BulletList((ListItem(t("Llame a su médico."), _place(3)), ListItem(t("Tome cada dosis."), _place(4))),
                         _place(2))]
    r = pm.assess(_resolved(blocks, _variant(language="es", tool=True)), "es", terms=word_list().terms["es"],
                  split=split_sentences_es)
    v = _verdicts(r)
    assert (v[4], v[20], v[21], v[22], v[23]) == ("agree",) * 5


def test_a_clinician_variant_is_not_a_patient_material():
    _, plain = plain_language(_resolved(GOOD, _variant(audience="clinician")))
    assert plain.pemat is None


# ---- advice that fits --------------------------------------------------------------------------
def test_drivers_name_the_part_above_plain_text():
    assert drivers(2.0, 5.0) == ["word length", "sentence length"]
    assert drivers(2.0, -1.0) == ["sentence length"]
    assert drivers(-2.0, -1.0) == ["word length"]  # neither above: the larger
    assert drivers(3.0, -1.0, smog_over=True) == ["sentence length", "word length"]


def _reading(resolved):
    from handoutpress.checks.readability import reading_level

    return reading_level(resolved)


def test_short_sentences_with_long_words_are_told_about_the_words():
    """Five-word sentences with one word of 3 syllables each: 7 syllables in 5 words, so FK = 0.39*5 +
    11.8*1.4 - 15.59 = 2.88 and SMOG = 1.0430*sqrt(6*30/6) + 3.1291 = 8.84, over a maximum of 8."""
    text = " ".join(["Take the medicine with food."] * 6)
    resolved = _resolved([Paragraph(t(text), _place(7))])
    reading = _reading(resolved)
    assert (reading.fk_grade, reading.smog) == (pytest.approx(2.88), pytest.approx(8.8418, abs=1e-4))
    message, fix = english("family", reading, sentences_of(resolved), 8)
    assert "SMOG above its maximum of 8" in message and "word length drives it" in message
    assert "sentence length" not in message
    assert '"medicine" (3 syllables, 6 uses)' in message
    assert "shorter sentences will not help" in fix and "use shorter everyday words" in fix


def test_long_sentences_of_short_words_are_told_about_the_sentences():
    text = ("We go to the park and we play in the sun and then we go home and we eat and we sleep "
            "and the dog runs with us all the way to the big red barn by the lake. The end.")
    resolved = _resolved([Paragraph(t(text), _place(4))])
    reading = _reading(resolved)
    # 41 words of one syllable in 2 sentences: FK = 0.39*20.5 + 11.8*1 - 15.59 = 4.205; no long word: SMOG 3.13
    assert (reading.fk_grade, reading.smog) == (pytest.approx(4.205), pytest.approx(3.1291))
    message, fix = english("patient", reading, sentences_of(resolved), 3)
    assert "sentence length drives it" in message and "word length" not in message
    assert "line 4 (39 words)" in message
    assert fix.startswith("split the longest sentences")


# ---- the shipped handout ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def checked():
    from handoutpress.checks.report import as_json, as_text
    from handoutpress.publish.check import run

    result = run(ROOT)
    return result, as_text(result), json.loads(as_json(result))


def test_the_family_variant_is_no_longer_told_to_use_shorter_sentences(checked):
    result, _, _ = checked
    [family] = [p for p in result.problems if p.code == "reading-level" and "family" in p.message]
    assert "use shorter sentences" not in family.fix and "shorter sentences will not help" in family.fix
    assert "word length drives it" in family.message and "sentence length drives" not in family.message
    assert '"withdrawal" (3 syllables, 6 uses)' in family.message


def test_the_report_shows_every_variant_with_its_figures(checked):
    result, text, data = checked
    assert "benzodiazepines es            54.2 / 67.6   (somewhat difficult; min 55)" in text
    assert "not scored: the formulas are for English text" not in text
    by_variant = {r["variant"]: r for r in data["reading"]}
    assert set(by_variant) == {"patient", "large-print", "family", "clinician", "es", "admissions"}
    assert by_variant["es"]["szigriszt_pazos"] == 54.2 and by_variant["es"]["inflesz"] == "somewhat difficult"
    assert by_variant["family"]["fk_grade"] == 4.1  # the English fields are as before
    family = by_variant["family"]["plain_language"]["pemat"]
    assert family["understandability"]["percent"] == 67 and family["actionability"]["percent"] == 75
    assert by_variant["clinician"]["plain_language"]["pemat"] is None
    accepted = [p for p in result.problems if p.code == "plain-word-accepted"]
    assert accepted and all(p.severity == "info" for p in accepted)
    # the approved article's terms are accepted, not warned about; a translated table cell is named as such
    in_english_file = [p for p in result.problems if p.code == "plain-word" and p.file == "handouts/benzodiazepines.yaml"
                       and p.line < 180]
    assert [p.message.split(":")[0] for p in in_english_file] == ["in the es translation of this block"]


def test_the_catalog_shows_each_variants_reading_level():
    from handoutpress.publish.catalog import catalog_html

    entries = [{"handout": "h", "variant": "family", "audience": "family", "language": "en", "status": "draft",
                "path": "h/a.pdf", "pages": 2, "bytes": 2048, "title": "A",
                "reading": {"fk_grade": 4.1, "smog": 8.1, "max_grade": 8}},
               {"handout": "h", "variant": "es", "audience": "patient", "language": "es", "status": "draft",
                "path": "h/b.pdf", "pages": 5, "bytes": 2048, "title": "B",
                "reading": {"szigriszt_pazos": 54.2, "inflesz": "somewhat difficult", "fernandez_huerta": 67.6,
                            "min_inflesz": 55}},
               {"handout": "h", "variant": "x", "audience": "patient", "language": "fr", "status": "draft",
                "path": "h/c.pdf", "pages": 1, "bytes": 2048, "title": "C", "reading": None}]
    html = catalog_html({"outputs": entries})
    assert "Reading level: grade 4.1 (Flesch-Kincaid), SMOG 8.1" in html
    assert "Reading level: INFLESZ 54.2, somewhat difficult (Szigriszt-Pazos)" in html
    assert html.count("Reading level:") == 2  # an unscored variant shows none
