"""Crisis wording: text that offers a crisis-line option that no longer exists."""
from __future__ import annotations

import re

from ..errors import Problem
from ..load.content import block_texts, walk_blocks
from ..model import plain

PRESS_3 = re.compile(r"\b(press|presione|oprima|marque)\s*(the\s+)?(number\s+)?3\b", re.I)


# ---- one handout, one variant -----------------------------------------------------------------
def _texts(resolved):
    blocks = resolved.blocks + ((resolved.call_to_action,) if resolved.call_to_action else ())
    for block in walk_blocks(blocks):
        for inline in block_texts(block):
            yield block.place, plain(inline)


def crisis_problems(resolved) -> list[Problem]:
    """The 988 Lifeline's 'press 3' option ended in July 2025: text offering it is wrong."""
    out = []
    for place, text in _texts(resolved):
        if "988" in text and PRESS_3.search(text):
            out.append(Problem(place.file, place.line, place.column, place.path,
                               "offers 'press 3' for the 988 Lifeline; that option ended in July 2025",
                               "remove it; say: call or text 988, or chat at 988lifeline.org", code="crisis-press-3"))
    return out
