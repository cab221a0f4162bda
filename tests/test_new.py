"""`publish.py new`: a handout started from each template passes check with only placeholder warnings."""
from __future__ import annotations

import pytest
import yaml

from handoutpress.publish.check import run
from handoutpress.publish.starter import template_names

from project_copy import copy_project, run_cli


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("new") / "p")


def test_there_are_the_three_templates():
    assert template_names() == ["care-instructions", "information-sheet", "worksheet"]


@pytest.mark.parametrize("template", ["information-sheet", "worksheet", "care-instructions"])
def test_a_new_handout_passes_check_with_only_placeholder_warnings(project, template):
    done = run_cli(project, "new", f"new-{template}", "--template", template)
    assert done.returncode == 0, done.stderr
    path = project / "handouts" / f"new-{template}.yaml"
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/handout.schema.json\n")
    data = yaml.safe_load(text)
    assert data["id"] == f"new-{template}" and data["review"] == {"status": "draft"}
    assert data["title"] == f"New {template.replace('-', ' ')}" and len(data["body"]) >= 3
    result = run(project, [f"new-{template}"])
    assert result.errors == []
    codes = {p.code for p in result.warnings if p.file == f"handouts/new-{template}.yaml"}
    assert codes == {"content-placeholder"}
    assert {p.code for p in result.warnings} <= {"content-placeholder", "clinic-placeholder"}
    todo_lines = {n for n, line in enumerate(text.splitlines(), 1) if "TODO" in line and not line.startswith("#")}
    found = {p.line for p in result.warnings if p.code == "content-placeholder"}
    assert found and found <= todo_lines


def test_new_refuses_an_id_that_exists(project):
    before = (project / "handouts" / "visit.yaml").read_bytes()
    done = run_cli(project, "new", "visit")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "handouts/visit.yaml: a handout with this id exists" in done.stderr
    assert (project / "handouts" / "visit.yaml").read_bytes() == before


@pytest.mark.parametrize("bad, hint", [("Sleep Diary", "try 'sleep-diary'"), ("Sleep_2", "try 'sleep-2'"), ("a/b", "try 'a-b'")])
def test_new_refuses_an_id_that_is_not_one(project, bad, hint):
    done = run_cli(project, "new", bad)
    assert done.returncode == 2 and "is not a handout id" in done.stderr and hint in done.stderr
    assert not list(project.glob("handouts/*Sleep*"))


def test_new_refuses_an_unknown_template(project):
    done = run_cli(project, "new", "sleep-plan", "--template", "worksheeet")
    assert done.returncode == 2 and "did you mean 'worksheet'?" in done.stderr
    assert not (project / "handouts" / "sleep-plan.yaml").exists()
