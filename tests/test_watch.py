"""`publish.py watch` and build progress: what a change rebuilds, the designer's loop end to end,
and the status line that shows on a terminal and stays out of CI logs."""
from __future__ import annotations

import hashlib
import os
import fcntl
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from handoutpress.designer import watch as w

from project_copy import LAYOUT, MINI, VISIT_FILE, copy_project, edit

VISIT_PDF = "visit/maple-mountain-visit-patient-en.pdf"

# ---------------------------------------------------------------- the pure mapping

DEPS = {
    "benzodiazepines": frozenset({
        "handouts/benzodiazepines.yaml", "handouts/clinic.yaml", "handouts/benzodiazepines.es.yaml",
        "layouts/maple-mountain.yaml", "layouts/maple-mountain-large-print.yaml",
        "layouts/assets/maple-mountain-mark.svg", "fonts/AtkinsonHyperlegible-Regular.ttf"}),
    "visit": frozenset({"handouts/visit.yaml", "handouts/clinic.yaml", "layouts/maple-mountain.yaml",
                        "layouts/assets/maple-mountain-mark.svg", "fonts/AtkinsonHyperlegible-Regular.ttf"}),
    "sleep": frozenset({"handouts/sleep.yaml", "handouts/clinic.yaml", "layouts/plain.yaml",
                        "fonts/Other-Regular.ttf"}),
}


def test_a_layout_change_rebuilds_the_handouts_whose_chains_include_it():
    assert w.affected({"layouts/maple-mountain-large-print.yaml"}, DEPS) == {"benzodiazepines"}
    assert w.affected({"layouts/maple-mountain.yaml"}, DEPS) == {"benzodiazepines", "visit"}
    assert w.affected({"layouts/plain.yaml"}, DEPS) == {"sleep"}
    assert w.affected({"layouts/unused.yaml"}, DEPS) == set()


def test_a_picture_rebuilds_every_handout():
    """A figure's file may be in any handout (images/, or beside the handouts): all are rebuilt."""
    assert w.affected({"images/lock-box.svg"}, DEPS) == set(DEPS)
    assert w.affected({"handouts/diagram.png"}, DEPS) == set(DEPS)


def test_logo_and_font_files_rebuild_the_handouts_whose_layouts_name_them():
    assert w.affected({"layouts/assets/maple-mountain-mark.svg"}, DEPS) == {"benzodiazepines", "visit"}
    assert w.affected({"fonts/Other-Regular.ttf"}, DEPS) == {"sleep"}
    assert w.affected({"fonts/OFL.txt"}, DEPS) == set()


def test_the_clinic_file_rebuilds_everything():
    assert w.affected({"handouts/clinic.yaml"}, DEPS) == set(DEPS)


def test_a_handout_change_rebuilds_only_that_handout():
    assert w.affected({"handouts/visit.yaml"}, DEPS) == {"visit"}
    assert w.affected({"handouts/new.yaml"}, DEPS) == {"new"}  # a new handout, not in deps yet


def test_a_translation_file_rebuilds_its_handout():
    assert w.affected({"handouts/benzodiazepines.es.yaml"}, DEPS) == {"benzodiazepines"}
    assert w.affected({"handouts/benzodiazepines.fr.yaml"}, DEPS) == {"benzodiazepines"}  # not used yet


def test_a_folder_dependency_covers_every_file_in_it():
    deps = {**DEPS, "sleep": frozenset({"handouts/sleep.yaml"}) | w.EVERYTHING}  # its layout is unreadable
    assert w.affected({"layouts/plain.yaml"}, deps) == {"sleep"}
    assert w.affected({"fonts/OFL.txt"}, deps) == {"sleep"}
    assert w.affected({"layouts/maple-mountain.yaml", "handouts/visit.yaml"}, deps) == {
        "benzodiazepines", "visit", "sleep"}


