"""Packets (`publish.py packet`): one PDF of several published handouts, read back as a reader gets it.

They use the session build of conftest.py: the shipped handout's approved patient, large-print and
fillable admissions PDFs make a packet of three, with its drafts for the refusals.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from handoutpress.errors import PublishError
from handoutpress.publish import packet as packets

ROOT = Path(__file__).resolve().parents[1]
THREE = ["benzodiazepines:patient", "benzodiazepines:large-print", "benzodiazepines:admissions"]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "publish.py"), "packet", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def three(out_dir, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("packet") / "visit.pdf"
    done = _run(str(target), *THREE, "--out", str(out_dir), "--slip")
    assert done.returncode == 0, done.stderr
    assert "3 handouts" in done.stdout and "Traceback" not in done.stderr
    return target


def _entries(manifest, specs):
    return [next(e for e in manifest["outputs"] if f"{e['handout']}:{e['variant']}" == s) for s in specs]


def test_a_packet_is_the_cover_then_each_handout_as_published_then_the_slip(three, out_dir, manifest):
    import pypdfium2

    entries = _entries(manifest, THREE)
    doc = pypdfium2.PdfDocument(str(three))
    texts = [page.get_textpage().get_text_range() for page in doc]
    assert len(texts) == 1 + sum(e["pages"] for e in entries) + 1
    cover = texts[0]
    assert "Handout packet" in cover and "3 handouts" in cover
    for e in entries:
        assert e["variant"] in cover and e["version"] in cover
    # every handout's pages are its published pages: same text, same furniture, its own page numbers
    at = 1
    for e in entries:
        own = pypdfium2.PdfDocument(str(out_dir / e["path"]))
        for n, page in enumerate(own):
            assert texts[at] == page.get_textpage().get_text_range(), (e["variant"], n)
            assert f"Page {n + 1} of {e['pages']}" in " ".join(texts[at].split())
            at += 1
    assert "What was given" in texts[-1] and "without any patient information" in texts[-1]
    pdf = pikepdf.open(three)
    labels = pdf.Root.PageLabels.Nums
    assert [int(labels[i]) for i in range(0, len(labels), 2)] == [0, 1, 1 + entries[0]["pages"],
                                                                  1 + entries[0]["pages"] + entries[1]["pages"],
                                                                  len(texts) - 1]


def test_bookmarks_name_each_handout_with_its_own_outline_beneath(three, manifest):
    entries = _entries(manifest, THREE)
    pdf = pikepdf.open(three)
    with pdf.open_outline() as outline:
        top = [(item.title, pdf.pages.index(pikepdf.Page(item.destination[0])), len(item.children))
               for item in outline.root]
    starts = [1, 1 + entries[0]["pages"], 1 + entries[0]["pages"] + entries[1]["pages"]]
    assert top[0][:2] == ("Packet contents", 0)
    assert [t[:2] for t in top[1:4]] == [(f"{e['title']} ({e['variant']})", s) for e, s in zip(entries, starts)]
    assert all(t[2] > 3 for t in top[1:4])  # each handout's own section bookmarks, under its name
    assert top[4][0] == "What was given"


def _struct_kids(element):
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def test_tags_are_one_tree_with_a_part_per_handout_and_consistent_keys(three, manifest):
    pdf = pikepdf.open(three)
    root = pdf.Root.StructTreeRoot
    (document,) = _struct_kids(root)
    assert document.S == "/Document"
    parts = _struct_kids(document)
    assert [p.S for p in parts] == ["/Part"] * 5
    assert [str(p.T) for p in parts][1:4] == [f"{e['title']} ({e['variant']})" for e in _entries(manifest, THREE)]
    # the parent tree: every page's StructParents and every annotation's StructParent is a key of it,
    # and an annotation's key leads to the element that holds that very annotation
    nums = root.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert int(root.ParentTreeNextKey) > max(tree)
    seen = Counter()
    pages = {p.obj.objgen for p in pdf.pages}
    for page in pdf.pages:
        key = int(page.obj.StructParents)
        seen[key] += 1
        assert isinstance(tree[key], pikepdf.Array) and all(e.Pg.objgen in pages for e in tree[key] if "/Pg" in e)
        for annot in page.obj.get("/Annots", []):
            key = int(annot.StructParent)
            seen[key] += 1
            holder = tree[key]
            assert any(k.get("/Obj") is not None and k.Obj.objgen == annot.objgen for k in _struct_kids(holder)
                       if isinstance(k, pikepdf.Dictionary))
    assert max(seen.values()) == 1  # no key is used twice
    fields = pdf.Root.AcroForm.Fields
    assert len(fields) == 3 and {str(f.T) for f in fields} >= {"appointment_date"}


def test_the_packet_passes_the_validators(three, out_dir, manifest):
    import page

    from handoutpress.qa import pdfcheck, tools

    for profile in ("ua1", "2a"):
        report = page.validate_pdf(str(three), profile=profile)
        assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
    assert tools.run_qpdf_check(three) == []
    assert pdfcheck.check_tagged_pdf(three) == []
    # outloud: no error-level finding, as for every published PDF
    assert tools.run_outloud(three) == []


def test_same_request_same_bytes(three, out_dir, tmp_path):
    again = tmp_path / "again.pdf"
    assert _run(str(again), *THREE, "--out", str(out_dir), "--slip").returncode == 0
    assert again.read_bytes() == three.read_bytes()


def test_a_handout_without_a_variant_is_its_patient_variant_and_a_draft_needs_the_flag(out_dir, tmp_path, manifest):
    target = tmp_path / "p.pdf"
    refused = _run(str(target), "benzodiazepines", "benzodiazepines:family", "--out", str(out_dir))
    assert refused.returncode == 2 and not target.exists()
    assert "benzodiazepines:family is a draft" in refused.stderr and "--include-drafts" in refused.stderr
    done = _run(str(target), "benzodiazepines", "benzodiazepines:family", "--out", str(out_dir), "--include-drafts")
    assert done.returncode == 0 and "DRAFT" in done.stdout
    import pypdfium2

    cover = pypdfium2.PdfDocument(str(target))[0].get_textpage().get_text_range()
    assert "Contains drafts" in cover and "not for patients" in cover
    assert "patient (approved)" in cover and "family (draft)" in cover


@pytest.mark.parametrize("specs, says", [
    (["nope"], "no published handout 'nope'"),
    (["benzodiazepines:nope"], "has no published variant 'nope'; use one of: admissions, clinician"),
    (["benzodiazepines", "benzodiazepines:patient"], "is named twice"),
    ([f"h{n}" for n in range(300)], "300 handouts asked for; a packet holds at most 20"),
])
def test_bad_requests_are_usage_errors_that_write_nothing(out_dir, tmp_path, specs, says):
    target = tmp_path / "p.pdf"
    done = _run(str(target), *specs, "--out", str(out_dir))
    assert done.returncode == 2 and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and list(tmp_path.iterdir()) == []


def test_a_missing_published_file_is_a_content_error(out_dir, tmp_path, manifest):
    out = tmp_path / "out"
    shutil.copytree(out_dir, out)
    (out / _entries(manifest, ["benzodiazepines:patient"])[0]["path"]).unlink()
    done = _run(str(tmp_path / "p.pdf"), "benzodiazepines:patient", "--out", str(out))
    assert done.returncode == 1 and "the published PDF is missing" in done.stderr
    none = _run(str(tmp_path / "p.pdf"), "benzodiazepines", "--out", str(tmp_path / "nothing"))
    assert none.returncode == 1 and "nothing published yet" in none.stderr
    assert not (tmp_path / "p.pdf").exists()


def test_choose_reads_only_safe_manifest_paths():
    outputs = [{"handout": "x", "variant": "patient", "status": "approved", "path": "../etc/x.pdf"},
               {"handout": "y", "variant": "patient", "status": "approved", "path": "/abs/y.pdf"}]
    with pytest.raises(PublishError) as caught:
        packets.choose(outputs, ["x", "y"])
    assert [p.code for p in caught.value.problems] == ["packet-unknown-handout"] * 2


def test_the_child_process_reports_problems_as_data(out_dir):
    with pytest.raises(PublishError) as caught:
        packets.build_in_child(ROOT, out_dir, ["benzodiazepines:family"], include_drafts=False, slip=False)
    assert [p.code for p in caught.value.problems] == ["packet-draft"]
    data = packets.build_in_child(ROOT, out_dir, ["benzodiazepines"], include_drafts=False, slip=False)
    assert data.startswith(b"%PDF-") and len(pikepdf.open(io.BytesIO(data)).pages) == 1 + 4
