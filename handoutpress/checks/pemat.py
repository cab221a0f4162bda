"""PEMAT-P (AHRQ's Patient Education Materials Assessment Tool, printable): the items a program can
judge from the structured content, scored per variant; the others are listed as needing a reviewer.

Each rule is simple enough for an author to predict (the thresholds are ours, named below). A
material is understandable or actionable at 70 % or more of its applicable items; the percentages
here are over the items the program scored, and say so. Items that need a person (purpose evident,
no distractions, numbers clear, logical order, what visuals show, ...) are never guessed.
"""
from __future__ import annotations

import re

from ..records import dataclass
from ..load.content import block_texts, walk_blocks
from ..model import (BulletList, Callout, Checklist, Figure, Group, KeyMessages, ListItem, Paragraph, Section,
                     Strong, Table, plain)

PASS = 70  # PEMAT's own line: understandable / actionable at 70 % or more
VERY_SHORT_PARAGRAPHS = 2  # PEMAT: "very short" material (two paragraphs or fewer): items 8, 9, 11 N/A
MAX_CHUNK_WORDS = 200  # item 8: no run of text under one heading (or in one box) longer than this
MAX_PASSIVE_SHARE = 0.2  # item 5: at most one sentence in five in the passive voice
MAX_HEADER_WORDS = 4  # item 19: a column heading of at most this many words is short

TITLES = {
    1: "purpose evident", 2: "no distracting content", 3: "everyday language", 4: "medical terms defined",
    5: "active voice", 6: "numbers clear", 7: "no calculations asked", 8: "short sections",
    9: "informative headers", 10: "logical sequence", 11: "a summary", 12: "visual cues for key points",
    15: "visual aids", 16: "visual aids reinforce", 17: "visual aids titled or captioned",
    18: "illustrations clear", 19: "simple tables with short headings",
    20: "at least one action", 21: "reader addressed directly", 22: "actions as explicit steps",
    23: "a tangible tool", 24: "how to do calculations", 25: "how to use charts and tables",
    26: "visual aids to help act",
}
ACTIONABILITY = range(20, 27)

# per language: imperatives an action sentence starts with; words addressing the reader; patterns
LANG = {
    "en": {
        "imperative": set("ask avoid bring call check chat contact do don't eat expect follow get give go help keep "
                          "learn let limit listen look make notice offer plan praise read reach remember see seek "
                          "speak start stay stop take talk tell text try use visit wait watch write".split()),
        "you": re.compile(r"\b(you|your|yours|yourself)\b", re.I),
        "obligation": re.compile(r"\b(should|must|(?<!the )need to|needs to|have to|has to)\b", re.I),
        "passive": re.compile(r"\b(is|are|was|were|be|been|being)\s+(\w+ly\s+)?(\w+ed|done|given|taken|made|known|"
                              r"seen|shown|written|kept|found|told|overseen)\b", re.I),
        "calculation": re.compile(r"\b(calculate|add up|multiply|divide|subtract|work out how (much|many)|"
                                  r"figure out how (much|many))\b", re.I),
        "summary": re.compile(r"\b(summary|key points|in short|remember|bottom line|key messages|main points|"
                              r"what to know)\b", re.I),
        "generic_heading": {"introduction", "overview", "information", "more information", "other", "details",
                            "general", "notes", "background", "miscellaneous", "section"},
        "tool": re.compile(r"\b(checklist|diary|log|tracker|planner|worksheet|questions to ask|check off)\b|☐", re.I),
        "defined": (r"\b{t}\s+(is|are)\s+(\w+ly\s+)?(a|an|the|when|what|how|called|known)\b", r"\b{t}\s+means?\b",
                    r"\b{t}\s*\(", r"\b(called|known as|this is|that is)\s+"
                    r"(\w+\s+)?{t}\b", r"\b{t},\s+(which|or|that is)\b"),
    },
    "es": {
        "imperative": set("llame pregunte hable tome diga mantenga busque escriba visite vaya consulte envíe siga "
                          "use evite recuerde comuníquese pida deje lleve ayude ofrezca espere haga acuda lea "
                          "hable tenga".split()),
        "you": re.compile(r"\b(usted|ustedes|su|sus|le|les)\b", re.I),
        "obligation": re.compile(r"\b(debe|deben|debería|deberían|tiene que|tienen que|hay que)\b(?! a\b)", re.I),
        "passive": re.compile(r"\b(es|son|fue|fueron|ser|sido|será|serán)\s+(\w+mente\s+)?\w+(ado|ada|ados|adas|"
                              r"ido|ida|idos|idas)\b", re.I),
        "calculation": re.compile(r"\b(calcule|calcular|sume|multiplique|divida|reste)\b", re.I),
        "summary": re.compile(r"\b(resumen|puntos clave|recuerde|lo más importante|lo que debe saber)\b", re.I),
        "generic_heading": {"introducción", "información", "más información", "otros", "detalles", "general",
                            "notas", "antecedentes", "sección"},
        "tool": re.compile(r"\b(lista de control|lista de verificación|diario|registro|preguntas para)\b|☐", re.I),
        "defined": (r"\b{t}\s+(es|son)\s+(\w+mente\s+)?(un|una|el|la|los|las|cuando|lo)\b",
                    r"\b{t}\s+(significa|significan)\b", r"\b{t}\s+se\s+(llama|llaman|conoce|conocen)\b",
                    r"\b{t}\s*\(", r"\b(llama|llaman|llamado|llamada|"
                    r"conoce como|conocen como|conocido como|conocida como|es decir|esto es)\s+(\w+\s+)?{t}\b",
                    r"\b{t},\s+(que|o sea|es decir)\b"),
    },
}