# every shipped handout has patient and large-print variants, and so does the test handout
SHIPPED_AND_VISIT = {"benzodiazepines", "benzodiazepine-taper-worksheet", "safe-storage-and-disposal", "visit"}


def test_dependencies_follow_the_extends_chain_logo_fonts_and_translations(tmp_path):
    root = copy_project(tmp_path / "p", cli=False)
    deps = w.index(root)
    benzo, visit = deps["benzodiazepines"], deps["visit"]
    assert {"handouts/benzodiazepines.yaml", "handouts/benzodiazepines.es.yaml", "layouts/maple-mountain.yaml",
            "layouts/maple-mountain-large-print.yaml", "layouts/assets/maple-mountain-mark.svg",
            "fonts/AtkinsonHyperlegible-Regular.ttf", "fonts/AtkinsonHyperlegible-Bold.ttf"} <= benzo
    assert not any(d.endswith("/") for d in benzo)
    # the large-print layout extends maple-mountain, so editing the parent reaches both variants' handouts
    assert w.affected({LAYOUT}, deps) == SHIPPED_AND_VISIT
    # a handout using only the parent layout is not rebuilt for the child
    (root / "handouts" / "sleep.yaml").write_text(MINI, "utf-8")
    deps = w.index(root)
    assert w.affected({"layouts/maple-mountain-large-print.yaml"}, deps) == SHIPPED_AND_VISIT
    assert "sleep" in w.affected({LAYOUT}, deps)
    # a broken layout: its users depend on everything until it can be read again
    (root / LAYOUT).write_text("palette: [unclosed\n", "utf-8")
    broken = w.index(root)
    assert w.EVERYTHING <= broken["visit"]
    assert "visit" in w.affected({"fonts/whatever.ttf"}, broken)
    # a broken handout keeps what it depended on before
    (root / VISIT_FILE).write_text("id: visit\ntitle: [oops\n", "utf-8")
    assert w.index(root, deps)["visit"] == deps["visit"]


def test_snapshot_sees_edits_and_ignores_editor_files(tmp_path):
    root = copy_project(tmp_path / "p", cli=False)
    before = w.snapshot(root)
    assert "layouts/assets/maple-mountain-mark.svg" in before and "fonts/AtkinsonHyperlegible-Regular.ttf" in before
    (root / "handouts" / ".visit.yaml.swp").write_text("x")
    (root / "handouts" / "visit.yaml~").write_text("x")
    assert w.changes(before, w.snapshot(root)) == set()
    edit(root, LAYOUT, 'evergreen: "#1F4E4A"', 'evergreen: "#1A4340"')  # same size: the mtime tells
    os.utime(root / LAYOUT, ns=(before[LAYOUT][0] + 10**9, before[LAYOUT][0] + 10**9))
    assert w.changes(before, w.snapshot(root)) == {LAYOUT}


# ---------------------------------------------------------------- the designer's loop, end to end


