#!/usr/bin/env python3
"""Benchmarks, measured as ratios against a baseline run in the same process.

  python bench/bench.py                     print the whole table
  python bench/bench.py tagging check       only these parts (tagging, check, bare, catalog, search, article, watch)

(7) watch: save to preview in `publish.py watch --serve` (target under 300 ms, median).
(6) article: issue 18's table, the clinic's article as 200 handouts, publisher against
    bench/bare_catalog.py, whole processes alternating, 1 and 2 processes (target 1.3x).
(5) search: the staff catalog page for 300 generated handouts of six variants each (1,800 rows,
    each with ~600 words of text in its index), opened from disk in Debian's Chromium: page size,
    time to load, and the page's own search (window.handoutpressSearch: filter every row and
    update the page) per query, median and slowest of five; target: well under 100 ms.

(4) catalog: 200 generated handouts built cold with --jobs 1 and with all cores (target 1.9x on
    2 cores); a no-op rebuild of it (target under 5% of the full build); peak memory of one
    process building 1000 handouts (target under 150 MB).
(3) bare ReportLab: the same handout laid out by bench/bare_reportlab.py (hand-written
    ReportLab, same fonts and content, no tagging, checks or PDF/A), in the same process,
    alternating; and cold: one `publish.py build benzodiazepines --variant patient` process
    against one `bench/bare_reportlab.py` process. Targets: 1.15x warm, 1.5x cold.
(2) check: `publish.py check` over all shipped content, cold (a new process, as a designer runs
    it) and warm (in this process); target: under a second cold.
(1) tagging: the patient variant rendered tagged (the only output the publisher makes) versus
    the same layout with tagging switched off inside this script only (no marked content, no
    structure tree, no PDF/A post-processing): time ratio and file sizes.
"""
from __future__ import annotations

import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handoutpress.load.content import load_clinic, load_handout  # noqa: E402
from handoutpress.publish.build import Caches, render_variant  # noqa: E402
from handoutpress.publish.inputs import CLINIC_FILE
from handoutpress.render.pdf import tagging  # noqa: E402


@contextmanager
def untagged():
    """Tagging off for a measurement: marked-content calls do nothing, finish() is skipped."""
    import handoutpress.render.pdf.finish as finish_mod

    saved = {name: getattr(tagging.Tagger, name) for name in ("begin", "end", "begin_artifact", "end_artifact", "link")}
    saved_finish = finish_mod.finish
    for name in saved:
        setattr(tagging.Tagger, name, lambda self, *a, **k: None)
    finish_mod.finish = lambda raw, *a, **k: raw
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(tagging.Tagger, name, fn)
        finish_mod.finish = saved_finish


def bench_tagging(repeat: int = 40) -> list[tuple]:
    """Tagged and untagged runs alternate, so load on the machine hits both sides alike."""
    clinic = load_clinic(ROOT / "handouts" / CLINIC_FILE)
    handout = load_handout(ROOT / "handouts" / "benzodiazepines.yaml", clinic)
    variant = next(v for v in handout.variants if v.name == "patient")
    caches = Caches()

    def run():
        return render_variant(handout, variant, ROOT, caches)

    tagged_bytes = len(run().data)
    with untagged():
        plain_bytes = len(run().data)
    tagged, plain = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        tagged.append(time.perf_counter() - start)
        with untagged():
            start = time.perf_counter()
            run()
            plain.append(time.perf_counter() - start)
    tagged_s, plain_s = statistics.median(tagged), statistics.median(plain)
    return [
        ("patient PDF, untagged (baseline)", f"{plain_s * 1000:.1f} ms", f"{plain_bytes / 1024:.1f} KB", "1.00x"),
        ("patient PDF, tagged PDF/UA + PDF/A", f"{tagged_s * 1000:.1f} ms", f"{tagged_bytes / 1024:.1f} KB",
         f"{tagged_s / plain_s:.2f}x time, {tagged_bytes / plain_bytes:.2f}x size"),
    ]


def bench_check(repeat: int = 5) -> list[tuple]:
    """Cold: a new Python process per run, imports and all. Warm: run() again in this process."""
    import subprocess

    from handoutpress.publish.check import run

    cold = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "publish.py"), "check"], cwd=ROOT, capture_output=True, check=False)
        cold.append(time.perf_counter() - start)
    run(ROOT)
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run(ROOT)
        warm.append(time.perf_counter() - start)
    variants = len(result.reading)
    return [(f"publish.py check, cold process ({variants} variants)", f"{statistics.median(cold) * 1000:.0f} ms",
             "-", "target < 1000 ms"),
            (f"check, warm, in process ({variants} variants)", f"{statistics.median(warm) * 1000:.0f} ms", "-", "")]