@dataclass(frozen=True)
class Item:
    number: int
    verdict: str  # agree | disagree | n/a | reviewer
    note: str = ""
    place: object = None  # model.Place of what the note is about

    @property
    def title(self) -> str:
        return TITLES[self.number]

    @property
    def kind(self) -> str:
        return "actionability" if self.number in ACTIONABILITY else "understandability"


@dataclass(frozen=True)
class Pemat:
    items: tuple  # Item, by number

    def _score(self, kind):
        scored = [i for i in self.items if i.kind == kind and i.verdict in ("agree", "disagree")]
        agree = sum(1 for i in scored if i.verdict == "agree")
        return agree, len(scored)

    def percent(self, kind) -> int | None:
        """Agree over the items scored, rounded; None when none could be scored."""
        agree, total = self._score(kind)
        return round(100 * agree / total) if total else None

    @property
    def failing(self):
        return [i for i in self.items if i.verdict == "disagree"]

    @property
    def needs_reviewer(self):
        return [i for i in self.items if i.verdict == "reviewer"]

    def as_dict(self) -> dict:
        def place(i):
            return {"file": i.place.file, "line": i.place.line} if i.place else {"file": None, "line": None}

        out = {}
        for kind in ("understandability", "actionability"):
            agree, total = self._score(kind)
            out[kind] = {"percent": self.percent(kind), "agree": agree, "scored": total}
        out["failing"] = [{"item": i.number, "title": i.title, "note": i.note, **place(i)} for i in self.failing]
        out["needs_reviewer"] = [{"item": i.number, "title": i.title} for i in self.needs_reviewer]
        out["not_applicable"] = [i.number for i in self.items if i.verdict == "n/a"]
        return out


# ---- what the rules read -------------------------------------------------------------------
def _blocks(resolved):
    return resolved.blocks + ((resolved.call_to_action,) if resolved.call_to_action else ())


def _sentences(resolved, split):
    """(sentence, place) of every paragraph and list item, in reading order."""
    for block in walk_blocks(_blocks(resolved)):
        if isinstance(block, (Paragraph, ListItem)):
            for s in split(" ".join(plain(block.text).split())):
                yield s, block.place


def _first_word(sentence: str) -> str:
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", sentence)
    return words[0].lower().replace("’", "'") if words else ""


def is_action(sentence: str, lang: dict) -> bool:
    """An imperative ("Call us", "Do not stop") or an obligation ("should", "must")."""
    return _first_word(sentence) in lang["imperative"] or bool(lang["obligation"].search(sentence))


def _flatten(blocks):
    for block in blocks:
        if isinstance(block, Group):  # prints nothing of its own: its blocks belong to the chunk around it
            yield from _flatten(block.blocks)
        else:
            yield block


def _chunks(blocks, heading_place=None):
    """(words, place) of each run of text under one heading or in one box (nested ones counted apart)."""
    own, out = 0, []
    for block in _flatten(blocks):
        if isinstance(block, (Section, Callout)):
            out += _chunks(block.blocks, block.place)
        else:
            own += sum(len(plain(t).split()) for b in walk_blocks((block,)) for t in block_texts(b))
    return [(own, heading_place)] + out


def _has_strong(inline) -> bool:
    return any(isinstance(s, Strong) or (hasattr(s, "children") and _has_strong(s.children)) for s in inline)


