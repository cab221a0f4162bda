"""Plain language per variant, beyond the grade: Spanish reading ease, everyday words and PEMAT-P.

One call for the pipeline (plain_language) and one per report field (reading_fields), so check, build,
the manifest and the catalog read the same figures.
"""
from __future__ import annotations

from dataclasses import field

from ..records import dataclass
from ..errors import Problem
from ..load.content import block_texts, walk_blocks
from ..model import plain


@dataclass(frozen=True)
class Plain:
    words: dict  # plainwords.summary: {"to_change": {term: uses}, "accepted": {term: uses}}
    pemat: object  # pemat.Pemat, or None for a language without rules
    notes: tuple = field(default=())  # info Problems: accepted terms (check lists them; build does not)

    def as_dict(self) -> dict:
        return {"words": self.words, "pemat": self.pemat.as_dict() if self.pemat else None}


def language_of(variant) -> str:
    return variant.language.split("-")[0]


def reading_for(resolved):
    """English grades (readability.Reading), Spanish ease (readability_es.ReadingEs), or None."""
    from .readability import reading_level
    from .readability_es import reading_level_es

    scorer = {"en": reading_level, "es": reading_level_es}.get(language_of(resolved.variant))
    return scorer(resolved) if scorer else None


def _texts(resolved):
    """(place, text) of everything a reader sees in the body and the call to action, headings and cells too."""
    blocks = resolved.blocks + ((resolved.call_to_action,) if resolved.call_to_action else ())
    return [(b.place, plain(t)) for b in walk_blocks(blocks) for t in block_texts(b)]


def _untranslated_file(resolved) -> str:
    """A translated variant's headings and table cells keep their English block's place (translation.py):
    the file those places name, so a message can say the word is in the translation of that block."""
    handout = resolved.handout
    return getattr(handout, "file", "") if resolved.variant.language != getattr(handout, "language", "") else ""


def plain_language(resolved) -> tuple[list[Problem], Plain]:
    """Everyday-word warnings of one resolved variant, and its word and PEMAT summary."""
    from .pemat import LANG, assess
    from .plain_words import CLINICAL_AUDIENCES, summary, word_list, word_problems, word_uses
    from .readability import split_sentences
    from .readability_es import split_sentences_es

    variant, language = resolved.variant, language_of(resolved.variant)
    accepted = tuple(resolved.handout.accepted_words) + tuple(variant.accepted_words)
    uses = word_uses(_texts(resolved), language, variant.audience, accepted)
    found = word_problems(uses, variant.name, _untranslated_file(resolved))
    pemat = None
    if language in LANG and variant.audience not in CLINICAL_AUDIENCES:  # PEMAT-P is for patient materials
        pemat = assess(resolved, language, uses, word_list().terms.get(language, ()),
                       split_sentences_es if language == "es" else split_sentences)
    return ([p for p in found if p.severity != "info"],
            Plain(summary(uses), pemat, tuple(p for p in found if p.severity == "info")))


def ease_problems(resolved, reading) -> list[Problem]:
    """A Spanish variant under its min_inflesz: a warning saying what drives the score and quoting it."""
    from .readability_es import ReadingEs, sentences_es
    from .reading_advice import spanish

    minimum = resolved.variant.min_inflesz
    if not isinstance(reading, ReadingEs) or minimum is None or reading.szigriszt >= minimum:
        return []
    p = resolved.variant.inflesz_place or resolved.variant.place
    message, fix = spanish(resolved.variant.name, reading, sentences_es(resolved), minimum)
    return [Problem(p.file, p.line, p.column, p.path, message, fix, code="reading-ease", severity="warning")]


def reading_fields(reading, variant) -> dict | None:
    """The reading figures as the manifest and `check --format json` record them."""
    from .readability_es import ReadingEs

    if reading is None:
        return None
    if isinstance(reading, ReadingEs):
        return {"szigriszt_pazos": round(reading.szigriszt, 1), "inflesz": reading.band,
                "fernandez_huerta": round(reading.fernandez_huerta, 1), "min_inflesz": variant.min_inflesz}
    return {"fk_grade": round(reading.fk_grade, 1), "smog": round(reading.smog, 1), "max_grade": variant.max_grade}


