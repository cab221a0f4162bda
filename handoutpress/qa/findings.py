"""Finding, and the small PDF helpers every family of the tagged-PDF checker uses."""
from __future__ import annotations

import shutil

import pikepdf
from pikepdf import Dictionary, Stream

from ..records import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem in a PDF; code is a stable string that tests match on."""

    code: str
    message: str
    page: int | None = None  # 1-based


# ---------------------------------------------------------------- helpers


def _resources(holder: Dictionary) -> Dictionary:
    """/Resources of a page (inherited through /Parent) or stream."""
    node, depth = holder, 0
    while isinstance(node, (Dictionary, Stream)) and depth < 64:
        res = node.get("/Resources")
        if isinstance(res, Dictionary):
            return res
        node, depth = node.get("/Parent"), depth + 1
    return Dictionary()


def _dict_values(value) -> list:
    """Dictionary and stream values of value, or [] when it is not a dictionary."""
    if not isinstance(value, Dictionary):
        return []
    # pikepdf's Stream is not a Dictionary subclass, and form XObjects are streams.
    return [v for _, v in value.items() if isinstance(v, (Dictionary, Stream))]


def _text(value) -> str:
    """A PDF string as str; '' for anything else."""
    return str(value) if isinstance(value, pikepdf.String) else ""


def _tool(name: str, package: str) -> str:
    """Path of a command-line tool, or a RuntimeError naming its Debian package."""
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed; install the Debian package {package}")
    return found
