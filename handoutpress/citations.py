"""Number sources by first citation in the resolved handout. Pure."""
from __future__ import annotations

from .content import block_texts, walk_blocks
from .model import citations


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


def format_source(source) -> str:
    """Vancouver-like entry as the clinic prints it: 'Ashton H. 1994. Title. Addiction. 1994 Nov;89(11):1535-41.'"""
    parts = [", ".join(source.authors) + ".", f"{source.year}.", _end(source.title)]
    if source.container:
        parts.append(_end(source.container))
    tail = source.date
    if source.volume:
        tail += f";{source.volume}"
        if source.issue:
            tail += f"({source.issue})"
    if source.pages:
        tail += f":{source.pages}"
    if tail:
        parts.append(_end(tail))
    return " ".join(parts)


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."
