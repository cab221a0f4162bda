"""The closing line offers only the large print and languages a handout really has."""
from __future__ import annotations

from dataclasses import replace

import pdfplumber

from handoutpress.labels import availability
from handoutpress.model import Place, Review, Variant
from handoutpress.publish.build import build
from handoutpress.resolve.variants import alternatives

from project_copy import VISIT_FILE, copy_project, edit

P = Place("t.yaml", 1, 1, "variants")
OK = Review("approved", "2026-11-26", "Team")


def variant(name, language="en", layout="maple-mountain", status="approved", clinic=""):
    return Variant(name=name, audience="patient", language=language, layout=layout,
                   review=replace(OK, status=status), place=P, clinic=clinic)


class H:
    def __init__(self, *variants):
        self.variants = variants


def test_large_print_and_languages_come_from_the_approved_variants():
    patient, large = variant("patient"), variant("large-print", layout="maple-mountain-large-print")
    es, fr_draft = variant("paciente", "es"), variant("patient-fr", "fr", status="draft")
    handout = H(patient, large, es, fr_draft)
    assert alternatives(handout, patient) == (True, ("es",))
    assert alternatives(handout, large) == (False, ("es",))  # large print does not offer itself
    assert alternatives(handout, es) == (False, ("en",))  # English large print is not Spanish large print
    assert alternatives(H(patient), patient) == (False, ())
    assert alternatives(H(patient, variant("other", "es", clinic="riverbend")), patient) == (False, ())


def test_the_line_names_languages_in_their_own_names_or_says_nothing():
    assert availability("en", True, ("es",), "555") == ("This handout is available in large print and in español. "
                                                        "Call 555.")
    assert availability("en", False, ("es", "fr", "vi"), "555") == ("This handout is available in español, français "
                                                                    "and Tiếng Việt. Call 555.")
    assert availability("es", False, ("en",), "555") == "Este folleto está disponible en English. Llame al 555."
    assert availability("es", True, (), "555") == "Este folleto está disponible en letra grande. Llame al 555."
    assert availability("en", False, (), "555") == ""


def _text(pdf):
    with pdfplumber.open(pdf) as doc:
        return " ".join((page.extract_text() or "") for page in doc.pages).replace("\n", " ")


def test_published_pdfs_offer_only_what_exists(tmp_path):
    root = copy_project(tmp_path / "p")
    assert not build(root, ["visit"]).problems
    out = root / "out" / "visit"
    assert "This handout is available in large print. Call (555) 555-0142." in _text(
        out / "maple-mountain-visit-patient-en.pdf")
    large = _text(out / "maple-mountain-visit-large-print-en.pdf")
    assert "available in" not in large and "does not replace advice" in large
    edit(root, VISIT_FILE, "  large-print:\n    audience: patient\n    layout: maple-mountain-large-print\n", "")
    assert not build(root, ["visit"], ["patient"]).problems
    assert "available in" not in _text(out / "maple-mountain-visit-patient-en.pdf")
