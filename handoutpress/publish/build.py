"""The pipeline: load everything, resolve and render every variant, then write what succeeded."""
from __future__ import annotations

import os
from dataclasses import field, replace
from pathlib import Path

from ..records import dataclass
from ..errors import Problem, PublishError
from ..labels import document_title
from ..load.content import load_handout
from ..load.layout import list_layouts
from ..resolve.variants import find_variant, page_name, resolve
from . import output
from .inputs import (_is_file, _shown, _unchanged, inputs_key, load_translation_for, select, shared_key,
                     translation_file, translation_files)
from .variant import Caches, Checked, _clinic_id, check_variant, repository_clinics  # noqa: F401 - re-exported
from .processes import (YOUNG_THRESHOLD, Answer, _die_with, _fewer_collections, _prepare_finisher, _prepare_workers,
                        _settled, _signals_held, _stop_workers, helper)


@dataclass
class Built:
    handout: object
    variant: object
    data: bytes
    pages: int
    warnings: list = field(default_factory=list)  # Problems of severity warning for this variant
    title: str = ""  # as printed in this variant (its own, or translated)
    reading: object = None
    plain: object = None  # plainlanguage.Plain: everyday words and PEMAT-P
    source: str = ""  # the handout file, as shown
    thumbnail: bytes | None = None  # page 1 as PNG for the catalog (a processes.Answer while a helper makes it)
    page: bytes = b""  # the variant's web page (out/<handout>/<file>.html)
    fonts: tuple = ()  # font files the web page names, copied once to out/_assets/
    words: str = ""  # the PDF's words for the catalog's search (from its text layer as drawn)


@dataclass
class Report:
    written: list = field(default_factory=list)  # manifest entries
    problems: list = field(default_factory=list)  # Problem
    warnings: list = field(default_factory=list)  # Problems of severity warning, each once
    failed: list = field(default_factory=list)  # handout files not published
    unchanged: list = field(default_factory=list)  # manifest entries kept: their inputs did not change


def render_variant(handout, variant, root: Path, caches: Caches, checked: Checked | None = None) -> Built:
    """One variant, from model to finished PDF bytes (nothing written); refuses one with errors. Checks
    still running beside it (check_variant's aside) are waited for once it is drawn."""
    from ..render.html import BUDGET_KB
    from .catalog import search_words

    checked = checked or check_variant(handout, variant, root, caches)
    if checked.settled and checked.errors:
        raise PublishError(checked.errors)
    try:
        rendered, page, fonts, thumb = _drawn(variant, root, caches, checked)
    except Exception:
        if checked.errors:  # the checks' errors come first, as when they stop a variant before it is drawn
            raise PublishError(checked.errors) from None
        raise
    except BaseException:  # a signal: the checks are of no use now
        checked.cancel()
        raise
    if checked.errors:
        raise PublishError(checked.errors)
    data, pages, resolved = rendered.data, rendered.pages, checked.resolved
    warnings = list(checked.warnings)
    if variant.max_kb and len(data) > variant.max_kb * 1024:
        p = variant.place
        warnings.append(Problem(p.file, p.line, p.column, p.path,
                                f"the {variant.name} PDF is {len(data) / 1024:.0f} KB, over its e-mail budget of "
                                f"{variant.max_kb:g} KB", "trim images or content, or raise max_kb",
                                code="size-budget", severity="warning"))
    if len(page) > BUDGET_KB * 1024:
        p = variant.place
        warnings.append(Problem(p.file, p.line, p.column, p.path,
                                f"the {variant.name} web page is {len(page) / 1024:.0f} KB, over its budget of "
                                f"{BUDGET_KB} KB", "shorten the content or split the handout", code="size-budget",
                                severity="warning"))
    return Built(resolved.handout, variant, data, pages, warnings, resolved.title, checked.reading, checked.plain,
                 thumbnail=thumb, page=page, fonts=fonts, words=search_words(rendered.text))


