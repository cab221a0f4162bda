"""The pipeline and the command line: partial failure, atomic writes, usage errors, variants, file names."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from handoutpress import names
from handoutpress.publish import output
from handoutpress.publish.build import build

from project_copy import (LARGE_PDF, MINI, PATIENT_PDF, VISIT_FILE, column_of, copy_project, edit, line_of,
                          run_cli)

OLD = 1_000_000_000  # an mtime far in the past: any rewrite of a file would show


def _snapshot(folder: Path) -> dict:
    """Bytes and mtime of every file under folder, by relative path."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _age(paths) -> None:
    for p in paths:
        os.utime(p, (OLD, OLD))


def _manifest(out: Path) -> dict:
    return {(e["handout"], e["variant"]): e for e in json.loads((out / "manifest.json").read_text())["outputs"]}


def _temp_files(folder: Path) -> list:
    return [p for p in folder.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]


@pytest.fixture
def project(tmp_path):
    """A copy of the project with two small handouts of the tests' own: visit and sleep."""
    root = copy_project(tmp_path / "project")
    (root / "handouts" / "sleep.yaml").write_text(MINI)
    return root


# ---- a broken handout does not stop the others, and keeps its earlier PDFs ----------------------------
def test_content_error_is_placed_others_publish_and_earlier_pdfs_are_untouched(project):
    out = project / "out"
    first = run_cli(project, "build", "visit", "sleep")
    assert first.returncode == 0, first.stderr
    visit = sorted((out / "visit").glob("*.pdf"))
    assert [p.name for p in visit] == ["maple-mountain-visit-large-print-en.pdf", "maple-mountain-visit-patient-en.pdf"]
    _age(visit)
    before = _snapshot(out / "visit")
    manifest_before = _manifest(out)

    text = edit(project, VISIT_FILE, "subtitle: What", "subtitel: What")
    second = run_cli(project, "build", "visit", "sleep", "--force")  # --force: sleep is written, not skipped

    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    place = f"{VISIT_FILE}:{line_of(text, 'subtitel:')}:{column_of(text, 'What to expect')}"
    assert f"error: {place}: subtitel: unknown key 'subtitel'; did you mean 'subtitle'?" in second.stderr
    assert f"not published: {VISIT_FILE}" in second.stderr
    assert "wrote sleep/maple-mountain-sleep-patient-en.pdf" in second.stdout
    assert "visit/" not in second.stdout
    assert _snapshot(out / "visit") == before  # byte for byte, and not even rewritten
    manifest = _manifest(out)
    for key, entry in manifest_before.items():
        if key[0] == "visit":
            assert manifest[key] == entry  # the published PDFs stay listed
    assert ("sleep", "patient") in manifest
    assert not _temp_files(out)


def test_content_error_through_the_library(project):
    out = project / "out"
    assert not build(project, ["visit", "sleep"], out_dir=out).problems
    _age((out / "visit").glob("*.pdf"))
    before = _snapshot(out / "visit")
    text = edit(project, VISIT_FILE, "- [10-40 min, Interview, Clinician]", "- [10-40 min, Interview]")
    report = build(project, ["visit", "sleep"], out_dir=out, force=True)
    (problem,) = report.problems
    assert (problem.file, problem.line) == (VISIT_FILE, line_of(text, "[10-40 min,"))
    assert report.failed == [VISIT_FILE]
    assert [(e["handout"], e["variant"]) for e in report.written] == [("sleep", "patient")]
    assert _snapshot(out / "visit") == before


def test_variant_over_its_page_budget_keeps_its_earlier_pdf_and_names_the_budget_line(project):
    out = project / "out"
    assert not build(project, ["visit"], out_dir=out).problems
    large = out / "visit" / "maple-mountain-visit-large-print-en.pdf"
    _age([large])
    before = large.read_bytes(), large.stat().st_mtime_ns
    text = edit(project, VISIT_FILE, "layout: maple-mountain-large-print\n",
                "layout: maple-mountain-large-print\n    max_pages: 1\n")
    report = build(project, ["visit"], out_dir=out)
    (problem,) = report.problems
    assert "the large-print variant takes 2 pages, over its budget of 1" in problem.message
    assert (large.read_bytes(), large.stat().st_mtime_ns) == before
    assert [e["variant"] for e in report.written] == ["patient"]  # the other variant still publishes
    assert ("visit", "large-print") in _manifest(out)
    assert (problem.file, problem.line, problem.path) == (VISIT_FILE, line_of(text, "max_pages: 1"),
                                                          "variants.large-print.max_pages")


