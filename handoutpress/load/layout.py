"""Layouts (themes): declared settings, `extends:` chains, palette names resolved to colours."""
from __future__ import annotations

from pathlib import Path

from ..records import dataclass
from ..errors import Problem, PublishError
from ..model import Place
from . import schema as s
from .yamlio import format_path, load

TEXT_STYLE = {
    "font": s.Text(doc="Font role from `fonts:` (e.g. body, heading)", default="body"),
    "bold": s.Boolean(doc="Use the bold face", default=False),
    "size": s.Number(minimum=4, maximum=96, doc="Type size in points", default=12),
    "leading": s.Number(minimum=4, maximum=120, doc="Line spacing in points (default 1.35 x size)", default=0),
    "colour": s.Colour(doc="Text colour", default="text"),
    "space_before": s.Length(doc="Space above", default=0),
    "space_after": s.Length(doc="Space below", default=6),
}


def _style(doc, **extra):
    fields = dict(TEXT_STYLE)
    fields.update(extra)
    return s.Obj(doc=doc, fields=fields, default={})


FAMILY = s.Obj(doc="Font files of one family, in fonts/", fields={
    "regular": s.Text(doc="Regular face file"), "bold": s.Text(doc="Bold face file"),
    "italic": s.Text(doc="Italic face file"), "bold_italic": s.Text(doc="Bold italic face file")})
SLOTS = s.Obj(doc="Up to three template lines, left to right", default={}, fields={
    "left": s.Text(doc="Template for the left", default="", nonempty=False),
    "center": s.Text(doc="Template for the centre", default="", nonempty=False),
    "right": s.Text(doc="Template for the right", default="", nonempty=False)})

LAYOUT = s.Obj(doc="A layout (theme)", fields={
    "extends": s.Text(doc="Layout this one starts from (a file name in layouts/)", default=""),
    "description": s.Text(doc="What this layout is for", default="", nonempty=False),
    "clinic": s.Text(pattern=r"[a-z0-9][a-z0-9-]*", default="", doc="The clinic whose details this layout's variants "
                     "print, a file clinics/<id>.yaml (default: handouts/clinic.yaml; a variant's clinic: wins)",
                     hint="use a clinic id: the name of a file in clinics/ without .yaml"),
    "page": s.Obj(doc="Page size and margins", default={}, fields={
        "size": s.Text(choices=("letter", "a4"), doc="Paper size", default="letter"),
        "margin_top": s.Length(doc="Top margin", default="0.7in"),
        "margin_bottom": s.Length(doc="Bottom margin (the footer sits inside it)", default="0.9in"),
        "margin_left": s.Length(doc="Left margin", default="0.8in"),
        "margin_right": s.Length(doc="Right margin", default="0.8in")}),
    "palette": s.MapOf(value=s.Colour(doc="A #RRGGBB colour"), doc="Named colours", default={}),
    "fonts": s.MapOf(value=FAMILY, doc="Font families by role", default={}),
    "styles": s.Obj(doc="Text styles", default={}, fields={
        "body": _style("Paragraphs"),
        "title": _style("The handout title in the band"),
        "subtitle": _style("The one-line summary under the title"),
        "wordmark": _style("The clinic name beside the logo"),
        "tagline": _style("The line under the clinic name"),
        "heading2": _style("Section headings"),
        "heading3": _style("Sub-section headings"),
        "list": _style("List items", indent=s.Length(doc="Indent per level", default=18),
                       bullet=s.Text(doc="Bullet character", default="•"),
                       bullet_colour=s.Colour(doc="Bullet colour", default="text")),
        "table": _style("Table cells", padding=s.Length(doc="Cell padding", default=5),
                        grid=s.Colour(doc="Grid line colour", default="text"),
                        grid_width=s.Length(doc="Grid line width", default=0.75),
                        stripe=s.Colour(doc="Background of every other row", default="white"),
                        header_background=s.Colour(doc="Header row background", default="white"),
                        header_colour=s.Colour(doc="Header row text colour", default="text")),
        "callout": _style("Text in call-to-action boxes", padding=s.Length(doc="Inner padding", default=12),
                          background=s.Colour(doc="Box background", default="white"),
                          border=s.Colour(doc="Box border colour", default="text"),
                          border_width=s.Length(doc="Box border width", default=1.5)),
        "emergency": _style("Text in emergency boxes", padding=s.Length(doc="Inner padding", default=12),
                            background=s.Colour(doc="Box background", default="white"),
                            border=s.Colour(doc="Box border colour", default="text"),
                            border_width=s.Length(doc="Box border width", default=3)),
        "sources": _style("Source entries"),
        "closing": _style("The closing contact block"),
        "header": _style("Running header"),
        "footer": _style("Running footer"),
    }),
    "links": s.Obj(doc="Link appearance", default={}, fields={
        "colour": s.Colour(doc="Link text colour", default="text")}),
    "title_band": s.Obj(doc="The band across the top of page 1", default={}, fields={
        "background": s.Colour(doc="Band colour", default="text"),
        "foreground": s.Colour(doc="Logo colour on the band", default="white"),
        "padding": s.Length(doc="Space inside the band", default=14),
        "logo": s.Text(doc="Logo mark, an SVG file in layouts/", default=""),
        "logo_width": s.Length(doc="Logo width (at least 1.2cm)", default="1.6cm", minimum=34),
        "logo_colours": s.Text(choices=("auto", "own", "one-ink"), default="auto",
                               doc="auto: a one-colour mark in the foreground ink, a mark of several colours in its "
                                   "own; own: as drawn; one-ink: every shape in the foreground, white shapes in the "
                                   "band colour (check warns when colours are lost)"),
        "space_after": s.Length(doc="Space below the band", default=14)}),
    "header": SLOTS,
    "footer": SLOTS,
    "rule": s.Obj(doc="The thin rule above the footer", default={}, fields={
        "colour": s.Colour(doc="Rule colour", default="text"), "width": s.Length(doc="Line width", default=0.75)}),
    "watermark": s.Obj(doc="The DRAFT mark on unapproved variants", default={}, fields={
        "colour": s.Colour(doc="Watermark colour (keep it light)", default="#D9D9D9"),
        "size": s.Number(minimum=24, maximum=200, doc="Type size", default=96)}),
})