def _drawn(variant, root: Path, caches: Caches, checked: Checked):
    """The variant's finished PDF (render.pdf.RenderedPDF), web page, its fonts, and the PDF's thumbnail when
    the run's helper process makes it (a processes.Answer; else None). It is drawn here and finished by the
    helper, if there is one, while the web page is made; a PDF that fails its syntax check or its page
    budget is an error."""
    from ..load.logo import title_mark
    from ..load.markstore import store_for
    from ..load.profiles import srgb_profile
    from ..render.pdf import RenderedPDF, draw_pdf

    resolved = checked.resolved
    handout = resolved.handout  # as published for the variant's clinic
    meta = {"title": document_title(resolved.title, variant.review.status, variant.language),
            "author": handout.clinic.name, "subject": resolved.subtitle or resolved.title,
            "keywords": ", ".join(checked.keywords), "lang": variant.language, "date": variant.review.reviewed,
            "field_font": checked.theme.families["body"]["regular"]}
    with _signals_held():  # a Ctrl-C raised inside C code (ReportLab's, pikepdf's callbacks) aborts the process
        meta["output_profile"] = srgb_profile()  # read here: the renderer reads no files
        fonts = caches.fonts[variant.layout]
        mark = title_mark(checked.theme, fonts, handout.clinic, caches.title_marks, store_for(root))
        drawn = draw_pdf(resolved, checked.theme, fonts, handout.clinic, mark)
    helper = caches.helper if caches.helper and caches.helper.pid else None
    finished = helper.ask(_finished, drawn, meta) if helper else Answer(_finished, (drawn, meta))
    page, web_fonts = _web_page(resolved, checked.theme, handout, variant, root, caches, drawn.pages)
    data, broken = finished.result()
    thumb = helper.ask(_thumbnail, data) if helper and helper.pid and not broken else None  # read when staged
    if broken:  # never publish a file a PDF reader may refuse
        p = variant.place
        raise PublishError(Problem(p.file, p.line, p.column, p.path,
                                   f"the {variant.name} PDF fails its syntax check ({broken[0][:200]})",
                                   "nothing was written; a value in the handout or its layout reached the PDF in a "
                                   "form it cannot hold: report it with both files", code="pdf-syntax"))
    if variant.max_pages and drawn.pages > variant.max_pages:
        p = variant.budget_place or variant.place
        raise PublishError(Problem(p.file, p.line, p.column, p.path,
                                   f"the {variant.name} variant takes {drawn.pages} pages, over its budget of "
                                   f"{variant.max_pages}", "shorten the content, use a tighter layout, or raise "
                                   "max_pages", code="page-budget"))
    return RenderedPDF(data, drawn.pages, drawn.text), page, web_fonts, thumb


def _finished(drawn, meta: dict) -> tuple:
    """A drawing finished (PDF/UA, PDF/A) and its syntax problems: the work a run's helper process does
    while the build goes on (then the thumbnail, while the build stages the files)."""
    from ..render.pdf import finish_pdf
    from ..render.pdf.finish import syntax_problems

    with _signals_held():  # pikepdf's C++, likewise
        data = finish_pdf(drawn, meta)
        return data, syntax_problems(data)


def _check_name(handout, variant) -> None:
    """A PDF name the file system cannot hold is an error at the variant, before anything is drawn."""
    name = output.pdf_name(handout, variant)
    if len(name.encode()) > output.MAX_NAME_BYTES:
        p = variant.place
        raise PublishError(Problem(p.file, p.line, p.column, p.path,
                                   f"the PDF's file name '{name[:60]}...' is {len(name.encode())} bytes long, over the "
                                   f"{output.MAX_NAME_BYTES} a file name may have", "use a shorter id, variant name "
                                   "or file_name", code="file-name-too-long"))