# ---- atomic writes ------------------------------------------------------------------------------------
def test_write_atomic_creates_folders_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "a" / "b" / "x.pdf"
    output.write_atomic(target, b"one")
    assert target.read_bytes() == b"one"
    output.write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]


def test_write_atomic_gives_the_usual_permissions(tmp_path):
    """A PDF meant to be shared must not come out private (mkstemp's 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    target = tmp_path / "x.pdf"
    output.write_atomic(target, b"data")
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_write_failing_midway_keeps_the_previous_file_and_no_temp(tmp_path, monkeypatch, error):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"previous")
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            self.f.flush()
            raise error

        def __getattr__(self, name):
            return getattr(self.f, name)

    monkeypatch.setattr(output.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(type(error)):
        output.write_atomic(target, b"new content that never fully lands")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


@pytest.mark.parametrize("call, error", [("replace", OSError(13, "Permission denied")),
                                         ("fsync", OSError(5, "Input/output error"))])
def test_failed_rename_or_fsync_keeps_the_previous_file_and_no_temp(tmp_path, monkeypatch, call, error):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"previous")

    def fail(*args):
        raise error

    monkeypatch.setattr(output.os, call, fail)
    with pytest.raises(OSError):
        output.write_atomic(target, b"new")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


# ---- the command line ---------------------------------------------------------------------------------
@pytest.fixture
def cli_root(tmp_path):
    return copy_project(tmp_path / "project")


@pytest.mark.parametrize("args, says", [
    (["build", "--bogus"], "unrecognized arguments: --bogus"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["build", "--variant"], "expected one argument"),
    (["--nope"], "unrecognized arguments: --nope"),
])
def test_usage_errors_exit_2(cli_root, args, says):
    result = run_cli(cli_root, *args)
    assert result.returncode == 2
    assert "usage:" in result.stderr and says in result.stderr
    assert "Traceback" not in result.stderr
    assert not (cli_root / "out").exists()


def test_no_command_shows_help_and_exits_2(cli_root):
    result = run_cli(cli_root)
    assert result.returncode == 2
    assert "build" in result.stdout + result.stderr


@pytest.mark.parametrize("args", [["--help"], ["-h"]])
def test_help_exits_0_and_mentions_build(cli_root, args):
    result = run_cli(cli_root, *args)
    assert result.returncode == 0
    assert "build" in result.stdout and "usage:" in result.stdout
    assert not (cli_root / "out").exists()


def test_build_help_lists_its_options(cli_root):
    result = run_cli(cli_root, "build", "--help")
    assert result.returncode == 0
    for word in ("--variant", "--out", "HANDOUT"):
        assert word in result.stdout


def test_unknown_handout_name_is_a_usage_error_with_the_known_names(cli_root):
    result = run_cli(cli_root, "build", "nosuch")
    assert result.returncode == 2
    assert "publish.py build: nosuch: no such handout; known handouts (file names in handouts/ without .yaml): " \
           "benzodiazepine-taper-worksheet, benzodiazepines, safe-storage-and-disposal" in result.stderr
    assert "Traceback" not in result.stderr
    assert "wrote " not in result.stdout
    assert not list(cli_root.glob("out/**/*.pdf"))


def test_unknown_variant_is_a_usage_error_naming_the_variants(cli_root):
    result = run_cli(cli_root, "build", "benzodiazepines", "--variant", "nosuch")
    assert result.returncode == 2
    assert "no variant named nosuch" in result.stderr and "patient" in result.stderr
    assert "large-print" in result.stderr and "Traceback" not in result.stderr


def test_one_variant_is_built_and_the_manifest_keeps_the_other(cli_root):
    out = cli_root / "out"
    first = run_cli(cli_root, "build", "benzodiazepines", "--variant", "patient", "--variant", "large-print")
    assert first.returncode == 0, first.stderr
    _age([out / PATIENT_PDF])
    patient_before = (out / PATIENT_PDF).read_bytes(), (out / PATIENT_PDF).stat().st_mtime_ns
    manifest_before = _manifest(out)

    result = run_cli(cli_root, "build", "benzodiazepines", "--variant", "large-print", "--force")

    assert result.returncode == 0, result.stderr
    wrote = [line for line in result.stdout.splitlines() if line.startswith("wrote ")]
    assert len(wrote) == 1 and wrote[0].startswith(f"wrote {LARGE_PDF} ")
    assert ((out / PATIENT_PDF).read_bytes(), (out / PATIENT_PDF).stat().st_mtime_ns) == patient_before
    manifest = _manifest(out)
    assert manifest[("benzodiazepines", "patient")] == manifest_before[("benzodiazepines", "patient")]
    assert set(manifest) == set(manifest_before)
    large = manifest[("benzodiazepines", "large-print")]
    assert large["sha256"] == hashlib.sha256((out / LARGE_PDF).read_bytes()).hexdigest()
    assert not _temp_files(out)


def test_file_names_and_manifest(cli_root, tmp_path):
    out = tmp_path / "elsewhere"
    result = run_cli(cli_root, "build", "--out", str(out), "--variant", "patient", "--variant", "large-print")
    assert result.returncode == 0, result.stderr
    assert (out / PATIENT_PDF).is_file() and (out / LARGE_PDF).is_file()
    assert PATIENT_PDF == "benzodiazepines/maple-mountain-benzodiazepines-patient-en.pdf"
    assert LARGE_PDF == "benzodiazepines/maple-mountain-benzodiazepines-large-print-en.pdf"
    assert not (cli_root / "out").exists()  # --out is honoured
    manifest = _manifest(out)
    for (handout, variant), entry in manifest.items():
        data = (out / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert data.startswith(b"%PDF-")
    assert manifest[("benzodiazepines", "patient")]["path"] == PATIENT_PDF
    assert manifest[("benzodiazepines", "patient")]["audience"] == "patient"
    assert manifest[("benzodiazepines", "patient")]["language"] == "en"
    assert manifest[("benzodiazepines", "large-print")]["path"] == LARGE_PDF


@pytest.mark.parametrize("clinic, handout, variant, language, name", [
    ("Maple Mountain", "benzodiazepines", "patient", "en", "maple-mountain-benzodiazepines-patient-en.pdf"),
    ("Maple Mountain", "benzodiazepines", "large-print", "en",
     "maple-mountain-benzodiazepines-large-print-en.pdf"),
    ("Maple Mountain", "benzodiazepines", "patient-es", "es", "maple-mountain-benzodiazepines-patient-es.pdf"),
    ("Maple Mountain", "benzodiazepines", "es", "es", "maple-mountain-benzodiazepines-es.pdf"),
    ("Clínica Señora & Co.", "sleep", "patient", "es", "clinica-senora-co-sleep-patient-es.pdf"),
])
def test_file_name(clinic, handout, variant, language, name):
    assert names.file_name(clinic, handout, variant, language) == name


@pytest.mark.parametrize("errno_, raised", [(5, True), (38, False)])  # EIO: the data did not land; ENOSYS: no syncfs
def test_a_failed_flush_of_many_files_is_an_error_and_no_syncfs_falls_back_to_fsync(tmp_path, monkeypatch, errno_,
                                                                                   raised):
    import ctypes

    class Libc:
        def syncfs(self, fd):
            ctypes.set_errno(errno_)
            return -1

    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: Libc())
    staged = [output.stage(tmp_path / f"f{n}.pdf", b"new") for n in range(output.FEW + 1)]
    fsyncs = []
    real_fsync = os.fsync
    monkeypatch.setattr(output.os, "fsync", lambda fd: fsyncs.append(fd) or real_fsync(fd))
    if raised:
        with pytest.raises(OSError, match="Input/output error"):
            output.sync(staged)
        assert fsyncs == []
    else:
        output.sync(staged)
        assert len(fsyncs) == len(staged)
    output.discard(staged)
    assert list(tmp_path.iterdir()) == []
