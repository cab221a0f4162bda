"""PEMAT-P (AHRQ's Patient Education Materials Assessment Tool, printable): the items a program can
judge from the structured content, scored per variant; the others are listed as needing a reviewer.

Each rule is simple enough for an author to predict (the thresholds are ours, named below). A
material is understandable or actionable at 70 % or more of its applicable items; the percentages
here are over the items the program scored, and say so. Items that need a person (purpose evident,
no distractions, numbers clear, logical order, what visuals show, ...) are never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .content import block_texts, walk_blocks
from .model import BulletList, Callout, Group, ListItem, Paragraph, Section, Strong, Table, plain

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
                    r"\b{t}\s+(significa|significan)\b", r"\b{t}\s+se\s+(llama|llaman|conoce|conocen)\b", r"\b{t}\s*\(", r"\b(llama|llaman|llamado|llamada|"
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
def assess(resolved, language: str, word_uses=(), terms=(), split=None) -> Pemat:
    """Score the machine-checkable PEMAT-P items of one resolved variant.

    word_uses: plainwords.WordUse found in it (accepted ones count: acceptance keeps a word, it does not
    make it everyday); terms: (term, pattern) of medical terms to define; split: the sentence splitter."""
    from .readability import split_sentences

    lang = LANG.get(language.split("-")[0], LANG["en"])
    split = split or split_sentences
    blocks = list(walk_blocks(_blocks(resolved)))
    sentences = list(_sentences(resolved, split))
    paragraphs = sum(1 for b in blocks if isinstance(b, Paragraph))
    sections = [b for b in blocks if isinstance(b, Section)]
    boxes = [b for b in blocks if isinstance(b, Callout)]
    tables = [b for b in blocks if isinstance(b, Table)]
    lists = [b for b in blocks if isinstance(b, BulletList)]
    very_short = paragraphs <= VERY_SHORT_PARAGRAPHS and not sections
    everything = [(b.place, plain(t)) for b in blocks for t in block_texts(b)]
    first = resolved.variant.place if resolved.variant else None
    items = [Item(1, "reviewer"), Item(2, "reviewer")]

    # 3 everyday language: no listed jargon
    if word_uses:
        names = list(dict.fromkeys(u.entry.term for u in word_uses))
        items.append(Item(3, "disagree", f"{len(names)} listed term{'s' * (len(names) != 1)}: "
                                         + ", ".join(names[:6]) + (", ..." if len(names) > 6 else ""),
                          word_uses[0].place))
    else:
        items.append(Item(3, "agree"))

    # 4 medical terms defined where first used (that sentence or the next)
    undefined, used = [], 0
    for term, pattern in terms:
        at = next((i for i, (s, _) in enumerate(sentences) if pattern.search(s)), None)
        if at is None:
            continue
        used += 1
        t = pattern.pattern.removeprefix(r"(?<![\w-])").removesuffix(r"(?![\w-])")
        near = " ".join(s for s, _ in sentences[at:at + 2])
        if not any(re.search(d.format(t=t), near, re.I) for d in lang["defined"]):
            undefined.append((term, sentences[at][1]))
    if not used:
        items.append(Item(4, "n/a", "no medical term from the list is used"))
    elif undefined:
        items.append(Item(4, "disagree", "not defined where first used: " + ", ".join(t for t, _ in undefined),
                          undefined[0][1]))
    else:
        items.append(Item(4, "agree"))

    # 5 active voice
    passive = [(s, p) for s, p in sentences if lang["passive"].search(s)]
    if sentences and len(passive) > MAX_PASSIVE_SHARE * len(sentences):
        items.append(Item(5, "disagree", f"{len(passive)} of {len(sentences)} sentences in the passive voice, "
                                         f"e.g. \"{passive[0][0][:60]}\"", passive[0][1]))
    else:
        items.append(Item(5, "agree"))

    # 6 numbers clear: a person judges; without numbers it does not apply
    items.append(Item(6, "reviewer") if any(re.search(r"\d", t) for _, t in everything) else
                 Item(6, "n/a", "no numbers"))

    # 7 no calculations
    calc = next(((p, t) for p, t in everything if lang["calculation"].search(t)), None)
    items.append(Item(7, "disagree", "asks the reader to calculate", calc[0]) if calc else Item(7, "agree"))

    # 8 short sections, 9 informative headers, 11 a summary (not applicable to very short material)
    if very_short:
        items += [Item(n, "n/a", "very short material") for n in (8, 9)]
    else:
        long = [(n, p) for n, p in _chunks(resolved.blocks) if n > MAX_CHUNK_WORDS]
        items.append(Item(8, "disagree", f"{long[0][0]} words under one heading (at most {MAX_CHUNK_WORDS})",
                          long[0][1] or first) if long else Item(8, "agree"))
        generic = [s for s in sections if plain(s.heading).strip().lower().rstrip(":") in lang["generic_heading"]]
        if not sections:
            items.append(Item(9, "disagree", "no section headings", first))
        elif generic:
            items.append(Item(9, "disagree", f"heading \"{plain(generic[0].heading)}\" says nothing about its text",
                              generic[0].place))
        else:
            items.append(Item(9, "agree"))
    items.append(Item(10, "reviewer"))
    if very_short:
        items.append(Item(11, "n/a", "very short material"))
    else:
        summary = [b for b in sections + boxes if lang["summary"].search(plain(b.heading))]
        items.append(Item(11, "agree") if summary else
                     Item(11, "disagree", "no section or box headed as a summary (e.g. \"Key points\")", first))

    # 12 visual cues: bullets, boxes or bold
    cued = lists or boxes or any(_has_strong(t) for b in blocks for t in block_texts(b))
    items.append(Item(12, "agree") if cued else Item(12, "disagree", "no bullets, boxes or bold", first))

    # 15-19 visual aids: the content model's visual aids are tables (it has no pictures)
    items.append(Item(15, "agree") if tables else
                 Item(15, "disagree", "no table or picture (a reviewer may mark this N/A if none would help)", first))
    items.append(Item(16, "reviewer") if tables else Item(16, "n/a", "no visual aids"))
    uncaptioned = [t for t in tables if not plain(t.caption).strip()]
    items.append(Item(17, "n/a", "no visual aids") if not tables else
                 Item(17, "disagree", "a table without a caption", uncaptioned[0].place) if uncaptioned else
                 Item(17, "agree"))
    items.append(Item(18, "n/a", "no illustrations or photographs"))
    bad = [t for t in tables if not t.header or any(len(plain(c).split()) > MAX_HEADER_WORDS for c in t.header)]
    items.append(Item(19, "n/a", "no tables") if not tables else
                 Item(19, "disagree", "a table without short column headings", bad[0].place) if bad else
                 Item(19, "agree"))

    # 20-23 actions
    actions = [(s, p) for s, p in sentences if is_action(s, lang)]
    items.append(Item(20, "agree", f"e.g. \"{actions[0][0][:60]}\"", actions[0][1]) if actions else
                 Item(20, "disagree", "no sentence tells the reader what to do", first))
    indirect = [(s, p) for s, p in actions if _first_word(s) not in lang["imperative"] and not lang["you"].search(s)]
    items.append(Item(21, "n/a", "no actions") if not actions else
                 Item(21, "disagree", f"{len(indirect)} of {len(actions)} actions not addressed to the reader, "
                                      f"e.g. \"{indirect[0][0][:60]}\"", indirect[0][1]) if indirect else
                 Item(21, "agree"))
    stepped = [b for b in lists if sum(1 for i in b.items if _first_word(plain(i.text)) in lang["imperative"]) >= 2]
    items.append(Item(22, "n/a", "no actions") if not actions else Item(22, "agree") if stepped else
                 Item(22, "disagree", "no list of two or more steps, each an action", actions[0][1]))
    tool = (resolved.variant is not None and resolved.variant.appointment_fields) or any(
        lang["tool"].search(t) for _, t in everything)
    items.append(Item(23, "agree") if tool else
                 Item(23, "disagree", "no checklist, diary or form (a reviewer may mark this N/A if none would help)",
                      first))
    items.append(Item(24, "reviewer") if calc else Item(24, "n/a", "no calculations"))
    items.append(Item(25, "reviewer") if tables else Item(25, "n/a", "no charts or tables"))
    items.append(Item(26, "reviewer"))
    return Pemat(tuple(items))
