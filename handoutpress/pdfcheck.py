"""Checks every shipped PDF must pass: our own tagging rules, pdfua, page-validation, outloud, qpdf."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream


@dataclass(frozen=True)
class Finding:
    """One problem in a PDF; code is a stable string that tests match on."""

    code: str
    message: str
    page: int | None = None  # 1-based


# ---------------------------------------------------------------- vocabularies

# ISO 32000-1 section 14.8.4: the standard structure types (PDF 1.7).
STANDARD_ROLES = frozenset(
    """Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
    P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot
    Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP
    Figure Formula Form""".split()
)
HEADINGS = {f"H{n}": n for n in range(1, 7)}
SCOPES = ("/Row", "/Column", "/Both")
PDF_VERSION = "1.7"
PDFA_ID = ("2", "A")  # PDF/A-2a, the tagged level, which every output claims
# ToUnicode values PDF/UA-1 and PDF/A-2 forbid (page-validation *-UNICODE-VALUE-001)
BAD_UNICODE = frozenset("\x00\ufeff\ufffe")

BASE14 = frozenset(
    """Times-Roman Times-Bold Times-Italic Times-BoldItalic Helvetica Helvetica-Bold
    Helvetica-Oblique Helvetica-BoldOblique Courier Courier-Bold Courier-Oblique
    Courier-BoldOblique Symbol ZapfDingbats""".split()
)

# Operators that put marks on the page (ISO 32000-1 tables 59, 60, 77, 87, 107).
PAINT_OPS = frozenset(
    ["Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "Do", "INLINE IMAGE"]
)



def _pdfua_as_integer(value) -> int | None:
    """pdfua 0.1.3's as_integer without its crash: a PDF number is a Python int in pikepdf."""
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


# pdfua helpers replaced while the named rule runs, so that the rule itself runs. UA-14-001
# (EmptyHeadingRule) crashes in pdfua 0.1.3 on every heading whose /K is an array: its
# as_integer() calls getattr(array, "is_integer", False), and pikepdf's Array raises ValueError
# rather than AttributeError there, so the default is never used.
PDFUA_FIXES = {"UA-14-001": ("as_integer", _pdfua_as_integer)}


# ---------------------------------------------------------------- public API


def check_tagged_pdf(path) -> list[Finding]:
    """Run our own tagged-PDF rules on path; an empty list means clean."""
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        return [Finding("unreadable", f"pikepdf cannot open the file: {exc}")]
    with pdf:
        return _check_open_pdf(pdf)


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


# ---------------------------------------------------------------- our own rules


@dataclass
class _Elem:
    """A structure element as found in the tree walk."""

    obj: Dictionary
    role: str  # standard role after RoleMap, or the raw /S when it maps to nothing
    parent: _Elem | None
    page: tuple[int, int] | None  # objgen of /Pg, inherited from ancestors
    mcids: list[tuple[tuple[int, int] | None, int]] = field(default_factory=list)
    objrs: list[tuple[int, int]] = field(default_factory=list)
    kids: list[_Elem] = field(default_factory=list)

    def has_content(self) -> bool:
        """True when this element or a descendant owns an MCID."""
        return bool(self.mcids) or any(kid.has_content() for kid in self.kids)


def _check_open_pdf(pdf: pikepdf.Pdf) -> list[Finding]:
    """All our rules on an opened PDF."""
    page_numbers = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
    scans = {page.obj.objgen: _scan_page(page, n) for n, page in enumerate(pdf.pages, start=1)}
    findings = _check_catalog(pdf) + _check_fonts(pdf)
    for _mcids, page_findings in scans.values():
        findings += page_findings
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary):
        findings.append(Finding("no-struct-tree", "catalog has no /StructTreeRoot"))
        return findings + _check_links(pdf, {}, {})
    elems, role_findings = _walk_tree(root, page_numbers)
    parent_tree = _number_tree(root.get("/ParentTree"))
    findings += role_findings + _check_elements(elems) + _check_draft_first(pdf, elems, info_title=_info_title(pdf))
    by_obj = {e.obj.objgen: e for e in elems if e.obj.is_indirect}
    findings += _check_mcids(pdf, elems, parent_tree, {k: v[0] for k, v in scans.items()}, by_obj)
    findings += _check_links(pdf, parent_tree, by_obj)
    return findings


