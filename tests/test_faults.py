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

from handoutpress.build import build
from handoutpress.yamlio import load

from project_copy import MINI, copy_project, run_cli


def _snapshot(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} if out.is_dir() else {}


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
    assert report.written == [] and not (root / "out").exists() or _snapshot(root / "out").keys() <= {"index.html"}


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
