"""Indentation slips YAML reads without complaint: a '- ' line folded into the text above it."""
from __future__ import annotations

from ..errors import Problem
from ..load.yamlio import format_path


def swallowed_items(handout) -> list[Problem]:
    """A line starting with '- ' that YAML folded into the text above it: a list item indented wrongly.

    The loader notes such lines as it reads the file (Handout.folded_dashes: only the source knows where
    the lines broke); this says what they mean, at each line."""
    return [Problem(handout.file, line, column, format_path(at),
                    f"this line starts with '- ' but YAML reads it as part of the text above "
                    f"(\"{text}\"): a list item indented by a different amount is "
                    "swallowed into the item before it",
                    "indent the '- ' exactly like the items above it (for a nested list write "
                    "text: and items:); to keep the dash as text, put the whole text in quotes",
                    code="list-item-swallowed", severity="warning")
            for at, line, column, text in handout.folded_dashes]