# ----- document entries


def _check_catalog(pdf: pikepdf.Pdf) -> list[Finding]:
    """Catalog, Info and XMP entries PDF/UA-1 asks for."""
    root, out = pdf.Root, []
    mark = root.get("/MarkInfo")
    if not (isinstance(mark, Dictionary) and mark.get("/Marked") is True):
        out.append(Finding("no-markinfo", "catalog /MarkInfo /Marked is not true"))
    elif mark.get("/Suspects") is True:
        out.append(Finding("no-markinfo", "/MarkInfo /Suspects is true (tags are unreliable)"))
    if not _text(root.get("/Lang")).strip():
        out.append(Finding("no-lang", "catalog has no /Lang"))
    prefs = root.get("/ViewerPreferences")
    if not (isinstance(prefs, Dictionary) and prefs.get("/DisplayDocTitle") is True):
        out.append(Finding("no-display-doc-title", "/ViewerPreferences /DisplayDocTitle is not true"))
    return out + _check_metadata(pdf)


def _info_title(pdf: pikepdf.Pdf) -> str:
    info = pdf.trailer.get("/Info")
    return _text(info.get("/Title")) if isinstance(info, Dictionary) else ""


def _draft_words() -> tuple[list[str], list[str]]:
    """(title prefixes, notices) that mark a draft, in every language the publisher prints."""
    from .labels import LABELS

    return [w["draft_title"].format(title="") for w in LABELS.values()], [w["draft_notice"] for w in LABELS.values()]


def _check_draft_title(pdf, info_title: str, xmp_title: str) -> list[Finding]:
    """A draft's Info and XMP titles both say it is one."""
    prefixes, _ = _draft_words()
    marked = [t.startswith(tuple(prefixes)) for t in (info_title, xmp_title)]
    if marked[0] != marked[1]:
        return [Finding("draft-notice", f"Info /Title {info_title!r} and XMP dc:title {xmp_title!r} disagree "
                                        "on whether this is a draft")]
    return []


def _check_draft_first(pdf, elems: list[_Elem], info_title: str) -> list[Finding]:
    """A draft (its title says so) is read as one first: its first tagged text is the draft notice."""
    prefixes, notices = _draft_words()
    first = next((e for e in elems if e.mcids), None)
    text = _element_text(pdf, first).strip() if first else ""
    draft = info_title.startswith(tuple(prefixes))
    if draft and text not in notices:
        return [Finding("draft-notice", f"the title marks a draft but the first text read is {text[:60]!r}, "
                                        f"not the draft notice")]
    if not draft and text in notices:
        return [Finding("draft-notice", f"the first text read is the draft notice but the title {info_title!r} "
                                        "does not say draft")]
    return []


def _check_metadata(pdf: pikepdf.Pdf) -> list[Finding]:
    """Title in Info and XMP, and the PDF/UA identifier in XMP."""
    out = []
    info = pdf.trailer.get("/Info")
    info_title = _text(info.get("/Title")) if isinstance(info, Dictionary) else ""
    # ReportLab writes the placeholder "untitled" when nobody set a title.
    if info_title.strip().lower() in ("", "untitled"):
        out.append(Finding("no-title", f"Info /Title is missing or a placeholder ({info_title!r})"))
    # open_metadata() invents an empty packet when there is none, so look first.
    meta = pdf.open_metadata() if "/Metadata" in pdf.Root else {}
    if not str(meta.get("dc:title", "") or "").strip():
        out.append(Finding("no-title", "XMP has no dc:title"))
    if str(meta.get("pdfuaid:part", "")).strip() != "1":
        out.append(Finding("no-pdfua-id", "XMP has no pdfuaid:part = 1"))
    part, level = str(meta.get("pdfaid:part", "")).strip(), str(meta.get("pdfaid:conformance", "")).strip()
    if (part, level) != PDFA_ID:
        out.append(Finding("no-pdfa2-id", f"XMP claims PDF/A part {part or '-'} level {level or '-'}, not PDF/A-2a"))
    if pdf.pdf_version != PDF_VERSION:
        out.append(Finding("pdf-version", f"the file is PDF {pdf.pdf_version}, not {PDF_VERSION} (PDF/A-2 with "
                                          "PDF/UA-1, whose artifact subtypes need 1.7)"))
    return out + _check_draft_title(pdf, info_title, str(meta.get("dc:title", "") or ""))


