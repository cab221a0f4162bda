"""Work beside a build: a one-handout build on two or more cores runs each variant's checks in a forked
copy while the variant is drawn, and finishes its PDFs (and makes their thumbnails) in a helper process.
Whatever goes wrong over there, the answer is the one the build would have found alone."""
from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from handoutpress.publish import processes
from handoutpress.publish.build import build
from handoutpress.publish.processes import beside, helper
from project_copy import MINI, VISIT_FILE, copy_project, edit


def _here_only(parent: int) -> int:
    if os.getpid() != parent:
        raise RuntimeError("not in the copy")
    return 42


def _slow_in_copy(parent: int) -> str:
    if os.getpid() != parent:
        time.sleep(30)
    return os.getpid() == parent and "here" or "there"


def _where() -> int:
    return os.getpid()


def _fails() -> None:
    raise ValueError("as here as there")


def _unpicklable():
    return lambda: None


def _no_children_left() -> None:
    processes._reap()
    deadline = time.monotonic() + 5
    while processes._UNREAPED and time.monotonic() < deadline:
        time.sleep(0.01)
        processes._reap()
    assert processes._UNREAPED == []
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


# ---- the two mechanisms ------------------------------------------------------------------------------
def test_beside_answers_from_a_copy_of_the_process():
    pending = beside(_where)
    assert pending.pid and pending.result() not in (0, os.getpid())
    _no_children_left()


@pytest.mark.parametrize("fn, expected", [(_here_only, 42), (_unpicklable, None)])
def test_a_copy_that_fails_or_cannot_send_its_answer_leaves_the_work_to_the_build(fn, expected):
    pending = beside(fn, os.getpid()) if fn is _here_only else beside(fn)
    result = pending.result()
    assert result == expected if expected is not None else callable(result)
    _no_children_left()


def test_an_exception_comes_from_the_build_itself():
    with pytest.raises(ValueError, match="as here as there"):
        beside(_fails).result()
    _no_children_left()


def test_a_copy_killed_on_the_way_leaves_the_work_to_the_build():
    pending = beside(_slow_in_copy, os.getpid())
    os.kill(pending.pid, signal.SIGKILL)
    assert pending.result() == "here"
    _no_children_left()


def test_a_cancelled_copy_is_stopped_at_once():
    pending = beside(_slow_in_copy, os.getpid())
    start = time.monotonic()
    pending.cancel()
    assert time.monotonic() - start < 5 and pending.pid == 0
    _no_children_left()


def test_no_copy_is_forked_beside_other_threads():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        pending, finisher = beside(_where), helper()
        assert pending.pid == 0 and pending.result() == os.getpid()
        assert finisher.pid == 0 and finisher.ask(_where).result() == os.getpid()
    finally:
        stop.set()
        thread.join()


def test_a_helper_answers_its_jobs_in_order_and_the_build_takes_over_when_it_dies():
    finisher = helper()
    assert finisher.pid
    answers = [finisher.ask(sorted, [3, 1, 2]), finisher.ask(_where), finisher.ask(_fails), finisher.ask(_unpicklable)]
    assert answers[1].result() not in (0, os.getpid())
    assert answers[0].result() == [1, 2, 3]  # read out of order: kept until asked for
    with pytest.raises(ValueError):
        answers[2].result()
    assert callable(answers[3].result())  # a lambda cannot come back: made here
    os.kill(finisher.pid, signal.SIGKILL)
    assert finisher.ask(_where).result() == os.getpid()
    assert finisher.pid == 0  # given up: later jobs are done here at once
    assert finisher.ask(sorted, [2, 1]).result() == [1, 2]
    _no_children_left()


def test_big_jobs_and_answers_pass_without_either_side_waiting_for_ever():
    def timeout(signum, frame):
        raise TimeoutError("a job or an answer waits for the other side")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(30)
    try:
        finisher = helper()
        big = b"x" * (3 << 20)  # over any pipe's buffer, both ways
        copied, counted = finisher.ask(bytes, big), finisher.ask(len, big)
        assert counted.result() == len(big) and copied.result() == big
        assert finisher.pid  # not given up on the way
        finisher.stop()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    _no_children_left()


