"""The external validators: pdfua, PDFBox Preflight, qpdf --check and pdfinfo's structure text."""
from __future__ import annotations

import re
import subprocess
import sys

from .findings import Finding, _tool


def _pdfua_as_integer(value) -> int | None:
    """pdfua 0.1.3's as_integer without its crash: a PDF number is a Python int in pikepdf."""
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


# pdfua helpers replaced while the named rule runs, so that the rule itself runs. UA-14-001
# (EmptyHeadingRule) crashes in pdfua 0.1.3 on every heading whose /K is an array: its
# as_integer() calls getattr(array, "is_integer", False), and pikepdf's Array raises ValueError
# rather than AttributeError there, so the default is never used.
PDFUA_FIXES = {"UA-14-001": ("as_integer", _pdfua_as_integer)}


def run_pdfua(path) -> list[Finding]:
    """Run each pdfua rule separately and map its findings to pdfua:<rule id>.

    A rule that raises is reported as pdfua-rule-crashed:<rule id>. UA-14-001 (empty headings)
    runs with the helper named in PDFUA_FIXES replaced, as it crashes in pdfua 0.1.3 otherwise.
    """
    from pdfua import PdfDocument, PdfuaError, default_registry

    try:
        doc = PdfDocument.open(str(path))
    except PdfuaError as exc:
        return [Finding("pdfua:unreadable", str(exc))]
    with doc:
        return [f for rule in default_registry() for f in _run_pdfua_rule(rule, doc)]


def run_page_validation(path, profile: str) -> list[Finding]:
    """Validate path with PyPI page-validation against profile ("ua1", "2a", ...): one finding per failure."""
    import page

    report = page.validate_pdf(str(path), profile=profile)
    found = [Finding(f"page-validation:{f.rule_id}", f.message) for f in report.failures]
    if not report.is_compliant and not found:
        found.append(Finding("page-validation:not-compliant", f"not compliant with {profile}, no rule named"))
    return found


def run_outloud(path, severity: str = "error") -> list[Finding]:
    """PyPI outloud's findings of that severity (error, warning or info) as outloud:<rule id>."""
    import outloud

    result = outloud.check(str(path))
    if result.error:
        return [Finding("outloud:unreadable", result.error)]
    return [Finding(f"outloud:{f.rule}", f"{f.message}" + (f": {f.evidence[:200]!r}" if f.evidence else ""),
                    int(f.page) if str(f.page).isdigit() else None)
            for f in result.findings if f.severity == severity]


def run_qpdf_check(path) -> list[Finding]:
    """Run `qpdf --check` and report its warnings and errors."""
    qpdf = _tool("qpdf", "qpdf")
    result = subprocess.run(
        [qpdf, "--check", str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode == 0:
        return []
    findings = [_qpdf_line(line) for line in (result.stdout + result.stderr).splitlines()]
    findings = [f for f in findings if f is not None]
    return findings or [Finding("qpdf:error", f"qpdf --check exited {result.returncode}")]


def struct_outline(path) -> list[tuple[int, str, str]]:
    """(depth, role, direct text) for each structure element, from `pdfinfo -struct-text`."""
    pdfinfo = _tool("pdfinfo", "poppler-utils")
    result = subprocess.run(
        [pdfinfo, "-enc", "UTF-8", "-struct-text", str(path)],
        capture_output=True, timeout=120, check=True,
    )
    return parse_struct_text(result.stdout.decode("utf-8", "replace"))


def parse_struct_text(output: str) -> list[tuple[int, str, str]]:
    """Parse pdfinfo -struct-text output into (depth, role, direct text) rows."""
    # pdfinfo indents two spaces per level; an element line is 'Role [<id>] ["title"]
    # [(block|inline)][:]', attribute lines have one extra space and start with '/',
    # content lines are the text in double quotes (not escaped), OBJR lines are 'Object n g'.
    rows: list[list] = []
    for line in output.splitlines():
        body = line.lstrip(" ")
        depth = (len(line) - len(body)) // 2
        if not body or body.startswith("/") or re.fullmatch(r"Object \d+ \d+", body):
            continue
        if body.startswith('"') and body.endswith('"') and len(body) >= 2:
            owner = next((row for row in reversed(rows) if row[0] == depth - 1), None)
            if owner is not None:  # text after a child's subtree still belongs to the parent
                owner[2] += body[1:-1]
            continue
        if body == "(No content)":
            continue
        rows.append([depth, re.match(r"[^\s:]+", body).group(0), ""])
    return [tuple(row) for row in rows]


# ----- external tool output


def _run_pdfua_rule(rule, doc) -> list[Finding]:
    """One pdfua rule's findings as ours (with its PDFUA_FIXES helper); a crash becomes a finding."""
    module = sys.modules[type(rule).__module__]
    name, fixed = PDFUA_FIXES.get(rule.id, (None, None))
    original = getattr(module, name) if name else None
    try:
        if name:
            setattr(module, name, fixed)
        found = list(rule.check(doc))
    except Exception as exc:  # a rule bug must not hide the other rules' results
        return [Finding(f"pdfua-rule-crashed:{rule.id}", f"{type(exc).__name__}: {exc}")]
    finally:
        if name:
            setattr(module, name, original)
    return [
        Finding(f"pdfua:{f.rule_id}", f"{f.severity.name.lower()}: {f.message}", f.location.page)
        for f in found
    ]


def _qpdf_line(line: str) -> Finding | None:
    """A qpdf --check output line as a finding, or None for informational lines."""
    if line.startswith("WARNING:"):
        return Finding("qpdf:warning", line[len("WARNING:"):].strip())
    if line.startswith("qpdf:") or "error" in line.lower():
        return Finding("qpdf:error", line.strip())
    return None
