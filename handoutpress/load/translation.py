"""Translations: a file per language that pairs each English text with its translation.

handouts/<id>.<lang>.yaml records the English version it was made from and, for every text,
the English `source` it translates (in the handout's own markup) and the translated `text`.
When an English text changes, its old pair no longer matches: the publisher names the
translated entry that is stale and the English block that needs it.
"""
from __future__ import annotations

import difflib
from dataclasses import field, replace
from pathlib import Path

from ..records import dataclass
from ..errors import Problem, PublishError
from ..model import (BulletList, Callout, Cite, Emph, Figure, Glossary, KeepTogether, Lang, Link, ListItem,
                     Paragraph, Place, Section, Strong, Table, Text, plain)
from ..text import MarkupError, parse_inline
from . import schema as s
from .content import LANG, NAME
from .yamlio import format_path, load

TRANSLATION = s.Obj(doc="A translation of one handout", fields={
    "translation_of": s.Text(pattern=NAME, doc="The id of the handout translated"),
    "language": s.Text(pattern=LANG, doc="Language code of this translation, e.g. es"),
    "source_version": s.Text(doc="The version of the English handout this was translated from"),
    "translator": s.Text(doc="Who translated it (and reviewed it, when approved)", default="", nonempty=False),
    "method": s.Text(choices=("human", "machine-assisted"), doc="How it was made", default="human"),
    "title": s.Text(doc="Translated title"),
    "subtitle": s.Text(doc="Translated subtitle", default=""),
    "keywords": s.ListOf(item=s.Text(), doc="Translated keywords", default=[]),
    "texts": s.ListOf(doc="Each English text with its translation", default=[], item=s.Obj(doc="One pair", fields={
        "source": s.Text(doc="The English text exactly as in the handout (its markup included)"),
        "text": s.Text(doc="The translation, with the same citations [@key] and links")})),
})


@dataclass(frozen=True)
class Pair:
    source: str
    text: tuple  # parsed inline
    place: Place  # the entry (its source: line)
    text_place: Place  # its text: line, where problems in the printed translation are


@dataclass(frozen=True)
class Translation:
    handout_id: str
    language: str
    source_version: str
    translator: str
    method: str
    title: str
    subtitle: str
    keywords: tuple
    pairs: tuple
    file: str
    places: dict = field(default_factory=dict)  # top-level key -> Place, for problems about the file


def to_source(inline) -> str:
    """Inline spans back to the author's markup, in one canonical spelling."""
    out = []
    for span in inline:
        if isinstance(span, Text):
            out.append(span.text.replace("\\", "\\\\").replace("*", "\\*").replace("[", "\\["))
        elif isinstance(span, Strong):
            out.append("**" + to_source(span.children) + "**")
        elif isinstance(span, Emph):
            out.append("*" + to_source(span.children) + "*")
        elif isinstance(span, Link):
            out.append("[" + to_source(span.children) + "](" + span.url + ")")
        elif isinstance(span, Lang):
            out.append("[" + to_source(span.children) + "]{lang=" + span.lang + "}")
        elif isinstance(span, Cite):
            out.append("[" + "; ".join("@" + k for k in span.keys) + "]")
    return " ".join("".join(out).split())


def load_translation(path: Path, display: str | None = None) -> Translation:
    doc = load(path, display)
    ck = s.Checker(doc)
    data = TRANSLATION.check(doc.data, (), ck)
    pairs, seen = [], {}
    for i, pair in enumerate((data or {}).get("texts") or []):
        if not pair or pair.get("source") is None or pair.get("text") is None:
            continue
        line, col = doc.where(("texts", i))
        place = Place(doc.file, line, col, format_path(("texts", i)))
        key = " ".join(pair["source"].split())
        if key in seen:
            ck.add(("texts", i, "source"), "this English text is translated twice",
                   f"keep one of the two entries (the other is at line {seen[key]})", code="translation-duplicate")
        seen[key] = line
        try:
            parsed = parse_inline(pair["text"])
        except MarkupError as exc:
            ck.add(("texts", i, "text"), str(exc), exc.fix, code="markup")
            continue
        tline, tcol = doc.where(("texts", i, "text"))
        pairs.append(Pair(key, parsed, place, Place(doc.file, tline, tcol, format_path(("texts", i, "text")))))
    if ck.problems or data is None:
        raise PublishError(ck.problems)
    return Translation(handout_id=data["translation_of"], language=data["language"],
                       source_version=data["source_version"], translator=data["translator"],
                       method=data["method"], title=data["title"], subtitle=data["subtitle"],
                       keywords=tuple(data["keywords"]), pairs=tuple(pairs), file=doc.file,
                       places={key: Place(doc.file, *doc.where((key,)), key)
                               for key in ("translation_of", "language", "source_version", "title")})


