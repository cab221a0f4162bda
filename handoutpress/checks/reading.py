"""Reading level: above the variant's maximum grade, a warning naming the hardest sentences."""
from __future__ import annotations

from ..errors import Problem

SCORED_LANGUAGES = ("en", "es")  # Flesch-Kincaid and SMOG in English; Fernández-Huerta and Szigriszt-Pazos in Spanish


def reading_problems(resolved, reading) -> list[Problem]:
    """Above the variant's maximum grade: a warning naming what drives the score and quoting what raises it."""
    from .readability import Reading, sentences_of
    from .reading_advice import english

    limit = resolved.variant.max_grade
    if not isinstance(reading, Reading) or limit is None or max(reading.fk_grade, reading.smog) <= limit:
        return []
    p = resolved.variant.grade_place or resolved.variant.place
    message, fix = english(resolved.variant.name, reading, sentences_of(resolved), limit)
    return [Problem(p.file, p.line, p.column, p.path, message, fix, code="reading-level", severity="warning")]
