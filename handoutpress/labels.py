"""Fixed words printed on every handout, per language. Content never comes from here."""
from __future__ import annotations

import datetime as _dt

LABELS = {
    "en": {
        "page": "Page", "of": "of", "version": "Version", "reviewed": "Reviewed",
        "next_review": "next review due", "sources": "Sources", "draft": "DRAFT",
        "draft_notice": "Draft - not for distribution", "status_in-review": "In review",
        "draft_title": "DRAFT - {title}",
        "contact_heading": "Contact us",
        "call": "Call admissions", "visit": "Visit", "email": "Email",
        "available_large_languages": "This handout is available in large print and in {languages}. Call {phone}.",
        "available_large": "This handout is available in large print. Call {phone}.",
        "available_languages": "This handout is available in {languages}. Call {phone}.",
        "and": "and",
        "disclaimer": "This handout does not replace advice from your care team.",
        "approved_review": "Version {version}, reviewed by {reviewer} on {date}. Next review due {due}.",
        "draft_review": "Version {version} is a draft: it has not been approved for use with patients.",
        "placeholder": "placeholder",
        "scan": "Latest version:",
        "appointment": "Your appointment",
        "appointment_date": "Date", "appointment_time": "Time", "clinician": "Clinician",
        "qr_alt": "QR code linking to {url}",
        "source_link": "Source {n}: {text}",
        "logo_alt": "{name} logo",
        "unchecked": "unchecked",
        "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"],
        "date": "{month} {day}, {year}",
    },
    "es": {
        "page": "Página", "of": "de", "version": "Versión", "reviewed": "Revisado",
        "next_review": "próxima revisión", "sources": "Fuentes", "draft": "BORRADOR",
        "draft_notice": "Borrador - no distribuir", "status_in-review": "En revisión",
        "draft_title": "BORRADOR - {title}",
        "contact_heading": "Contáctenos",
        "call": "Llame a admisiones", "visit": "Visite", "email": "Correo electrónico",
        "available_large_languages": "Este folleto está disponible en letra grande y en {languages}. Llame al {phone}.",
        "available_large": "Este folleto está disponible en letra grande. Llame al {phone}.",
        "available_languages": "Este folleto está disponible en {languages}. Llame al {phone}.",
        "and": "y",
        "disclaimer": "Este folleto no reemplaza los consejos de su equipo de atención.",
        "approved_review": "Versión {version}, revisada por {reviewer} el {date}. Próxima revisión: {due}.",
        "draft_review": "La versión {version} es un borrador: no ha sido aprobada para su uso con pacientes.",
        "placeholder": "marcador de posición",
        "scan": "Versión más reciente:",
        "appointment": "Su cita",
        "appointment_date": "Fecha", "appointment_time": "Hora", "clinician": "Profesional clínico",
        "qr_alt": "Código QR que enlaza a {url}",
        "source_link": "Fuente {n}: {text}",
        "logo_alt": "Logotipo de {name}",
        "unchecked": "sin marcar",
        "months": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                   "octubre", "noviembre", "diciembre"],
        "date": "{day} de {month} de {year}",
    },
}


# Each language by its own name, as its readers look for it ("español", not "Spanish"); a language
# not listed is named by its code. Latin-script names only: the body fonts print these.
LANGUAGE_NAMES = {
    "en": "English", "es": "español", "fr": "français", "pt": "português", "it": "italiano", "de": "Deutsch",
    "vi": "Tiếng Việt", "tl": "Tagalog", "pl": "polski", "ht": "Kreyòl ayisyen", "so": "Soomaali",
    "nl": "Nederlands", "ro": "română", "sw": "Kiswahili", "tr": "Türkçe", "id": "Bahasa Indonesia",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.split("-")[0], code)


def availability(language: str, large_print: bool, languages: tuple, phone: str) -> str:
    """The closing line offering only what exists: large print, other languages, both, or nothing ("")."""
    lab = labels_for(language)
    names = [language_name(code) for code in languages]
    listed = ", ".join(names[:-1]) + f" {lab['and']} " + names[-1] if len(names) > 1 else "".join(names)
    key = "available_large_languages" if large_print and names else "available_large" if large_print else \
        "available_languages" if names else ""
    return lab[key].format(languages=listed, phone=phone) if key else ""


def labels_for(language: str) -> dict:
    """Labels for a language code such as 'es' or 'es-US'; English when unknown."""
    return LABELS.get(language.split("-")[0], LABELS["en"])


def document_title(title: str, status: str, language: str) -> str:
    """The title a PDF reader shows and reads first: a draft's says that it is one."""
    return title if status == "approved" else labels_for(language)["draft_title"].format(title=title)


def format_date(iso: str, language: str) -> str:
    if not iso:
        return ""
    d = _dt.date.fromisoformat(iso)
    lab = labels_for(language)
    return lab["date"].format(month=lab["months"][d.month - 1], day=d.day, year=d.year)


def next_review(iso: str, months: int = 24) -> str:
    """The date a review falls due again: 24 months later, as StayWell and A.D.A.M. re-review."""
    if not iso:
        return ""
    d = _dt.date.fromisoformat(iso)
    year, month = d.year + (d.month - 1 + months) // 12, (d.month - 1 + months) % 12 + 1
    day = min(d.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
                      31, 31, 30, 31, 30, 31][month - 1])
    return _dt.date(year, month, day).isoformat()
