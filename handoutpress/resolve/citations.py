"""Number sources by first citation in the resolved handout. Pure."""
from __future__ import annotations

from ..load.content import block_texts, walk_blocks
from ..model import citations


def number_sources(blocks, call_to_action, sources) -> tuple[tuple, dict]:
    """Return ((number, source), ...) in first-use order and {key: number}; uncited get none."""
    numbers: dict[str, int] = {}
    everything = tuple(blocks) + ((call_to_action,) if call_to_action else ())
    for block in walk_blocks(everything):
        for text in block_texts(block):
            for key in citations(text):
                numbers.setdefault(key, len(numbers) + 1)
    by_key = {s.key: s for s in sources}
    ordered = tuple((n, by_key[k]) for k, n in sorted(numbers.items(), key=lambda kv: kv[1]) if k in by_key)
    return ordered, numbers
