"""A build killed at any moment leaves no truncated or corrupt PDF or manifest in out/."""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from project_copy import MINI, copy_project


def _check_out(out):
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    for entry in manifest["outputs"]:
        pdf = out / entry["path"]
        data = pdf.read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
        assert data.rstrip().endswith(b"%%EOF")
        pikepdf.open(pdf).close()
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".pdf", ".json") and path.name.startswith("."):
            continue  # a temp file the killed build did not rename: hidden, never listed
        if path.suffix == ".pdf":
            pikepdf.open(path).close()


def test_sigkill_at_random_moments_never_leaves_a_broken_output(tmp_path):
    root = copy_project(tmp_path)
    (root / "handouts" / "sleep.yaml").write_text(MINI, "utf-8")
    env = {**os.environ, "CI": "1"}
    cmd = [sys.executable, str(root / "publish.py"), "build", "--jobs", "1", "--force"]
    start = time.perf_counter()
    subprocess.run(cmd, cwd=root, env=env, capture_output=True, check=False)
    duration = time.perf_counter() - start
    _check_out(root / "out")
    rng = random.Random(7)
    for _ in range(10):
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _check_out(root / "out")


# ---------------------------------------------------------------- content that changes between the kills

# Each build alternates the version of two handouts, so every build really rewrites their PDFs (a rebuild of
# unchanged content writes the same bytes, and would hide a file left half-old, half-new).
VERSIONS = [('version: "2.1"', 'version: "1.0"'), ('version: "2.2"', 'version: "1.1"')]
PNG_END = b"IEND\xaeB`\x82"


def _set_version(root, state):
    visit, sleep = root / "handouts" / "visit.yaml", root / "handouts" / "sleep.yaml"
    for path, new, old in ((visit, VERSIONS[state][0], VERSIONS[1 - state][0]),
                           (sleep, VERSIONS[state][1], VERSIONS[1 - state][1])):
        text = path.read_text("utf-8")
        path.write_text(text.replace(old, new) if old in text else text, "utf-8")