def bench_bare(repeat: int = 30) -> list[tuple]:
    import os
    import shutil
    import subprocess
    import tempfile

    sys.path.insert(0, str(ROOT / "bench"))
    import bare_reportlab

    clinic = load_clinic(ROOT / "handouts" / CLINIC_FILE)
    caches = Caches()

    def publisher():
        handout = load_handout(ROOT / "handouts" / "benzodiazepines.yaml", clinic)
        return render_variant(handout, next(v for v in handout.variants if v.name == "patient"), ROOT, caches)

    def bare():
        return bare_reportlab.render(bare_reportlab.load())

    publisher(), bare()
    ours, theirs = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        publisher()
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare()
        theirs.append(time.perf_counter() - start)
    warm_ours, warm_bare = statistics.median(ours), statistics.median(theirs)

    # Cold: a new process each time, as a designer runs a build; Python's .pyc files written and the
    # project's .cache/ (converted logos, input digests) filled by the warm-up round, as after any first
    # build. PYTHONDONTWRITEBYTECODE would make every round compile the package from source.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"CI": "1"}
    bare_script = str(ROOT / "bench" / "bare_reportlab.py")
    cold = {"ours": [], "bare": [], "edit": [], "one": [], "all jobs 1": [], "all": []}
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"  # a copy, so that "edit" can change the handout between rounds
        for sub in ("handouts", "layouts", "fonts", "images"):
            shutil.copytree(ROOT / sub, project / sub)
        shutil.copy2(ROOT / "publish.py", project / "publish.py")
        handout = project / "handouts" / "benzodiazepines.yaml"
        text = handout.read_text("utf-8")
        publish = [sys.executable, str(project / "publish.py"), "build", "benzodiazepines"]
        runs = {"ours": publish + ["--variant", "patient", "--force", "--out", f"{tmp}/ours"],
                "bare": [sys.executable, bare_script, f"{tmp}/bare.pdf"],
                "edit": publish + ["--variant", "patient", "--out", f"{tmp}/edit"],  # not --force: the edit rebuilds it
                "one": publish + ["--variant", "patient", "--force", "--out", f"{tmp}/one", "--jobs", "1"],
                "all jobs 1": publish + ["--force", "--out", f"{tmp}/all1", "--jobs", "1"],
                "all": publish + ["--force", "--out", f"{tmp}/all"]}
        for n in range(10):  # round 0 warms up and is not counted
            for name, cmd in runs.items():
                if name == "edit":  # a new word in the title each round: a new PDF, manifest and catalog page
                    handout.write_text(text.replace("Benzodiazepines", f"Benzodiazepines {n}", 1), "utf-8")
                start = time.perf_counter()
                subprocess.run(cmd, capture_output=True, check=True, env=env, cwd=project)
                if n:
                    cold[name].append(time.perf_counter() - start)
    c_ours, c_bare, c_edit, c_one, c_all1, c_all = (statistics.median(cold[k]) for k in cold)

    def paired(a: str, b: str) -> str:  # the median of each round's ratio: the machine's speed moves between rounds
        return f"{statistics.median(x / y for x, y in zip(cold[a], cold[b])):.2f}x round by round"

    variants = len(load_handout(ROOT / "handouts" / "benzodiazepines.yaml", clinic).variants)
    return [
        ("bare ReportLab, same handout, warm", f"{warm_bare * 1000:.1f} ms", "", "1.00x"),
        ("publisher, patient variant, warm (load+check+render)", f"{warm_ours * 1000:.1f} ms", "",
         f"{warm_ours / warm_bare:.2f}x (target 1.15x)"),
        ("bare ReportLab script, cold process", f"{c_bare * 1000:.0f} ms", "", "1.00x"),
        ("publish.py build (one variant), cold process", f"{c_ours * 1000:.0f} ms", "",
         f"{c_ours / c_bare:.2f}x, {paired('ours', 'bare')} (target 1.5x)"),
        ("  after an edit of the handout (no --force; new PDF, manifest, catalog page)", f"{c_edit * 1000:.0f} ms", "",
         f"{c_edit / c_bare:.2f}x, {paired('edit', 'bare')}"),
        ("  the same with --jobs 1 (no helper processes)", f"{c_one * 1000:.0f} ms", "",
         f"{c_one / c_bare:.2f}x, {paired('one', 'bare')}"),
        (f"publish.py build benzodiazepines ({variants} variants), --jobs 1", f"{c_all1 * 1000:.0f} ms", "", "1.00x"),
        ("  the same on all cores (checks and finishing beside)", f"{c_all * 1000:.0f} ms", "",
         f"{c_all / c_all1:.2f}x, {paired('all', 'all jobs 1')}"),
    ]