def test_a_job_that_cannot_be_sent_is_done_here():
    finisher = helper()
    assert finisher.ask(lambda: os.getpid()).result() == os.getpid()  # a lambda cannot be pickled
    finisher.stop()
    _no_children_left()


# ---- in a build ----------------------------------------------------------------------------------------
def _project(tmp_path):
    root = copy_project(tmp_path, cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI, "utf-8")
    return root


def _files(out):
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def test_a_one_handout_build_on_two_cores_writes_the_same_bytes_as_one_process(tmp_path):
    root = _project(tmp_path)
    one = build(root, ["visit"], out_dir=root / "one", jobs=1)
    two = build(root, ["visit"], out_dir=root / "two", jobs=2)
    assert one.problems == two.problems == []
    assert one.warnings == two.warnings
    assert len(two.written) == 2
    assert _files(root / "one") == _files(root / "two")  # PDFs, thumbnails, web pages, manifest, catalog
    _no_children_left()


def test_check_errors_found_beside_the_drawing_come_first_as_in_one_process(tmp_path):
    root = _project(tmp_path)
    edit(root, VISIT_FILE, "layout: maple-mountain-large-print\n", "layout: maple-mountain-large-print\n    max_pages: 1\n")
    edit(root, VISIT_FILE, "Welcome to the clinic.", "Welcome to the clinic \u6f22.")  # no glyph in the font
    one = build(root, ["visit"], out_dir=root / "one", jobs=1)
    two = build(root, ["visit"], out_dir=root / "two", jobs=2)
    assert one.problems and one.problems == two.problems
    assert {p.code for p in two.problems} == {"glyph-missing"}  # not the page budget: never drawn alone
    assert one.failed == two.failed and not two.written
    edit(root, VISIT_FILE, "Welcome to the clinic \u6f22.", "Welcome to the clinic.")
    budget = build(root, ["visit"], out_dir=root / "two", jobs=2)
    assert [p.code for p in budget.problems] == ["page-budget"]  # drawn, then refused
    assert [e["variant"] for e in budget.written] == ["patient"]
    _no_children_left()


def test_a_build_whose_helper_dies_still_publishes_everything(tmp_path, monkeypatch):
    root = _project(tmp_path)
    started = []
    real = processes.helper

    def doomed(prepare=None):
        made = real(prepare)
        if made.pid:
            os.kill(made.pid, signal.SIGKILL)
            started.append(made.pid)
        return made

    monkeypatch.setattr("handoutpress.publish.build.helper", doomed)
    report = build(root, ["visit"], out_dir=root / "out", jobs=2)
    assert started and report.problems == [] and len(report.written) == 2
    reference = build(root, ["visit"], out_dir=root / "one", jobs=1)
    assert reference.problems == []
    assert _files(root / "out") == _files(root / "one")
    manifest = json.loads((root / "out" / "manifest.json").read_text())
    assert all((root / "out" / e["path"]).with_suffix(".png").is_file() for e in manifest["outputs"])
    _no_children_left()


def _processes_running(marker: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if marker in (proc / "cmdline").read_bytes().decode("utf-8", "replace"):
                    found.append(int(proc.name))
            except OSError:
                pass
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_build_killed_at_any_moment_leaves_no_copy_or_helper_behind(tmp_path):
    import random
    import subprocess
    import sys

    root = copy_project(tmp_path / "project")
    out = tmp_path / "out-killed"  # in every copy's command line: how they are found
    cmd = [sys.executable, str(root / "publish.py"), "build", "visit", "--force", "--jobs", "2", "--out", str(out)]
    start = time.monotonic()
    subprocess.run(cmd, cwd=root, capture_output=True, check=True, env={**os.environ, "CI": "1"})
    duration = time.monotonic() - start
    rng = random.Random(11)
    for _ in range(6):
        proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "CI": "1"})
        time.sleep(rng.uniform(0.05, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while _processes_running(str(out)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _processes_running(str(out)) == []
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        assert all((out / e["path"]).is_file() for e in manifest["outputs"])