# ----- content streams


def _scan_page(page: pikepdf.Page, number: int) -> tuple[list[int], list[Finding]]:
    """Walk one page's content: MCIDs used in order, and marked-content findings."""
    stack: list[str] = []  # one of "tagged", "artifact", "other" per open sequence
    mcids: list[int] = []
    untagged: list[str] = []
    out: list[Finding] = []
    try:
        instructions = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError as exc:
        return [], [Finding("content-unparseable", f"content stream cannot be parsed: {exc}", number)]
    for instruction in instructions:
        op = str(instruction.operator)
        if op in ("BDC", "BMC"):
            kind, mcid = _sequence_kind(instruction.operands, page)
            out += _nesting_finding(stack, kind, number)
            stack.append(kind)
            mcids += [] if mcid is None else [mcid]
        elif op == "EMC":
            if not stack:
                out.append(Finding("unbalanced-marked-content", "EMC without BDC/BMC", number))
            else:
                stack.pop()
        elif op in PAINT_OPS and not any(k in ("tagged", "artifact") for k in stack):
            untagged.append(op)
    if stack:
        out.append(Finding("unbalanced-marked-content", f"{len(stack)} BDC/BMC without EMC", number))
    if untagged:
        out.append(Finding(
            "untagged-content",
            f"{len(untagged)} painting operator(s) neither tagged nor artifact: {untagged[:5]}",
            number,
        ))
    return mcids, out + _duplicate_mcids(mcids, number)


def _sequence_kind(operands, page: pikepdf.Page) -> tuple[str, int | None]:
    """Classify a BDC/BMC as tagged (has MCID), artifact, or other; return its MCID."""
    tag = str(operands[0]) if operands else ""
    props = operands[1] if len(operands) > 1 else None
    if isinstance(props, Name):
        # BDC may name a property list in the page's /Properties resources.
        props = _resources(page.obj).get("/Properties", Dictionary()).get(str(props))
    mcid = props.get("/MCID") if isinstance(props, Dictionary) else None
    mcid = int(mcid) if isinstance(mcid, int) and not isinstance(mcid, bool) else None
    if tag == "/Artifact":
        return "artifact", None
    return ("tagged" if mcid is not None else "other"), mcid


def _nesting_finding(stack: list[str], kind: str, page: int) -> list[Finding]:
    """Artifacts inside tagged content, and tagged content inside artifacts, are both wrong."""
    # PDF/UA-1 7.1 (veraPDF rules 7.1-1 and 7.1-2): a reader would drop or read them twice.
    if kind == "artifact" and "tagged" in stack:
        return [Finding("marked-content-nesting", "artifact inside tagged content", page)]
    if kind == "tagged" and "artifact" in stack:
        return [Finding("marked-content-nesting", "tagged content inside an artifact", page)]
    return []


def _duplicate_mcids(mcids: list[int], page: int) -> list[Finding]:
    """An MCID may be used once per page."""
    dupes = sorted(m for m, n in Counter(mcids).items() if n > 1)
    return [Finding("duplicate-mcid", f"MCID {m} used more than once", page) for m in dupes]


# ----- structure tree


