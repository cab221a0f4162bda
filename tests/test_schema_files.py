"""The JSON Schemas and the key reference are generated from the code's declarations and kept current."""
from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest

from handoutpress.reference import generated
from handoutpress.yamlio import load

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
