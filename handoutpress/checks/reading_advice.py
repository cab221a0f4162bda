"""Advice that fits the measure: which part drives a reading score, and what raises it most.

The formulas see two things only: sentence length (words per sentence) and word length (syllables per
word; SMOG counts only words of 3+ syllables). A part "drives" the score when it is above what plain
text at the target has; the advice names that part and quotes what raises it most: the longest
sentences, or the long words used most. SMOG alone over the maximum is always word length: shorter
sentences cannot lower it.
"""
from __future__ import annotations

from collections import Counter

# plain text at about grade 6 (FK 0.39*15 + 11.8*1.35 - 15.59 = 6.2): 15 words a sentence, 1.35 syllables a word
EN_SENTENCE_WORDS, EN_WORD_SYLLABLES = 15.0, 1.35
# "normal" Spanish on the INFLESZ scale (206.835 - 62.3*2.0 - 20 = 62.2): 20 words a sentence, 2.0 syllables a word
ES_SENTENCE_WORDS, ES_WORD_SYLLABLES = 20.0, 2.0
QUOTED = 3  # how many sentences or words a message quotes


def drivers(sentence_points: float, word_points: float, smog_over: bool = False) -> list[str]:
    """The parts above plain text, the one adding more points first ("sentence length", "word length");
    when neither is above it, the larger one; SMOG over its maximum always names word length."""
    parts = sorted([(sentence_points, "sentence length"), (word_points, "word length")], reverse=True)
    out = [name for points, name in parts if points > 0] or [parts[0][1]]
    if smog_over and "word length" not in out:
        out.append("word length")
    return out


def long_words(sentences, syllables, minimum: int) -> list[tuple[str, int, int]]:
    """(word, syllables, uses) of the words of `minimum`+ syllables, those adding most syllables first."""
    from .readability import words_of

    uses = Counter(w.lower() for s in sentences for w in words_of(s.text) if syllables(w) >= minimum)
    ranked = sorted(uses.items(), key=lambda kv: (-kv[1] * syllables(kv[0]), kv[0]))
    return [(w, syllables(w), n) for w, n in ranked]


def _quote_sentences(sentences) -> str:
    longest = sorted(sentences, key=lambda s: -s.words)[:QUOTED]  # stable: ties keep reading order
    return "; ".join(f"line {s.place.line} ({s.words} words): \"{s.text[:60]}{'...' if len(s.text) > 60 else ''}\""
                     for s in longest)


def _quote_words(words) -> str:
    return ", ".join(f"\"{w}\" ({n_syl} syllables{f', {n} uses' if n > 1 else ''})" for w, n_syl, n in words[:QUOTED])


def _explain(parts, sentences, words, per_sentence, per_word, sentence_target, word_target):
    out = []
    for part in parts:
        if part == "sentence length":
            out.append(f"sentence length drives it ({per_sentence:.1f} words a sentence; plain text has "
                       f"{sentence_target:g} or fewer). Longest sentences: {_quote_sentences(sentences)}")
        else:
            out.append(f"word length drives it ({per_word:.2f} syllables a word; plain text has "
                       f"{word_target:g} or fewer). Long words used most: {_quote_words(words)}")
    return ". ".join(out)


def _fix(parts, smog_only: bool) -> str:
    if parts == ["word length"]:
        tail = "; the sentences are already short, so shorter sentences will not help" if smog_only else ""
        return f"use shorter everyday words, or explain the long ones (aim for grade 6){tail}"
    if parts == ["sentence length"]:
        return "split the longest sentences, one idea each (aim for grade 6)"
    return "split the longest sentences and use shorter everyday words (aim for grade 6)"


def english(variant_name, reading, sentences, limit) -> tuple[str, str]:
    """Message and fix for an English variant above its maximum grade."""
    from .readability import syllables

    words = sum(s.words for s in sentences) or 1
    per_sentence, per_word = words / max(1, len(sentences)), sum(s.syllables for s in sentences) / words
    fk_over = reading.fk_grade > limit
    smog_over = reading.smog > limit and any(s.polysyllables for s in sentences)  # none: SMOG is at its floor, 3.1
    parts = drivers(0.39 * (per_sentence - EN_SENTENCE_WORDS), 11.8 * (per_word - EN_WORD_SYLLABLES),
                    smog_over) if fk_over else ["word length"]  # SMOG alone: only long words raise it
    over = " and ".join(name for name, is_over in (("Flesch-Kincaid", fk_over), ("SMOG", reading.smog > limit))
                        if is_over)
    message = (f"reading level of the {variant_name} variant is Flesch-Kincaid grade {reading.fk_grade:.1f}, "
               f"SMOG {reading.smog:.1f}; {over} above its maximum of {limit:g}"
               + (" (SMOG counts only words of 3+ syllables)" if smog_over and not fk_over else "") + ": "
               + _explain(parts, sentences, long_words(sentences, syllables, 3), per_sentence, per_word,
                          EN_SENTENCE_WORDS, EN_WORD_SYLLABLES))
    return message, _fix(parts, smog_over and not fk_over)


def spanish(variant_name, reading, sentences, minimum) -> tuple[str, str]:
    """Message and fix for a Spanish variant under its minimum INFLESZ score."""
    from .readability_es import syllables

    per_sentence, per_word = reading.words / max(1, reading.sentences), reading.syllables / max(1, reading.words)
    parts = drivers(per_sentence - ES_SENTENCE_WORDS, 62.3 * (per_word - ES_WORD_SYLLABLES))
    message = (f"reading ease of the {variant_name} variant is {reading.szigriszt:.1f} on the INFLESZ scale "
               f"({reading.band}; Szigriszt-Pazos), Fernández-Huerta {reading.fernandez_huerta:.1f}, under its "
               f"minimum of {minimum:g}: "
               + _explain(parts, sentences, long_words(sentences, syllables, 4), per_sentence, per_word,
                          ES_SENTENCE_WORDS, ES_WORD_SYLLABLES))
    fix = {("word length",): "use shorter everyday words, or explain the long ones (aim for 55 or more)",
           ("sentence length",): "split the longest sentences, one idea each (aim for 55 or more)"}.get(
        tuple(parts), "split the longest sentences and use shorter everyday words (aim for 55 or more)")
    return message, fix