class _Watcher:
    """publish.py watch in a subprocess; its output (stdout and stderr) collected line by line."""

    def __init__(self, root: Path, *args: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, str(root / "publish.py"), "watch", *args], cwd=root,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                if m := re.search(pattern, line):
                    return m
            assert self.proc.poll() is None, f"the watcher ended ({self.proc.returncode}):\n{self.output}"
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s:\n{self.output}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("mode", [[], ["--poll"]], ids=["file-system events", "polling"])
def test_a_designer_changes_a_colour_and_sees_the_new_pdf_within_seconds(tmp_path, mode):
    root = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    watcher = _Watcher(root, "visit", "--out", str(out), "--interval", "0.2", *mode)
    try:
        watcher.wait_for(r"\d+ written, 0 errors.*; watching", timeout=30)  # the first build, snapshot taken
        pdf = out / VISIT_PDF
        assert pdf.is_file(), watcher.output
        before = _sha(pdf)

        # 1. a palette colour in the layout: the PDF is rebuilt, with different bytes, within 10 s
        mark = len(watcher.lines)
        saved = time.monotonic()
        edit(root, LAYOUT, 'evergreen: "#1F4E4A"', 'evergreen: "#1A4340"')
        while _sha(pdf) == before:
            assert time.monotonic() - saved < 10, f"no new PDF 10 s after the save:\n{watcher.output}"
            time.sleep(0.05)
        elapsed = time.monotonic() - saved
        print(f"save -> new PDF: {elapsed:.2f} s")
        watcher.wait_for(r"layouts/maple-mountain\.yaml changed; rebuilding visit$", timeout=20, start=mark)
        watcher.wait_for(r"^wrote visit/maple-mountain-visit-patient-en\.pdf", timeout=20, start=mark)

        # 2. a half-saved handout: the error, with file:line:col, and the watcher goes on
        mark = len(watcher.lines)
        good = (root / VISIT_FILE).read_text("utf-8")
        (root / VISIT_FILE).write_text("id: visit\ntitle: [Your First\n", "utf-8")
        watcher.wait_for(r"^error: handouts/visit\.yaml:\d+:\d+: YAML syntax error", timeout=20, start=mark)
        watcher.wait_for(r"0 written, 1 error.*; watching", timeout=20, start=mark)
        time.sleep(0.3)
        assert watcher.proc.poll() is None, watcher.output

        # 3. the next save, fixed, publishes again
        mark = len(watcher.lines)
        # a real edit, so the build sees new inputs (the same bytes as before would be "unchanged")
        (root / VISIT_FILE).write_text(good.replace("title: Your First Visit", "title: Your First Visit Today"), "utf-8")
        watcher.wait_for(r"^wrote visit/maple-mountain-visit-patient-en\.pdf", timeout=20, start=mark)

        # 4. Ctrl-C ends it cleanly
        watcher.proc.send_signal(signal.SIGINT)
        assert watcher.proc.wait(10) == 0, watcher.output
        watcher.reader.join(5)
        assert "Traceback" not in watcher.output, watcher.output
        assert watcher.lines[-1] == "stopped"
    finally:
        watcher.stop()