def _walk_tree(root: Dictionary, page_numbers: dict) -> tuple[list[_Elem], list[Finding]]:
    """Every struct element in document order, with role findings from the walk."""
    rolemap = root.get("/RoleMap")
    rolemap = rolemap if isinstance(rolemap, Dictionary) else Dictionary()
    elems: list[_Elem] = []
    findings: list[Finding] = []
    seen: set = set()

    def visit(node: Dictionary, parent: _Elem | None, page) -> None:
        if node.is_indirect:  # a cycle or a shared element: do not loop or double count
            if node.objgen in seen:
                return
            seen.add(node.objgen)
        elem = _make_elem(node, parent, page, rolemap, page_numbers, findings)
        elems.append(elem)
        for kid in _kids(node):
            _add_kid(elem, kid, visit)

    for top in _kids(root):
        if isinstance(top, Dictionary):
            visit(top, None, None)
    return elems, findings


def _make_elem(node, parent, page, rolemap, page_numbers, findings) -> _Elem:
    """Build one _Elem, reporting a role that is not (or does not map to) a standard type."""
    pg = node.get("/Pg")
    page = pg.objgen if isinstance(pg, Dictionary) else page
    raw = str(node.get("/S", ""))[1:]
    role, problem = _standard_role(raw, rolemap)
    if problem:
        findings.append(Finding("nonstandard-role", problem, page_numbers.get(page)))
    elem = _Elem(node, role or raw, parent, page)
    if parent is not None:
        parent.kids.append(elem)
    return elem


def _standard_role(raw: str, rolemap: Dictionary) -> tuple[str | None, str | None]:
    """Map raw through RoleMap to a standard role; (role, problem)."""
    if raw in STANDARD_ROLES:
        if f"/{raw}" in rolemap:  # PDF/UA-1 7.1: standard types shall not be remapped
            return raw, f"standard structure type /{raw} is remapped in /RoleMap"
        return raw, None
    role, seen = raw, set()
    while role not in STANDARD_ROLES:
        target = rolemap.get(f"/{role}")
        if role in seen or not isinstance(target, Name):
            return None, f"structure type /{raw} is not standard and has no /RoleMap entry to one"
        seen.add(role)
        role = str(target)[1:]
    return role, None


def _kids(node: Dictionary) -> list:
    """The /K entry as a list."""
    kid = node.get("/K")
    if kid is None:
        return []
    return list(kid) if isinstance(kid, Array) else [kid]


def _add_kid(elem: _Elem, kid, visit) -> None:
    """Record an MCID, MCR or OBJR kid on elem, or descend into a child element."""
    if isinstance(kid, int) and not isinstance(kid, bool):
        elem.mcids.append((elem.page, int(kid)))
    elif not isinstance(kid, Dictionary):
        return
    elif kid.get("/Type") == Name.MCR:
        if "/Stm" not in kid:  # content in a form XObject stream is not on a page's list
            pg = kid.get("/Pg")
            elem.mcids.append((pg.objgen if isinstance(pg, Dictionary) else elem.page, int(kid.MCID)))
    elif kid.get("/Type") == Name.OBJR:
        obj = kid.get("/Obj")
        if isinstance(obj, Dictionary) and obj.is_indirect:
            elem.objrs.append(obj.objgen)
    else:
        visit(kid, elem, elem.page)


def _check_elements(elems: list[_Elem]) -> list[Finding]:
    """Headings, tables, lists and figures."""
    out = _check_headings(elems)
    for elem in elems:
        out += _check_table_elem(elem) + _check_list_elem(elem) + _check_figure(elem) + _check_link_elem(elem)
    return out


def _check_headings(elems: list[_Elem]) -> list[Finding]:
    """H1..H6 must start at H1 and never skip a level going down; headings need content."""
    out, previous = [], 0
    for elem in elems:
        if elem.role in HEADINGS or elem.role == "H":
            if not elem.has_content():
                out.append(Finding("empty-heading", f"/{elem.role} has no content"))
        level = HEADINGS.get(elem.role)
        if level is None:
            continue
        if level > previous + 1:
            what = "first heading" if previous == 0 else f"H{previous} followed by"
            out.append(Finding("heading-skip", f"{what} H{level}"))
        previous = level
    return out


