"""Fixed words of the web page, per language (the printed ones come from labels.py)."""
from __future__ import annotations

WORDS = {
    "en": {
        "note": "Note", "emergency": "Emergency", "versions": "This handout in other formats",
        "pdf": "Print or download the PDF", "back": "Back to the text", "contact": "Contact",
        "address": "Address", "skip": "Skip to the handout",
        "pdf_pages": "{pages} pages",
    },
    "es": {
        "note": "Nota", "emergency": "Emergencia", "versions": "Este folleto en otros formatos",
        "pdf": "Imprimir o descargar el PDF", "back": "Volver al texto", "contact": "Contacto",
        "address": "Dirección", "skip": "Ir al folleto",
        "pdf_pages": "{pages} páginas",
    },
}
# Language names in their own language, as language switchers show them.
AUTONYMS = {"en": "English", "es": "español", "fr": "français", "pt": "português", "zh": "中文",
            "vi": "Tiếng Việt", "ar": "العربية", "ko": "한국어", "ru": "русский", "ht": "kreyòl ayisyen",
            "tl": "Tagalog"}


def words_for(language: str) -> dict:
    return WORDS.get(language.split("-")[0], WORDS["en"])


def autonym(language: str) -> str:
    return AUTONYMS.get(language.split("-")[0], language)