# ---- the items -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Material:
    """What the item rules read from one resolved variant, gathered once."""

    lang: dict
    blocks: list  # every block and list item, in reading order
    sentences: list  # (sentence, place) of paragraphs and list items
    sections: list
    boxes: list
    tables: list
    lists: list
    texts: list  # (place, text) of everything a reader sees, headings and cells too
    very_short: bool  # PEMAT: two paragraphs or fewer (and, here, no headings)
    first: object  # the variant's place: where a finding about the whole material is reported
    chunks: list  # (words, place) per heading or box
    tool: bool  # fillable fields, a checklist or a table with cells to fill in
    figures: list = ()  # pictures that say something (decorative ones are not visual aids)


def material(resolved, language: str, split) -> Material:
    blocks = list(walk_blocks(_blocks(resolved)))
    sections = [b for b in blocks if isinstance(b, Section)]
    paragraphs = sum(1 for b in blocks if isinstance(b, Paragraph))
    variant = resolved.variant
    return Material(
        lang=LANG.get(language.split("-")[0], LANG["en"]), blocks=blocks, sentences=list(_sentences(resolved, split)),
        sections=sections, boxes=[b for b in blocks if isinstance(b, Callout)],
        tables=[b for b in blocks if isinstance(b, Table)], lists=[b for b in blocks if isinstance(b, BulletList)],
        texts=[(b.place, plain(t)) for b in blocks for t in block_texts(b)],
        very_short=paragraphs <= VERY_SHORT_PARAGRAPHS and not sections,
        first=variant.place if variant else None, chunks=_chunks(resolved.blocks),
        tool=bool(variant is not None and variant.appointment_fields) or any(
            isinstance(b, Checklist) or (isinstance(b, Table) and any(not plain(c).strip() for r in b.rows for c in r))
            for b in blocks),
        figures=[b for b in blocks if isinstance(b, Figure) and not b.decorative])


def assess(resolved, language: str, word_uses=(), terms=(), split=None) -> Pemat:
    """Score the machine-checkable PEMAT-P items of one resolved variant.

    word_uses: plainwords.WordUse found in it (accepted ones count: acceptance keeps a word, it does not
    make it everyday); terms: (term, pattern) of medical terms to define; split: the sentence splitter."""
    from .readability import split_sentences

    m = material(resolved, language, split or split_sentences)
    items = ([Item(1, "reviewer"), Item(2, "reviewer"), everyday_language(word_uses), terms_defined(m, terms),
              active_voice(m), numbers(m), no_calculations(m)] + sections_items(m) + visual_items(m) + action_items(m))
    return Pemat(tuple(sorted(items, key=lambda i: i.number)))


def everyday_language(word_uses) -> Item:
    """3: no listed jargon."""
    if not word_uses:
        return Item(3, "agree")
    names = list(dict.fromkeys(u.entry.term for u in word_uses))
    return Item(3, "disagree", f"{len(names)} listed term{'s' * (len(names) != 1)}: " + ", ".join(names[:6])
                + (", ..." if len(names) > 6 else ""), word_uses[0].place)


def terms_defined(m: Material, terms) -> Item:
    """4: each listed medical term defined where first used (that sentence or the next)."""
    from .plain_words import term_probe

    undefined, used = [], 0
    folded = " ".join(s for s, _ in m.sentences).casefold()
    for term, pattern in terms:
        if term_probe(term) not in folded:  # in no sentence (the probe is in every match): skip the search
            continue
        at = next((i for i, (s, _) in enumerate(m.sentences) if pattern.search(s)), None)
        if at is None:
            continue
        used += 1
        t = pattern.pattern.removeprefix(r"(?<![\w-])").removesuffix(r"(?![\w-])")
        near = " ".join(s for s, _ in m.sentences[at:at + 2])
        if not any(re.search(d.format(t=t), near, re.I) for d in m.lang["defined"]):
            undefined.append((term, m.sentences[at][1]))
    if not used:
        return Item(4, "n/a", "no medical term from the list is used")
    if undefined:
        return Item(4, "disagree", "not defined where first used: " + ", ".join(t for t, _ in undefined),
                    undefined[0][1])
    return Item(4, "agree")


def active_voice(m: Material) -> Item:
    """5: at most MAX_PASSIVE_SHARE of the sentences passive."""
    passive = [(s, p) for s, p in m.sentences if m.lang["passive"].search(s)]
    if m.sentences and len(passive) > MAX_PASSIVE_SHARE * len(m.sentences):
        return Item(5, "disagree", f"{len(passive)} of {len(m.sentences)} sentences in the passive voice, "
                                   f"e.g. \"{passive[0][0][:60]}\"", passive[0][1])
    return Item(5, "agree")


def numbers(m: Material) -> Item:
    """6: a person judges whether numbers are clear; without numbers it does not apply."""
    return Item(6, "reviewer") if any(re.search(r"\d", t) for _, t in m.texts) else Item(6, "n/a", "no numbers")


def _calculation(m: Material):
    return next((p for p, t in m.texts if m.lang["calculation"].search(t)), None)


