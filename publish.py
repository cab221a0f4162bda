#!/usr/bin/env python3
"""Publish the clinic's handouts as print- and email-ready PDFs.

Thin command line: parse the arguments, call the library, print, choose the exit code.
Exit codes: 0 success, 1 content or layout errors, 2 usage errors.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# the packages pyproject.toml installs, by import name
DEPENDENCIES = ("reportlab", "jinja2", "yaml", "pikepdf", "svglib", "pypdfium2")


def _in_project_environment() -> None:
    """Run in the project's .venv when started by another Python; name a missing package in one line."""
    import importlib.util

    missing = [name for name in DEPENDENCIES if importlib.util.find_spec(name) is None]
    if not missing:
        return
    venv_python = ROOT / ".venv" / "bin" / "python"
    if venv_python.is_file() and Path(sys.prefix).resolve() != venv_python.parent.parent.resolve():
        os.execv(str(venv_python), [str(venv_python), str(ROOT / "publish.py"), *sys.argv[1:]])
    print(f"publish.py: missing Python package{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
          f"run `make publish` in {ROOT} (it creates .venv with everything), or `python3 -m pip install -e {ROOT}`",
          file=sys.stderr)
    sys.exit(2)


EPILOG = """examples:
  python publish.py build                         every handout, every variant, into out/
  python publish.py build benzodiazepines         one handout (its id: the file name in handouts/)
  python publish.py build benzodiazepines --variant large-print
  python publish.py build --out /tmp/handouts     somewhere else
  python publish.py watch                         rebuild what each saved change affects (Ctrl-C stops)

The PDFs land in out/<handout>/ with names ready to attach to an e-mail, for example
out/benzodiazepines/maple-mountain-benzodiazepines-patient-en.pdf, and out/manifest.json
lists every file with its audience, language, status, pages and size.

If a handout has a mistake, the message names the file, line and column, the place in the
file (such as body[3].rows[2]) and what to do. The other handouts are still published and
the PDFs already in out/ for the faulty one are left as they were."""


class _StatusLine:
    """One updating line on a terminal, "building 1/3: handouts/x.yaml (patient)", cleared at the end."""

    def __init__(self, stream):
        self.stream = stream

    def __call__(self, done: int, total: int, current: str) -> None:
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError):
            columns = 0
        width = (columns or 80) - 1  # one short of the edge, so the line never wraps
        text = f"building {done}/{total}" + (f": {current}" if current else "")
        self.stream.write("\r\033[K" + text[:max(width, 10)])
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        sys.exit(2)


def _dpi(text: str) -> float:
    from handoutpress.designer.preview import MAX_DPI, MIN_DPI

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not MIN_DPI <= value <= MAX_DPI:
        raise argparse.ArgumentTypeError(f"{text} is outside {MIN_DPI} to {MAX_DPI}")
    return value


def _add_designer_commands(commands) -> None:
    """preview, specimen and layout show: the designer's loop."""
    pv = commands.add_parser("preview", help="PNGs of every page of a handout's variants",
                             description="Render a handout's variants in memory and write a PNG of every page to "
                                         "out/preview/<handout>/<variant>/page-<n>.png (nothing is published). "
                                         "With --refresh-references: rewrite the visual-regression references "
                                         "tests/visual/<handout>-<variant>.png (page 1 of every shipped variant) "
                                         "after an intended change.")
    pv.add_argument("handout", nargs="?", metavar="HANDOUT", help="handout id (a file name in handouts/) or a path")
    pv.add_argument("--variant", action="append", metavar="NAME", default=[],
                    help="only this variant (e.g. patient); may be repeated; default: every variant")
    pv.add_argument("--out", metavar="DIR", type=Path, default=None,
                    help="folder for the PNGs (default: out/preview/); they go in DIR/<handout>/<variant>/")
    pv.add_argument("--dpi", metavar="N", type=_dpi, default=None, help="resolution (default: 100)")
    pv.add_argument("--refresh-references", action="store_true",
                    help="rewrite tests/visual/*.png from the current content and layouts (every handout, or HANDOUT)")
    pv.set_defaults(usage_parser=pv)
    sp = commands.add_parser("specimen", help="a proof-sheet PDF of a layout",
                             description="Write a proof sheet of a layout: every text style set in itself, the "
                                         "palette with contrast ratios, every font face, the title band with the "
                                         "logo, and a sample list, table, callout and emergency box.")
    sp.add_argument("layout", metavar="LAYOUT", help="layout name (a file name in layouts/ without .yaml)")
    sp.add_argument("--out", metavar="FILE", type=Path, default=None,
                    help="PDF to write (default: out/specimen-<layout>.pdf)")
    sp.set_defaults(usage_parser=sp)
    ly = commands.add_parser("layout", help="inspect layouts (layout show LAYOUT)",
                             description="Inspect layouts.")
    ly.set_defaults(usage_parser=ly)
    lys = ly.add_subparsers(dest="layout_command", metavar="ACTION", parser_class=_Parser)
    show = lys.add_parser("show", help="the merged layout, every value with the file and line it comes from",
                          description="Print the layout merged after extends:, every value with the file and line "
                                      "it comes from, or (default) for a value no file sets.")
    show.add_argument("layout", metavar="LAYOUT", help="layout name (a file name in layouts/ without .yaml)")
    show.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