def bench_catalog(count: int = 200, memory_count: int = 1000) -> list[tuple]:
    import os
    import subprocess
    import tempfile

    sys.path.insert(0, str(ROOT / "bench"))
    from catalog import make_catalog

    env = {**os.environ, "CI": "1"}
    cores = os.cpu_count() or 1
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        project = make_catalog(Path(tmp) / "catalog", count)

        def timed(*args):
            start = time.perf_counter()
            subprocess.run([sys.executable, "publish.py", "build", *args], cwd=project, env=env,
                           capture_output=True, check=False)
            return time.perf_counter() - start

        one = timed("--jobs", "1", "--force", "--out", "out1")
        many = timed("--jobs", str(cores), "--force", "--out", "out2")
        noop = timed("--jobs", str(cores), "--out", "out2")
        rows += [(f"{count} handouts, --jobs 1, cold", f"{one:.1f} s", "", f"{count / one:.1f} handouts/s"),
                 (f"{count} handouts, --jobs {cores}, cold", f"{many:.1f} s", "",
                  f"{one / many:.2f}x speed-up (target 1.9x on 2 cores)"),
                 (f"{count} handouts, no-op rebuild", f"{noop:.2f} s", "",
                  f"{noop / many * 100:.1f}% of the full build (target < 5%)")]
        big = make_catalog(Path(tmp) / "big", memory_count)
        probe = ("import resource, sys; sys.path.insert(0, '.'); from pathlib import Path; "
                 "from handoutpress.publish.build import build; r = build(Path('.'), jobs=1); "
                 "print(len(r.written), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", probe], cwd=big, env=env, capture_output=True, text=True)
        took = time.perf_counter() - start
        written, peak_kb = (done.stdout.split() + ["?", "0"])[:2]
        rows.append((f"{memory_count} handouts in one process ({written} PDFs)", f"{took:.0f} s",
                     f"{int(peak_kb) / 1024:.0f} MB peak", "target < 150 MB"))
    return rows


def bench_search(count: int = 300) -> list[tuple]:
    import tempfile

    from handoutpress.publish import catalog

    words = catalog.words_of((ROOT / "handouts" / "benzodiazepines.yaml").read_text("utf-8"))
    variants = [("patient", "approved", "standard"), ("large-print", "approved", "large-print"),
                ("admissions", "approved", "fillable"), ("family", "draft", "standard"),
                ("clinician", "draft", "standard"), ("es", "draft", "standard")]
    topics = ["medicines", "sleep", "anxiety", "depression", "family", "visits", "recovery", "children"]
    blank = catalog.png(catalog.THUMB_PIXELS, 248, b"\xff" * catalog.THUMB_PIXELS * 3 * 248)
    outputs = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for n in range(count):
            (out / f"h{n:03d}").mkdir()
            for v, (variant, status, fmt) in enumerate(variants):
                path = f"h{n:03d}/clinic-h{n:03d}-{variant}.pdf"
                (out / catalog.thumbnail_path(path)).write_bytes(blank)
                start = (n * 37 + v * 11) % max(1, len(words) - 600)
                outputs.append({"handout": f"h{n:03d}", "variant": variant, "audience": "patient",
                                "language": "es" if variant == "es" else "en", "status": status, "format": fmt,
                                "path": path, "pages": 4, "bytes": 90_000, "title": f"Handout {n} {words[n % len(words)]}",
                                "subtitle": "A generated handout", "version": "1.0",
                                "reviewed": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}", "reviewer": "Bench",
                                "topics": [topics[n % len(topics)], topics[(n * 3 + 1) % len(topics)]],
                                "keywords": [], "words": " ".join(words[start:start + 600])})
        manifest = {"outputs": outputs}
        page_file = out / "index.html"
        page_file.write_text(catalog.catalog_html(manifest, {e["path"]: (catalog.THUMB_PIXELS, 248) for e in outputs}),
                             "utf-8")
        size = page_file.stat().st_size
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            start = time.perf_counter()
            page.goto(page_file.as_uri(), wait_until="load")
            loaded = time.perf_counter() - start
            ready = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
            rows = [(f"catalog page, {len(outputs)} PDFs of {count} handouts", f"{loaded * 1000:.0f} ms to load",
                     f"{size / 1024 / 1024:.1f} MB", f"opened from disk; ready to search after {ready:.0f} ms")]
            for query in ("w", "with", "withdrawal", "sleep medicine", "handout 157", "xyzzy", ""):
                times = [page.evaluate("q => window.handoutpressSearch(q)", query) for _ in range(5)]
                shown = page.evaluate("document.querySelectorAll('tr[data-audience]:not([hidden])').length")
                rows.append((f"search {query!r} ({shown} rows shown)", f"{statistics.median(times):.1f} ms",
                             "", f"slowest {max(times):.1f} ms (target < 100 ms)"))
            browser.close()
    return rows


