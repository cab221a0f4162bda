"""The loader's one-pass composer builds the node tree PyYAML's own composer builds: same kinds, tags,
values, marks and styles, on every YAML file of the project and on hand-written corner cases."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from handoutpress.errors import PublishError
from handoutpress.load import yamlio

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for folder in ("handouts", "layouts", "clinics", "tests/fixtures") if (ROOT / folder).is_dir()
               for p in (ROOT / folder).rglob("*.yaml"))

CORNERS = {
    "scalars": "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2026-01-02\nf: '1'\ng: \"x\"\nh: =\ni: 0x1F\nj: .inf\nk: ''\nl:\n",
    "styles": "a: |\n  one\n  two\nb: >-\n  folded\n  text\nc: [1, two, {d: e}]\nd: {x: [y]}\n",
    "nesting": "- - - a\n    - b\n  - c\n- {k: [1, 2, [3, [4]]]}\n",
    "keys": "? complex\n: value\n1: one\nnull: none\n",
    "explicit str": "a: !!str 12\nb: ! 12\n",
    "empty values": "a:\nb: []\nc: {}\n",
    "document markers": "---\na: b\n...\n",
    "comments only": "# nothing\n",
}


def theirs(text: str):
    return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def ours(text: str):
    loader = yamlio._Loader(text)
    try:
        return yamlio._compose_without_aliases(loader, "x.yaml")
    finally:
        loader.dispose()


def same(a, b, at="root"):
    assert type(a) is type(b), at
    if a is None:
        return
    assert (a.tag, a.start_mark.index, a.end_mark.index, a.start_mark.line, a.start_mark.column) == \
        (b.tag, b.start_mark.index, b.end_mark.index, b.start_mark.line, b.start_mark.column), at
    if isinstance(a, yaml.ScalarNode):
        assert (a.value, a.style) == (b.value, b.style), at
    elif isinstance(a, yaml.SequenceNode):
        assert a.flow_style == b.flow_style and len(a.value) == len(b.value), at
        for i, (x, y) in enumerate(zip(a.value, b.value)):
            same(x, y, f"{at}[{i}]")
    else:
        assert a.flow_style == b.flow_style and len(a.value) == len(b.value), at
        for (k1, v1), (k2, v2) in zip(a.value, b.value):
            same(k1, k2, f"{at} key")
            same(v1, v2, f"{at}.{getattr(k1, 'value', '?')}")


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_project_files_compose_alike(path):
    text = path.read_text("utf-8", errors="replace")
    try:
        expected = theirs(text)
    except yaml.YAMLError:
        with pytest.raises((yaml.YAMLError, PublishError)):
            ours(text)
        return
    try:
        got = ours(text)
    except PublishError as exc:  # what we refuse on purpose: aliases, tags, several documents, deep nesting
        assert exc.problems[0].code in {"yaml-alias", "yaml-tag", "yaml-documents", "yaml-too-deep"}, exc.problems
        return
    same(got, expected)


@pytest.mark.parametrize("name", sorted(CORNERS))
def test_corner_cases_compose_alike(name):
    same(ours(CORNERS[name]), theirs(CORNERS[name]))


@pytest.mark.parametrize("text, code", [("a: &x 1\nb: *x\n", "yaml-alias"), ("a: !!binary aGk=\n", "yaml-tag"),
                                        ("a: 1\n---\nb: 2\n", "yaml-documents"), ("[" * 101 + "]" * 101, "yaml-too-deep"),
                                        ("- !foo [1]\n", "yaml-tag"), ("&a [1]\n", "yaml-alias")])
def test_refusals_before_building(text, code):
    with pytest.raises(PublishError) as exc:
        ours(text)
    assert exc.value.problems[0].code == code


def test_a_hundred_deep_is_fine_and_a_hundred_and_one_is_not():
    assert ours("[" * 100 + "]" * 100) is not None
    with pytest.raises(PublishError):
        ours("[" * 101 + "]" * 101)
