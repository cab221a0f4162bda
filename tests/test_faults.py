"""Issue 12: inputs and file-system faults that used to end in a traceback or a wrong file now end in a clear
error at their place (exit 1), and out/ stays as it was."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handoutpress.load.yamlio import load
from handoutpress.publish.build import build

from project_copy import MINI, copy_project, run_cli


def _snapshot(out: Path) -> dict:
    """Every visible file in out/ (the lock and temp files are hidden): relative path -> bytes."""
    if not out.is_dir():
        return {}
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)}


def _one_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


# ---------------------------------------------------------------- a bare '=' is text

@pytest.mark.parametrize("where", ["handout", "layout", "clinic"])
def test_a_bare_equals_sign_is_text_in_every_yaml_file(tmp_path, where):
    root = copy_project(tmp_path / "project")
    if where == "handout":
        (root / "handouts" / "sleep.yaml").write_text(MINI.replace("version:", "subtitle: =\nversion:"))
    elif where == "layout":
        (root / "layouts" / "eq.yaml").write_text("extends: maple-mountain\ndescription: =\n")
        (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: eq"))
    else:
        clinic = root / "handouts" / "clinic.yaml"
        clinic.write_text(clinic.read_text("utf-8").replace("tagline: Mental Health & Wellness", "tagline: ="))
        (root / "handouts" / "sleep.yaml").write_text(MINI)
    result = run_cli(root, "build", "sleep")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_the_loader_reads_a_bare_equals_sign_as_the_text_it_is(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: =\nb: [=, x]\n")
    doc = load(path)
    assert doc.data == {"a": "=", "b": ["=", "x"]}
    assert doc.where(("a",)) == (1, 4)


# ---------------------------------------------------------------- names too long for the file system

@pytest.mark.parametrize("edit, line, path, code", [
    (lambda t: t.replace("id: sleep", "id: " + "a" * 215), 1, "id", "schema-too-long"),
    (lambda t: t.replace("layout: maple-mountain", "layout: maple-mountain\n    file_name: " + "b" * 250), 13,
     "variants.patient.file_name", "schema-too-long"),
    (lambda t: t.replace("  patient:", "  " + "v" * 190 + ":"), 12, "variants." + "v" * 190, "file-name-too-long"),
    (lambda t: t.replace("id: sleep", "id: " + "a" * 100).replace(
        "  patient:", "  " + "v" * 100 + ":"), 12, "variants." + "v" * 100, "file-name-too-long"),
])
def test_a_name_too_long_for_the_file_system_is_an_error_at_its_line(tmp_path, edit, line, path, code):
    root = copy_project(tmp_path / "project", cli=False)
    (root / "handouts" / "sleep.yaml").write_text(edit(MINI))
    report = build(root, ["sleep"], out_dir=root / "out")
    (p,) = report.problems
    assert (p.file, p.line, p.path, p.code) == ("handouts/sleep.yaml", line, path, code), p
    assert report.written == [] and _snapshot(root / "out") == {}


def test_the_longest_names_the_schema_allows_build(tmp_path):
    root = copy_project(tmp_path / "project", cli=False)
    (root / "handouts" / "sleep.yaml").write_text(
        MINI.replace("id: sleep", "id: " + "a" * 100).replace("  patient:", "  " + "v" * 60 + ":"))
    report = build(root, ["sleep"], out_dir=root / "out")
    assert report.problems == [], report.problems
    (entry,) = report.written
    assert (root / "out" / entry["path"]).is_file()


@pytest.mark.parametrize("text, line, code", [
    ("fonts:\n  body:\n    regular: " + "c" * 300 + ".ttf\n", 4, "font-missing"),
    ("title_band:\n  logo: assets/" + "c" * 300 + ".svg\n", 3, "logo-missing"),
])
def test_a_font_or_logo_name_too_long_is_an_error_at_its_line(tmp_path, text, line, code):
    root = copy_project(tmp_path / "project")
    (root / "layouts" / "long.yaml").write_text("extends: maple-mountain\n" + text)
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: long"))
    error = _one_error(run_cli(root, "build", "sleep"))
    assert error.startswith(f"error: layouts/long.yaml:{line}:"), error
    assert "not found" in error


# ---------------------------------------------------------------- a damaged manifest

@pytest.mark.parametrize("text, damage", [
    ('{"outputs": [{"path": 5, "handout": []}]}', "has damaged entries (1 of 1)"),
    ('{"outputs": [{"handout": "x", "variant": "y", "path": "../../../etc/passwd.pdf"}]}', "has damaged entries"),
    ('{"outputs": 5}', 'is not of the form {"outputs": [...]}'),
    ("[1, 2]", 'is not of the form {"outputs": [...]}'),
    ("not json", "is not valid JSON"),
    ("\udcff", "cannot be read"),
])
def test_a_damaged_manifest_is_a_warning_and_what_it_lists_is_rebuilt(tmp_path, text, damage):
    root = copy_project(tmp_path / "project", cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI)
    out = root / "out"
    first = build(root, ["sleep", "visit"], out_dir=out)
    assert first.problems == []
    (out / "manifest.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    report = build(root, ["sleep"], out_dir=out)
    assert report.problems == []
    (w,) = [w for w in report.warnings if w.code == "manifest-damaged"]
    assert w.file == "out/manifest.json" and damage in w.message, w
    assert [e["handout"] for e in report.written] == ["sleep"]  # nothing trusted: rebuilt
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert {e["handout"] for e in manifest["outputs"]} == {"sleep"}
    for entry in manifest["outputs"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    assert (out / "index.html").is_file()


def test_a_manifest_with_some_damaged_entries_keeps_the_good_ones(tmp_path):
    root = copy_project(tmp_path / "project", cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI)
    out = root / "out"
    assert build(root, ["sleep", "visit"], out_dir=out).problems == []
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    manifest["outputs"].append({"path": 5, "handout": []})
    (out / "manifest.json").write_text(json.dumps(manifest))
    report = build(root, out_dir=out)
    assert [w.code for w in report.warnings if w.code == "manifest-damaged"] == ["manifest-damaged"]
    kept = json.loads((out / "manifest.json").read_text("utf-8"))["outputs"]
    assert {e["handout"] for e in kept} >= {"sleep", "visit"}
    assert all(isinstance(e["path"], str) for e in kept)


# ---------------------------------------------------------------- file-system faults while writing out/

def _built(tmp_path, out=None):
    """A project with the small handout, built once: (root, out, what out/ holds)."""
    root = copy_project(tmp_path / "project")
    (root / "handouts" / "sleep.yaml").write_text(MINI)
    out = out or root / "out"
    result = run_cli(root, "build", "sleep", "--out", str(out))
    assert result.returncode == 0, result.stderr
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace('version: "1.0"', 'version: "1.1"'))  # new bytes
    return root, out, _snapshot(out)


PDF = "sleep/maple-mountain-sleep-patient-en.pdf"


@pytest.mark.parametrize("fault, place, says", [
    ("out-is-a-file", "out", "a file is where the build needs a folder"),
    ("handout-folder-is-a-file", "out/sleep", "a file is where the build needs a folder"),
    ("manifest-is-a-folder", "out/manifest.json", "a folder is where the build writes a file"),
    ("index-is-a-folder", "out/index.html", "a folder is where the build writes a file"),
    ("pdf-is-a-folder", "out/" + PDF, "a folder is where the build writes a file"),
])
def test_a_file_or_folder_in_the_way_is_an_error_naming_it_and_out_stays_as_it_was(tmp_path, fault, place, says):
    root, out, before = _built(tmp_path)
    before = {k: v for k, v in before.items()}
    target = root / place
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink()
    if fault in ("out-is-a-file", "handout-folder-is-a-file"):
        target.write_text("not a folder")
    else:
        target.mkdir()
    expected = _snapshot(out)  # with the fault in place: the build must change nothing else
    assert len(expected) < len(before)
    error = _one_error(run_cli(root, "build", "sleep"))
    assert error.startswith(f"error: {place}: cannot write the output: {says}; "), error
    if fault != "out-is-a-file":
        assert _snapshot(out) == expected
    assert not list(out.rglob("*.tmp")) if out.is_dir() else True


def _need_root(tool: str):
    if os.geteuid() != 0:
        pytest.skip(f"needs root ({tool})")
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")


@pytest.fixture
def small_disk(tmp_path):
    """A 400 KB tmpfs: room for one small build, filled up by the test."""
    _need_root("mount")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_is_an_error_naming_the_file_and_out_stays_as_it_was(tmp_path, small_disk):
    root, out, before = _built(tmp_path, small_disk / "out")
    fd = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    error = _one_error(run_cli(root, "build", "sleep", "--out", str(out)))
    assert "cannot write the output: the disk is full; free some space" in error, error
    assert error.startswith(f"error: {small_disk}/out/sleep/"), error
    assert _snapshot(out) == before and not list(out.rglob("*.tmp"))


def test_a_read_only_out_is_an_error_naming_it(tmp_path, small_disk):
    root, out, before = _built(tmp_path, small_disk / "out")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    error = _one_error(run_cli(root, "build", "sleep", "--out", str(out)))
    assert error == (f"error: {out}: cannot write the output: the file system is read-only; "
                     "build into a writable folder with --out DIR"), error
    assert _snapshot(out) == before


def test_an_immutable_pdf_is_an_error_naming_it_before_anything_is_replaced(tmp_path):
    _need_root("chattr")
    root, out, before = _built(tmp_path)
    pdf = out / PDF
    if subprocess.run(["chattr", "+i", str(pdf)], capture_output=True).returncode != 0:
        pytest.skip("this file system has no immutable attribute")
    try:
        error = _one_error(run_cli(root, "build", "sleep"))
        assert error.startswith(f"error: out/{PDF}: cannot write the output: the file is immutable; "), error
        assert "chattr -i" in error
        assert _snapshot(out) == before and not list(out.rglob("*.tmp"))
    finally:
        subprocess.run(["chattr", "-i", str(pdf)], check=False)
    assert run_cli(root, "build", "sleep").returncode == 0  # once the attribute is gone, the build goes through


# ---------------------------------------------------------------- logos with absurd numbers

ABSURD = {
    "size-1e300": '<svg xmlns="http://www.w3.org/2000/svg" width="1e300" height="1e300"><rect width="10" height="10"/></svg>',
    "viewbox-1e300": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1e300 1e300"><rect width="1" height="1"/></svg>',
    "viewbox-nan": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 NaN NaN"><rect width="10" height="10"/></svg>',
    "width-nan": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="NaN" height="10"/></svg>',
    "width-inf": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="inf" height="10"/></svg>',
    "huge-transform": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                      '<rect transform="scale(1e300) scale(1e300)" width="10" height="10"/></svg>',
    "huge-translate": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                      '<rect transform="translate(1e308 0) scale(1e300)" width="10" height="10"/></svg>',
    "flattening-transform": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                            '<g transform="scale(1e-9)"><rect transform="scale(1e-9)" width="10" height="10"/></g></svg>',
    "viewbox-1e-300": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1e-300 1e-300"><rect width="10" height="10"/></svg>',
    "path-1e300": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="M0 0 L1e300 1e300 Z"/></svg>',
}


@pytest.mark.parametrize("name", sorted(ABSURD))
def test_a_logo_with_absurd_numbers_is_an_error_at_the_layouts_logo_line(tmp_path, name):
    root = copy_project(tmp_path / "project", cli=False)
    (root / "layouts" / "assets" / "odd.svg").write_text(ABSURD[name])
    (root / "layouts" / "odd.yaml").write_text("extends: maple-mountain\ntitle_band:\n  logo: assets/odd.svg\n")
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: odd"))
    report = build(root, ["sleep"], out_dir=root / "out")
    (p,) = report.problems
    assert (p.code, p.file, p.line, p.path) == ("logo-numbers", "layouts/odd.yaml", 3, "title_band.logo"), p
    assert p.message.startswith("layouts/assets/odd.svg: the logo mark has numbers that cannot be drawn"), p
    assert report.written == [] and _snapshot(root / "out") == {}


def test_an_ordinary_logo_still_builds_and_passes_qpdf(tmp_path):
    from handoutpress.qa.tools import run_qpdf_check

    root = copy_project(tmp_path / "project", cli=False)
    (root / "layouts" / "assets" / "odd.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0.01 0.01"><g transform="scale(0.5) translate(0.001 0)">'
        '<rect width="0.01" height="0.01"/></g></svg>')
    (root / "layouts" / "odd.yaml").write_text("extends: maple-mountain\ntitle_band:\n  logo: assets/odd.svg\n")
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: odd"))
    report = build(root, ["sleep"], out_dir=root / "out")
    assert report.problems == []
    assert run_qpdf_check(root / "out" / report.written[0]["path"]) == []


# ---------------------------------------------------------------- the build checks the syntax of its own output

def _in_content(data: bytes, junk: bytes) -> bytes:
    """data with junk in the middle of its first page's content stream (the rest of the file sound)."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0].obj
        raw = page.Contents.read_bytes()
        page.Contents = pdf.make_stream(raw[:len(raw) // 2] + junk + raw[len(raw) // 2:])
        buffer = io.BytesIO()
        pdf.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("damage", [
    pytest.param(lambda d: d[:-2000], id="truncated"),
    pytest.param(lambda d: d.replace(b"endobj", b"endobk", 3), id="broken-objects"),
    pytest.param(lambda d: d.replace(b"startxref", b"startxrex"), id="no-startxref"),
    pytest.param(lambda d: _in_content(d, b" (a string never closed "), id="content-stream-string"),
    pytest.param(lambda d: _in_content(d, b" ] ) > "), id="content-stream-tokens"),
])
def test_a_pdf_that_fails_its_syntax_check_is_never_published(tmp_path, monkeypatch, damage):
    from handoutpress.render.pdf import finish as finish_module

    root, out, before = _built(tmp_path)
    real = finish_module.finish
    monkeypatch.setattr(finish_module, "finish", lambda *a, **k: damage(real(*a, **k)))
    report = build(root, ["sleep"], out_dir=out, force=True)
    (p,) = report.problems
    assert (p.code, p.file, p.path) == ("pdf-syntax", "handouts/sleep.yaml", "variants.patient"), p
    assert p.message.startswith("the patient PDF fails its syntax check (")
    assert "0x" not in p.message  # no memory address: the same words every run
    assert report.written == [] and _snapshot(out) == before


# ---------------------------------------------------------------- two handouts with one id

def test_two_handout_files_with_one_id_are_an_error_naming_both_in_build_and_check(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "handouts" / "sleep.yaml").write_text(MINI)
    (root / "handouts" / "rest.yaml").write_text(MINI.replace("Sleep and recovery", "Rest"))
    for result in (run_cli(root, "check"), run_cli(root, "build", "--jobs", "2")):
        assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
        text = result.stdout + result.stderr
        assert ("the id 'sleep' is also the id of handouts/sleep.yaml; their PDFs would overwrite each other, so "
                "neither is published; give each handout its own id") in text, text
        assert "the id 'sleep' is also the id of handouts/rest.yaml" in text
    assert "error: handouts/rest.yaml:1:5: id: the id 'sleep' is also the id of handouts/sleep.yaml" in result.stderr
    assert not [name for name in _snapshot(root / "out") if name.startswith("sleep/")]
    manifest = json.loads((root / "out" / "manifest.json").read_text("utf-8"))
    assert "sleep" not in {e["handout"] for e in manifest["outputs"]} and "visit" in {e["handout"] for e in manifest["outputs"]}


def test_a_new_file_reusing_a_published_id_leaves_the_published_pdfs_alone(tmp_path):
    root, out, before = _built(tmp_path)
    (root / "handouts" / "rest.yaml").write_text(MINI.replace("Sleep and recovery", "Rest"))
    for args in (["rest"], []):  # named alone, its twin is known from the manifest
        result = run_cli(root, "build", *args)
        assert result.returncode == 1, result.stderr
        assert "the id 'sleep' is also the id of handouts/sleep.yaml" in result.stderr
        assert _snapshot(out)[PDF] == before[PDF]


# ---------------------------------------------------------------- one build per out/ at a time

def test_a_second_build_into_the_same_out_is_refused_naming_the_running_one(tmp_path):
    from handoutpress.publish import output

    root = copy_project(tmp_path / "project")
    (root / "handouts" / "sleep.yaml").write_text(MINI)
    out = root / "out"
    held = output.lock(out)  # stands for a build that is running
    try:
        error = _one_error(run_cli(root, "build", "sleep"))
        assert error.startswith(f"error: out: another build is writing to this folder (pid {os.getpid()}: "), error
        assert error.endswith("; wait for it to finish (or stop it), then build again")
        assert _snapshot(out) == {}
        report = build(root, ["sleep"], out_dir=out)  # in process too
        assert [p.code for p in report.problems] == ["build-running"] and report.written == []
    finally:
        output.unlock(held)
    assert run_cli(root, "build", "sleep").returncode == 0
    assert not (out / ".lock").exists()  # a finished build leaves no lock behind


def test_the_lock_of_a_killed_build_does_not_block(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "handouts" / "sleep.yaml").write_text(MINI)
    out = root / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from handoutpress.publish.output import lock; lock(Path(sys.argv[1])); print('held', flush=True); "
                               "time.sleep(60)", str(out)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    assert "another build is writing" in run_cli(root, "build", "sleep").stderr
    holder.kill()
    holder.wait()
    assert (out / ".lock").exists()  # left by the killed holder
    result = run_cli(root, "build", "sleep")
    assert result.returncode == 0, result.stderr


def test_a_watch_rebuild_takes_the_lock_too(tmp_path):
    import io

    from handoutpress.designer.watch import _Printer, rebuild
    from handoutpress.publish import output

    root = copy_project(tmp_path / "project", cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI)
    out, lines, errors = root / "out", io.StringIO(), io.StringIO()
    held = output.lock(out)
    try:
        assert rebuild(root, ["sleep"], [], out, _Printer(lines, errors), set()) is False
    finally:
        output.unlock(held)
    assert f"error: out: another build is writing to this folder (pid {os.getpid()}: " in errors.getvalue()
    assert _snapshot(out) == {}
    assert rebuild(root, ["sleep"], [], out, _Printer(lines, errors), set()) is True