def _whole_process(cmd, cwd) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and its workers) of one command."""
    import os
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env={**os.environ, "CI": "1"}, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_article(count: int = 200, rounds: int = 3) -> list[tuple]:
    """Issue 18's table: the clinic's article (benzodiazepines, patient variant) as `count`
    handouts; `publish.py build --force` (tagged PDF/UA + PDF/A, checks, thumbnails, web pages,
    catalog) against bench/bare_catalog.py (bare ReportLab, untagged, no checks), whole processes,
    alternating, `rounds` rounds; 1 process and 2."""
    import tempfile

    sys.path.insert(0, str(ROOT / "bench"))
    from catalog import make_article_catalog

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        project = make_article_catalog(Path(tmp) / "article", count)
        for jobs in (1, 2):
            ours, bare = [], []
            for n in range(rounds):
                # a new output folder each round: nothing from an earlier round is kept or skipped
                ours.append(_whole_process([sys.executable, "publish.py", "build", "--jobs", str(jobs), "--force",
                                            "--out", f"out{jobs}-{n}"], project))
                bare.append(_whole_process([sys.executable, str(ROOT / "bench" / "bare_catalog.py"), ".",
                                            f"bare{jobs}-{n}", "--jobs", str(jobs)], project))
            wall_o, wall_b = (statistics.median(w for w, _ in x) for x in (ours, bare))
            cpu_o, cpu_b = (statistics.median(c for _, c in x) for x in (ours, bare))
            what = f"{jobs} process{'es' if jobs > 1 else ''}"
            rows += [(f"{count} articles, bare ReportLab, {what}", f"{wall_b:.1f} s", f"cpu {cpu_b:.1f} s", "1.00x"),
                     (f"{count} articles, publisher build --force, {what}", f"{wall_o:.1f} s", f"cpu {cpu_o:.1f} s",
                      f"{wall_o / wall_b:.2f}x wall, {cpu_o / cpu_b:.2f}x cpu (target 1.3x)")]
    return rows


def bench_watch(saves: int = 9) -> list[tuple]:
    return _watch_latency(saves, []) + _watch_latency(saves, ["--poll"])


def _watch_latency(saves: int, extra: list) -> list[tuple]:
    """Save to preview in `publish.py watch benzodiazepines --variant patient --serve`: a layout's
    colour is saved (alternating two values) and the time until the preview's version changes
    (the PDF, web page and page images rebuilt) is taken; median of `saves`."""
    import json
    import os
    import shutil
    import subprocess
    import tempfile
    import urllib.request

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "p"
        for folder in ("handouts", "layouts", "fonts"):
            shutil.copytree(ROOT / folder, project / folder)
        shutil.copy2(ROOT / "publish.py", project / "publish.py")
        proc = subprocess.Popen([sys.executable, "publish.py", "watch", "benzodiazepines", "--variant", "patient",
                                 "--serve", "--port", "0", *extra], cwd=project, env={**os.environ, "CI": "1"},
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            url = None
            for line in proc.stdout:
                if "preview: http" in line:
                    url = line.split("preview: ", 1)[1].split()[0]
                if url and "watching" in line and "written" in line:
                    break
            base = url.rsplit("/_preview", 1)[0]

            def version():
                with urllib.request.urlopen(f"{base}/_preview/version", timeout=5) as r:
                    return json.load(r)["version"]

            layout = project / "layouts" / "maple-mountain.yaml"
            original = layout.read_text("utf-8")
            took = []
            for n in range(saves):
                seen = version()
                text = original if n % 2 else original.replace('maple: "#B5651D"', 'maple: "#B5651E"', 1)
                start = time.perf_counter()
                layout.write_text(text, "utf-8")
                while version() == seen:
                    time.sleep(0.005)
                took.append(time.perf_counter() - start)
                time.sleep(0.3)
        finally:
            proc.terminate()
            proc.wait(10)
    how = "polling every 0.3 s" if extra else "file-system events"
    return [(f"save to preview, watch --serve, patient variant, {how}", f"{statistics.median(took) * 1000:.0f} ms", "",
             f"median of {saves} (min {min(took) * 1000:.0f}, max {max(took) * 1000:.0f}); target < 300 ms")]


def table(rows, header):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join([line, sep] + body)


if __name__ == "__main__":
    parts = sys.argv[1:] or ["tagging", "check", "bare", "catalog", "search", "article", "watch"]
    rows = []
    for part in parts:
        rows += {"tagging": bench_tagging, "check": bench_check, "bare": bench_bare, "catalog": bench_catalog,
                 "search": bench_search, "article": bench_article, "watch": bench_watch}[part]()
    print(table(rows, ("what", "median time", "size", "ratio")))