USAGE_CODES = {"handout-unknown", "variant-unknown",  # a name on the command line that does not exist
               "handout-id", "handout-exists", "template-unknown"}  # `new`: an id that is not one, or is taken


def _exit_code(problems) -> int:
    """1 for a content or layout error; 2 when every problem is a name the command line got wrong."""
    if not problems:
        return 0
    return 2 if all(p.code in USAGE_CODES for p in problems) else 1


def _did_you_mean(name: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'? " if close else ""


def _check_handout_names(args, parser) -> None:
    """An unknown handout name is a usage mistake (exit 2), told with a did-you-mean and the known names."""
    from handoutpress.publish.inputs import handout_files, select

    names = getattr(args, "handouts", None) or ([args.handout] if getattr(args, "handout", None) else [])
    _, unknown = select(ROOT, names)
    if unknown:
        known = [p.stem for p in handout_files(ROOT)]
        getattr(args, "usage_parser", parser).error(
            "; ".join(f"{name}: no such handout; {_did_you_mean(name, known)}" for name in unknown)
            + f"known handouts (file names in handouts/ without .yaml): {', '.join(known) or 'none yet'}")


def _check_language(args, parser) -> None:
    import re

    from handoutpress.load.content import LANG

    if not re.fullmatch(LANG, args.language):
        guess = args.language[:2].lower() + args.language[2:].upper().replace("_", "-")
        hint = f"did you mean '{guess}'? " if re.fullmatch(LANG, guess) else ""
        args.usage_parser.error(f"'{args.language}' is not a language code: {hint}write two lower-case letters, "
                                "optionally a dash and a region in capitals, e.g. es or pt-BR")


def _shown_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _designer_command(args, parser) -> int:
    """Run preview, specimen or layout show; errors print as file:line and give exit 1."""
    from handoutpress.errors import PublishError

    parser = getattr(args, "usage_parser", parser)  # usage errors show the subcommand's usage

    try:
        if args.command == "layout":
            if args.layout_command != "show":
                parser.error("layout needs an action: python publish.py layout show LAYOUT")
            from handoutpress.designer.layout_show import show

            print(show(ROOT, args.layout, args.format), end="")
            return 0
        if args.command == "specimen":
            from handoutpress.designer.specimen import write_specimen

            print(_shown_path(write_specimen(ROOT, args.layout, args.out)))
            return 0
        if args.refresh_references:
            if args.out or args.dpi:
                parser.error("--refresh-references writes tests/visual/ at its own resolution: drop --out and --dpi")
            from handoutpress.designer.visual import refresh_references

            result = refresh_references(ROOT, [args.handout] if args.handout else [], args.variant)
            for path in result.written:
                print(f"updated {_shown_path(path)}")
            for path in result.removed:
                print(f"removed {_shown_path(path)} (no such variant any more)")
            print(f"{len(result.written)} updated, {len(result.unchanged)} unchanged, {len(result.removed)} removed")
            problems = result.problems
        else:
            if not args.handout:
                parser.error("preview needs a HANDOUT (or --refresh-references)")
            from handoutpress.designer.preview import DEFAULT_DPI, preview

            result = preview(ROOT, args.handout, args.variant, args.out, args.dpi or DEFAULT_DPI)
            for _, _, paths in result.written:
                for path in paths:
                    print(_shown_path(path))
            problems = result.problems
    except PublishError as exc:
        problems = exc.problems
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return _exit_code(problems)


def _packet_command(args) -> int:
    """Build a packet from the published PDFs; a request's mistake is exit 2, a broken file exit 1."""
    from handoutpress.errors import PublishError
    from handoutpress.publish.output import read_manifest, write_atomic
    from handoutpress.publish.packet import USAGE, build_packet

    if args.target.suffix.lower() != ".pdf":
        args.usage_parser.error(f"{args.target}: the packet's file name must end in .pdf")
    if not args.target.parent.is_dir():
        args.usage_parser.error(f"{args.target.parent}: no such folder for the packet")
    outputs = read_manifest(args.out)
    if not outputs:
        print(f"error: {args.out / 'manifest.json'}: nothing published yet; run `python publish.py build` first",
              file=sys.stderr)
        return 1
    try:
        packet = build_packet(ROOT, args.out, outputs, args.items, args.include_drafts, args.slip)
    except PublishError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2 if exc.problems and all(p.code in USAGE for p in exc.problems) else 1
    write_atomic(args.target, packet.data)
    drafts = sum(e.get("status") != "approved" for e in packet.entries)
    print(f"wrote {_shown_path(args.target)}  ({len(packet.entries)} handout{'s' if len(packet.entries) != 1 else ''}, {packet.pages} pages"
          + (f", {drafts} DRAFT{'S' if drafts > 1 else ''}: not for patients" if drafts else "") + ")")
    return 0


def main(argv=None) -> int:
    parser = _Parser(prog="publish.py", description="Publish patient handouts as branded, accessible PDFs.",
                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    from handoutpress import __version__

    parser.add_argument("--version", action="version", version=f"handoutpress {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    b = commands.add_parser("build", help="build handouts into PDFs", description="Build handouts into PDFs.",
                            epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("handouts", nargs="*", metavar="HANDOUT",
                   help="handout ids (file names in handouts/ without .yaml) or paths; default: all")
    b.add_argument("--variant", action="append", metavar="NAME", default=[],
                   help="only this variant (e.g. patient, large-print); may be repeated")
    b.add_argument("--out", metavar="DIR", type=Path, default=ROOT / "out", help="output folder (default: out/)")
    b.add_argument("--jobs", metavar="N", type=int, default=None,
                   help="handouts built at once in separate processes (default: the number of cores)")
    b.add_argument("--force", action="store_true",
                   help="rebuild everything, even outputs whose inputs have not changed since the last build")
    b.set_defaults(usage_parser=b)
    t = commands.add_parser("translation", help="start a translation file for a handout",
                            description="Write handouts/<id>.<lang>.yaml listing every English text to translate "
                                        "(or print it, if the file exists). Translators fill in each text:.")
    t.add_argument("handout", metavar="HANDOUT", help="handout id")
    t.add_argument("language", metavar="LANG", help="language code, e.g. es")
    t.add_argument("--variant", metavar="NAME", default="", help="variant whose texts to list (default: patient)")
    t.set_defaults(usage_parser=t)
    ch = commands.add_parser("check", help="check content and layouts before printing",
                             description="Check handouts, the clinic file and layouts: schema, citations, missing "
                                         "glyphs, reading level, page budgets, contrast, type sizes, clinic details, "
                                         "crisis-line text, review dates and translations. Nothing is written.")
    ch.add_argument("handouts", nargs="*", metavar="HANDOUT", help="handout ids or paths; default: all")
    ch.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    ch.add_argument("--strict", action="store_true", help="warnings fail the check too (exit 1)")
    ch.set_defaults(usage_parser=ch)
    sc = commands.add_parser("schema", help="write the JSON Schemas and docs/reference.md",
                             description="Write schemas/*.schema.json (editor completion and validation for the "
                                         "YAML files) and docs/reference.md from the declarations in the code.")
    sc.add_argument("--check", action="store_true", help="only report whether the files are up to date")
    _add_designer_commands(commands)
    nw = commands.add_parser("new", help="start a handout from a template",
                             description="Write handouts/ID.yaml from a template (a draft with example blocks and "
                                         "TODO where the handout's own text goes). Templates: information-sheet, "
                                         "worksheet (a worksheet or diary), care-instructions.")
    nw.add_argument("id", metavar="ID", help="the new handout's id, e.g. sleep-diary (its file name)")
    nw.add_argument("--template", metavar="NAME", default="information-sheet",
                    help="information-sheet (default), worksheet or care-instructions")
    sv = commands.add_parser("serve", help="serve the catalog (out/index.html) and PDFs on this computer",
                             description="Serve out/ read-only over http on 127.0.0.1 (this computer only): the "
                                         "catalog page and its PDFs, so Print works. Ctrl-C stops it.")
    sv.add_argument("--port", metavar="N", type=int, default=8000, help="port (default: 8000; 0: any free port)")
    sv.add_argument("--out", metavar="DIR", type=Path, default=ROOT / "out", help="folder to serve (default: out/)")
    pk = commands.add_parser("packet", help="one PDF of several published handouts, for one visit",
                             description="Join published handouts into one PDF: a cover page listing them, then "
                                         "each handout's own pages (its page numbers, furniture and tags), with a "
                                         "bookmark per handout; optionally a 'what was given' slip for the chart. "
                                         "Only PDFs listed in out/manifest.json are used; drafts need "
                                         "--include-drafts.")
    pk.add_argument("target", metavar="OUT.pdf", type=Path, help="the packet PDF to write")
    pk.add_argument("items", nargs="+", metavar="HANDOUT[:VARIANT]",
                    help="handout ids, each optionally with a variant (default: its patient variant)")
    pk.add_argument("--out", metavar="DIR", type=Path, default=ROOT / "out",
                    help="the published folder to take the PDFs from (default: out/)")
    pk.add_argument("--include-drafts", action="store_true",
                    help="allow drafts: the packet is then for review, not for patients")
    pk.add_argument("--slip", action="store_true",
                    help="end with a 'what was given' slip (titles, versions, review dates) for the chart")
    pk.set_defaults(usage_parser=pk)
    w = commands.add_parser("watch", help="build, then rebuild what each saved change affects",
                            description="Build once, then watch handouts/, layouts/ (and its logo files) and "
                                        "fonts/ and rebuild only the handouts a saved change affects. Errors are "
                                        "printed and the watch goes on; Ctrl-C stops it.")
    w.add_argument("handouts", nargs="*", metavar="HANDOUT", help="handout ids to follow; default: all, new ones too")
    w.add_argument("--variant", action="append", metavar="NAME", default=[],
                   help="only this variant (e.g. patient); may be repeated")
    w.add_argument("--out", metavar="DIR", type=Path, default=ROOT / "out", help="output folder (default: out/)")
    w.add_argument("--interval", metavar="S", type=float, default=0.3,
                   help="seconds between looks at the files when polling (default: 0.3)")
    w.add_argument("--poll", action="store_true",
                   help="look at the files every --interval seconds instead of using file-system events")
    w.add_argument("--serve", action="store_true",
                   help="also serve a live preview page (pages, PDF, web page) on 127.0.0.1 that refreshes "
                        "itself after each rebuild")
    w.add_argument("--port", metavar="N", type=int, default=8000, help="port of --serve (default: 8000; 0: any free)")
    w.set_defaults(usage_parser=w)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from handoutpress.errors import PublishError

    if args.command == "serve":
        from handoutpress.publish.serve import serve

        if not 0 <= args.port <= 65535:
            parser.error("--port must be between 0 and 65535")
        return serve(args.out, args.port, ROOT)
    if args.command == "packet":
        return _packet_command(args)
    if args.command == "new":
        from handoutpress.publish.starter import new_handout

        try:
            path = new_handout(ROOT, args.id, args.template)
        except PublishError as exc:
            for problem in exc.problems:
                print(f"publish.py new: {problem}", file=sys.stderr)
            return _exit_code(exc.problems)
        print(f"wrote {path.relative_to(ROOT)}: replace every TODO, then: python publish.py check {args.id}")
        return 0
    if args.command in ("build", "check", "watch", "preview", "translation"):
        _check_handout_names(args, parser)
    if args.command == "translation":
        _check_language(args, parser)
    if args.command in ("preview", "specimen", "layout"):
        return _designer_command(args, parser)
    if args.command == "check":
        from handoutpress.checks.report import as_json, as_text
        from handoutpress.publish.check import run

        result = run(ROOT, args.handouts)
        print(as_json(result) if args.format == "json" else as_text(result), end="")
        return 1 if result.errors or (args.strict and result.warnings) else 0
    if args.command == "schema":
        from handoutpress.load.reference import generated
        from handoutpress.publish.output import write_atomic

        stale = []
        for path, text in generated(ROOT).items():
            if path.exists() and path.read_text("utf-8") == text:
                continue
            stale.append(path.relative_to(ROOT))
            if not args.check:
                write_atomic(path, text.encode("utf-8"))
        for path in stale:
            print(f"{'out of date' if args.check else 'wrote'}: {path}")
        return 1 if stale and args.check else 0
    if args.command == "translation":
        from handoutpress.publish.build import translation_skeleton

        try:
            path, text = translation_skeleton(ROOT, args.handout, args.language, args.variant)
        except PublishError as exc:
            for problem in exc.problems:
                print(f"error: {problem}", file=sys.stderr)
            return _exit_code(exc.problems)
        if path.exists():
            print(text, end="")
            print(f"# {path.name} exists: the list above is printed, not written", file=sys.stderr)
        else:
            from handoutpress.publish.output import write_atomic

            write_atomic(path, text.encode("utf-8"))
            print(f"wrote {path.relative_to(ROOT)}: fill in every text:")
        return 0
    if args.command == "watch":
        from handoutpress.designer.watch import watch

        if not args.interval > 0:
            parser.error("--interval must be more than 0 seconds")
        if not 0 <= args.port <= 65535:
            parser.error("--port must be between 0 and 65535")
        return watch(ROOT, args.handouts, args.out, args.interval, args.variant, poll=args.poll,
                     serve_port=args.port if args.serve else None)
    from handoutpress.publish.build import build

    status = _StatusLine(sys.stderr) if sys.stderr.isatty() and not os.environ.get("CI") else None
    try:
        report = build(ROOT, args.handouts, args.variant, args.out, progress=status,
                       jobs=args.jobs or os.cpu_count() or 1, force=args.force)
    finally:
        if status:
            status.clear()
    for warning in report.warnings:
        print(f"warning: {warning}  [{warning.code}]", file=sys.stderr)
    for entry in report.written:
        print(f"wrote {entry['path']}  ({entry['pages']} pages, {entry['bytes'] // 1024} KB, {entry['status']})")
    if report.unchanged:
        print(f"unchanged: {len(report.unchanged)} PDFs whose inputs did not change (--force rebuilds them)")
    if report.written and (args.out / "index.html").is_file():
        print(f"catalog: {args.out / 'index.html'}  (open it, or: python publish.py serve)")
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    if report.failed:
        print(f"not published: {', '.join(report.failed)} (earlier PDFs left as they were)", file=sys.stderr)
    return _exit_code(report.problems)


class _Stopped(BaseException):
    """SIGTERM or SIGHUP, raised where the program is (as Ctrl-C raises KeyboardInterrupt), so the
    build stops its workers and removes its temp files on the way out."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame):
    raise _Stopped(signum)


def run(argv=None) -> int:
    """main(), ended by a signal like a build that failed: a one-line message and 128 + the signal."""
    import signal

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    try:
        code = main(argv)
        _ignore_signals(signal)  # the work is done: a late signal must not turn its exit code into a kill
        return code
    except KeyboardInterrupt:
        code, name = 128 + signal.SIGINT, "interrupted (Ctrl-C)"
    except _Stopped as stopped:
        code, name = 128 + stopped.signum, f"{signal.Signals(stopped.signum).name} received"
    _ignore_signals(signal)
    try:
        print(f"publish.py: {name}, stopped; a build stopped before publishing leaves out/ as it was",
              file=sys.stderr)
    except (OSError, ValueError):
        pass
    return code


def _ignore_signals(signal) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)


def console() -> None:
    """The `handoutpress` command pyproject.toml installs, and `python publish.py`: the same CLI."""
    _in_project_environment()
    _leave(run())


def _leave(code: int) -> None:
    """Exit with code once what was printed is out: os._exit skips the interpreter's teardown of every
    module and object it loaded (about 10 ms of a one-handout build), which nothing here needs: files
    are closed where they are written, a build's helper processes end when their pipes close. Output
    that cannot be flushed (a closed pipe) leaves it to sys.exit, which reports it as usual."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    if not isinstance(code, int) or isinstance(code, bool):
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    console()
