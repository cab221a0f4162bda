"""Reading level of a resolved handout: Flesch-Kincaid grade and SMOG, computed offline.

What is scored (handout checklist, "Reading level"): paragraphs, list items that are full
sentences, and the call to action's text. Headings, table cells, captions and sources are not,
nor are list fragments ("Anxiety disorders") or run-in labels ("**Medical Detox:** ...").
Abbreviation periods (e.g., Dr., U.S.) and decimal points never end a sentence.

Counting rules, kept simple so a writer can predict them:
- A word is a run of letters or digits; hyphens, apostrophes and slashes join parts into one
  word ("long-lasting", "brain's", "24/7"), whose syllables are the sum of its parts.
- Syllables come from the CMU Pronouncing Dictionary, first pronunciation, shipped here as
  handoutpress/data/cmudict-syllables.txt.gz (word and syllable count; BSD-style licence in
  data/CMUDICT-LICENSE), so nothing is fetched at run time; loaded once, on first use.
  Words it lacks: a plural or possessive of a word it has, an acronym spelled out letter by
  letter, else a vowel-group rule.
- A number counts as one word with one syllable per group of digits ("2020" 1, "10.5" 2).
- A polysyllable (for SMOG) is a word of 3 syllables or more.

The formulas and the dictionary are for English text only.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from pathlib import Path

from ..records import dataclass
from ..load.content import walk_blocks
from ..model import ListItem, Paragraph, Place, Resolved, Strong, plain

HARDEST = 5  # how many of the hardest sentences a Reading carries
MIN_ITEM_WORDS = 4  # a list item shorter than this is a fragment, whatever its punctuation


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int
    syllables: int
    polysyllables: int
    place: Place

    @property
    def grade(self) -> float:
        """This sentence's own Flesch-Kincaid grade."""
        return flesch_kincaid(self.words, 1, self.syllables)


@dataclass(frozen=True)
class Reading:
    fk_grade: float
    smog: float
    sentences: int
    words: int
    hardest: tuple  # the HARDEST Sentences with the highest grade, hardest first


# ---- formulas ----------------------------------------------------------------------------
def flesch_kincaid(words: int, sentences: int, syllables: int) -> float:
    """Flesch-Kincaid grade level; 0.0 for no text."""
    if not words or not sentences:
        return 0.0
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def smog(polysyllables: int, sentences: int) -> float:
    """SMOG grade (McLaughlin 1969), scaled to 30 sentences; 0.0 for no text."""
    if not sentences:
        return 0.0
    return 1.0430 * math.sqrt(polysyllables * 30 / sentences) + 3.1291


# ---- syllables ---------------------------------------------------------------------------
@functools.cache
def _table() -> bytes:
    """The CMU dictionary's syllable counts: sorted lines of "word count", read once (a few ms; a
    dict of all 126,000 words took about 35 ms to build, most of a cold check's reading-level time)."""
    import zlib

    # the package is always a folder (it ships data files); zlib reads the gzip wrapper itself (wbits 31)
    return zlib.decompress((Path(__file__).parents[1] / "data" / "cmudict-syllables.txt.gz").read_bytes(), 31)


def _in_dictionary(word: str) -> int | None:
    """The dictionary's syllable count for word, by binary search over the sorted lines."""
    table, key = _table(), word.encode("utf-8", "replace")
    lo, hi = 0, len(table)  # both at the start of a line (or the end)
    while lo < hi:
        start = table.rfind(b"\n", lo, (lo + hi) // 2) + 1 or lo  # the line around the middle
        space, end = table.index(b" ", start), table.index(b"\n", start)
        found = table[start:space]
        if found == key:
            return int(table[space + 1:end])
        if found < key:
            lo = end + 1
        else:
            hi = start
    return None


_SIBILANT_END = re.compile(r"(s|x|z|ch|sh|ce|se|ze|ge)$")
_VOWELS = re.compile(r"[aeiouy]+")
# vowel pairs that are two syllables (di-a-ze-pam, ne-o, du-al), except after c/s/t ("-tion", "-cial")
_SPLIT_PAIRS = re.compile(r"(?<![cst])i[ao]|eo|ua|uo|iu|ii")


def _guess(word: str) -> int:
    """Syllables of a word the dictionary lacks, by vowel groups."""
    w = "".join(c for c in unicodedata.normalize("NFKD", word) if c.isascii() and c.isalpha())
    if not w:
        return 1
    count = len(_VOWELS.findall(w)) + len(_SPLIT_PAIRS.findall(w))
    if len(w) > 2 and w.endswith("e") and not re.search(r"[^aeiouy]le$", w) and not w.endswith("ee"):
        count -= 1  # silent e: "naloxone"
    elif re.search(r"[^aeiouytd]ed$", w) or (w.endswith("es") and not _SIBILANT_END.search(w[:-2])
                                               and not w.endswith("ies") and len(w) > 3):
        count -= 1  # "-ed", "-es" that add no syllable: "tapered", "tapes"
    return max(1, count)


@functools.lru_cache(maxsize=None)
def _letters_syllables(word: str) -> int:
    """Syllables of one run of letters (apostrophes allowed), as written."""
    low = word.lower().replace("’", "'")
    found = _in_dictionary(low)
    if found is not None:
        return found
    stem = low[:-2] if low.endswith("'s") else low.rstrip("'")
    if stem != low and (found := _in_dictionary(stem)) is not None:
        return found + (1 if _SIBILANT_END.search(stem) else 0)
    if stem.endswith("s") and (found := _in_dictionary(stem[:-1])) is not None:
        return found + (1 if _SIBILANT_END.search(stem[:-1]) else 0)  # "benzodiazepines"
    if re.search(r"(s|x|z|ch|sh)es$", stem) and (found := _in_dictionary(stem[:-2])) is not None:
        return found + 1  # "-es" after a hiss is a syllable: "rashes"
    if word.isupper() and 1 < len(word) <= 4:
        return sum(3 if c == "W" else 1 for c in word)  # an acronym said letter by letter: "CBT"
    return _guess(stem)


_PARTS = re.compile(r"\d+|[^\W\d_]+(?:['’][^\W\d_]+)*")


def syllables(word: str) -> int:
    """Syllables of one word as tokenised here: the sum over its parts; one per digit group."""
    total = 0
    for part in _PARTS.findall(word):
        total += 1 if part[0].isdigit() else _letters_syllables(part)
    return total


# ---- words and sentences -----------------------------------------------------------------
# letters/digits joined by - ' ’ / , by . or , between digits (10.5, 1,000), and by . before a letter
# (e.g, 988lifeline.org)
WORD = re.compile(r"[^\W_]+(?:(?:[-'’/]|(?<=\d)[.,](?=\d)|\.(?=[^\W_]))[^\W_]+)*")

# periods that never end a sentence, and those that end one only before a capital ("... etc. Then")
_NEVER_END = {"e.g.", "i.e.", "dr.", "mr.", "mrs.", "ms.", "prof.", "st.", "vs.", "cf.", "approx.", "u.s.",
              "fig.", "jr.", "sr.", "ca."}
_END_BEFORE_CAPITAL = {"etc.", "a.m.", "p.m.", "inc.", "ltd.", "co.", "no."}  # "No. 5" vs "say no. Then"
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)")


