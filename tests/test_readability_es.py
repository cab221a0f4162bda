"""Spanish reading ease: syllables against a list of words with known counts, both formulas by hand,
the INFLESZ bands, sentences with Spanish abbreviations, and the shipped Spanish variant."""
from __future__ import annotations

import socket

import pytest

from conftest import ROOT
from handoutpress.checks.readability_es import (fernandez_huerta, inflesz_band, reading_level_es, sentence_ease,
                                                split_sentences_es, syllables, szigriszt_pazos)
from handoutpress.load.content import load_clinic, load_handout
from handoutpress.model import Paragraph, Place, Resolved, Text
from spanish_syllables import WORDS


@pytest.mark.parametrize("word, expected, split", WORDS, ids=[w for w, _, _ in WORDS])
def test_syllables_of_words_with_known_counts(word, expected, split):
    assert len(split.split("-")) == expected, f"the list's own split of {word} disagrees with its count"
    assert syllables(word) == expected, split


def test_the_word_list_covers_what_the_rules_must_handle():
    words = {w.lower() for w, _, _ in WORDS}
    assert len(WORDS) >= 60
    for needed in ("día", "país", "poeta", "buey", "que", "guerra", "pingüino", "hoy", "muy", "instrucción"):
        assert needed in words


def test_numbers_and_hyphenated_words():
    assert syllables("2025") == 1  # one per digit group, as in English
    assert syllables("cognitivo-conductual") == 4 + 3


# ---- formulas, by hand --------------------------------------------------------------------
def test_fernandez_huerta_known_answers():
    # 100 words, 200 syllables, 5 sentences: 206.84 - 0.60*200 - 1.02*5 = 81.74
    assert fernandez_huerta(100, 5, 200) == pytest.approx(81.74)
    # 50 words, 120 syllables, 2 sentences: P = 240, F = 4: 206.84 - 144 - 4.08 = 58.76
    assert fernandez_huerta(50, 2, 120) == pytest.approx(58.76)
    assert fernandez_huerta(0, 0, 0) == 0.0


def test_szigriszt_pazos_known_answers():
    # 100 words, 200 syllables, 5 sentences: 206.835 - 62.3*2 - 20 = 62.235
    assert szigriszt_pazos(100, 5, 200) == pytest.approx(62.235)
    # 50 words, 120 syllables, 2 sentences: 206.835 - 62.3*2.4 - 25 = 32.315
    assert szigriszt_pazos(50, 2, 120) == pytest.approx(32.315)
    assert szigriszt_pazos(0, 0, 0) == 0.0


@pytest.mark.parametrize("score, band", [(85, "very easy"), (80, "very easy"), (79.9, "fairly easy"), (65, "fairly easy"),
                                         (60, "normal"), (55, "normal"), (54.2, "somewhat difficult"),
                                         (40, "somewhat difficult"), (39.9, "very difficult"), (-5, "very difficult")])
def test_inflesz_bands(score, band):
    assert inflesz_band(score) == band


def _resolved(*texts):
    blocks = tuple(Paragraph((Text(t),), Place("handouts/x.es.yaml", n, 5, f"texts[{n}]")) for n, t in enumerate(texts, 1))
    return Resolved(handout=None, variant=None, title="", subtitle="", blocks=blocks, call_to_action=None, sources=())


def test_a_text_scored_by_hand():
    """ "El perro come." = el(1) pe-rro(2) co-me(2): 3 words, 5 syllables.
    "La ciudad tiene un río muy bonito." = la(1) ciu-dad(2) tie-ne(2) un(1) rí-o(2) muy(1) bo-ni-to(3):
    7 words, 12 syllables. Together: 10 words, 17 syllables, 2 sentences.
    Szigriszt-Pazos 206.835 - 62.3*1.7 - 5 = 95.925; Fernández-Huerta 206.84 - 0.6*170 - 1.02*20 = 84.44."""
    r = reading_level_es(_resolved("El perro come. La ciudad tiene un río muy bonito."))
    assert (r.words, r.syllables, r.sentences) == (10, 17, 2)
    assert r.szigriszt == pytest.approx(95.925)
    assert r.fernandez_huerta == pytest.approx(84.44)
    assert r.band == "very easy"
    # the harder sentence first: 206.835 - 62.3*12/7 - 7 = 93.04 against 206.835 - 62.3*5/3 - 3 = 100.00
    assert [s.text for s in r.hardest] == ["La ciudad tiene un río muy bonito.", "El perro come."]
    assert sentence_ease(r.hardest[0]) == pytest.approx(206.835 - 62.3 * 12 / 7 - 7)
    assert [s.place.line for s in r.hardest] == [1, 1]


def test_spanish_abbreviations_do_not_end_a_sentence():
    assert split_sentences_es("Hable con la Dra. Ruiz, p. ej. mañana. Luego descanse.") == [
        "Hable con la Dra. Ruiz, p. ej. mañana.", "Luego descanse."]
    assert split_sentences_es("¿Tiene dudas? ¡Llame hoy!") == ["¿Tiene dudas?", "¡Llame hoy!"]


def test_scoring_is_offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Spanish scoring tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    assert reading_level_es(_resolved("Dormir bien le ayuda.")).words == 4


# ---- the shipped Spanish variant ------------------------------------------------------------
def test_the_spanish_variant_is_scored_with_its_lines():
    from handoutpress.publish.build import Caches, check_variant

    clinic = load_clinic(ROOT / "handouts" / "clinic.yaml", display="handouts/clinic.yaml")
    handout = load_handout(ROOT / "handouts/benzodiazepines.yaml", clinic, display="handouts/benzodiazepines.yaml")
    [es] = [v for v in handout.variants if v.language == "es"]
    checked = check_variant(handout, es, ROOT, Caches())
    r = checked.reading
    assert 45 <= r.szigriszt <= 65 and 55 <= r.fernandez_huerta <= 75, (r.szigriszt, r.fernandez_huerta)
    assert es.min_inflesz == 55
    assert all(h.place.file == "handouts/benzodiazepines.es.yaml" and h.place.line for h in r.hardest)
    [warning] = [p for p in checked.problems if p.code == "reading-ease"]
    assert "word length drives it" in warning.message and "sentence length" not in warning.message
    assert warning.path == "variants.es.min_inflesz"