def _parent_role(elem: _Elem) -> str | None:
    """The standard role of elem's parent element, None at the top."""
    return elem.parent.role if elem.parent else None


def _check_table_elem(elem: _Elem) -> list[Finding]:
    """TR in a table (section), TH/TD in a TR, TH with /Scope, sections in a Table."""
    parent, out = _parent_role(elem), []
    if elem.role == "TR" and parent not in ("Table", "THead", "TBody", "TFoot"):
        out.append(Finding("table-structure", f"TR inside {parent}, not Table/THead/TBody/TFoot"))
    if elem.role in ("THead", "TBody", "TFoot") and parent != "Table":
        out.append(Finding("table-structure", f"{elem.role} inside {parent}, not Table"))
    if elem.role in ("TH", "TD") and parent != "TR":
        out.append(Finding("table-structure", f"{elem.role} inside {parent}, not TR"))
    scope = _attribute(elem.obj, "/Table", "/Scope") if elem.role == "TH" else None
    if elem.role == "TH" and scope is None:
        out.append(Finding("table-structure", "TH without /A << /O /Table /Scope ... >>"))
    elif elem.role == "TH" and str(scope) not in SCOPES:
        out.append(Finding("table-structure", f"TH /Scope {scope} is not /Row, /Column or /Both"))
    return out


def _attribute(node: Dictionary, owner: str, key: str):
    """The value of key in node's attribute dictionary owned by owner, or None."""
    attrs = node.get("/A")
    attrs = list(attrs) if isinstance(attrs, Array) else [attrs]  # array may hold revisions
    found = [a.get(key) for a in attrs if isinstance(a, Dictionary) and a.get("/O") == Name(owner) and key in a]
    return found[-1] if found else None


def _check_list_elem(elem: _Elem) -> list[Finding]:
    """LI only in L; Lbl and LBody only in LI; a list with labels says how they number."""
    parent = _parent_role(elem)
    if elem.role == "L" and any(k.role == "Lbl" for li in elem.kids for k in li.kids) \
            and _attribute(elem.obj, "/List", "/ListNumbering") is None:
        return [Finding("list-numbering", "L with labels (Lbl) has no /A << /O /List /ListNumbering ... >>")]
    if elem.role == "LI" and parent != "L":
        return [Finding("list-structure", f"LI inside {parent}, not L")]
    if elem.role in ("Lbl", "LBody") and parent != "LI":
        return [Finding("list-structure", f"{elem.role} inside {parent}, not LI")]
    return []


def _check_figure(elem: _Elem) -> list[Finding]:
    """A Figure needs a non-empty /Alt."""
    if elem.role == "Figure" and not _text(elem.obj.get("/Alt")).strip():
        return [Finding("figure-no-alt", "Figure without /Alt")]
    return []


def _check_link_elem(elem: _Elem) -> list[Finding]:
    """A Link holds its visible text (marked content) and its annotation (OBJR), PDF/UA-1 7.18.5."""
    if elem.role != "Link":
        return []
    missing = [what for what, has in (("marked content (its text)", elem.mcids), ("an OBJR", elem.objrs)) if not has]
    return [Finding("link-empty", f"Link element without {' and '.join(missing)}")] if missing else []


# ----- MCIDs and the ParentTree


def _number_tree(node, depth: int = 0) -> dict[int, object]:
    """Flatten a number tree (/Nums and /Kids) into a dict."""
    out: dict[int, object] = {}
    if not isinstance(node, Dictionary) or depth > 32:
        return out
    nums = list(node.get("/Nums", Array()))
    for key, value in zip(nums[0::2], nums[1::2]):
        out[int(key)] = value
    for kid in node.get("/Kids", Array()):
        out.update(_number_tree(kid, depth + 1))
    return out


