"""The file names of published outputs: pure string rules every stage may use."""
from __future__ import annotations

import re
import unicodedata


def slug(text: str) -> str:
    """'Maple Mountain' -> 'maple-mountain'; accents dropped so names survive every mail client."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_name(clinic_short: str, handout_id: str, variant: str, language: str) -> str:
    """e.g. maple-mountain-benzodiazepines-patient-en.pdf"""
    parts = [slug(clinic_short), handout_id, variant]
    if not variant.endswith("-" + language) and variant != language:
        parts.append(language)
    return "-".join(p for p in parts if p) + ".pdf"