class _Translator:
    """Replaces every English text of a resolved handout; records what it could not translate."""

    def __init__(self, translation: Translation):
        self.table = {p.source: p for p in translation.pairs}
        self.used: set[str] = set()
        self.missing: list[tuple[Place, str]] = []

    def inline(self, inline, place: Place):
        return self.pair(inline, place)[0]

    def pair(self, inline, place: Place):
        """(translated text, the Place of its translation) or the original when there is none."""
        if not inline:
            return inline, place
        key = to_source(inline)
        pair = self.table.get(key)
        if pair is None:
            self.missing.append((place, key))
            return inline, place
        self.used.add(key)
        return pair.text, pair.text_place

    def blocks(self, blocks):
        return tuple(self.block(b) for b in blocks)

    def block(self, block):
        if isinstance(block, Paragraph):
            text, place = self.pair(block.text, block.place)
            return replace(block, text=text, place=place)
        if isinstance(block, BulletList):
            return replace(block, items=self.items(block.items))
        if isinstance(block, Section):
            return replace(block, heading=self.inline(block.heading, block.place), blocks=self.blocks(block.blocks))
        if isinstance(block, Callout):
            return replace(block, heading=self.inline(block.heading, block.place), blocks=self.blocks(block.blocks))
        if isinstance(block, KeepTogether):
            return replace(block, blocks=self.blocks(block.blocks))
        if isinstance(block, Glossary):
            return replace(block, terms=tuple(replace(t, term=self.pair(t.term, t.place)[0],
                                                      definition=self.pair(t.definition, t.place)[0])
                                              for t in block.terms))
        if isinstance(block, Figure):  # alt text is text a reader gets: translated like the caption
            alt = self.pair((Text(block.alt),), block.place)[0] if block.alt else ()
            return replace(block, alt=plain(alt) if alt else "", caption=self.inline(block.caption, block.place))
        if isinstance(block, Table):
            rows = tuple(tuple(self.inline(c, block.place) for c in row) for row in block.rows)
            header = tuple(self.inline(c, block.place) for c in block.header) if block.header else None
            return replace(block, rows=rows, header=header, caption=self.inline(block.caption, block.place))
        return block

    def items(self, items):
        out = []
        for item in items:
            text, place = self.pair(item.text, item.place)
            out.append(replace(item, text=text, place=place, items=self.items(item.items)))
        return tuple(out)


def translate(resolved, translation: Translation):
    """The resolved handout in the translation's language, and the problems that block it."""
    tr = _Translator(translation)
    blocks = tr.blocks(resolved.blocks)
    cta = tr.block(resolved.call_to_action) if resolved.call_to_action else None
    out = replace(resolved, blocks=blocks, call_to_action=cta, title=translation.title,
                  subtitle=translation.subtitle or resolved.subtitle, title_place=translation.places["title"])
    return out, stale_problems(tr, translation)


def stale_problems(tr: _Translator, translation: Translation) -> list[Problem]:
    """Each English text without a translation, with the translated entry it most likely replaced."""
    problems = []
    unused = [p for p in translation.pairs if p.source not in tr.used]
    for place, key in tr.missing:
        best = max(unused, key=lambda p: difflib.SequenceMatcher(None, p.source, key).ratio(), default=None)
        if best is not None and difflib.SequenceMatcher(None, best.source, key).ratio() >= 0.5:
            bp = best.place
            problems.append(Problem(bp.file, bp.line, bp.column, bp.path,
                                    f"stale translation: the English text changed since it was translated "
                                    f"(now at {place.file}:{place.line}, {place.path})",
                                    "translate the new English text and update `source:` to match it", code="translation-stale"))
            unused.remove(best)
        else:
            problems.append(Problem(place.file, place.line, place.column, place.path,
                                    f"no {translation.language} translation for: {key[:70]}"
                                    + ("..." if len(key) > 70 else ""),
                                    f"add it to {translation.file} under texts: (source: and text:)", code="translation-missing"))
    return problems


def skeleton(handout, resolved, language: str) -> str:
    """A translation file to fill in: every English text of the resolved handout, in reading order."""
    import yaml

    tr = _Translator(Translation(handout.id, language, handout.version, "", "human", "", "", (), (), ""))
    tr.blocks(resolved.blocks)
    if resolved.call_to_action:
        tr.block(resolved.call_to_action)
    seen, texts = set(), []
    for _, key in tr.missing:
        if key not in seen:
            seen.add(key)
            texts.append({"source": key, "text": ""})
    data = {"translation_of": handout.id, "language": language, "source_version": handout.version,
            "translator": "", "method": "human", "title": "", "subtitle": "", "keywords": [], "texts": texts}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