def _web_page(resolved, theme, handout, variant, root: Path, caches: Caches, pages: int) -> tuple[bytes, tuple]:
    """The variant's web page, linking to its PDF and to the other variants a reader may be given."""
    from ..load.markstore import store_for
    from ..render.html import Other, PageLinks, font_files, render_page
    from ..resolve.variants import file_stem
    from .webmark import web_mark

    draft = variant.review.status != "approved"
    others = []
    for other in handout.variants:  # an approved page links only to approved pages: drafts are not for patients
        if other.name == variant.name or (not draft and other.review.status != "approved"):
            continue
        if _clinic_id(root, other, caches) != _clinic_id(root, variant, caches):  # another clinic's page
            continue
        others.append(Other(page_name(other), _title_of(root, handout, other, caches),
                            other.language, other.name, other.audience))
    links = PageLinks(pdf=file_stem(handout, variant) + ".pdf", pages=pages, others=tuple(others))
    logo = handout.clinic.logo_path or theme.settings["title_band"].get("logo_path")  # the clinic's own mark first
    key = str(logo)
    if key not in caches.marks:
        caches.marks[key] = web_mark(Path(logo), store_for(root)) if logo and Path(logo).is_file() else None
    return render_page(resolved, theme, handout.clinic, links, caches.marks[key]), tuple(font_files(theme))


def _title_of(root: Path, handout, variant, caches: Caches) -> str:
    """A variant's title as it prints, in its own language when a translation gives one."""
    if variant.language != handout.language:
        try:
            return load_translation_for(root, handout, variant, caches.translations).title or handout.title
        except PublishError:
            return variant.title or handout.title
    return variant.title or handout.title


@dataclass
class HandoutResult:
    """What building one handout file produced, before anything is written."""

    built: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    handout_id: str = ""  # once loaded: two files with one id are refused together
    id_place: object = None


def build_handout(root: Path, path: Path, clinic, clinic_checks: list, variants=None, caches=None,
                  progress=None, aside: bool = False) -> HandoutResult:
    """Load, check and render every chosen variant of one handout file, with each PDF's catalog
    thumbnail (rendered here, so parallel builds render those in parallel too); writes nothing.
    aside (a build of one handout on two or more cores): each variant's checks run in a forked copy while
    it is drawn (variant.check_variant)."""
    from ..checks.indentation import swallowed_items
    from ..checks.sources import uncited_sources

    caches = caches or Caches()
    result = HandoutResult()
    shown = _shown(path, root)
    try:
        handout = load_handout(path, clinic, shown, layouts=list_layouts(root / "layouts"))
        chosen = list(handout.variants)
        if variants:
            chosen = [v for v in (find_variant(handout, n) for n in variants) if v]
            if not chosen:
                raise PublishError(Problem(shown, None, None, "variants", f"no variant named {', '.join(variants)}",
                                           f"use one of: {', '.join(v.name for v in handout.variants)}",
                                           code="variant-unknown"))
    except PublishError as exc:
        result.problems += exc.problems
        result.failed.append(shown)
        return result
    result.handout_id, result.id_place = handout.id, handout.places.get("id")
    result.warnings += uncited_sources(handout) + swallowed_items(handout)
    # a variant that fails (page budget, stale translation...) is skipped; the others still publish
    for variant in chosen:
        if progress:
            progress(f"{shown} ({variant.name})")
        checked = None
        try:
            _check_name(handout, variant)
            checked = check_variant(handout, variant, root, caches, aside=aside)
            built = render_variant(handout, variant, root, caches, checked)
        except PublishError as exc:
            result.problems += exc.problems
            result.warnings += checked.warnings if checked else []  # what the checks found still counts
            result.failed.append(f"{shown} ({variant.name})")
            continue
        result.warnings += built.warnings
        built.warnings = [p for p in clinic_checks if p.file == built.handout.clinic.file] + built.warnings
        built.source = shown
        if built.thumbnail is None:  # not made by the run's helper process
            built.thumbnail = _thumbnail(built.data)
        result.built.append(built)
    return result


def _thumbnail(data: bytes) -> bytes | None:
    """Page 1 as PNG for the catalog, or None (pdfium's errors: the catalog tries again from the file)."""
    from .catalog import thumbnail

    try:
        with _signals_held():  # pdfium's C code, likewise
            return thumbnail(data)
    except Exception:  # noqa: BLE001
        return None


_WORKER_CACHES = None  # in a worker process: layouts, fonts and translations loaded once for the whole build


