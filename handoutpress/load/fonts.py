"""Register the layout's font files with ReportLab. A missing font is an error, never a fallback."""
from __future__ import annotations

from pathlib import Path

from ..errors import problem

_REGISTERED: dict[Path, str] = {}


def register_families(theme) -> dict:
    """role -> {"regular": font name, "bold": ..., "italic": ..., "bold_italic": ...}."""
    from reportlab.lib.fonts import addMapping

    out = {}
    for role, faces in theme.families.items():
        names = {face: _register(path, theme, role, face) for face, path in faces.items()}
        family = "family-" + names["regular"]
        for bold, italic, face in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic"), (1, 1, "bold_italic")):
            addMapping(family, bold, italic, names[face])
        out[role] = names
    return out


def _register(path: Path, theme, role, face) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    path = Path(path).resolve()
    if path in _REGISTERED:
        return _REGISTERED[path]
    name = path.stem
    try:
        pdfmetrics.registerFont(TTFont(name, str(path)))
    except (TTFError, OSError) as exc:
        file, line, col = theme.origins.get(("fonts", role, face), ("layouts", None, None))
        raise problem(file, line, col, f"fonts.{role}.{face}", f"cannot use font file {path.name}: {exc}",
                      "use a TrueType (.ttf) font that allows embedding", code="font-unusable")
    _REGISTERED[path] = name
    return name