def _check_mcids(pdf, elems: list[_Elem], parent_tree: dict, used: dict, by_obj: dict) -> list[Finding]:
    """Page MCIDs, ParentTree arrays and element /K entries must agree."""
    owners = {mcid: e for e in elems for mcid in e.mcids}  # (page objgen, mcid) -> element
    out = []
    for number, page in enumerate(pdf.pages, start=1):
        pg = page.obj.objgen
        out += _check_page_parent_tree(page.obj, number, used[pg], parent_tree, owners, by_obj)
        out += [
            Finding("mcid-missing-from-content", f"/{e.role} claims MCID {m}, not on the page", number)
            for (p, m), e in owners.items() if p == pg and m not in used[pg]
        ]
    return out


def _check_page_parent_tree(page, number, used, parent_tree, owners, by_obj) -> list[Finding]:
    """One page: each used MCID has an owner in the ParentTree array, and no extras."""
    key = page.get("/StructParents")
    array = parent_tree.get(int(key)) if isinstance(key, int) else None
    if not isinstance(array, Array):
        if not used:
            return []
        return [Finding("mcid-not-in-parent-tree", "page uses MCIDs but has no ParentTree array", number)]
    out = [_check_used_mcid(mcid, array, page.objgen, owners, by_obj, number) for mcid in used]
    for index, entry in enumerate(array):
        if isinstance(entry, Dictionary) and index not in used:
            out.append(Finding("parent-tree-entry-without-mcid", f"entry {index} has no MCID on the page", number))
    return [f for f in out if f is not None]


def _check_used_mcid(mcid, array, pg, owners, by_obj, number) -> Finding | None:
    """The ParentTree entry for mcid is the element that lists (pg, mcid) in its /K."""
    entry = array[mcid] if mcid < len(array) else None
    if not isinstance(entry, Dictionary):
        return Finding("mcid-not-in-parent-tree", f"MCID {mcid} has no ParentTree entry", number)
    elem = by_obj.get(entry.objgen) if entry.is_indirect else None
    if elem is None:
        return Finding("mcid-not-in-parent-tree", f"MCID {mcid} maps to an element not in the tree", number)
    if owners.get((pg, mcid)) is not elem:
        return Finding(
            "mcid-not-in-parent-tree",
            f"MCID {mcid} maps to /{elem.role}, which does not list it for this page (/Pg)",
            number,
        )
    return None


# ----- links and annotations


def _check_links(pdf, parent_tree: dict, by_obj: dict) -> list[Finding]:
    """Link annotations are described and tagged; pages with annotations use /Tabs /S."""
    out = []
    for number, page in enumerate(pdf.pages, start=1):
        annots = [a for a in page.obj.get("/Annots", Array()) if isinstance(a, Dictionary)]
        if annots and page.obj.get("/Tabs") != Name.S:
            out.append(Finding("missing-tabs", "page has annotations but no /Tabs /S", number))
        for annot in annots:
            if annot.get("/Subtype") == Name.Link:
                problem = _link_problem(annot, parent_tree, by_obj)
                out += [Finding("link-untagged", problem, number)] if problem else []
    return out


def _link_problem(annot: Dictionary, parent_tree: dict, by_obj: dict) -> str | None:
    """Why this Link annotation is not properly tagged, or None."""
    if not _text(annot.get("/Contents")).strip():
        return "Link annotation without /Contents"
    key = annot.get("/StructParent")
    if not isinstance(key, int):
        return "Link annotation without /StructParent"
    entry = parent_tree.get(int(key))
    elem = by_obj.get(entry.objgen) if isinstance(entry, Dictionary) else None
    if elem is None or elem.role != "Link":
        return f"ParentTree entry {key} of the Link annotation is not a Link element in the tree"
    if not annot.is_indirect or annot.objgen not in elem.objrs:
        return "its Link element has no OBJR pointing at the annotation"
    return None


# ----- fonts