def no_calculations(m: Material) -> Item:
    """7: the reader is not asked to calculate."""
    at = _calculation(m)
    return Item(7, "disagree", "asks the reader to calculate", at) if at else Item(7, "agree")


def sections_items(m: Material) -> list[Item]:
    """8 short sections, 9 informative headers, 10 (a reviewer), 11 a summary, 12 visual cues."""
    out = [Item(10, "reviewer")]
    cued = m.lists or m.boxes or any(_has_strong(t) for b in m.blocks for t in block_texts(b))
    out.append(Item(12, "agree") if cued else Item(12, "disagree", "no bullets, boxes or bold", m.first))
    if m.very_short:
        return out + [Item(n, "n/a", "very short material") for n in (8, 9, 11)]
    long = [(n, p) for n, p in m.chunks if n > MAX_CHUNK_WORDS]
    out.append(Item(8, "disagree", f"{long[0][0]} words under one heading (at most {MAX_CHUNK_WORDS})",
                    long[0][1] or m.first) if long else Item(8, "agree"))
    generic = [s for s in m.sections if plain(s.heading).strip().lower().rstrip(":") in m.lang["generic_heading"]]
    if not m.sections:
        out.append(Item(9, "disagree", "no section headings", m.first))
    elif generic:
        out.append(Item(9, "disagree", f"heading \"{plain(generic[0].heading)}\" says nothing about its text",
                        generic[0].place))
    else:
        out.append(Item(9, "agree"))
    summary = [b for b in m.sections + m.boxes
               if isinstance(b, KeyMessages) or m.lang["summary"].search(plain(b.heading))]
    out.append(Item(11, "agree") if summary else
               Item(11, "disagree", "no section or box headed as a summary (e.g. \"Key points\")", m.first))
    return out


def visual_items(m: Material) -> list[Item]:
    """15-19: the visual aids are tables and pictures (figures that are not decorative)."""
    tables, figures = m.tables, list(m.figures)
    if not tables and not figures:
        return [Item(15, "disagree", "no table or picture (a reviewer may mark this N/A if none would help)", m.first),
                Item(16, "n/a", "no visual aids"), Item(17, "n/a", "no visual aids"),
                Item(18, "n/a", "no illustrations or photographs"), Item(19, "n/a", "no tables")]
    uncaptioned = [b for b in tables + figures if not plain(b.caption).strip()]
    bad = [t for t in tables if not t.header or any(len(plain(c).split()) > MAX_HEADER_WORDS for c in t.header)]
    return [Item(15, "agree"), Item(16, "reviewer"),
            Item(17, "disagree", "a table or picture without a caption", uncaptioned[0].place) if uncaptioned else
            Item(17, "agree"),
            Item(18, "reviewer") if figures else Item(18, "n/a", "no illustrations or photographs"),
            (Item(19, "disagree", "a table without short column headings", bad[0].place) if bad else Item(19, "agree"))
            if tables else Item(19, "n/a", "no tables")]


def action_items(m: Material) -> list[Item]:
    """20 an action, 21 addressed to the reader, 22 steps, 23 a tool; 24-26 applicable or for a reviewer."""
    lang = m.lang
    actions = [(s, p) for s, p in m.sentences if is_action(s, lang)]
    tool = m.tool or any(lang["tool"].search(t) for _, t in m.texts)
    out = [Item(23, "agree") if tool else
           Item(23, "disagree", "no checklist, diary or form (a reviewer may mark this N/A if none would help)",
                m.first),
           Item(24, "reviewer") if _calculation(m) else Item(24, "n/a", "no calculations"),
           Item(25, "reviewer") if m.tables else Item(25, "n/a", "no charts or tables"), Item(26, "reviewer")]
    if not actions:
        return out + [Item(20, "disagree", "no sentence tells the reader what to do", m.first),
                      Item(21, "n/a", "no actions"), Item(22, "n/a", "no actions")]
    indirect = [(s, p) for s, p in actions if _first_word(s) not in lang["imperative"] and not lang["you"].search(s)]
    stepped = [b for b in m.lists if sum(1 for i in b.items if _first_word(plain(i.text)) in lang["imperative"]) >= 2]
    return out + [
        Item(20, "agree", f"e.g. \"{actions[0][0][:60]}\"", actions[0][1]),
        Item(21, "disagree", f"{len(indirect)} of {len(actions)} actions not addressed to the reader, "
                             f"e.g. \"{indirect[0][0][:60]}\"", indirect[0][1]) if indirect else Item(21, "agree"),
        Item(22, "agree") if stepped else
        Item(22, "disagree", "no list of two or more steps, each an action", actions[0][1])]
