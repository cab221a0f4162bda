"""Incremental and parallel builds: unchanged outputs are skipped, changes rebuild what they touch,
and building in several processes gives the same bytes as building in one."""
from __future__ import annotations

import json

from handoutpress.build import build
from project_copy import MINI, copy_project, edit


def _project(tmp_path):
    root = copy_project(tmp_path, cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI, "utf-8")
    return root


def _digests(out):
    return {e["path"]: e["sha256"] for e in json.loads((out / "manifest.json").read_text())["outputs"]}


def test_a_second_build_skips_everything_and_keeps_the_manifest(tmp_path):
    root = _project(tmp_path)
    out = root / "out"
    first = build(root, ["visit", "sleep"], out_dir=out)
    assert first.problems == [] and len(first.written) == 3
    manifest = (out / "manifest.json").read_bytes()
    second = build(root, ["visit", "sleep"], out_dir=out)
    assert second.written == [] and len(second.unchanged) == 3
    assert (out / "manifest.json").read_bytes() == manifest


def test_changes_rebuild_exactly_what_they_touch(tmp_path):
    root = _project(tmp_path)
    out = root / "out"
    build(root, ["visit", "sleep"], out_dir=out)
    edit(root, "handouts/visit.yaml", "Welcome to the clinic.", "Welcome to our clinic.")
    report = build(root, ["visit", "sleep"], out_dir=out)
    assert sorted(e["handout"] for e in report.written) == ["visit", "visit"]
    assert [e["handout"] for e in report.unchanged] == ["sleep"]
    edit(root, "layouts/maple-mountain.yaml", 'evergreen: "#1F4E4A"', 'evergreen: "#1A4340"')
    report = build(root, ["visit", "sleep"], out_dir=out)
    assert len(report.written) == 3, "a layout change rebuilds every handout"
    (out / next(iter(_digests(out)))).unlink()
    report = build(root, ["visit", "sleep"], out_dir=out)
    assert len(report.written) >= 1, "a missing PDF is rebuilt"


def test_a_pdf_changed_on_disk_is_rebuilt(tmp_path):
    root = _project(tmp_path)
    out = root / "out"
    build(root, ["sleep"], out_dir=out)
    [path] = _digests(out)
    (out / path).write_bytes(b"%PDF-1.4 tampered")
    report = build(root, ["sleep"], out_dir=out)
    assert [e["path"] for e in report.written] == [path]


def test_parallel_build_gives_the_same_bytes_as_one_process(tmp_path):
    root = _project(tmp_path)
    one = build(root, ["visit", "sleep"], out_dir=root / "one", jobs=1)
    two = build(root, ["visit", "sleep"], out_dir=root / "two", jobs=2)
    assert one.problems == two.problems == []
    assert _digests(root / "one") == _digests(root / "two")