def _check_fonts(pdf: pikepdf.Pdf) -> list[Finding]:
    """Every font reachable from pages, form XObjects and appearance streams."""
    out, seen = [], set()
    for number, page in enumerate(pdf.pages, start=1):
        for font in _page_fonts(page.obj):
            if font.is_indirect and font.objgen in seen:  # report a shared font once
                continue
            seen.add(font.objgen)
            out += _font_findings(font, number)
    return out


def _page_fonts(page: Dictionary) -> list[Dictionary]:
    """Fonts in the page resources, nested XObjects/patterns/Type3 and annotation appearances."""
    holders = [page] + [s for a in page.get("/Annots", Array()) for s in _appearance_streams(a)]
    fonts: list[Dictionary] = []
    seen: set = set()
    for holder in holders:
        _collect_fonts(_resources(holder), fonts, seen)
    return fonts


def _collect_fonts(resources: Dictionary, fonts: list, seen: set) -> None:
    """Add fonts of resources, descending into forms, patterns and Type3 fonts."""
    if resources.is_indirect:  # shared resource dictionaries are common; cycles are possible
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    for font in _dict_values(resources.get("/Font")):
        fonts.append(font)
        if font.get("/Subtype") == Name.Type3 and isinstance(font.get("/Resources"), Dictionary):
            _collect_fonts(font.Resources, fonts, seen)
    for child in _dict_values(resources.get("/XObject")) + _dict_values(resources.get("/Pattern")):
        if isinstance(child.get("/Resources"), Dictionary):
            _collect_fonts(child.Resources, fonts, seen)


def _appearance_streams(annot) -> list[Stream]:
    """The /N, /R and /D appearance streams of an annotation, including state sub-dictionaries."""
    ap = annot.get("/AP") if isinstance(annot, Dictionary) else None
    out = []
    for entry in _dict_values(ap):
        out += [entry] if isinstance(entry, Stream) else [s for s in _dict_values(entry) if isinstance(s, Stream)]
    return out


def _font_findings(font: Dictionary, page: int) -> list[Finding]:
    """Base-14, not embedded, no ToUnicode."""
    name = str(font.get("/BaseFont", "/?"))[1:]
    bare = name.split("+", 1)[-1]  # drop a subset tag such as AAAAAA+
    subtype = font.get("/Subtype")
    out = []
    if bare in BASE14:
        out.append(Finding("standard-14-font", f"font {name} is one of the standard 14", page))
    if subtype != Name.Type3 and not _embedded(font):
        out.append(Finding("font-not-embedded", f"font {name} is not embedded", page))
    if "/ToUnicode" not in font:
        out.append(Finding("font-no-tounicode", f"font {name} has no /ToUnicode", page))
    else:
        bad = sorted(code for code, text in _to_unicode(font).items() if BAD_UNICODE & set(text))
        if bad:
            out.append(Finding("tounicode-value", f"font {name} maps {len(bad)} code(s) to U+0000, U+FEFF or "
                                                  f"U+FFFE in /ToUnicode (first: {bad[0]:#04x})", page))
    return out


_CMAP_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>|\[([^\]]*)\]")


def _to_unicode(font: Dictionary) -> dict[int, str]:
    """code -> text from the font's ToUnicode CMap (bfchar and bfrange entries)."""
    try:
        data = font.ToUnicode.read_bytes()
    except (AttributeError, pikepdf.PdfError):
        return {}
    out: dict[int, str] = {}
    utf16 = lambda h: bytes.fromhex(h.decode()).decode("utf-16-be", "surrogatepass")  # noqa: E731
    for kind, body in _CMAP_BLOCK.findall(data):
        tokens = _HEX.findall(body)
        step = 2 if kind == b"bfchar" else 3
        for entry in zip(*[iter(tokens)] * step):
            if kind == b"bfchar":
                out[int(entry[0][0] or b"0", 16)] = utf16(entry[1][0])
                continue
            lo, hi = int(entry[0][0] or b"0", 16), int(entry[1][0] or b"0", 16)
            if entry[2][1]:  # an array of destinations
                for code, h in zip(range(lo, hi + 1), re.findall(rb"<([0-9A-Fa-f]*)>", entry[2][1])):
                    out[code] = utf16(h)
            else:
                start = bytes.fromhex(entry[2][0].decode())
                for i, code in enumerate(range(lo, min(hi, lo + 0xFFFF) + 1)):
                    value = (int.from_bytes(start, "big") + i).to_bytes(len(start), "big")
                    out[code] = value.decode("utf-16-be", "surrogatepass")
    return out