def _start_worker(parent: int, clinics=None):
    """Set up a worker process: its caches, and signals that leave stopping to the parent."""
    import signal

    import gc

    global _WORKER_CACHES
    _WORKER_CACHES = Caches(clinics=clinics)
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    _settled()  # what the parent loaded before forking (_prepare_workers) lives as long as the worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)  # the parent's handler came along with fork
    _die_with(parent)


def _render_in_worker(args):
    """One handout in a worker process (parallel builds); results come back to be written by the parent."""
    root, path, clinic, clinic_checks, variants = args
    result = build_handout(root, path, clinic, clinic_checks, variants, _WORKER_CACHES)
    for item in result.built:  # the parent names and lists the files: it needs no content model (less to pickle)
        item.handout = replace(item.handout, blocks=(), sources=(), call_to_action=None, folded_dashes=())
    return result


def build(root: Path, names: list[str] | None = None, variants: list[str] | None = None,
          out_dir: Path | None = None, progress=None, jobs: int = 1, force: bool = False) -> Report:
    """Build the chosen handouts and variants into out_dir (see _build), holding out_dir's lock:
    one build per out/ at a time; another is refused with the running build's pid and command."""
    root = Path(root)
    out_dir = Path(out_dir or root / "out")
    try:
        held = output.lock(out_dir)
    except OSError as exc:
        return Report(problems=[_fault(exc, root, out_dir)])
    except output.Busy as busy:
        return Report(problems=[Problem(_shown(out_dir, root), None, None, "",
                                        f"another build is writing to this folder ({busy.holder})",
                                        "wait for it to finish (or stop it), then build again", code="build-running")])
    try:
        with _fewer_collections():
            return _build(root, names, variants, out_dir, progress, jobs, force)
    finally:
        output.unlock(held)


def _clash_problems(handout_id: str, files: list) -> list[Problem]:
    """Two or more handout files with one id: an error at each file's id, naming the others."""
    problems = []
    for file, place in files:
        others = ", ".join(f for f, _ in files if f != file)
        line, column = (place.line, place.column) if place else (None, None)
        problems.append(Problem(file, line, column, "id", f"the id '{handout_id}' is also the id of {others}; "
                                "their PDFs would overwrite each other, so neither is published",
                                "give each handout its own id", code="handout-duplicate-id"))
    return problems


def _fault(exc: OSError, root: Path, out_dir: Path) -> Problem:
    """A file-system error while writing out/, as a problem naming the path and what to do."""
    place = output.fault_place(exc) or out_dir
    message, fix = output.fault_message(exc)
    return Problem(_shown(place, root), None, None, "", message, fix, code="output-write")


