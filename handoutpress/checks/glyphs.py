"""Every character must exist in the font that prints it: nothing may print as a blank or a box."""
from __future__ import annotations

import unicodedata

from ..errors import Problem
from ..load.content import block_texts, walk_blocks
from ..model import plain

_IGNORED = {"\n", "\r", "\t"}


def font_chars(font_name: str) -> set[int]:
    from reportlab.pdfbase import pdfmetrics

    return set(pdfmetrics.getFont(font_name).face.charToGlyph)


def missing_in_content(resolved, fonts: dict) -> list[Problem]:
    """Characters of the resolved handout that the body fonts cannot print, each with its place."""
    blocks = resolved.blocks + ((resolved.call_to_action,) if resolved.call_to_action else ())
    return missing_in_strings([(plain(t), b.place) for b in walk_blocks(blocks) for t in block_texts(b)], fonts)


def missing_in_strings(strings, fonts: dict) -> list[Problem]:
    """Characters of texts given as (text, Place) that the body fonts cannot print, each once per place."""
    available = set.intersection(*(font_chars(name) for name in fonts["body"].values()))
    out, seen = [], set()
    for text, place in strings:
        for ch in text:
            if ch in _IGNORED or ord(ch) in available or (place, ch) in seen:
                continue
            seen.add((place, ch))
            out.append(Problem(place.file, place.line, place.column, place.path,
                               f"the character '{ch}' (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}) is not in "
                               f"the font {fonts['body']['regular']} and would print as a blank box",
                               "replace it with a character the font has, or use a font that covers it",
                               code="glyph-missing"))
    return out
