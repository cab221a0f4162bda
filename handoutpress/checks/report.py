"""The check report: readable text grouped by file, or JSON for tools."""
from __future__ import annotations

import json
from collections import defaultdict


def _place(p) -> str:
    if p.line is None:
        return "-"
    return f"{p.line}:{p.column}" if p.column is not None else str(p.line)


def as_text(result) -> str:
    by_file = defaultdict(list)
    notes = [p for p in result.problems if p.severity == "info"]
    for p in result.problems:
        if p.severity != "info":  # notes (conditional cases) are listed by --format json
            by_file[p.file].append(p)
    out = []
    for file in sorted(by_file):
        out.append(file)
        for p in sorted(by_file[file], key=lambda p: (p.line or 0, p.column or 0, p.code)):
            where = f"{p.path}: " if p.path else ""
            fix = f"; {p.fix}" if p.fix else ""
            out.append(f"  {_place(p):>8}  {p.severity:<7}  {p.code:<22} {where}{p.message}{fix}")
        out.append("")
    if result.reading:
        from .plain_language import summary_lines

        out += summary_lines(result) + [""]
    errors, warnings = len(result.errors), len(result.warnings)
    out.append(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
               f"in {len(result.files)} file{'s' * (len(result.files) != 1)} checked"
               + (f"; {len(notes)} note{'s' * (len(notes) != 1)} in --format json" if notes else ""))
    return "\n".join(out) + "\n"


def as_json(result) -> str:
    findings = [{"code": p.code, "severity": p.severity, "file": p.file, "line": p.line, "column": p.column,
                 "path": p.path, "message": p.message, "fix": p.fix} for p in result.problems]
    from .plain_language import json_reading

    reading = [json_reading(result, h, v) for h, v in sorted(result.reading)]
    return json.dumps({"findings": findings, "reading": reading,
                       "summary": {"errors": len(result.errors), "warnings": len(result.warnings),
                                   "files": sorted(result.files)}}, indent=2, ensure_ascii=False) + "\n"
