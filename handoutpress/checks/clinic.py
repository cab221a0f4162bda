"""Checks of the clinic file: phone numbers, web and e-mail addresses, placeholders."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

from ..errors import Problem

PHONE = re.compile(r"^(\+1[ -])?(\(\d{3}\) |\d{3}[-. ])\d{3}[-. ]\d{4}$")
PLACEHOLDER_PHONE = re.compile(r"555[-. ]?01\d\d")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def _warn(problem: Problem) -> Problem:
    return replace(problem, severity="warning")


# ---- the clinic file ------------------------------------------------------------------------
def clinic_problems(clinic_path: Path, shown: str) -> list[Problem]:
    """Phone numbers, web and e-mail addresses well formed; placeholders reported."""
    from ..load.yamlio import load

    doc = load(clinic_path, shown)
    data = doc.data if isinstance(doc.data, dict) else {}
    out = []
    for key in ("phone", "web", "email", "address", "handout_url"):
        entry = data.get(key)
        if not isinstance(entry, dict):
            continue
        value, link = str(entry.get("value", "")), str(entry.get("link", ""))
        at = (key, "value")
        if key == "phone":
            if not PHONE.match(value):
                out.append(doc.problem(at, f"'{value}' is not a phone number in the form (555) 555-0123",
                                       "write it as (NNN) NNN-NNNN", "clinic-phone"))
            digits = re.sub(r"\D", "", value)
            if link and re.sub(r"\D", "", link).removeprefix("1") != digits.removeprefix("1"):
                out.append(doc.problem((key, "link"), f"the link '{link}' does not dial {value}",
                                       f"write tel:+1-{digits[-10:-7]}-{digits[-7:-4]}-{digits[-4:]}",
                                       "clinic-phone"))
        if key in ("web", "handout_url"):
            url = urlparse(link or value)
            if url.scheme != "https" or "." not in url.netloc:
                out.append(doc.problem((key, "link") if link else at, f"'{link or value}' is not an https address",
                                       "write the full address, e.g. https://clinic.example.org/", "clinic-url"))
        if key == "email" and not EMAIL.match(value):
            out.append(doc.problem(at, f"'{value}' is not an e-mail address", "write it as name@domain.org",
                                   "clinic-email"))
        if entry.get("placeholder") or PLACEHOLDER_PHONE.search(value) or "example." in value:
            out.append(_warn(doc.problem(at, f"{key} '{value}' is a placeholder",
                                         "replace it with the clinic's real details and set placeholder: false",
                                         "clinic-placeholder")))
    return out
