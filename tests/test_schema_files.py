"""The JSON Schemas and the key reference are generated from the code's declarations and kept current."""
from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest

from handoutpress.load.reference import generated
from handoutpress.load.yamlio import load

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [("handouts/benzodiazepines.yaml", "handout"), ("handouts/clinic.yaml", "clinic"),
           ("handouts/benzodiazepines.es.yaml", "translation"), ("layouts/maple-mountain.yaml", "layout"),
           ("layouts/maple-mountain-large-print.yaml", "layout")]


def _plain(value):
    """YAML dates as the editor sees them: text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, datetime.date) else value


def _validator(name):
    return jsonschema.Draft202012Validator(json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text()))


def test_generated_files_are_up_to_date():
    stale = [str(p.relative_to(ROOT)) for p, text in generated(ROOT).items()
             if not p.exists() or p.read_text("utf-8") != text]
    assert stale == [], "run: python publish.py schema"


@pytest.mark.parametrize("rel,name", SHIPPED)
def test_shipped_yaml_points_to_its_schema_and_validates(rel, name):
    text = (ROOT / rel).read_text("utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=../schemas/{name}.schema.json"
    errors = list(_validator(name).iter_errors(_plain(load(ROOT / rel).data)))
    assert errors == []


def test_schema_rejects_what_the_loader_rejects(tmp_path):
    handout = _plain(load(ROOT / "handouts/benzodiazepines.yaml").data)
    handout["titel"] = "typo"
    handout["review"]["status"] = "finished"
    messages = " ".join(e.message for e in _validator("handout").iter_errors(handout))
    assert "titel" in messages and "finished" in messages


def test_reference_documents_every_block_kind_and_layout_style():
    text = (ROOT / "docs" / "reference.md").read_text("utf-8")
    for kind in ("paragraph", "list", "table", "callout", "section", "group"):
        assert f"## `{kind}`" in text
    for key in ("styles.body.size", "title_band.logo", "variants.<name>.max_pages", "texts[].source"):
        assert f"`{key}`" in text


def _schema_kind(rel: str) -> str:
    if rel.startswith("layouts/"):
        return "layout"
    if rel == "handouts/clinic.yaml":
        return "clinic"
    return "translation" if rel.count(".") == 2 else "handout"


def _fixture_files():
    from test_check import FIXTURES, _expected

    for case in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        expected = set() if case.name.startswith("_") else _expected(case)
        for path in sorted(case.rglob("*.yaml")):
            rel = path.relative_to(case).as_posix()
            yield pytest.param(path, rel, {code for code, file, _ in expected if file == rel},
                               id=f"{case.name}/{rel}")


@pytest.mark.parametrize("path, rel, codes", list(_fixture_files()))
def test_the_editor_and_check_agree_on_every_check_fixture(path, rel, codes):
    """A file check rejects for a schema reason (schema-*) the JSON Schema rejects too; a file check finds
    nothing wrong with validates. Files YAML itself refuses (syntax, tags, aliases) no editor schema sees."""
    from handoutpress.errors import PublishError

    try:
        data = _plain(load(path).data)
    except PublishError:
        return
    validator = jsonschema.Draft202012Validator(json.loads((ROOT / "schemas" / f"{_schema_kind(rel)}.schema.json")
                                                           .read_text()),
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = [e.message for e in validator.iter_errors(data)]
    if any(code.startswith("schema-") for code in codes):
        assert errors, f"check reports {sorted(codes)}, the JSON Schema accepts the file"
    elif not codes:
        assert errors == [], "check accepts the file, the JSON Schema does not"
