#!/usr/bin/env python3
"""Publish the clinic's handouts as print- and email-ready PDFs.

Thin command line: parse the arguments, call the library, print, choose the exit code.
Exit codes: 0 success, 1 content or layout errors, 2 usage errors.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent

EPILOG = """examples:
  python publish.py build                         every handout, every variant, into out/
  python publish.py build benzodiazepines         one handout (its id: the file name in handouts/)
  python publish.py build benzodiazepines --variant large-print
  python publish.py build --out /tmp/handouts     somewhere else

The PDFs land in out/<handout>/ with names ready to attach to an e-mail, for example
out/benzodiazepines/maple-mountain-benzodiazepines-patient-en.pdf, and out/manifest.json
lists every file with its audience, language, status, pages and size.

If a handout has a mistake, the message names the file, line and column, the place in the
file (such as body[3].rows[2]) and what to do. The other handouts are still published and
the PDFs already in out/ for the faulty one are left as they were."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        sys.exit(2)


def main(argv=None) -> int:
    parser = _Parser(prog="publish.py", description="Publish patient handouts as branded, accessible PDFs.",
                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    b = commands.add_parser("build", help="build handouts into PDFs", description="Build handouts into PDFs.",
                            epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("handouts", nargs="*", metavar="HANDOUT",
                   help="handout ids (file names in handouts/ without .yaml) or paths; default: all")
    b.add_argument("--variant", action="append", metavar="NAME", default=[],
                   help="only this variant (e.g. patient, large-print); may be repeated")
    b.add_argument("--out", metavar="DIR", type=Path, default=ROOT / "out", help="output folder (default: out/)")
    t = commands.add_parser("translation", help="start a translation file for a handout",
                            description="Write handouts/<id>.<lang>.yaml listing every English text to translate "
                                        "(or print it, if the file exists). Translators fill in each text:.")
    t.add_argument("handout", metavar="HANDOUT", help="handout id")
    t.add_argument("language", metavar="LANG", help="language code, e.g. es")
    t.add_argument("--variant", metavar="NAME", default="", help="variant whose texts to list (default: patient)")
    ch = commands.add_parser("check", help="check content and layouts before printing",
                             description="Check handouts, the clinic file and layouts: schema, citations, missing "
                                         "glyphs, reading level, page budgets, contrast, type sizes, clinic details, "
                                         "crisis-line text, review dates and translations. Nothing is written.")
    ch.add_argument("handouts", nargs="*", metavar="HANDOUT", help="handout ids or paths; default: all")
    ch.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    ch.add_argument("--strict", action="store_true", help="warnings fail the check too (exit 1)")
    sc = commands.add_parser("schema", help="write the JSON Schemas and docs/reference.md",
                             description="Write schemas/*.schema.json (editor completion and validation for the "
                                         "YAML files) and docs/reference.md from the declarations in the code.")
    sc.add_argument("--check", action="store_true", help="only report whether the files are up to date")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from handoutpress.errors import PublishError

    if args.command == "check":
        from handoutpress.check import run
        from handoutpress.report import as_json, as_text

        result = run(ROOT, args.handouts)
        print(as_json(result) if args.format == "json" else as_text(result), end="")
        return 1 if result.errors or (args.strict and result.warnings) else 0
    if args.command == "schema":
        from handoutpress.output import write_atomic
        from handoutpress.reference import generated

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
        from handoutpress.build import translation_skeleton

        try:
            path, text = translation_skeleton(ROOT, args.handout, args.language, args.variant)
        except PublishError as exc:
            for problem in exc.problems:
                print(f"error: {problem}", file=sys.stderr)
            return 1
        if path.exists():
            print(text, end="")
            print(f"# {path.name} exists: the list above is printed, not written", file=sys.stderr)
        else:
            from handoutpress.output import write_atomic

            write_atomic(path, text.encode("utf-8"))
            print(f"wrote {path.relative_to(ROOT)}: fill in every text:")
        return 0
    from handoutpress.build import build

    report = build(ROOT, args.handouts, args.variant, args.out)
    for warning in report.warnings:
        print(f"warning: {warning}  [{warning.code}]", file=sys.stderr)
    for entry in report.written:
        print(f"wrote {entry['path']}  ({entry['pages']} pages, {entry['bytes'] // 1024} KB, {entry['status']})")
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    if report.failed:
        print(f"not published: {', '.join(report.failed)} (earlier PDFs left as they were)", file=sys.stderr)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
