"""Everyday words: jargon in a variant's text, each use at its block's line, with everyday suggestions.

The list is data (handoutpress/data/plain-words.txt: the project's own words, with what they were checked
against). Clinician variants are checked against the entries marked "(all)" only. Text approved word for
word is not rewritten: terms in the handout's or the variant's `accepted_words:` are reported as
accepted (severity info, listed by check), not as warnings, and never silenced.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from ..records import dataclass
from ..errors import Problem

DATA = Path(__file__).parents[1] / "data" / "plain-words.txt"
CLINICAL_AUDIENCES = ("clinician",)  # may use clinical terms: only the "(all)" entries apply


@dataclass(frozen=True)
class Entry:
    term: str
    suggestions: tuple
    everyone: bool  # "(all)": applies to clinician variants too
    pattern: "LazyPattern | re.Pattern"
    probe: str = ""  # casefolded text every match contains (the first word, less a last letter endings replace)


@dataclass(frozen=True)
class WordUse:
    entry: Entry
    written: str  # as the text has it, e.g. "Medications"
    place: object  # model.Place of the block
    accepted: bool


@dataclass(frozen=True)
class WordList:
    jargon: dict  # language -> tuple of Entry
    terms: dict  # language -> tuple of (term, pattern): medical terms to define (PEMAT item 4)


def _pattern(term: str, language: str) -> re.Pattern:
    """Whole words, any case, with the usual endings (plural; English verb forms; Spanish gender)."""
    words = [re.escape(w) for w in term.split()]
    last = words[-1]
    if language == "en":
        last = (last[:-1] + "(?:e|es|ed|ing)") if term.endswith("e") else last + "(?:s|es|d|ed|ing)?"
    elif language == "es":
        last = (last[:-1] + "(?:o|a|os|as)") if term.endswith("o") else last + "(?:s|es)?"
    return re.compile(r"(?<![\w-])" + r"\s+".join(words[:-1] + [last]) + r"(?![\w-])", re.I)


class LazyPattern:
    """_pattern(term, language), compiled on first use: a text holds few of the listed terms, and the
    probe (a substring test) rules the rest out first, so most are never compiled (a cold start saves
    compiling about a hundred expressions). Has what callers use of a re.Pattern: search, pattern."""

    __slots__ = ("term", "language", "_compiled")

    def __init__(self, term: str, language: str):
        self.term, self.language, self._compiled = term, language, None

    def _get(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = _pattern(self.term, self.language)
        return self._compiled

    def search(self, text: str):
        return self._get().search(text)

    @property
    def pattern(self) -> str:
        return self._get().pattern

    def __eq__(self, other):
        return isinstance(other, LazyPattern) and (self.term, self.language) == (other.term, other.language)

    def __hash__(self):
        return hash((self.term, self.language))


def term_probe(term: str) -> str:
    """What every match of _pattern(term) holds, casefolded: a substring test (C speed) skips the regex
    for the many blocks a term is not in. The first word, less its last letter if endings may replace it."""
    words = term.split()
    first = words[0].casefold()
    return first[:-1] if len(words) == 1 else first


def parse(text: str) -> WordList:
    """The word list's text as entries by language (format in the file's header)."""
    jargon, terms, section = {}, {}, None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if m := re.fullmatch(r"\[(\w+)( terms)?\]", line):
            section = (m.group(1), bool(m.group(2)))
            continue
        language, is_terms = section
        if is_terms:
            terms.setdefault(language, []).append((line, LazyPattern(line, language)))
            continue
        term, _, rest = (part.strip() for part in line.partition("->"))
        everyone = rest.endswith("(all)")
        suggestions = tuple(s.strip() for s in rest.removesuffix("(all)").split(";") if s.strip())
        jargon.setdefault(language, []).append(Entry(term, suggestions, everyone, LazyPattern(term, language),
                                                     term_probe(term)))
    return WordList({k: tuple(v) for k, v in jargon.items()}, {k: tuple(v) for k, v in terms.items()})


@functools.cache
def word_list() -> WordList:
    return parse(DATA.read_text("utf-8"))


def entries_for(language: str, audience: str, words: WordList | None = None) -> tuple:
    entries = (words or word_list()).jargon.get(language.split("-")[0], ())
    return tuple(e for e in entries if e.everyone or audience not in CLINICAL_AUDIENCES)


def word_uses(texts, language: str, audience: str, accepted=(), words: WordList | None = None) -> list[WordUse]:
    """Every listed term in (place, text) pairs, one use per term and block, in reading order."""
    accepted = {a.casefold() for a in accepted}
    entries = entries_for(language, audience, words)
    out = []
    for place, text in texts:
        folded = text.casefold()
        for entry in entries:
            if entry.probe in folded and (m := entry.pattern.search(text)):
                ok = entry.term.casefold() in accepted or m.group(0).casefold() in accepted
                out.append(WordUse(entry, m.group(0), place, ok))
    return out


def word_problems(uses: list[WordUse], variant_name: str, translated_from: str = "") -> list[Problem]:
    """A warning per use to change; an info note per accepted use (listed by check, never dropped).
    translated_from: the English file whose places stand for translated headings and table cells."""
    out = []
    for use in uses:
        p, e = use.place, use.entry
        says = " or ".join(f"'{s}'" for s in e.suggestions)
        translated = translated_from and p.file == translated_from
        where = f"in the {variant_name} translation of this block: " if translated else ""
        if use.accepted:
            out.append(Problem(p.file, p.line, p.column, p.path,
                               f"'{use.written}' is accepted in the {variant_name} variant (accepted_words); "
                               f"everyday words: {says}", "", code="plain-word-accepted", severity="info"))
        else:
            out.append(Problem(p.file, p.line, p.column, p.path,
                               f"{where}'{use.written}' may not be an everyday word for this reader; say {says}",
                               f"rewrite it, or add '{e.term}' to accepted_words if the text is approved word "
                               "for word", code="plain-word", severity="warning"))
    return out


def summary(uses: list[WordUse]) -> dict:
    """Distinct terms to change and terms accepted, with how often each is used (for reports)."""
    def count(items):
        found = {}
        for u in items:
            found[u.entry.term] = found.get(u.entry.term, 0) + 1
        return dict(sorted(found.items()))

    return {"to_change": count(u for u in uses if not u.accepted), "accepted": count(u for u in uses if u.accepted)}
