"""Review status: approved variants name their reviewer and are not past their next review."""
from __future__ import annotations

import datetime as _dt

from ..errors import Problem
from ..labels import next_review


def review_problems(handout, variant, today: _dt.date) -> list[Problem]:
    """Approved variants name their reviewer and date, and are not past their next review."""
    review, place = variant.review, variant.place
    if review.status != "approved":
        return []
    if not review.reviewed or not review.reviewer:
        return [Problem(place.file, place.line, place.column, place.path + ".review",
                        "approved without a review date and reviewer",
                        "add reviewed: YYYY-MM-DD and reviewer: (with credentials) to the review",
                        code="review-incomplete")]
    due = next_review(review.reviewed)
    if _dt.date.fromisoformat(due) < today:
        return [Problem(place.file, place.line, place.column, place.path + ".review",
                        f"approved content is past its next review ({due}, 24 months after {review.reviewed})",
                        "have a clinician review it again and update reviewed:", code="review-overdue",
                        severity="warning")]
    return []
