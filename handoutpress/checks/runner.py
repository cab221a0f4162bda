"""The checks of one resolved variant that need no rendering, family by family (see checks/)."""
from __future__ import annotations

from ..errors import Problem
from .crisis import _texts, crisis_problems
from .reading import SCORED_LANGUAGES, reading_problems
from .review import review_problems

PLACEHOLDER = "TODO"  # what `publish.py new` templates mark the author's text with; check warns while one is left


def placeholder_problems(resolved) -> list[Problem]:
    """Text a template left for the author to write (TODO), at its line: a warning in a draft, an error once
    approved, so a placeholder never reaches a patient."""

    texts = [(resolved.title_place or resolved.variant.place, resolved.title),
             (resolved.handout.places.get("subtitle", resolved.variant.place), resolved.subtitle)]
    return [Problem(place.file, place.line, place.column, place.path, f"still holds the template's {PLACEHOLDER}",
                    "write the handout's own text in its place", code="content-placeholder",
                    severity="error" if resolved.variant.review.status == "approved" else "warning")
            for place, text in texts + [(p, t) for p, t in _texts(resolved)] if PLACEHOLDER in text.split()]


def variant_problems(resolved, today) -> tuple[list, object]:
    """Every check of one resolved variant that needs no rendering; and its reading level."""
    from .plain_language import ease_problems, reading_for

    reading = reading_for(resolved) if resolved.variant.language.split("-")[0] in SCORED_LANGUAGES else None
    problems = crisis_problems(resolved) + review_problems(resolved.handout, resolved.variant, today)
    problems += placeholder_problems(resolved)
    problems += reading_problems(resolved, reading) + ease_problems(resolved, reading)
    return problems, reading