# ---- the check report ----------------------------------------------------------------------
def json_reading(result, handout: str, variant: str) -> dict:
    """One variant's entry in `check --format json`: the English fields as before, then the new ones."""
    from .readability_es import ReadingEs

    key = (handout, variant)
    r, plain_ = result.reading.get(key), result.plain.get(key)
    out = {"handout": handout, "variant": variant, "max_grade": result.max_grade.get(key),
           "fk_grade": None, "smog": None, "hardest": []}
    if r is not None:
        out["hardest"] = [{"text": s.text, "file": s.place.file, "line": s.place.line} for s in r.hardest]
        if isinstance(r, ReadingEs):
            out.update(min_inflesz=result.min_inflesz.get(key), szigriszt_pazos=round(r.szigriszt, 1),
                       inflesz=r.band, fernandez_huerta=round(r.fernandez_huerta, 1))
        else:
            out.update(fk_grade=round(r.fk_grade, 1), smog=round(r.smog, 1))
    out["plain_language"] = plain_.as_dict() if plain_ else None
    return out


def summary_lines(result) -> list[str]:
    """The per-variant table under the findings: reading level against its limit, words, PEMAT-P."""
    from .readability_es import ReadingEs

    out = ["Reading level (English: Flesch-Kincaid grade / SMOG, maximum; Spanish: Szigriszt-Pazos on the INFLESZ "
           "scale / Fernández-Huerta, minimum):"]
    for key in sorted(result.reading):
        handout, variant = key
        r = result.reading[key]
        if r is None:
            out.append(f"  {handout} {variant:<12} not scored: no formulas for this language")
        elif isinstance(r, ReadingEs):
            limit = result.min_inflesz.get(key)
            out.append(f"  {handout} {variant:<12} {r.szigriszt:5.1f} / {r.fernandez_huerta:4.1f}   "
                       f"({r.band}; {f'min {limit:g}' if limit is not None else 'no minimum'})")
        else:
            limit = result.max_grade.get(key)
            out.append(f"  {handout} {variant:<12} {r.fk_grade:5.1f} / {r.smog:4.1f}   "
                       f"({f'max {limit:g}' if limit is not None else 'no maximum'})")
    plains = {k: p for k, p in sorted(result.plain.items()) if p is not None}
    if plains:
        out += ["", "Plain language (PEMAT-P items a program can judge: understandability / actionability; "
                    "everyday words):"]
        for (handout, variant), p in plains.items():
            words = p.words
            change, accepted = len(words["to_change"]), len(words["accepted"])
            text = (f"{change} term{'s' * (change != 1)} to change"
                    + (f", {accepted} accepted (listed in --format json)" if accepted else ""))
            if p.pemat:
                d = p.pemat.as_dict()
                u, a = d["understandability"], d["actionability"]
                scores = (f"{_percent(u)} / {_percent(a)}; failing: "
                          + (", ".join(str(i["item"]) for i in d["failing"]) or "none")
                          + f"; needs a reviewer: {', '.join(str(i['item']) for i in d['needs_reviewer'])}")
            else:
                scores = "PEMAT-P not scored (not a patient material, or no rules for its language)"
            out.append(f"  {handout} {variant:<12} {scores}; {text}")
    return out


def _percent(score: dict) -> str:
    return f"{score['percent']}% ({score['agree']}/{score['scored']})" if score["scored"] else "-"


def reading_label(fields) -> str:
    """A manifest entry's reading figures in words, for the catalog ("" when not scored)."""
    if not isinstance(fields, dict):
        return ""
    if fields.get("fk_grade") is not None:
        return f"grade {fields['fk_grade']:g} (Flesch-Kincaid), SMOG {fields['smog']:g}"
    if fields.get("szigriszt_pazos") is not None:
        return f"INFLESZ {fields['szigriszt_pazos']:g}, {fields.get('inflesz', '')} (Szigriszt-Pazos)"
    return ""