def _build(root: Path, names: list[str] | None = None, variants: list[str] | None = None,
           out_dir: Path | None = None, progress=None, jobs: int = 1, force: bool = False) -> Report:
    """Build the chosen handouts and variants into out_dir; a bad handout leaves its old PDFs alone.

    Outputs whose inputs are unchanged since the last build (same inputs hash, PDF intact) are
    skipped unless force. jobs: worker processes (1: all in this process).
    progress, if given, is called as progress(done, total, current): before each handout
    (current: its file), before each of its variants (current: "file (variant)"), and once
    when everything is rendered (done == total, current "")."""
    root = Path(root)
    out_dir = Path(out_dir or root / "out")
    report = Report()
    files, unknown = select(root, names or [])
    for name in unknown:
        report.problems.append(Problem(name, None, None, "", "no such handout",
                                       "give a handout id (a file name in handouts/ without .yaml) or a path",
                                       code="handout-unknown"))
    from ..checks.clinic import clinic_problems
    from ..load.clinics import load_clinics

    clinics, clinic_checks = load_clinics(root, lambda p: _shown(p, root), clinic_problems)
    clinic = clinics.default
    report.warnings += [p for p in clinic_checks if p.severity != "error"]
    if any(p.severity == "error" for p in clinic_checks):
        report.problems += [p for p in clinic_checks if p.severity == "error"]  # every handout prints these
        return report
    previous, damage = output.load_manifest(out_dir)
    if damage:  # a manifest edited by hand or damaged: what it cannot vouch for is rebuilt
        report.warnings.append(Problem(_shown(out_dir / output.MANIFEST, root), None, None, "",
                                       f"the manifest {damage}", "nothing to do: the outputs it cannot vouch for "
                                       "are rebuilt and a new manifest is written", code="manifest-damaged",
                                       severity="warning"))
    listed, previous = previous, ([] if force else previous)
    todo, keys, shared = [], {}, shared_key(root.resolve())
    translations = {}
    for path in files:
        shown = _shown(path, root)
        if path.parent not in translations:
            translations[path.parent] = translation_files(path.parent)
        keys[shown] = inputs_key(path, shared, translations[path.parent].get(path.stem, []))
        kept = _unchanged(out_dir, previous, shown, keys[shown], variants)
        if kept is None:
            todo.append(path)
        else:
            report.unchanged += kept
    # Each handout's files are written to hidden temp files (flushed to disk) as soon as it is rendered,
    # so memory holds one handout at a time; nothing is renamed until every handout is done, then all
    # are renamed one after the other, the manifest last. A build killed before the renames changes
    # nothing in out/ (the next build removes its temp files); one killed during them leaves whole
    # files and a manifest one build old, which the next build (re-hashing what it would skip) repairs.
    from .catalog import thumbnail_path

    output.clean_temps(out_dir)
    entries, staged, rebuilt, taken, fonts = [], [], set(), [0], set()

    # id -> (file, place of its id): the handouts kept, and those of other files listed in the manifest
    selected = {_shown(p, root) for p in files}
    owners = {e["handout"]: (e["source"], None) for e in report.unchanged}
    for e in listed:
        if e.get("source") and e["source"] not in selected and _is_file(root / e["source"]):
            owners.setdefault(e["handout"], (e["source"], None))
    clashes, staged_by_id = {}, {}

    def take(result: HandoutResult) -> None:
        report.problems += result.problems
        report.warnings += result.warnings
        report.failed += result.failed
        if result.handout_id:
            source = _shown(todo[taken[0]], root)
            first = owners.setdefault(result.handout_id, (source, result.id_place))
            if first[0] != source:
                clashes.setdefault(result.handout_id, [first]).append((source, result.id_place))
        taken[0] += 1  # only the count: a result's models and bytes are let go once its files are staged
        for item in result.built:
            target = out_dir / item.handout.id / output.pdf_name(item.handout, item.variant)
            if not output.holds(target, item.data):  # the same bytes are not rewritten (their mtime stays)
                staged.append(output.stage(target, item.data))
                staged_by_id.setdefault(item.handout.id, []).append(staged[-1])
            entry = output.entry(item.handout, item.variant, out_dir, target, item.data, item.pages, item.title,
                                 item.reading, item.warnings, item.plain)
            thumb = out_dir / thumbnail_path(entry["path"])
            if isinstance(item.thumbnail, Answer):  # made by the run's helper process meanwhile
                item.thumbnail = item.thumbnail.result()
            if item.thumbnail and not output.holds(thumb, item.thumbnail):  # after its PDF: newer, so kept
                staged.append(output.stage(thumb, item.thumbnail))
                staged_by_id.setdefault(item.handout.id, []).append(staged[-1])
            if item.page:
                page = target.parent / page_name(item.variant)
                if not output.holds(page, item.page):
                    staged.append(output.stage(page, item.page))
                    staged_by_id.setdefault(item.handout.id, []).append(staged[-1])
                entry["web_page"] = output.web_entry(out_dir, page, item.page, item.fonts)
                fonts.update(item.fonts)
            entry.update(source=item.source, inputs=keys[item.source], words=item.words)
            entries.append(entry)
            rebuilt.add((item.handout.id, item.variant.name))

    jobs = max(1, jobs or 1)
    try:
        if jobs > 1 and len(todo) > 1:
            from concurrent.futures import ProcessPoolExecutor

            work = [(root, path, clinic, clinic_checks, variants) for path in todo]
            _prepare_workers()
            pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), initializer=_start_worker,
                                       initargs=(os.getpid(), clinics))
            try:
                chunk = max(1, min(4, len(work) // (jobs * 8)))  # small: the last chunks finish together
                for done, result in enumerate(pool.map(_render_in_worker, work, chunksize=chunk)):
                    if progress:
                        progress(done + 1, len(todo), _shown(todo[done], root))
                    take(result)
            except BaseException:
                _stop_workers(pool)  # a signal or an error: the workers' renders are of no use now
                raise
            pool.shutdown()
        else:
            caches = Caches(clinics=clinics)
            if jobs > 1 and todo:  # a second core: PDFs finished and thumbnails made beside (processes.helper)
                caches.helper = helper(_prepare_finisher)
            try:
                for done, path in enumerate(todo):
                    shown = _shown(path, root)
                    if progress:
                        progress(done, len(todo), shown)
                    take(build_handout(root, path, clinic, clinic_checks, variants, caches,
                                       (lambda current, d=done: progress(d, len(todo), current)) if progress else None,
                                       aside=jobs > 1))
                    _settled()
            finally:
                if caches.helper:
                    caches.helper.stop()
        if progress:
            progress(len(todo), len(todo), "")
        for handout_id, files in clashes.items():  # their PDFs would overwrite each other: neither is published
            report.problems += _clash_problems(handout_id, files)
            report.failed += [f for f, _ in files[1:]]
            dropped = staged_by_id.pop(handout_id, [])
            output.discard(dropped)
            staged[:] = [s for s in staged if s not in dropped]
            report.failed += [f"{e['source']} ({e['variant']})" for e in entries if e["handout"] == handout_id]
            entries[:] = [e for e in entries if e["handout"] != handout_id]
            rebuilt -= {r for r in rebuilt if r[0] == handout_id}
        staged += output.stage_assets(out_dir, sorted(fonts), root / "fonts" / "OFL.txt")
        if entries:
            staged.append(output.stage_manifest(out_dir, entries, rebuilt))
        from .catalog import INDEX

        for target in [path for _, path in staged] + [out_dir / INDEX]:
            fault = output.blocked(target)  # a folder or an immutable file in the way: stop before any rename
            if fault:
                raise fault
        output.sync(staged)  # on disk before the first rename
    except OSError as exc:
        output.discard(staged)
        report.problems.append(_fault(exc, root, out_dir))
        report.failed += [f"{e['source']} ({e['variant']})" for e in entries]
        return report
    except BaseException:
        output.discard(staged)
        raise
    from .catalog import write_catalog  # out/index.html (and any thumbnail still missing), from the manifest

    try:
        with _signals_held():  # the renames are quick: a Ctrl-C waits for them, so out/ is one build or the other
            output.commit(staged)
        write_catalog(out_dir, clinic.name if clinic else "")
    except OSError as exc:  # out/ changed under the build; what was renamed is whole
        report.problems.append(_fault(exc, root, out_dir))
    report.written = entries
    report.problems = list(dict.fromkeys(report.problems))  # a shared parent layout fails once, not per child
    report.warnings = list(dict.fromkeys(report.warnings))
    return report


def translation_skeleton(root: Path, name: str, language: str, variant_name: str = "") -> tuple[Path, str]:
    """The file a translator fills in: every text of the variant (default: the first one) to translate."""
    files, unknown = select(root, [name])
    if unknown:
        raise PublishError(Problem(name, None, None, "", "no such handout", "give a handout id from handouts/", code="handout-unknown"))
    clinic = repository_clinics(root, Caches()).default
    handout = load_handout(files[0], clinic, _shown(files[0], root))
    variant = find_variant(handout, variant_name) if variant_name else next(
        (v for v in handout.variants if v.language == handout.language), handout.variants[0])
    if variant is None:
        raise PublishError(Problem(handout.file, None, None, "variants", f"no variant named {variant_name}",
                                   f"use one of: {', '.join(v.name for v in handout.variants)}", code="variant-unknown"))
    from ..load.translation import skeleton

    return translation_file(root, handout.file, handout.id, language), skeleton(handout, resolve(handout, variant),
                                                                                language)
