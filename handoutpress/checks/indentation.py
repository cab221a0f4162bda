"""Indentation slips YAML reads without complaint: a '- ' line folded into the text above it."""
from __future__ import annotations

from pathlib import Path

from ..errors import Problem


def swallowed_items(path: Path, shown: str) -> list[Problem]:
    """A line starting with '- ' that YAML folded into the text above it: a list item indented wrongly.

    (A plain scalar's style is None with PyYAML's parser, '' with libyaml's.) Read from the source, since only the source knows where the lines broke (the file loaded already)."""
    import yaml

    from ..load.yamlio import format_path

    try:
        text = path.read_text("utf-8")
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 20x faster
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []  # the loader has said what is wrong with the file
    lines, out = text.splitlines(), []

    def walk(node, at):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, at + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, at + (i,))
        elif not node.style and node.end_mark.line > node.start_mark.line:  # plain text over several lines
            for n in range(node.start_mark.line + 1, min(node.end_mark.line, len(lines) - 1) + 1):
                stripped = lines[n].lstrip()
                if stripped.startswith("- "):
                    out.append(Problem(shown, n + 1, len(lines[n]) - len(stripped) + 1, format_path(at),
                                       f"this line starts with '- ' but YAML reads it as part of the text above "
                                       f"(\"{node.value[:60]}\"): a list item indented by a different amount is "
                                       "swallowed into the item before it",
                                       "indent the '- ' exactly like the items above it (for a nested list write "
                                       "text: and items:); to keep the dash as text, put the whole text in quotes",
                                       code="list-item-swallowed", severity="warning"))

    if root is not None:
        walk(root, ())
    return out
