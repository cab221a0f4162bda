"""A build killed at any moment leaves no truncated or corrupt PDF or manifest in out/."""
from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time

import pikepdf

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
