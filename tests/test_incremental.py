"""Incremental and parallel builds: unchanged outputs are skipped, changes rebuild what they touch,
and building in several processes gives the same bytes as building in one."""
from __future__ import annotations

import json

from handoutpress.publish.build import build
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


def test_a_new_version_of_a_rendering_library_rebuilds_everything(tmp_path, monkeypatch):
    """A ReportLab (or pikepdf, Python, zlib...) upgrade may change the bytes: the key includes them."""
    from handoutpress.publish import build as build_module, inputs

    root = _project(tmp_path)
    out = root / "out"
    assert "reportlab-" in inputs.libraries() and "pikepdf-" in inputs.libraries()
    build(root, ["visit", "sleep"], out_dir=out)
    assert build(root, ["visit", "sleep"], out_dir=out).written == []
    real = inputs.libraries()
    monkeypatch.setattr(inputs, "libraries", lambda: real.replace("reportlab-", "reportlab-0.0.1+"))
    assert len(build(root, ["visit", "sleep"], out_dir=out).written) == 3


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
    files = {p.relative_to(root / "one").as_posix(): p.read_bytes() for p in (root / "one").rglob("*") if p.is_file()}
    assert {p.relative_to(root / "two").as_posix(): p.read_bytes() for p in (root / "two").rglob("*")
            if p.is_file()} == files  # PDFs, thumbnails (rendered in the workers), catalog and manifest
    assert sum(name.endswith(".png") for name in files) == 3


def test_a_forced_rebuild_that_gives_the_same_bytes_rewrites_nothing(tmp_path):
    """Deterministic output: --force renders again, but a file that would get the very same bytes is left
    alone (its modification time stays, so sync tools and the catalog's thumbnails see no change)."""
    import os

    root = _project(tmp_path)
    out = root / "out"
    build(root, ["visit", "sleep"], out_dir=out)
    files = [p for p in out.rglob("*") if p.is_file() and p.suffix in (".pdf", ".png")]
    for f in files:
        os.utime(f, (1_000_000_000, 1_000_000_000))
    report = build(root, ["visit", "sleep"], out_dir=out, force=True)
    assert len(report.written) == 3
    assert [f.name for f in files if f.stat().st_mtime != 1_000_000_000] == []
    assert not [p for p in out.rglob("*.tmp")]


def test_each_handout_is_staged_as_soon_as_it_is_rendered(tmp_path, monkeypatch):
    """Memory holds one handout at a time: its PDFs and thumbnails go to temp files before the next handout
    is rendered, and nothing is renamed before the last one is in (the manifest last, then the catalog)."""
    from handoutpress.publish import build as build_module, output

    root = _project(tmp_path)
    events, stage, commit, render = [], output.stage, output.commit, build_module.build_handout

    def rendering(root, path, *args, **kwargs):
        events.append(("render", path.stem))
        return render(root, path, *args, **kwargs)

    monkeypatch.setattr(output, "stage", lambda path, data: events.append(("stage", path.suffix)) or stage(path, data))
    monkeypatch.setattr(output, "commit", lambda staged: events.append(("commit", len(staged))) or commit(staged))
    monkeypatch.setattr(build_module, "build_handout", rendering)
    report = build(root, ["visit", "sleep"], out_dir=root / "out", jobs=1)
    assert report.problems == [] and len(report.written) == 3
    page = [("stage", ".pdf"), ("stage", ".png"), ("stage", ".html")]  # each variant: PDF, thumbnail, web page
    fonts = [("stage", ".ttf")] * 4 + [("stage", ".txt")]  # the web pages' fonts and licence, once
    assert events == [("render", "visit"), *page, *page, ("render", "sleep"), *page,
                      *fonts, ("stage", ".json"), ("commit", 15), ("stage", ".html"), ("commit", 1)]


