"""The pipeline: load everything, resolve and render every variant, then write what succeeded."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import output
from .content import load_clinic, load_handout
from .errors import Problem, PublishError
from .variants import find_variant, resolve

CLINIC_FILE = "clinic.yaml"


@dataclass
class Built:
    handout: object
    variant: object
    data: bytes
    pages: int


@dataclass
class Report:
    written: list = field(default_factory=list)  # manifest entries
    problems: list = field(default_factory=list)  # Problem
    warnings: list = field(default_factory=list)  # str
    failed: list = field(default_factory=list)  # handout files not published


def handout_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "handouts").glob("*.yaml") if p.name != CLINIC_FILE)


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def select(root: Path, names: list[str]) -> tuple[list[Path], list[str]]:
    """Handout files for the names given (ids or paths); unknown names come back separately."""
    files = handout_files(root)
    if not names:
        return files, []
    chosen, unknown = [], []
    by_id = {p.stem: p for p in files}
    for name in names:
        path = Path(name)
        if name in by_id:
            chosen.append(by_id[name])
        elif path.suffix in (".yaml", ".yml") and path.is_file():
            chosen.append(path)
        else:
            unknown.append(name)
    return chosen, unknown


def render_variant(handout, variant, root: Path, themes: dict, fonts_cache: dict) -> Built:
    """One variant, from model to finished PDF bytes (nothing written)."""
    from .fonts import register_families
    from .layout import load_theme
    from .render.document import render
    from .render.finish import finish

    if variant.layout not in themes:
        themes[variant.layout] = load_theme(root, variant.layout)
    theme = themes[variant.layout]
    if theme.name not in fonts_cache:
        fonts_cache[theme.name] = register_families(theme)
    resolved = resolve(handout, variant)
    raw, tagger, doc_node = render(resolved, theme, fonts_cache[theme.name], handout.clinic)
    meta = {"title": resolved.title, "author": handout.clinic.name, "subject": resolved.subtitle or resolved.title,
            "keywords": ", ".join(handout.keywords), "lang": variant.language, "date": variant.review.reviewed}
    data = finish(raw, tagger, doc_node, meta)
    pages = tagger.canvas.getPageNumber() - (0 if tagger.canvas._code else 1)
    if variant.max_pages and pages > variant.max_pages:
        p = variant.place
        raise PublishError(Problem(p.file, p.line, p.column, p.path + ".max_pages",
                                   f"the {variant.name} variant takes {pages} pages, over its budget of "
                                   f"{variant.max_pages}", "shorten the content, use a tighter layout, or raise max_pages"))
    return Built(handout, variant, data, pages)


def build(root: Path, names: list[str] | None = None, variants: list[str] | None = None,
          out_dir: Path | None = None) -> Report:
    """Build the chosen handouts and variants into out_dir; a bad handout leaves its old PDFs alone."""
    root = Path(root)
    out_dir = Path(out_dir or root / "out")
    report = Report()
    files, unknown = select(root, names or [])
    for name in unknown:
        report.problems.append(Problem(name, None, None, "", "no such handout",
                                       "give a handout id (a file name in handouts/ without .yaml) or a path"))
    try:
        clinic = load_clinic(root / "handouts" / CLINIC_FILE, _shown(root / "handouts" / CLINIC_FILE, root))
    except PublishError as exc:
        report.problems += exc.problems
        return report
    for contact in (clinic.phone, clinic.web, clinic.email, clinic.address):
        if contact and contact.placeholder:
            report.warnings.append(f"{clinic.file}: {contact.kind} '{contact.value}' is a placeholder; "
                                   "replace it with the clinic's real details")
    themes, fonts_cache, built, rebuilt = {}, {}, [], set()
    for path in files:
        shown = _shown(path, root)
        try:
            handout = load_handout(path, clinic, shown)
            chosen = list(handout.variants)
            if variants:
                chosen = [v for v in (find_variant(handout, n) for n in variants) if v]
                if not chosen:
                    raise PublishError(Problem(shown, None, None, "variants",
                                               f"no variant named {', '.join(variants)}",
                                               f"use one of: {', '.join(v.name for v in handout.variants)}"))
            results = []
            problems = []
            for variant in chosen:
                try:
                    results.append(render_variant(handout, variant, root, themes, fonts_cache))
                except PublishError as exc:
                    problems += exc.problems
            if problems:
                raise PublishError(problems)
        except PublishError as exc:
            report.problems += exc.problems
            report.failed.append(shown)
            continue
        built += results
    # everything is rendered before anything is written
    entries = []
    for item in built:
        name = output.file_name(item.handout.clinic.short_name, item.handout.id, item.variant.name,
                                item.variant.language)
        target = out_dir / item.handout.id / name
        output.write_atomic(target, item.data)
        entries.append(output.entry(item.handout, item.variant, out_dir, target, item.data, item.pages))
        rebuilt.add((item.handout.id, item.variant.name))
    if entries:
        output.update_manifest(out_dir, entries, rebuilt)
    report.written = entries
    return report
