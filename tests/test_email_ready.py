"""E-mail-ready PDFs: working links, a readable QR code to the handout online, size budgets,
and the admissions variant's fillable appointment fields."""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pdfplumber
import pypdf
import pypdfium2
import pytest
import zxingcpp

from handoutpress.publish.build import build
from handoutpress.qa.pdfcheck import check_tagged_pdf
from project_copy import copy_project, edit

URL = "https://maplemountain.example.org/handouts/benzodiazepines/"  # + the variant's web page, <file>.html
MIN_QR = 72 * 2 / 2.54  # 2 cm, quiet zone included


def _entries(manifest):
    return [e for e in manifest["outputs"] if e["handout"] == "benzodiazepines"]


def _qr_figures(path):
    pdf = pikepdf.open(path)
    found = []

    def walk(elem):
        if str(elem.get("/S")) == "/Figure" and str(elem.get("/Alt", "")).startswith(("QR", "Código QR")):
            found.append(elem)
        kids = elem.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    walk(pdf.Root.StructTreeRoot.K[0])
    return pdf, found  # the figures live only while their Pdf does


def test_every_pdf_has_a_readable_qr_code_to_the_handout_and_prints_the_address(out_dir, manifest):
    for entry in _entries(manifest):
        path = out_dir / entry["path"]
        pdf, [figure] = _qr_figures(path)
        x0, y0, x1, y1 = (float(v) for v in figure.A.BBox)
        assert x1 - x0 >= MIN_QR and y1 - y0 >= MIN_QR, f"{entry['path']}: QR under 2 cm"
        assert "maplemountain.example.org/handouts/benzodiazepines" in str(figure.Alt)
        doc = pypdfium2.PdfDocument(path)
        decoded = {r.text for i in range(len(doc)) for r in zxingcpp.read_barcodes(doc[i].render(scale=2).to_pil())}
        assert decoded == {URL + entry["variant"] + ".html"}, entry["path"]  # that variant's web page
        with pdfplumber.open(path) as pdf:
            text = "".join((p.extract_text() or "") for p in pdf.pages).replace("\n", "")
        assert "maplemountain.example.org/handouts/benzodiazepines" in text


def test_contact_links_are_clickable(out_dir, manifest):
    for entry in _entries(manifest):
        uris = set()
        for page in pypdf.PdfReader(out_dir / entry["path"]).pages:
            for annot in page.get("/Annots") or []:
                action = annot.get_object().get("/A")
                if action and "/URI" in action:
                    uris.add(str(action["/URI"]))
        assert {"tel:+1-555-555-0142", "mailto:admissions@maplemountain.example.org",
                "https://maplemountain.example.org/", URL + entry["variant"] + ".html"} <= uris, entry["path"]


def test_size_budget_is_reported_and_met(out_dir, manifest, tmp_path):
    for entry in _entries(manifest):
        assert entry["bytes"] < 150 * 1024
        assert not [w for w in entry["warnings"] if w.startswith("size-budget")]
    root = copy_project(tmp_path, cli=False)
    edit(root, "handouts/benzodiazepines.yaml", "    max_pages: 4\n    max_grade: 8\n    max_kb: 100",
         "    max_pages: 4\n    max_grade: 8\n    max_kb: 20")
    report = build(root, ["benzodiazepines"], ["patient"], root / "out")
    assert report.problems == []
    [warning] = [w for w in report.warnings if w.code == "size-budget"]
    assert "over its e-mail budget of 20 KB" in warning.message
    assert (root / "out" / "benzodiazepines" / "maple-mountain-benzodiazepines-patient-en.pdf").exists()


@pytest.fixture
def admissions_pdf(out_dir, manifest):
    [entry] = [e for e in manifest["outputs"] if e["variant"] == "admissions"]
    return out_dir / entry["path"]


def test_admissions_variant_has_named_fillable_fields_tied_to_the_tags(admissions_pdf):
    pdf = pikepdf.open(admissions_pdf)
    fields = {str(f.T): f for f in pdf.Root.AcroForm.Fields}
    assert set(fields) == {"appointment_date", "appointment_time", "clinician"}
    assert {str(f.TU) for f in fields.values()} == {"Date", "Time", "Clinician"}
    assert "/NeedAppearances" not in pdf.Root.AcroForm
    font = pdf.Root.AcroForm.DR.Font.FieldFont
    assert "/FontFile2" in font.FontDescriptor and "/ToUnicode" in font, "the field font is embedded whole"
    parent_tree = dict(zip(pdf.Root.StructTreeRoot.ParentTree.Nums[0::2], pdf.Root.StructTreeRoot.ParentTree.Nums[1::2]))
    for field in fields.values():
        assert int(field.F) == 4 and "/N" in field.AP
        form = parent_tree[int(field.StructParent)]
        assert str(form.S) == "/Form"
        assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Obj") == field for k in form.K)
    assert check_tagged_pdf(admissions_pdf) == []


def test_staff_can_type_an_appointment_and_nothing_else_changes(admissions_pdf, tmp_path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(admissions_pdf))
    values = {"appointment_date": "Tuesday, 1 December 2026", "appointment_time": "10:30 am",
              "clinician": "Dr. Pétursson (test)"}
    writer.update_page_form_field_values(writer.pages[0], values, auto_regenerate=False)
    filled = tmp_path / "filled.pdf"
    writer.write(filled)
    assert {k: v.get("/V") for k, v in pypdf.PdfReader(filled).get_fields().items()} == values
    with pdfplumber.open(admissions_pdf) as pdf:
        first = pdf.pages[0].extract_text()
    assert "Your appointment" in first and "Benzodiazepines are commonly known" in first