def _snapshot(out):
    """Every visible file of a finished build: relative path -> bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)}


def _kill_project(tmp_path):
    """A project with a second handout, and the exact bytes a finished build writes in either state."""
    root = copy_project(tmp_path / "project")
    (root / "handouts" / "sleep.yaml").write_text(MINI, "utf-8")
    finished = []
    for state in (0, 1):  # finished[state]
        _set_version(root, state)
        out = tmp_path / f"finished-{state}"
        result = subprocess.run([sys.executable, str(root / "publish.py"), "build", "--out", str(out)], cwd=root,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        finished.append(_snapshot(out))
    assert finished[0][PDF_A] != finished[1][PDF_A], "the two states must give different PDFs"
    return root, finished


PDF_A = "visit/maple-mountain-visit-patient-en.pdf"


def _check_after_kill(out, finished, strict_manifest=False):
    """out/ holds only complete files, each exactly as one finished build wrote it; the manifest parses and
    lists files that exist. Returns the manifest entries whose file has other bytes than it says."""
    files = _snapshot(out)
    for name, data in files.items():
        versions = {f[name] for f in finished if name in f}
        assert versions, f"{name} is in out/ but no finished build writes it"
        if name.endswith(".pdf"):
            assert data.rstrip().endswith(b"%%EOF"), f"{name} is truncated"
        assert data in versions, f"{name} is neither the old nor the new complete file ({len(data)} bytes)"
    for path in out.rglob("*"):  # leftovers of a killed write: hidden temp files only, never mistaken for output
        if path.is_file() and path.relative_to(out).as_posix() not in files:
            assert path.name.startswith("."), path
    for name in finished[0]:
        assert name in files, f"{name} was lost"  # the previous outputs are still there (or replaced)
    manifest = json.loads(files["manifest.json"])
    stale = []
    for entry in manifest["outputs"]:
        assert entry["path"] in files, f"the manifest lists {entry['path']}, which is not in out/"
        if hashlib.sha256(files[entry["path"]]).hexdigest() != entry["sha256"]:
            stale.append(entry["path"])
    if strict_manifest:
        assert stale == [], f"the manifest gives other sha256 than the files have: {stale}"
    return stale


def test_sigkill_at_random_moments_of_builds_that_rewrite_everything(tmp_path):
    """15 SIGKILLs at random moments of `publish.py build` (content changed before each, so the PDFs, the
    thumbnails, the catalog and the manifest are all rewritten); after each, out/ is checked file by file."""
    from handoutpress.qa.tools import run_qpdf_check

    root, finished = _kill_project(tmp_path)
    out = root / "out"
    cmd = [sys.executable, str(root / "publish.py"), "build"]
    _set_version(root, 0)
    subprocess.run(cmd, cwd=root, capture_output=True, check=True, timeout=300)  # out/ holds a good build
    assert _snapshot(out) == finished[0]
    rng = random.Random(20261126)
    durations = []
    for n in range(2 + 15):
        _set_version(root, (n + 1) % 2)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)  # its own process group, with its worker processes
        if n < 2:  # the first two run to the end, to time a build
            assert proc.wait(timeout=300) == 0
            durations.append(time.perf_counter() - start)
            continue
        time.sleep(rng.uniform(0, max(durations)))
        if n % 2:
            os.kill(proc.pid, signal.SIGKILL)  # the main process only: its workers are orphaned mid-render
            proc.wait(timeout=60)
            time.sleep(0.05)
            _check_after_kill(out, finished)  # the orphans must not write anything
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the group this test started: the build and its workers
        except ProcessLookupError:
            pass
        proc.wait(timeout=60)
        _check_after_kill(out, finished)  # every file is complete; the manifest may lag if the kill fell between the renames
        for pdf in out.rglob("*.pdf"):
            if not pdf.name.startswith("."):
                assert run_qpdf_check(pdf) == [], pdf
    # and the next build, left alone, repairs everything a kill left behind
    subprocess.run(cmd, cwd=root, capture_output=True, check=True, timeout=300)
    _check_after_kill(out, finished, strict_manifest=True)


class _Crash(BaseException):
    """Stands for SIGKILL inside the build: nothing after it runs (not an Exception: nothing catches it)."""


def _crash_after(monkeypatch, n):
    """Make the n-th rename of the build its last act (a rename is what publishes a file)."""
    real, count = os.replace, [0]

    def replace(src, dst, *args, **kwargs):
        real(src, dst, *args, **kwargs)
        count[0] += 1
        if count[0] == n:
            raise _Crash(dst)

    monkeypatch.setattr(os, "replace", replace)
    return count


def test_a_build_that_dies_after_any_rename_leaves_whole_files_and_the_next_build_repairs_the_manifest(
        tmp_path, monkeypatch):
    """Starting each time from a finished build, the next build is stopped dead just after its first, second,
    ... rename (in process: fast and deterministic); out/ is checked after each.

    Every file is written and flushed before the first rename and the manifest is renamed right after the
    PDFs, so a build can only die with a lagging manifest in the few microseconds between those renames;
    then the entries that lag are PDFs of this very build, complete, and the next build (which re-hashes
    every PDF it would skip) puts out/ exactly as a finished build leaves it."""
    from handoutpress.publish.build import build

    root, finished = _kill_project(tmp_path)
    out = root / "out"
    _set_version(root, 1)
    n = 0
    while True:
        n += 1
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(tmp_path / "finished-0", out)
        renames = _crash_after(monkeypatch, n)
        try:
            build(root, out_dir=out, jobs=1)
        except _Crash:
            pass
        finally:
            monkeypatch.undo()
        stale = _check_after_kill(out, finished)
        for path in stale:  # the manifest lags only for PDFs this build has already replaced
            assert _snapshot(out)[path] == finished[1][path], path
        assert not [p for p in out.rglob("*.tmp")], "a stopped build's temp files are left behind"
        _set_version(root, 0)  # back to what the manifest says: the next build must not trust it blindly
        build(root, out_dir=out, jobs=1)
        assert _snapshot(out) == finished[0], "the next build left a PDF the manifest does not describe"
        _set_version(root, 1)
        if renames[0] < n:  # the build finished before its n-th rename: every moment has been tried
            break
    assert n >= 6  # three PDFs, their thumbnails, the manifest, the catalog


@pytest.mark.parametrize("where", ["third file written", "flush to disk"])
def test_a_build_that_dies_while_writing_its_files_changes_nothing_in_out(tmp_path, monkeypatch, where):
    """Until its first rename a build only writes hidden temp files: stopped while it writes them or
    flushes them to disk, out/ is exactly the previous build, and the next build removes the temp files a
    killed build left."""
    from handoutpress.publish import output
    from handoutpress.publish.build import build

    root, finished = _kill_project(tmp_path)
    out = root / "out"
    shutil.copytree(tmp_path / "finished-0", out)
    _set_version(root, 1)
    real_stage, real_sync, calls = output.stage, output.sync, [0]

    def stage(path, data):
        calls[0] += 1
        if where == "third file written" and calls[0] == 3:  # a PDF and its thumbnail written, none renamed
            raise _Crash(path)
        return real_stage(path, data)

    def sync(staged):
        assert len(staged) > 3
        real_sync(staged)
        if where == "flush to disk":
            raise _Crash(len(staged))

    monkeypatch.setattr(output, "stage", stage)
    monkeypatch.setattr(output, "sync", sync)
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):  # into out/: not before every file is written (.cache/ may)
        if out in Path(dst).parents:
            pytest.fail("renamed before every file was written")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(_Crash):
        build(root, out_dir=out, jobs=1)
    monkeypatch.undo()
    assert _snapshot(out) == finished[0]
    assert not [p for p in out.rglob("*.tmp")]  # in process, the temps are removed at once
    # a SIGKILL would leave them: one from a process that is gone is removed, one of a live build is kept
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = out / "visit" / f".maple-mountain-visit-patient-en.pdf.{int(dead.stdout)}.abc123.tmp"
    mine = out / "visit" / f".maple-mountain-visit-patient-en.pdf.{os.getppid()}.def456.tmp"
    left.write_bytes(b"%PDF-1.4 half")
    mine.write_bytes(b"%PDF-1.4 being written")
    assert output.clean_temps(out) == [left]
    assert mine.exists()
    build(root, out_dir=out, jobs=1)
    assert _snapshot(out) == finished[1] and not left.exists() and mine.exists()


# ---------------------------------------------------------------- Ctrl-C and SIGTERM end the whole build

def _group(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group, from /proc."""
    found = []
    for stat in os.listdir("/proc"):
        if not stat.isdigit():
            continue
        try:
            with open(f"/proc/{stat}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            found.append(int(stat))
    return found


@pytest.mark.parametrize("signum, code, to_group", [
    pytest.param(signal.SIGINT, 130, True, id="ctrl-c-to-the-terminal-group"),
    pytest.param(signal.SIGINT, 130, False, id="sigint-to-the-build"),
    pytest.param(signal.SIGTERM, 143, False, id="sigterm-to-the-build"),
    pytest.param(signal.SIGTERM, 143, True, id="sigterm-to-the-group"),
])
def test_a_signal_ends_a_parallel_build_with_its_workers_and_leaves_out_as_it_was(tmp_path, signum, code, to_group):
    """`build --jobs 2` of a dozen handouts, signalled while both workers render: it exits 130 or 143 with one
    line and no traceback, within seconds; no process of its group outlives it; out/ is byte for byte the
    previous build, with no temp file left."""
    root, finished = _kill_project(tmp_path)
    for n in range(10):
        (root / "handouts" / f"extra{n}.yaml").write_text(MINI.replace("id: sleep", f"id: extra{n}"))
    out = root / "out"
    cmd = [sys.executable, str(root / "publish.py"), "build", "--jobs", "2", "--force"]
    subprocess.run(cmd, cwd=root, capture_output=True, check=True, timeout=300)
    before = _snapshot(out)
    _set_version(root, 1)  # the next build would change PDFs
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_group(proc.pid)) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(_group(proc.pid)) >= 3, "the workers never started"
    time.sleep(0.3)  # both workers are rendering
    sent = time.monotonic()
    (os.killpg if to_group else os.kill)(proc.pid, signum)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code, stderr
    assert time.monotonic() - sent < 10, "the build took too long to stop"  # generous: a stop is a fraction of a second
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("publish.py: "), stderr
    wait = time.monotonic() + 5
    while _group(proc.pid) and time.monotonic() < wait:
        time.sleep(0.05)
    assert _group(proc.pid) == [], "a worker outlived the build"
    assert _snapshot(out) == before
    assert not [p for p in out.rglob("*") if p.name.startswith(".")], "temp files or the lock were left behind"


def test_a_sigkill_to_the_build_takes_its_workers_with_it(tmp_path):
    """SIGKILL cannot be caught; the workers ask the kernel to kill them when their parent dies."""
    root = copy_project(tmp_path / "project")
    for n in range(10):
        (root / "handouts" / f"extra{n}.yaml").write_text(MINI.replace("id: sleep", f"id: extra{n}"))
    proc = subprocess.Popen([sys.executable, str(root / "publish.py"), "build", "--jobs", "2"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_group(proc.pid)) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(_group(proc.pid)) >= 3, "the workers never started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    wait = time.monotonic() + 5
    while _group(proc.pid) and time.monotonic() < wait:
        time.sleep(0.05)
    assert _group(proc.pid) == [], "a worker outlived the killed build"


def test_ctrl_c_in_a_one_process_build_exits_130_without_a_traceback(tmp_path):
    root = copy_project(tmp_path / "project")
    proc = subprocess.Popen([sys.executable, str(root / "publish.py"), "build", "--jobs", "1"], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    if proc.returncode == 0:
        pytest.skip("the build finished before the signal")
    assert proc.returncode == 130 and "Traceback" not in stderr, stderr
    assert not [p for p in (root / "out").rglob("*.tmp")] if (root / "out").exists() else True