def words_of(text: str) -> list[str]:
    return WORD.findall(text)


def split_sentences(text: str) -> list[str]:
    """Sentences of one run of text: ends at . ! ? before a space or the end, not after an
    abbreviation or an initial; the end of the text ends the last sentence."""
    text = " ".join(text.split())
    out, start = [], 0
    for m in _END.finditer(text):
        if m.group(0) == ".":
            chunk = text[start:m.end()].rsplit(" ", 1)[-1].lstrip("(“\"'‘[").lower()
            following = text[m.end():].lstrip()[:1]
            if chunk in _NEVER_END or re.fullmatch(r"[a-z]\.", chunk):
                continue
            if chunk in _END_BEFORE_CAPITAL and not following.isupper():
                continue
        out.append(text[start:m.end()])
        start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if WORD.search(s)]


def _tidy(text: str) -> str:
    """Whitespace left where citation markers were taken out ("symptoms [@a]:" -> "symptoms :")."""
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))


def _scored_text(inline) -> str:
    """The text to score: without a run-in label such as "**Medical Detox:**" (a heading in all but name)."""
    if inline and isinstance(inline[0], Strong) and plain(inline[0].children).rstrip().endswith((":", ".")):
        inline = inline[1:]
    return _tidy(plain(inline))


def _is_sentence_item(item: ListItem, text: str) -> bool:
    """A list item that reads as sentences, not a fragment such as "Anxiety disorders"."""
    if len(words_of(text)) < MIN_ITEM_WORDS:
        return False
    end = text.rstrip("\"'”’)] ")
    return end.endswith((".", "!", "?")) or (end.endswith(":") and bool(item.items))  # a lead-in to sub-items


def _sentence(text: str, place: Place) -> Sentence:
    counts = [syllables(w) for w in words_of(text)]
    return Sentence(text, len(counts), sum(counts), sum(1 for c in counts if c >= 3), place)


def sentences_of(resolved: Resolved) -> tuple[Sentence, ...]:
    """Every scored sentence of a resolved handout, in reading order, each at its block's place.

    The grade and the advice on what drives it both need them: the last answer is kept for the same
    (immutable) resolved handout."""
    if _LAST[0] is not resolved:
        _LAST[:] = [resolved, tuple(_sentence(s, place) for text, place in scored_texts(resolved)
                                    for s in split_sentences(text))]
    return _LAST[1]


_LAST: list = [None, ()]  # sentences_of's last resolved handout and its sentences


def scored_texts(resolved: Resolved):
    """(text, place) of every block whose text is scored, in reading order (shared with other languages)."""
    blocks = resolved.blocks + ((resolved.call_to_action,) if resolved.call_to_action else ())
    for block in walk_blocks(blocks):
        if isinstance(block, Paragraph):
            text = _scored_text(block.text)
        elif isinstance(block, ListItem):
            text = _scored_text(block.text)
            if not _is_sentence_item(block, text):
                continue
        else:
            continue  # headings, tables and callout headings are not scored; their children are walked
        yield text, block.place


def reading_level(resolved: Resolved) -> Reading:
    """Flesch-Kincaid grade and SMOG of a resolved handout, with its hardest sentences."""
    found = sentences_of(resolved)
    words = sum(s.words for s in found)
    hardest = sorted(found, key=lambda s: -s.grade)[:HARDEST]  # stable: ties keep reading order
    return Reading(fk_grade=flesch_kincaid(words, len(found), sum(s.syllables for s in found)),
                   smog=smog(sum(s.polysyllables for s in found), len(found)),
                   sentences=len(found), words=words, hardest=tuple(hardest))


__all__ = ["Sentence", "Reading", "sentences_of", "reading_level", "flesch_kincaid", "smog", "syllables",
           "split_sentences", "words_of"]