def test_watch_refuses_an_unknown_handout(tmp_path):
    root = copy_project(tmp_path / "p")
    result = subprocess.run([sys.executable, str(root / "publish.py"), "watch", "nosuch"], cwd=root,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "nosuch: no such handout" in result.stderr


# ---------------------------------------------------------------- progress


def _run_on_pty(root: Path, *args: str, env: dict) -> tuple[int, str]:
    """Run publish.py with stdout and stderr on a pseudo-terminal; everything it wrote, raw."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 160, 0, 0))  # 24 rows, 160 columns
    proc = subprocess.Popen([sys.executable, str(root / "publish.py"), *args], cwd=root, stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
    finally:
        os.close(master)
        code = proc.wait(30)
    return code, b"".join(chunks).decode("utf-8", "replace")


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def small_project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("progress") / "p")


def test_a_build_on_a_terminal_shows_one_updating_progress_line(small_project):
    code, text = _run_on_pty(small_project, "build", "visit", "--out", str(small_project / "out-tty"),
                             env=_env())
    assert code == 0, text
    assert "\rbuilding 0/1: handouts/visit.yaml" in text.replace("\x1b[K", "")
    assert "building 0/1: handouts/visit.yaml (large-print)" in text
    assert "building 1/1" in text
    # the line is cleared before the report, which reads as usual
    after = text[text.rindex("\r\x1b[K") + 4:]
    assert "building" not in after and "wrote visit/" in after, repr(after[:200])


def test_no_progress_in_ci_logs_or_when_not_on_a_terminal(small_project):
    code, text = _run_on_pty(small_project, "build", "visit", "--out", str(small_project / "out-ci"),
                             env=_env(CI="1"))
    assert code == 0, text
    assert "wrote visit/" in text and "building" not in text and "\x1b[K" not in text
    result = subprocess.run([sys.executable, str(small_project / "publish.py"), "build", "visit", "--out",
                             str(small_project / "out-pipe")], cwd=small_project, capture_output=True,
                            text=True, timeout=60, env=_env())
    assert result.returncode == 0, result.stderr
    assert "building" not in result.stderr + result.stdout and "\r" not in result.stderr


def test_build_calls_progress_for_every_handout_and_variant(tmp_path):
    from handoutpress.publish.build import build

    root = copy_project(tmp_path / "p", cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI, "utf-8")
    calls = []
    report = build(root, ["sleep", "visit"], out_dir=tmp_path / "out", progress=lambda *a: calls.append(a))
    assert not report.problems, report.problems
    assert calls == [(0, 2, "handouts/sleep.yaml"), (0, 2, "handouts/sleep.yaml (patient)"),
                     (1, 2, "handouts/visit.yaml"), (1, 2, "handouts/visit.yaml (patient)"),
                     (1, 2, "handouts/visit.yaml (large-print)"), (2, 2, "")]


# ---------------------------------------------------------------- file-system events and the live preview


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_inotify_wakes_on_a_save_and_follows_new_folders(tmp_path):
    root = copy_project(tmp_path / "p")
    events = w.Inotify(root)
    try:
        assert not events.wait(0.05)
        edit(root, LAYOUT, 'evergreen: "#1F4E4A"', 'evergreen: "#1A4340"')
        assert events.wait(5)
        (root / "layouts" / "new").mkdir()
        assert events.wait(5)
        while events.wait(0.05):  # what is left of the mkdir
            pass
        (root / "layouts" / "new" / "mark.svg").write_text("<svg/>", "utf-8")
        assert events.wait(5), "a file in a folder made after the start wakes the watcher"
    finally:
        events.close()


def test_a_saved_change_reaches_the_live_preview(tmp_path):
    from test_catalog import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, _missing

    if not Path(CHROMIUM).is_file():
        _missing(f"Debian's chromium is not at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    root = copy_project(tmp_path / "p")
    watcher = _Watcher(root, "visit", "--out", str(tmp_path / "out"), "--serve", "--port", "0")
    try:
        url = watcher.wait_for(r"^preview: (http://127\.0\.0\.1:\d+/_preview/) ", timeout=30).group(1)
        watcher.wait_for(r"\d+ written, 0 errors.*; watching", timeout=30)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                        timeout=TIMEOUT_MS)
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url, wait_until="load")
            status = page.locator("#status")
            first = int(status.get_attribute("data-version"))
            assert re.match(r"\d+ written, 0 errors at ", status.inner_text())
            images = page.locator(".pages img")
            assert images.count() >= 1
            assert images.first.get_attribute("alt").startswith("Page 1 of ")
            page.wait_for_function("() => [...document.querySelectorAll('.pages img')].every("
                                   "i => i.complete && i.naturalWidth > 0)")
            assert page.locator(f'a[href="/{VISIT_PDF}"]').count() == 1
            frame = page.frame_locator('iframe[src^="/visit/patient.html"]').locator("h1")
            assert frame.inner_text()  # the variant's web page, shown in the preview
            old_image = page.evaluate("() => document.querySelector('.pages img').src")

            # a saved change: the page reloads by itself and shows the rebuilt pages
            edit(root, LAYOUT, 'evergreen: "#1F4E4A"', 'evergreen: "#1A4340"')
            page.wait_for_function(f"() => Number(document.querySelector('#status')?.dataset.version) > {first}",
                                   timeout=20_000)
            page.wait_for_load_state("load")
            assert page.evaluate("() => document.querySelector('.pages img').src") != old_image
            page.wait_for_function("() => [...document.querySelectorAll('.pages img')].every("
                                   "i => i.complete && i.naturalWidth > 0)")
            assert all(u.startswith(url.rsplit("/_preview/", 1)[0] + "/") for u in requests), \
                "the preview loads nothing from elsewhere"
            browser.close()
        assert "Traceback" not in watcher.output, watcher.output
    finally:
        watcher.stop()
