"""Spanish reading ease: Fernández-Huerta (1959) and Szigriszt-Pazos (1993) on the INFLESZ scale.

Scored as the English grades are (readability.sentences_of: paragraphs, full-sentence list items and
the call to action; not headings, table cells or fragments), with Spanish syllables and abbreviations.
Higher is easier. Computed offline by rule: Spanish spelling says where syllables are (see syllables()).

Why not a library: `textstat` 0.7.13 (its Spanish path, pyphen's hyphenation dictionary) and
`legibilidad` 0.21 (2018) were run against the 107 words of tests/spanish_syllables.py: textstat gets
68 right (hyphenation is not syllabification: "día", "leer", "océano", "ocho" come out short),
legibilidad 104 ("chiita", "Uruguay" and the capital "ÁREA" come out short). The rules below get all
107, in forty lines, with no package to install.
"""
from __future__ import annotations

import re
import unicodedata

from ..records import dataclass
from .readability import HARDEST, Sentence, split_sentences, words_of

# INFLESZ (Barrio-Cantalejo et al. 2008): lower bound of each band, easiest first
INFLESZ = ((80.0, "very easy"), (65.0, "fairly easy"), (55.0, "normal"), (40.0, "somewhat difficult"),
           (float("-inf"), "very difficult"))
# Spanish abbreviations whose period never ends a sentence (English ones are already known)
NEVER_END = {"dra.", "sra.", "srta.", "sr.", "ud.", "uds.", "p.", "ej.", "pág.", "núm.", "aprox.", "tel.",
             "av.", "lic.", "ee.", "uu.", "dr."}


@dataclass(frozen=True)
class ReadingEs:
    fernandez_huerta: float
    szigriszt: float  # IFSZ, read on the INFLESZ scale
    sentences: int
    words: int
    syllables: int
    hardest: tuple  # the HARDEST Sentences with the lowest ease, hardest first
    language: str = "es"

    @property
    def band(self) -> str:
        return inflesz_band(self.szigriszt)


# ---- formulas ----------------------------------------------------------------------------
def fernandez_huerta(words: int, sentences: int, syllables: int) -> float:
    """L = 206.84 - 0.60 P - 1.02 F (P syllables, F sentences per 100 words); 0.0 for no text."""
    if not words or not sentences:
        return 0.0
    return 206.84 - 0.60 * (100 * syllables / words) - 1.02 * (100 * sentences / words)


def szigriszt_pazos(words: int, sentences: int, syllables: int) -> float:
    """IFSZ = 206.835 - 62.3 syllables/words - words/sentences; 0.0 for no text."""
    if not words or not sentences:
        return 0.0
    return 206.835 - 62.3 * (syllables / words) - words / sentences


def inflesz_band(score: float) -> str:
    return next(name for low, name in INFLESZ if score >= low)


# ---- syllables ---------------------------------------------------------------------------
_STRONG = set("aeoáéó")
_ACCENTED_WEAK = set("íú")  # an accented i/u is its own syllable next to any vowel: dí-a, ba-úl
_VOWEL = _STRONG | _ACCENTED_WEAK | set("iuü")


def _letters_es(word: str) -> str:
    """The word in lower case with the letters that are not vowels in speech taken out of the vowel set:
    the silent u of que/qui/gue/gui becomes a consonant mark, and a final y after a vowel (hoy, muy) a vowel."""
    w = unicodedata.normalize("NFC", word.lower())
    w = re.sub(r"(?<=[qg])u(?=[eiéí])", "-", w)  # que, quí, guerra, seguir: the u is not said
    w = re.sub(r"(?<=[aeiouáéíóú])y$", "i", w)  # hoy, muy, Uruguay: y ends a diphthong
    return "i" if w == "y" else w


def syllables(word: str) -> int:
    """Syllables of one Spanish word: one per vowel group, where two strong vowels (a e o) or an accented
    í/ú next to another vowel are in hiatus (two syllables), and two different weak vowels or a weak and a
    strong one form a diphthong (one). Consonants never change the count. A number counts one per digit group."""
    total = 0
    for part in re.findall(r"\d+|[^\W\d_]+", word):
        if part[0].isdigit():
            total += 1
            continue
        w, count, prev = _letters_es(part), 0, ""
        for c in w:
            if c in _VOWEL:
                if not prev or _hiatus(prev, c):
                    count += 1
            prev = c if c in _VOWEL else ""
        total += max(1, count)
    return total


def _hiatus(a: str, b: str) -> bool:
    """Two vowels side by side that belong to different syllables."""
    return (a in _STRONG and b in _STRONG) or a in _ACCENTED_WEAK or b in _ACCENTED_WEAK or (a == b)


# ---- sentences ---------------------------------------------------------------------------
def split_sentences_es(text: str) -> list[str]:
    """readability.split_sentences, with the Spanish abbreviations (Dra., p. ej., EE. UU.) kept inside."""
    protected = text
    for abbr in sorted(NEVER_END, key=len, reverse=True):
        protected = re.sub(rf"(?i)(?<![^\s(¿¡\"“]){re.escape(abbr)}", lambda m: m.group(0)[:-1] + "\u2024",
                           protected)  # a one-dot leader stands in for the period while splitting
    return [s.replace("\u2024", ".") for s in split_sentences(protected)]


def sentence_es(text: str, place) -> Sentence:
    counts = [syllables(w) for w in words_of(text)]
    return Sentence(text, len(counts), sum(counts), sum(1 for c in counts if c >= 4), place)


def sentence_ease(s: Sentence) -> float:
    """One sentence's own Szigriszt-Pazos score."""
    return szigriszt_pazos(s.words, 1, s.syllables)


def sentences_es(resolved) -> list[Sentence]:
    """Every scored sentence of a resolved (translated) variant, in reading order, at its block's place."""
    from .readability import scored_texts

    return [sentence_es(s, place) for text, place in scored_texts(resolved) for s in split_sentences_es(text)]


def reading_level_es(resolved) -> ReadingEs:
    """Fernández-Huerta and Szigriszt-Pazos of a resolved (translated) variant, with its hardest sentences."""
    found = sentences_es(resolved)
    words, syl = sum(s.words for s in found), sum(s.syllables for s in found)
    hardest = sorted(found, key=sentence_ease)[:HARDEST]  # stable: ties keep reading order
    return ReadingEs(fernandez_huerta(words, len(found), syl), szigriszt_pazos(words, len(found), syl),
                     len(found), words, syl, tuple(hardest))
