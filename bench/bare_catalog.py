#!/usr/bin/env python3
"""The baseline at catalog scale: bare_reportlab.py over every handout of a project, as one
whole process (issue 18's table): each handout's YAML read and laid out by hand-written
ReportLab, one PDF each in OUT; --jobs N splits the handouts over N worker processes.

    python bench/bare_catalog.py PROJECT OUT [--jobs N]
"""
from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bare_reportlab  # noqa: E402


def one(job: tuple[str, str]) -> int:
    source, target = job
    with open(source, "rb") as f:
        data = yaml.safe_load(f)
    pdf = bare_reportlab.render(data)
    Path(target).write_bytes(pdf)
    return len(pdf)


def main(argv: list[str]) -> int:
    jobs_n = int(argv[argv.index("--jobs") + 1]) if "--jobs" in argv else 1
    project, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    work = [(str(p), str(out / f"{p.stem}.pdf")) for p in sorted((project / "handouts").glob("*.yaml"))
            if p.name != "clinic.yaml"]
    if jobs_n == 1:
        sizes = [one(w) for w in work]
    else:
        with ProcessPoolExecutor(jobs_n) as pool:
            sizes = list(pool.map(one, work, chunksize=max(1, len(work) // (jobs_n * 4))))
    print(len(sizes), sum(sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