@dataclass(frozen=True)
class TextStyle:
    font: str  # registered ReportLab font name of the face to use
    family: str  # the family role name
    size: float
    leading: float
    colour: object
    space_before: float
    space_after: float
    extra: dict  # style-specific settings, colours resolved


@dataclass(frozen=True)
class Theme:
    name: str
    files: tuple  # the layout chain, child first
    page_size: tuple
    margins: tuple  # top, right, bottom, left
    palette: dict
    families: dict  # role -> {"regular": Path, ...}
    styles: dict  # name -> TextStyle
    settings: dict  # the merged, checked data (title_band, header, footer, rule, watermark, links)
    origins: dict  # YAML path -> (file, line, column): where each value came from
    clinic: str = ""  # the clinic id its variants are for ("": the variant's, or the default clinic)
    clinic_place: object = None  # model.Place of the clinic: line

    def colour(self, name):
        return self.palette[name]


class _Merged:
    """Places for problems found after merging: each value knows the file it came from."""

    def __init__(self, origins):
        self.origins = origins

    def problem(self, path, message, fix="", code=""):
        path = tuple(path)
        while path not in self.origins and path:
            path = path[:-1]
        file, line, col = self.origins.get(path, ("?", None, None))
        return Problem(file, line, col, format_path(path), message, fix, code)


def load_chain(layouts_dir: Path, name: str, display_root: Path | None = None):
    """Load NAME.yaml and the files it extends, child first; each checked on its own."""
    chain, seen, problems = [], [], []
    current, via = name, None
    while current:
        path = (layouts_dir / f"{current}.yaml")
        shown = _shown(path, display_root)
        if current in seen:
            raise PublishError(Problem(*via, "extends", f"layouts extend each other in a cycle: "
                                       f"{' -> '.join(seen + [current])}", "remove one of the extends: lines", code="layout-extends-cycle"))
        if "/" in current or "\\" in current or not _inside(path, layouts_dir):  # ../x, /abs, sub/x, a link out
            where = via or (shown, None, None)
            raise PublishError(Problem(*where, "extends" if via else "",
                                       f"'{current}' is not the name of a layout in layouts/",
                                       f"use one of: {', '.join(list_layouts(layouts_dir))}", code="layout-unknown"))
        if not _is_file(path):
            where = via or (shown, None, None)
            raise PublishError(Problem(*where, "extends" if via else "",
                                       f"layout '{current}' not found (no {shown})",
                                       f"create it or use one of: {', '.join(list_layouts(layouts_dir))}", code="layout-unknown"))
        doc = load(path, shown)
        ck = s.Checker(doc, partial=True)
        LAYOUT.check(doc.data, (), ck)
        problems += ck.problems
        chain.append(doc)
        seen.append(current)
        if not isinstance(doc.data, dict):
            break
        parent = doc.data.get("extends") or ""
        via = (shown, *doc.where(("extends",)))
        current = parent.removesuffix(".yaml") if isinstance(parent, str) else ""
    if problems:
        raise PublishError(problems)
    return chain


