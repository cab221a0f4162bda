"""Validators nobody here wrote, on every shipped variant and on a sample of generated handouts.

PyPI `page-validation` checks PDF/UA-1 (profile "ua1") and the PDF/A level every file claims
(PDF/A-2a, "2a"); PyPI `outloud` checks PDF/UA-1 and WCAG 2.2 with semantic rules a validator
cannot make (link text, table headers). No output may have a failure or an error-level finding.
"""
from __future__ import annotations

import shutil

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings

from handoutpress.publish.build import build
from handoutpress.qa.pdfcheck import check_tagged_pdf
from handoutpress.qa.tools import run_outloud, run_page_validation, run_pdfua
# the robustness suite's generator of hard but well-formed handouts, and its copied project
from test_robustness import dump, handouts, project  # noqa: F401  (project is a fixture)

PROFILES = ("ua1", "2a")  # PDF/UA-1, and PDF/A-2a as finish.py claims in XMP
# outloud recognises running footers only as lines that recur on two pages or more: on a one-page
# PDF it takes the footer line ("<id> · Version 1.0 · Reviewed ... · next review due ...", an
# /Artifact /Pagination /Footer, repeated as content in the closing block) for prose left out.
ONE_PAGE_TOLERATED = {"outloud:TAG-002"}
SAMPLE = 12  # generated handouts built and validated; each is built like test_robustness's


def pdf_words(path) -> list[str]:
    """The distinct folded words of a PDF's text layer as pdfium extracts them, page by page."""
    import pypdfium2

    from handoutpress.publish.catalog import words_of

    doc = pypdfium2.PdfDocument(str(path))
    try:
        return words_of(" ".join(page.get_textpage().get_text_range() for page in doc))
    finally:
        doc.close()


def test_search_words_are_the_words_a_reader_of_the_pdf_gets(manifest, out_dir):
    for entry in manifest["outputs"]:
        assert set(entry["words"].split()) == set(pdf_words(out_dir / entry["path"])), entry["path"]


def outloud_errors(path) -> list:
    with pikepdf.open(path) as pdf:
        tolerated = ONE_PAGE_TOLERATED if len(pdf.pages) == 1 else set()
    return [f for f in run_outloud(path) if f.code not in tolerated]


@pytest.mark.parametrize("profile", PROFILES)
def test_page_validation(manifest_pdf, profile):
    assert run_page_validation(manifest_pdf, profile) == []


def test_outloud_has_no_error(manifest_pdf):
    assert outloud_errors(manifest_pdf) == []


def test_generated_handouts_pass_the_validators(project):  # noqa: F811
    validated = []

    @settings(max_examples=SAMPLE, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=handouts(odd_values=False))
    def one(data):
        (project / "handouts" / "fuzz.yaml").write_text(dump(data), "utf-8")
        out = project / "validate-out"
        shutil.rmtree(out, ignore_errors=True)
        report = build(project, ["fuzz"], out_dir=out)
        for entry in report.written:
            pdf = out / entry["path"]
            found = [f for profile in PROFILES for f in run_page_validation(pdf, profile)]
            found += outloud_errors(pdf) + check_tagged_pdf(pdf) + run_pdfua(pdf)
            assert found == [], f"{entry['path']} from\n{dump(data)[:3000]}"
            validated.append(entry["path"])

    one()
    assert len(validated) >= 4, f"only {len(validated)} PDFs built from {SAMPLE} generated handouts"


def test_generated_handouts_search_words_are_the_words_pdfium_reads_back(project):  # noqa: F811
    """The catalog's search words come from the text layer as drawn (RenderedPDF.text): on generated
    handouts too, they are the words pdfium extracts from the finished PDF."""
    compared = []

    @settings(max_examples=SAMPLE * 2, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=handouts(odd_values=False))
    def one(data):
        (project / "handouts" / "words.yaml").write_text(dump(data), "utf-8")
        out = project / "words-out"
        shutil.rmtree(out, ignore_errors=True)
        for entry in build(project, ["words"], out_dir=out).written:
            assert set(entry["words"].split()) == set(pdf_words(out / entry["path"])), dump(data)[:3000]
            compared.append(entry["path"])

    one()
    assert len(compared) >= 3, f"only {len(compared)} PDFs built from {SAMPLE * 2} generated handouts"
