"""Several clinics in one repository: each variant prints its own clinic's details, and only those."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from handoutpress.publish.build import build
from handoutpress.publish.check import run as run_check

from project_copy import VISIT_FILE, copy_project, edit, line_of, run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "clinics"
MAPLE = ("Maple Mountain", "maplemountain", "555-0142", "555 555 0142", "5555550142")
RIVER = "maple-mountain-visit-patient-en.pdf", "riverbend-visit-patient-en.pdf", "riverbend-visit-on-maple-en.pdf"


def two_clinics(root: Path) -> Path:
    """The project with a second clinic: clinics/riverbend.yaml, its layout and mark, and the visit
    handout published for it twice: through the layout's clinic: and through the variant's."""
    (root / "clinics").mkdir()
    shutil.copy(FIXTURES / "riverbend.yaml", root / "clinics" / "riverbend.yaml")
    shutil.copy(FIXTURES / "riverbend-layout.yaml", root / "layouts" / "riverbend.yaml")
    shutil.copy(FIXTURES / "riverbend-mark.svg", root / "layouts" / "assets" / "riverbend-mark.svg")
    review = "review: {status: approved, reviewed: 2026-11-26, reviewer: Riverbend care team}"
    edit(root, VISIT_FILE, "  large-print:\n", f"  riverbend-patient: {{layout: riverbend, {review}}}\n"
         f"  riverbend-on-maple: {{layout: maple-mountain, clinic: riverbend, {review}}}\n  large-print:\n")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = two_clinics(copy_project(tmp_path_factory.mktemp("clinics") / "p"))
    report = build(root, ["visit"])
    assert not report.problems, report.problems
    return root


def _fills(pdf: Path) -> set:
    """The fill colours page 1 sets, as #rrggbb."""
    with pikepdf.open(pdf) as doc:
        return {"#" + "".join(f"{round(float(x) * 255):02x}" for x in ops)
                for ops, op in pikepdf.parse_content_stream(doc.pages[0]) if str(op) == "rg"}


def _everything(pdf: Path) -> str:
    """What a reader or a program gets from the file: text, metadata, XMP, alt texts, link targets."""
    with pdfplumber.open(pdf) as doc:
        text = " ".join((page.extract_text() or "") for page in doc.pages)
    with pikepdf.open(pdf) as doc:
        info = " ".join(str(v) for v in doc.docinfo.values())
        xmp = bytes(doc.Root.Metadata.read_bytes()).decode("utf-8")
        alts = " ".join(str(o.get("/Alt")) for o in doc.objects if isinstance(o, pikepdf.Dictionary) and "/Alt" in o)
        links = " ".join(str(a.A.get("/URI", "")) + str(a.get("/Contents", "")) for page in doc.pages
                         for a in page.get("/Annots", []) if "/A" in a)
    return "\n".join((text, info, xmp, alts, links))


@pytest.mark.parametrize("name", RIVER[1:])
def test_a_second_clinics_pdfs_carry_its_details_and_none_of_maple_mountains(built, name):
    pdf = built / "out" / "visit" / name
    everything = _everything(pdf)
    with pikepdf.open(pdf) as doc:
        assert str(doc.docinfo["/Author"]) == "Riverbend Community Clinic"
    assert "This handout is available in" not in everything  # Maple Mountain's large print is not Riverbend's
    for wanted in ("Riverbend", "(555) 555-0177", "tel:+1-555-555-0177", "riverbend.example.org",
                   "https://riverbend.example.org/leaflets/visit/", "Riverbend Community Clinic logo"):
        assert wanted in everything, wanted
    assert [m for m in MAPLE if m in everything] == []
    assert {"#1b5e8c", "#3c8d2f"} <= _fills(pdf)  # the clinic's own two-colour mark, in its colours


def test_the_default_clinics_pdf_of_the_same_handout_is_still_maple_mountains(built):
    everything = _everything(built / "out" / "visit" / RIVER[0])
    assert "Maple Mountain" in everything and "(555) 555-0142" in everything and "Riverbend" not in everything
    assert "#1b5e8c" not in _fills(built / "out" / "visit" / RIVER[0])


def test_the_catalog_groups_pdfs_by_clinic(built):
    manifest = json.loads((built / "out" / "manifest.json").read_text("utf-8"))
    clinics = {e["variant"]: e["clinic"] for e in manifest["outputs"]}
    assert clinics["riverbend-patient"] == clinics["riverbend-on-maple"] == "Riverbend Community Clinic"
    assert clinics["patient"] == "Maple Mountain Mental Health & Wellness Center"
    page = (built / "out" / "index.html").read_text("utf-8")
    assert '<th scope="col">Clinic</th>' in page
    assert page.count('<td data-label="Clinic">Riverbend Community Clinic</td>') == 2


def test_one_clinic_yaml_gives_no_clinic_column(tmp_path):
    root = copy_project(tmp_path / "p")
    assert not build(root, ["visit"], ["patient"]).problems
    assert "Clinic</th>" not in (root / "out" / "index.html").read_text("utf-8")


def test_clinics_alone_without_a_default_clinic(tmp_path):
    """With clinics/ holding every clinic, handouts/clinic.yaml may go; a variant naming none is told what to do."""
    root = two_clinics(copy_project(tmp_path / "p"))
    (root / "handouts" / "clinic.yaml").unlink()
    result = run_check(root, ["visit"])
    text = (root / VISIT_FILE).read_text("utf-8")
    unknown = [p for p in result.errors if p.code == "clinic-unknown"]
    assert {p.line for p in unknown} == {line_of(text, "  patient:") + 1, line_of(text, "  large-print:") + 1}
    assert all("add clinic: <id>" in p.fix and "riverbend" in p.fix for p in unknown)
    assert not [p for p in result.errors if p.code != "clinic-unknown"]


def test_a_malformed_clinic_file_is_an_error_at_its_line_not_a_traceback(tmp_path):
    root = two_clinics(copy_project(tmp_path / "p"))
    (root / "clinics" / "riverbend.yaml").write_text("name: Riverbend\nshort_name: [oops\n", "utf-8")
    done = run_cli(root, "build", "visit")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "clinics/riverbend.yaml:3:1: YAML syntax error" in done.stderr
    (root / "clinics" / "riverbend.yaml").write_text("name: Riverbend\nshort_name: Riverbend\n", "utf-8")
    done = run_cli(root, "check", "visit")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "clinics/riverbend.yaml" in done.stdout + done.stderr and "phone" in done.stdout + done.stderr
    assert not (root / "out" / "visit").exists()


def test_a_variant_naming_an_unknown_clinic_is_told_the_close_one(tmp_path):
    root = two_clinics(copy_project(tmp_path / "p"))
    text = edit(root, VISIT_FILE, "clinic: riverbend,", "clinic: riverbnd,")
    done = run_cli(root, "build", "visit")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    line = line_of(text, "clinic: riverbnd")
    assert f"handouts/visit.yaml:{line}:" in done.stderr and "did you mean 'riverbend'?" in done.stderr


def test_watch_rebuilds_every_handout_when_a_clinic_or_its_logo_changes(tmp_path):
    from handoutpress.designer.watch import affected, dependencies

    root = two_clinics(copy_project(tmp_path / "p"))
    deps = {"visit": dependencies(root, root / VISIT_FILE), "other": frozenset({"handouts/other.yaml"})}
    assert "layouts/assets/riverbend-mark.svg" in deps["visit"]
    assert affected({"clinics/riverbend.yaml"}, deps) == {"visit", "other"}
    assert affected({"layouts/assets/riverbend-mark.svg"}, deps) == {"visit"}