def _element_text(pdf: pikepdf.Pdf, elem: _Elem) -> str:
    """The text of elem's own marked content, decoded through the fonts' ToUnicode maps."""
    out = []
    for page in pdf.pages:
        wanted = {m for pg, m in elem.mcids if pg == page.obj.objgen}
        if wanted:
            out.append(_marked_text(page, wanted))
    return "".join(out)


def _marked_text(page: pikepdf.Page, wanted: set[int]) -> str:
    """Text shown inside the marked-content sequences with the MCIDs in wanted on page."""
    fonts = _resources(page.obj).get("/Font", Dictionary())
    maps: dict[str, tuple[dict, int]] = {}
    stack: list[int | None] = []
    font, out = None, []
    try:
        instructions = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError:  # reported as content-unparseable by _scan_page
        return ""
    for instruction in instructions:
        op, args = str(instruction.operator), instruction.operands
        if op in ("BDC", "BMC"):
            stack.append(_sequence_kind(args, page)[1])
        elif op == "EMC" and stack:
            stack.pop()
        elif op == "Tf" and args:
            key = str(args[0])
            if key not in maps:
                f = fonts.get(key)
                maps[key] = (_to_unicode(f), 2 if isinstance(f, Dictionary) and f.get("/Subtype") == Name.Type0
                             else 1) if isinstance(f, Dictionary) else ({}, 1)
            font = maps[key]
        elif op in ("Tj", "TJ", "'", '"') and font and any(m in wanted for m in stack if m is not None):
            strings = list(args[-1]) if op == "TJ" else [args[-1]]
            for item in strings:
                if isinstance(item, pikepdf.String):
                    raw, (cmap, width) = bytes(item), font
                    out += [cmap.get(int.from_bytes(raw[i:i + width], "big"), "") for i in range(0, len(raw), width)]
    return "".join(out)


def _embedded(font: Dictionary) -> bool:
    """True when the font (or its CIDFont descendant) has a FontFile stream."""
    if font.get("/Subtype") == Name.Type0:
        descendants = font.get("/DescendantFonts", Array())
        font = descendants[0] if len(descendants) else Dictionary()
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, Dictionary) and any(
        isinstance(descriptor.get(k), Stream) for k in ("/FontFile", "/FontFile2", "/FontFile3")
    )


# ---------------------------------------------------------------- helpers


def _resources(holder: Dictionary) -> Dictionary:
    """/Resources of a page (inherited through /Parent) or stream."""
    node, depth = holder, 0
    while isinstance(node, (Dictionary, Stream)) and depth < 64:
        res = node.get("/Resources")
        if isinstance(res, Dictionary):
            return res
        node, depth = node.get("/Parent"), depth + 1
    return Dictionary()


def _dict_values(value) -> list:
    """Dictionary and stream values of value, or [] when it is not a dictionary."""
    if not isinstance(value, Dictionary):
        return []
    # pikepdf's Stream is not a Dictionary subclass, and form XObjects are streams.
    return [v for _, v in value.items() if isinstance(v, (Dictionary, Stream))]


def _text(value) -> str:
    """A PDF string as str; '' for anything else."""
    return str(value) if isinstance(value, pikepdf.String) else ""


def _tool(name: str, package: str) -> str:
    """Path of a command-line tool, or a RuntimeError naming its Debian package."""
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed; install the Debian package {package}")
    return found


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