def list_layouts(layouts_dir: Path):
    return sorted(p.stem for p in layouts_dir.glob("*.yaml"))


def _shown(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)


def _merge(base, top, doc, origins, path=()):
    """Deep merge, child wins; remember which file each leaf came from."""
    if isinstance(base, dict) and isinstance(top, dict):
        out = dict(base)
        for key, value in top.items():
            out[key] = _merge(base.get(key), value, doc, origins, path + (key,))
        return out
    _record(doc, top, path, origins)
    return top


def _record(doc, value, path, origins):
    line, col = doc.where(path)
    origins[path] = (doc.file, line, col)
    if isinstance(value, dict):
        for k, v in value.items():
            _record(doc, v, path + (k,), origins)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _record(doc, v, path + (i,), origins)


def merge_chain(chain):
    """Merge a child-first chain into one dict plus the origin of every value."""
    origins: dict = {}
    data: dict = {}
    for doc in reversed(chain):
        origins[()] = (doc.file, 1, 1)
        data = _merge(data, doc.data, doc, origins)
    return data, origins


def load_theme(root: Path, name: str, fonts_dir: Path | None = None) -> Theme:
    """Load a layout by name from root/layouts, merged, checked and resolved."""
    from reportlab.lib.colors import HexColor, white
    from reportlab.lib.pagesizes import A4, letter

    layouts_dir = root / "layouts"
    fonts_dir = fonts_dir or root / "fonts"
    chain = load_chain(layouts_dir, name, root)
    data, origins = merge_chain(chain)
    place = _Merged(origins)
    ck = s.Checker(place)
    data = LAYOUT.check(data, (), ck)

    palette = {"white": white, "black": HexColor("#000000")}
    for key, value in (data["palette"] or {}).items():
        if value and value.startswith("#"):
            palette[key] = HexColor(value)
        elif value is not None:
            ck.add(("palette", key), f"palette entries must be #RRGGBB, got '{value}'", "write e.g. #1F4E4A", code="schema-colour")

    def colour(value, path):
        if value is None:
            return None
        if value.startswith("#"):
            return HexColor(value)
        if value not in palette:
            ck.add(path, f"unknown colour '{value}'", f"use #RRGGBB or one of the palette names: {', '.join(palette)}", code="colour-unknown")
            return palette["black"]
        return palette[value]

    families = {}
    for role, fam in (data["fonts"] or {}).items():
        if not fam:
            continue
        faces = {}
        for face, file in fam.items():
            path = (fonts_dir / file) if file else None
            if path is None or not _inside(path, fonts_dir) or not _is_file(path):
                ck.add(("fonts", role, face), f"font file '{file}' not found in fonts/",
                       f"put the file in fonts/ or use one of: {', '.join(sorted(p.name for p in fonts_dir.glob('*.ttf')))}", code="font-missing")
            faces[face] = path
        families[role] = faces
    if "body" not in families:
        ck.add(("fonts",), "no 'body' font family", "declare fonts: body: {regular: ..., bold: ..., italic: ..., bold_italic: ...}", code="font-missing")

    styles = {}
    for sname, st in data["styles"].items():
        path = ("styles", sname)
        role = st["font"]
        if role not in families and families:
            ck.add(path + ("font",), f"unknown font role '{role}'", f"use one of: {', '.join(families)}", code="font-role-unknown")
        extra = {}
        for key, value in st.items():
            if key in TEXT_STYLE:
                continue
            spec = LAYOUT.fields["styles"].fields[sname].fields[key]
            extra[key] = colour(value, path + (key,)) if isinstance(spec, s.Colour) else value
        styles[sname] = TextStyle(font=role, family=role, size=float(st["size"]),
                                  leading=float(st["leading"] or round(st["size"] * 1.35, 1)),
                                  colour=colour(st["colour"], path + ("colour",)),
                                  space_before=st["space_before"], space_after=st["space_after"],
                                  extra={"bold": st["bold"], **extra})

    settings = {k: data[k] for k in ("title_band", "header", "footer", "rule", "watermark", "links")}
    for section in ("title_band", "rule", "watermark", "links"):
        for key, value in list(settings[section].items()):
            spec = LAYOUT.fields[section].fields[key]
            if isinstance(spec, s.Colour):
                settings[section] = {**settings[section], key: colour(value, (section, key))}
    logo = settings["title_band"]["logo"]
    if logo:
        logo_path = layouts_dir / logo
        if not _inside(logo_path, layouts_dir) or not _is_file(logo_path):
            ck.add(("title_band", "logo"), f"logo file '{logo}' not found in layouts/",
                   "put the SVG in layouts/ (e.g. layouts/assets/logo.svg) and give its path from there", code="logo-missing")
        else:
            for p in _logo_problems(logo_path, root):
                if p.line is None:  # nothing in the SVG to point at: the layout's logo line
                    ck.add(("title_band", "logo"), f"{p.file}: {p.message}", p.fix, p.code)
                else:
                    ck.problems.append(p)
        settings["title_band"] = {**settings["title_band"], "logo_path": logo_path}
    for slot_set in ("header", "footer"):
        for key, source in settings[slot_set].items():
            _check_template(source, (slot_set, key), ck)
    page = data["page"]
    _check_room(page, letter if page["size"] == "letter" else A4, ck)
    if ck.problems:
        raise PublishError(ck.problems)
    return Theme(name=name, files=tuple(d.file for d in chain),
                 page_size=letter if page["size"] == "letter" else A4,
                 margins=(page["margin_top"], page["margin_right"], page["margin_bottom"], page["margin_left"]),
                 palette=palette, families=families, styles=styles, settings=settings, origins=origins,
                 clinic=data["clinic"] or "", clinic_place=Place(*origins.get(("clinic",), (chain[0].file, None, None)),
                                                                 "clinic"))