def test_a_changed_picture_rebuilds(tmp_path):
    """A figure's file (images/ or beside the handouts) is part of what a build depends on."""
    root = _project(tmp_path)
    out = root / "out"
    (root / "images").mkdir(exist_ok=True)
    picture = root / "images" / "dot.svg"
    picture.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>')
    edit(root, "handouts/sleep.yaml", "body:\n", "body:\n  - figure: {image: images/dot.svg, alt: A black dot}\n")
    first = build(root, ["sleep"], out_dir=out)
    assert first.problems == [] and first.written
    assert build(root, ["sleep"], out_dir=out).written == []
    picture.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="8" height="8"/></svg>')
    assert build(root, ["sleep"], out_dir=out).written, "the picture changed: its handout is rebuilt"


# ---- the input digests' record (.cache/digests.json) ------------------------------------------------------
def _record(root, files, shas, at_offset_ns):
    import os

    from handoutpress.publish.inputs import DIGESTS

    memo = {}
    for f, sha in zip(files, shas):
        st = os.stat(f)
        memo[str(f)] = [[st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev], sha, st.st_ctime_ns + at_offset_ns]
    (root / DIGESTS).parent.mkdir(parents=True, exist_ok=True)
    (root / DIGESTS).write_text(json.dumps(memo))


def test_input_digests_are_read_again_unless_the_file_settled_before_its_record(tmp_path):
    import hashlib

    from handoutpress.publish.inputs import SETTLED_NS, file_digests

    root = tmp_path
    files = [root / "a.yaml", root / "b.yaml"]
    for f in files:
        f.write_text(f"{f.name}\n")
    true = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    assert file_digests(root, files) == true
    wrong = ["0" * 64, "1" * 64]
    _record(root, files, wrong, SETTLED_NS // 2)  # read within 2 s of the file's change: a clock tick may hide one
    assert file_digests(root, files) == true
    _record(root, files, wrong, SETTLED_NS * 2)  # settled long before it was read: the record stands in for the file
    assert file_digests(root, files) == wrong
    files[0].write_text("A.yaml\n")  # same size, rewritten: its change time moves, so it is read again
    assert file_digests(root, files) == [hashlib.sha256(b"A.yaml\n").hexdigest(), wrong[1]]


def test_a_damaged_or_unwritable_digest_record_costs_a_read_nothing_more(tmp_path):
    import hashlib

    from handoutpress.publish.inputs import DIGESTS, file_digests

    root = tmp_path
    files = [root / "a.yaml", root / "missing.yaml", root]
    files[0].write_text("a\n")
    true = [hashlib.sha256(b"a\n").hexdigest(), "", ""]
    (root / DIGESTS).parent.mkdir(parents=True)
    for damage in ("{not json", "[1, 2]", json.dumps({str(files[0]): [1, "x", "y"]}), "\x00\xff"):
        (root / DIGESTS).write_text(damage)
        assert file_digests(root, files) == true
        assert json.loads((root / DIGESTS).read_text())  # written afresh
    (root / DIGESTS).unlink()
    (root / DIGESTS).parent.rmdir()
    (root / DIGESTS.parent).write_text("a file where the folder would be")
    assert file_digests(root, files) == true


def test_an_edited_layout_rebuilds_however_soon_after_the_last_build(tmp_path):
    root = _project(tmp_path)
    out = root / "out"
    build(root, ["sleep"], out_dir=out)
    for colour in ("#1A4340", "#1F4E4A", "#1A4341"):  # same size each time, within the same second
        before = _digests(out)
        text = (root / "layouts" / "maple-mountain.yaml").read_text("utf-8")
        current = "#1F4E4A" if "#1F4E4A" in text else ("#1A4340" if "#1A4340" in text else "#1A4341")
        edit(root, "layouts/maple-mountain.yaml", f'evergreen: "{current}"', f'evergreen: "{colour}"')
        report = build(root, ["sleep"], out_dir=out)
        assert [e["handout"] for e in report.written] == ["sleep"], colour
        assert _digests(out) != before
