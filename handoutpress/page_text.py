"""The words of the page furniture: the values header and footer templates see, the review line."""
from __future__ import annotations

from . import model as m
from .labels import format_date, labels_for, next_review

PAGES = "\ue000"  # stands for the page total in a rendered footer; drawn from a form filled at the end


def template_context(resolved: m.Resolved, clinic: m.Clinic) -> dict:
    """The values header and footer templates can use (documented in the layout files)."""
    v, h = resolved.variant, resolved.handout
    lab = labels_for(v.language)
    review = v.review
    if review.status == "approved":
        due = next_review(review.reviewed)
        line = f"{lab['reviewed']} {format_date(review.reviewed, v.language)}"
        if due:
            line += f" · {lab['next_review']} {format_date(due, v.language)}"
    else:
        line = lab["draft_notice"]
    return {
        "clinic": {"name": clinic.name, "short_name": clinic.short_name,
                   "phone": clinic.phone.value, "web": clinic.web.value},
        "handout": {"id": h.id, "title": resolved.title, "version": h.version},
        "variant": {"name": v.name, "audience": v.audience, "language": v.language},
        "review": {"status": review.status, "reviewed": format_date(review.reviewed, v.language),
                   "next_review": format_date(next_review(review.reviewed), v.language),
                   "reviewer": review.reviewer, "line": line},
        "labels": lab,
    }


def review_line(variant, handout, lab) -> str:
    review = variant.review
    if review.status != "approved":
        return lab["draft_review"].format(version=handout.version)
    who = review.reviewer + (f", {review.credentials}" if review.credentials else "")
    return lab["approved_review"].format(version=handout.version, reviewer=who,
                                         date=format_date(review.reviewed, variant.language),
                                         due=format_date(next_review(review.reviewed), variant.language))