def _logo_problems(path: Path, root: Path) -> list:
    """An unusable SVG is a layout error when the layout loads, named as a designer sees it."""
    from dataclasses import replace

    from reportlab.lib.colors import black

    from .logo import load_mark
    from .markstore import store_for

    try:
        load_mark(path, black, 40, store=store_for(root))
    except PublishError as exc:
        return [replace(p, file=_shown(Path(p.file), root.resolve()) if Path(p.file).is_absolute() else p.file,
                        message=p.message.replace(str(path), _shown(path, root)))
                for p in exc.problems]
    return []


MIN_ROOM = 144  # points (2 in) of the page the margins must leave for text, across and down


def _check_room(page, size, ck):
    """Margins that leave no room for text would otherwise fail later as 'a block taller than a page'."""
    if None in (page["margin_top"], page["margin_right"], page["margin_bottom"], page["margin_left"]):
        return  # a margin that is not a length is already a problem
    for across, (a, b), extent in ((True, ("margin_left", "margin_right"), size[0]),
                                   (False, ("margin_top", "margin_bottom"), size[1])):
        room = extent - page[a] - page[b]
        if room < MIN_ROOM:
            key = a if page[a] >= page[b] else b
            ck.add(("page", key), f"the margins leave {max(room, 0):.0f} pt of the {extent:.0f} pt page "
                   f"{'width' if across else 'height'} for text, under {MIN_ROOM} pt (2 in)",
                   "use smaller margins", code="schema-range")


def _is_file(path: Path) -> bool:
    """Path.is_file, but a name too long for the file system (ENAMETOOLONG) is no file either."""
    try:
        return path.is_file()
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    """True when path (after following links) stays inside folder: no ../, no absolute escapes."""
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _check_template(source, path, ck):
    from ..text import compile_template, render_template

    if not source:
        return
    try:
        template = compile_template(source)
    except Exception as exc:  # noqa: BLE001 - jinja2.TemplateError (Jinja2 is imported only for lines that need it)
        import jinja2

        if not isinstance(exc, jinja2.TemplateError):
            raise
        ck.add(path, f"template error: {exc}", "check the {{ }} and {% %} markers", code="template")
        return
    # Errors that only show when it runs (an unknown value, the sandbox refusing __class__ and the like,
    # 1 / 0) would otherwise escape from the middle of drawing a page: try it on pages 1 and 2 now.
    for context in _sample_contexts():
        try:
            render_template(template, **context)
        except Exception as exc:  # noqa: BLE001 - whatever a template does wrong is the designer's to fix
            import jinja2

            message = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
            ck.add(path, f"template error: {message.rstrip('.')}", "use only the values listed in the layout's comments, "
                   "e.g. {{ handout.title }} or {{ page }}", code="template")
            return


def _sample_contexts() -> list[dict]:
    """What a header or footer template sees, for a sample approved English handout, on pages 1 and 2."""
    from types import SimpleNamespace as NS

    from ..page_text import PAGES, template_context

    review = NS(status="approved", reviewed="2026-01-01", reviewer="A reviewer", credentials="")
    variant = NS(name="patient", audience="patient", language="en", review=review)
    resolved = NS(variant=variant, handout=NS(id="sample", title="A sample handout", version="1.0"),
                  title="A sample handout", subtitle="")
    clinic = NS(name="A clinic", short_name="Clinic", phone=NS(value="(555) 555-0100"), web=NS(value="example.org"))
    context = template_context(resolved, clinic)
    return [{**context, "page": page, "pages": PAGES} for page in (1, 2)]
