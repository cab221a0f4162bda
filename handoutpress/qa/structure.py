"""The structure tree: roles, nesting, headings, tables, lists and figures."""
from __future__ import annotations

from dataclasses import field

from pikepdf import Array, Dictionary, Name

from ..records import dataclass
from .findings import Finding, _text

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
