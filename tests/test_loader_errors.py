"""Every content and layout mistake is a PublishError that names the file, line, column and YAML path.

Each case copies the real project (handouts/, layouts/, fonts/, publish.py) into tmp_path, adds the tests'
own handout (handouts/visit.yaml, so lines and paths stay put while the real handouts are edited), breaks
one thing, and checks the problem both through the library (handoutpress.publish.build.build) and through the
command line (exit 1, message on stderr, no traceback). Expected lines and columns are computed from
the edited text, never guessed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from handoutpress.errors import Problem, PublishError
from handoutpress.load.content import load_handout
from handoutpress.load.yamlio import load
from handoutpress.publish.build import build

from project_copy import (LARGE, LAYOUT, MINI, VISIT_FILE, copy_project, edit, edit_re, line_of,
                          run_cli)


@dataclass
class Case:
    id: str
    file: str  # the file edited, and the file the problem must name
    old: str | None  # text replaced (None: the file is not edited)
    new: str
    at: str  # the expected line is the line holding this text (in the edited file)
    col_at: str | None  # the expected column is where this text starts on that line (None: no column)
    path: str  # the expected YAML path ("" when there is none)
    message: str  # must appear in the problem's message
    fix: str = ""  # must appear in the problem's fix
    create: dict = field(default_factory=dict)  # extra files to write first: rel path -> text
    delete: tuple = ()  # files to delete first
    handouts: tuple = ("visit",)  # build only these
    publishes: tuple | None = ()  # variants still published (a broken child layout stops only its own
    #                                variant); None: either way is right
    at_nth: int = 0
    regex: bool = False  # old is a regular expression (for layout values a designer may retune)
    col_after: bool = False  # the column is just after col_at (a key whose value is kept)


MINI_BODY = "body:\n  - paragraph: Regular sleep helps recovery.\n"
V = VISIT_FILE
ONE_LINE = "paragraph: You can bring someone with you."  # body[3].section.body[1].paragraph

CASES = [
    Case("yaml-syntax", V, "subtitle: What to expect & how", "subtitle: What to expect: how", at="subtitle:",
         col_at=": how", path="", message="YAML syntax error: mapping values are not allowed",
         fix="check indentation"),
    Case("wrong-type-version", V, 'version: "2.1"', "version: [1]", at="version: [1]", col_at="[1]",
         path="version", message="expected text, got a list", fix="quotes"),
    Case("wrong-type-body", "handouts/mini.yaml", MINI_BODY, "body: 3\n", at="body: 3", col_at="3", path="body",
         message="expected a list, got a whole number", create={"handouts/mini.yaml": MINI}, handouts=("mini",)),
    Case("wrong-type-max-pages", V, "max_pages: 3", "max_pages: three", at="max_pages: three", col_at="three",
         path="variants.patient.max_pages", message="got 'three', which YAML reads as text"),
    Case("unknown-key", V, "subtitle: What", "subtitel: What", at="subtitel:", col_at="What",
         path="subtitel", message="unknown key 'subtitel'", fix="did you mean 'subtitle'?"),
    Case("unknown-key-in-block", V, "heading: In an emergency", "headng: In an emergency", at="headng:",
         col_at="In an emergency", path="body[4].section.body[1].callout.headng", message="unknown key 'headng'",
         fix="did you mean 'heading'?"),
    Case("unknown-key-in-layout", LAYOUT, r"^links:\n  colour: ", "links:\n  color: ", at="color: ",
         col_at="color: ", path="links.color", message="unknown key 'color'", fix="did you mean 'colour'?",
         regex=True, col_after=True),
    Case("unknown-key-in-clinic", "handouts/clinic.yaml", r"^tagline:", "tag_line:", at="tag_line:",
         col_at="tag_line: ", path="tag_line", message="unknown key 'tag_line'", fix="did you mean 'tagline'?",
         regex=True, col_after=True),
    Case("unknown-citation", V, ONE_LINE, ONE_LINE[:-1] + " [@nosuch].", at="[@nosuch]", col_at="You can bring",
         path="body[3].section.body[1].paragraph", message="unknown source key 'nosuch'", fix="who2020, nih2019"),
    Case("unknown-citation-in-table-cell", V, "[10-40 min, Interview, Clinician]",
         '[10-40 min, "Interview [@nosuch]", Clinician]', at="[@nosuch]", col_at='"Interview',
         path="body[3].section.body[2].table.rows[1][1]", message="unknown source key 'nosuch'"),
    Case("unknown-citation-in-call-to-action", V, "paragraph: Our admissions team is here to help.",
         "paragraph: Our admissions team is here to help [@nosuch].", at="[@nosuch]", col_at="Our admissions",
         path="call_to_action.body[0].paragraph", message="unknown source key 'nosuch'"),
    Case("duplicate-source-key", V, "\nvariants:\n",
         '  - key: who2020\n    authors: [Someone A]\n    year: "2000"\n    title: Another article\n'
         "\nvariants:\n", at="key: who2020", at_nth=1, col_at="who2020", path="sources[2].key",
         message="duplicate source key 'who2020'"),
    Case("duplicate-yaml-key", V, "language: en\n", "language: en\nlanguage: fr\n", at="language: fr",
         col_at="language: fr", path="language", message="duplicate key 'language'"),
    Case("duplicate-yaml-key-in-layout", LAYOUT, r'^  ink: ("#[0-9A-Fa-f]{6}")', '  ink: "#1F2328"\n  ink: "#000000"',
         at='ink: "#000000"', col_at='ink: "#000000"', path="palette.ink", message="duplicate key 'ink'",
         regex=True),
    Case("yaml-anchor", V, "keywords: [visit", "keywords: &words [visit", at="&words", col_at="&words", path="",
         message="YAML anchors and aliases (& and *) are not supported"),
    Case("yaml-alias", V, "subtitle: What to expect & how to prepare", "subtitle: *title", at="*title",
         col_at="*title", path="", message="YAML anchors and aliases (& and *) are not supported"),
    Case("table-row-cells", V, "- [10-40 min, Interview, Clinician]", "- [10-40 min, Interview]",
         at="[10-40 min,", col_at="[10-40 min,", path="body[3].section.body[2].table.rows[1]",
         message="expected 3 cells, got 2"),
    Case("bad-markup", V, ONE_LINE, "paragraph: You can bring **someone with you.", at="**someone",
         col_at="You can bring", path="body[3].section.body[1].paragraph",
         message="'**' opened here is never closed", fix="\\*"),
    Case("bad-link", V, ONE_LINE, "paragraph: You can bring [someone](www.example.org).", at="[someone]",
         col_at="You can bring", path="body[3].section.body[1].paragraph",
         message="'www.example.org' is not a link address", fix="https://"),
    Case("font-file-misnamed", LAYOUT, r"^    bold: \S+\.ttf", "    bold: AtkinsonHyperlegible-Bolt.ttf",
         at="AtkinsonHyperlegible-Bolt", col_at="AtkinsonHyperlegible-Bolt", path="fonts.body.bold",
         message="font file 'AtkinsonHyperlegible-Bolt.ttf' not found in fonts/", fix="AtkinsonHyperlegible-Bold.ttf",
         regex=True),
    Case("font-file-missing", LAYOUT, None, "", at="italic: AtkinsonHyperlegible-Italic.ttf",
         col_at="AtkinsonHyperlegible-Italic.ttf", path="fonts.body.italic",
         message="font file 'AtkinsonHyperlegible-Italic.ttf' not found in fonts/",
         delete=("fonts/AtkinsonHyperlegible-Italic.ttf",)),
    Case("logo-missing", LAYOUT, r"^  logo: \S+", "  logo: assets/maple-mountain-logo.svg", at="logo: assets",
         col_at="assets/", path="title_band.logo",
         message="logo file 'assets/maple-mountain-logo.svg' not found in layouts/", regex=True),
    Case("unknown-layout-in-variant", V, "layout: maple-mountain-large-print",
         "layout: maple-mountain-largeprint", at="layout: maple-mountain-largeprint",
         col_at="maple-mountain-largeprint", path="variants.large-print.layout",
         message="maple-mountain-largeprint", fix="maple-mountain-large-print", publishes=None),
    Case("extends-cycle", LAYOUT, r"\A", "extends: maple-mountain-large-print\n", at="extends:",
         col_at="maple-mountain-large-print", path="extends", message="layouts extend each other in a cycle",
         regex=True),
    Case("extends-itself", LAYOUT, r"\A", "extends: maple-mountain\n", at="extends:", col_at="maple-mountain",
         path="extends", message="layouts extend each other in a cycle: maple-mountain -> maple-mountain",
         regex=True),
    Case("extends-missing-parent", LARGE, r"^extends: maple-mountain$", "extends: maple-mountian", at="extends:",
         col_at="maple-mountian", path="extends", message="layout 'maple-mountian' not found",
         fix="maple-mountain", publishes=("patient",), regex=True),
    Case("bad-colour-hex", LAYOUT, r'^  ink: "#[0-9A-Fa-f]{6}"', '  ink: "#1F232"', at='ink: "#1F232"',
         col_at='"#1F232"', path="palette.ink", message="'#1F232' is not a colour", fix="#RRGGBB", regex=True),
    Case("bad-colour-in-style", LAYOUT, r"^rule:\n  colour: .*$", "rule:\n  colour: rgb(1-2-3)",
         at="rgb(1-2-3)", col_at="rgb(1-2-3)", path="rule.colour", message="'rgb(1-2-3)' is not a colour",
         regex=True),
    Case("unknown-palette-name", LAYOUT, r"^links:\n  colour: .*$", "links:\n  colour: evergren",
         at="colour: evergren", col_at="evergren", path="links.colour", message="unknown colour 'evergren'",
         fix="evergreen", regex=True),
    Case("unknown-palette-name-in-child-layout", LARGE, r"\Z", "\nlinks:\n  colour: inky\n", at="colour: inky",
         col_at="inky", path="links.colour", message="unknown colour 'inky'", fix="ink", publishes=("patient",),
         regex=True),
    Case("length-px", LAYOUT, r"^  margin_top: .*$", "  margin_top: 12px", at="margin_top: 12px", col_at="12px",
         path="page.margin_top", message="'12px' is not a length", fix="12pt", regex=True),
    Case("length-px-in-child-layout", LARGE, r"^  margin_top: .*$", "  margin_top: 12px", at="margin_top: 12px",
         col_at="12px", path="page.margin_top", message="'12px' is not a length", publishes=("patient",),
         regex=True),
]


def _prepare(tmp_path: Path, case: Case) -> tuple[Path, Problem]:
    """Copy the project, break it as the case says, return the root and the problem expected."""
    root = copy_project(tmp_path / "project")
    for rel, text in case.create.items():
        (root / rel).write_text(text, "utf-8")
    for rel in case.delete:
        (root / rel).unlink()
    if case.old is None:
        text = (root / case.file).read_text("utf-8")
    elif case.regex:
        text = edit_re(root, case.file, case.old, case.new)
    else:
        text = edit(root, case.file, case.old, case.new)
    line = line_of(text, case.at, case.at_nth)
    col = None
    if case.col_at is not None:
        start = sum(len(x) + 1 for x in text.split("\n")[:line - 1])
        col = text.index(case.col_at, start) - start + 1 + (len(case.col_at) if case.col_after else 0)
        assert col <= len(text.split("\n")[line - 1]), "col_at must be on the expected line"
    return root, Problem(case.file, line, col, case.path, case.message, case.fix)


def _matches(got: Problem, want: Problem) -> bool:
    return (got.file == want.file and got.line == want.line and got.column == want.column
            and got.path == want.path and want.message in got.message and want.fix in got.fix)


def _prefix(want: Problem) -> str:
    place = f"{want.file}:{want.line}" + (f":{want.column}" if want.column is not None else "")
    return f"error: {place}: " + (f"{want.path}: " if want.path else "")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_problem_names_file_line_and_path(tmp_path, case):
    root, want = _prepare(tmp_path, case)
    out = tmp_path / "out"
    report = build(root, list(case.handouts), out_dir=out)
    shown = "\n".join(map(str, report.problems))
    assert any(_matches(p, want) for p in report.problems), f"expected {want}\ngot:\n{shown}"
    if case.publishes is not None:
        assert {e["variant"] for e in report.written} == set(case.publishes)
        assert len(list(out.glob("**/*.pdf"))) == len(case.publishes)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_reports_problem_without_traceback(tmp_path, case):
    root, want = _prepare(tmp_path, case)
    result = run_cli(root, "build", *case.handouts)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert any(line.startswith(_prefix(want)) and want.message in line for line in errors), \
        f"expected a line starting {_prefix(want)!r} with {want.message!r}:\n{result.stderr}"
    assert len(set(errors)) == len(errors), f"a problem is printed twice:\n{result.stderr}"
    if case.publishes is not None:
        assert result.stdout.count("wrote ") == len(case.publishes)


def test_layout_problem_shared_by_two_variants_is_reported_once(tmp_path):
    """Both variants' layouts include maple-mountain.yaml: its one mistake is one problem, not two."""
    root = copy_project(tmp_path / "project", cli=False)
    edit_re(root, LAYOUT, r"^  margin_top: .*$", "  margin_top: 12px")
    report = build(root, ["visit"], out_dir=tmp_path / "out")
    shown = [str(p) for p in report.problems]
    assert len(shown) == len(set(shown)) == 1, shown


# ---- several mistakes, one run ---------------------------------------------------------------------
def test_all_mistakes_in_a_handout_are_reported_together(tmp_path):
    root = copy_project(tmp_path / "project")
    edit(root, VISIT_FILE, "subtitle: What", "subtitel: What")
    edit(root, VISIT_FILE, "- [10-40 min, Interview, Clinician]", "- [10-40 min, Interview]")
    edit(root, VISIT_FILE, "paragraph: You can bring someone", "paragraph: You can bring **someone")
    text = edit(root, VISIT_FILE, "including any you buy without", "including any [@nosuch] you buy without")
    want = {
        (line_of(text, "subtitel:"), "subtitel", "unknown key 'subtitel'"),
        (line_of(text, "[10-40 min,"), "body[3].section.body[2].table.rows[1]", "expected 3 cells, got 2"),
        (line_of(text, "**someone"), "body[3].section.body[1].paragraph", "'**' opened here is never closed"),
        # a folded (>-) paragraph is placed at its '- paragraph: >-' line, where its value starts
        (line_of(text, "Your first visit takes") - 1, "body[1].paragraph", "unknown source key 'nosuch'"),
    }
    with pytest.raises(PublishError) as info:
        load_handout(root / VISIT_FILE, display=VISIT_FILE)
    got = {(p.line, p.path, p.message.split(";")[0]) for p in info.value.problems}
    for line, path, message in want:
        assert any(g[0] == line and g[1] == path and message in g[2] for g in got), (line, path, message, got)
    assert all(p.file == VISIT_FILE for p in info.value.problems)

    result = run_cli(root, "build", "visit")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for line, path, message in want:
        assert any(e.startswith(f"error: {VISIT_FILE}:{line}:") and f": {path}: " in e and message in e for e in errors), \
            (line, path, message, result.stderr)
    assert len(errors) == len(set(errors)) == len(info.value.problems)


def test_all_mistakes_in_a_layout_are_reported_together(tmp_path):
    root = copy_project(tmp_path / "project")
    edit_re(root, LAYOUT, r"^  margin_top: .*$", "  margin_top: 12px")
    edit_re(root, LAYOUT, r'^  ink: "#[0-9A-Fa-f]{6}"', '  ink: "#1F232"')
    text = edit_re(root, LAYOUT, r"^links:\n  colour: ", "links:\n  color: ")
    report = build(root, ["visit"], out_dir=tmp_path / "out")
    got = {(p.file, p.line, p.path) for p in report.problems}
    assert (LAYOUT, line_of(text, "12px"), "page.margin_top") in got
    assert (LAYOUT, line_of(text, '"#1F232"'), "palette.ink") in got
    assert (LAYOUT, line_of(text, "color: "), "links.color") in got
    assert len(set(map(str, report.problems))) == 3


# ---- the loader's own limits -----------------------------------------------------------------------
def _bomb(levels: int = 12) -> str:
    lines = ['lol: &lol "lol"']
    for i in range(1, levels + 1):
        prev = "lol" if i == 1 else f"l{i - 1}"
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    text = _bomb()  # 10**12 strings if it were expanded
    bomb.write_text(text)
    start = time.perf_counter()
    with pytest.raises(PublishError) as info:
        load(bomb, "bomb.yaml")
    assert time.perf_counter() - start < 1.0
    (p,) = info.value.problems
    assert (p.file, p.line, p.column) == ("bomb.yaml", 1, text.index("&lol") + 1)
    assert "anchors and aliases" in p.message


def test_alias_bomb_in_a_handout_fails_that_handout_quickly(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / VISIT_FILE).write_text(_bomb())
    start = time.perf_counter()
    result = run_cli(root, "build", "visit")
    assert time.perf_counter() - start < 10
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: {VISIT_FILE}:1:6: YAML anchors and aliases" in result.stderr


def _one_problem(f: Path, text: str | bytes) -> Problem:
    """Write text to f, load it, and return the single problem the loader reports (named by f's name)."""
    f.write_bytes(text) if isinstance(text, bytes) else f.write_text(text)
    with pytest.raises(PublishError) as info:
        load(f, f.name)
    (p,) = info.value.problems
    return p


def test_merge_keys_are_refused(tmp_path):
    p = _one_problem(tmp_path / "m.yaml", "a: 1\nb:\n  <<: {c: 2}\n")
    assert (p.line, p.path) == (3, "b") and "merge keys" in p.message


def test_file_over_one_megabyte_is_refused(tmp_path):
    root = copy_project(tmp_path / "project")
    big = root / "handouts" / "big.yaml"
    big.write_text("# padding\n" * 110_000 + MINI)
    report = build(root, ["big"], out_dir=tmp_path / "out")
    (p,) = report.problems
    assert p.file == "handouts/big.yaml" and "over the 1,000,000 limit" in p.message
    assert report.failed == ["handouts/big.yaml"]


def test_empty_file(tmp_path):
    f = tmp_path / "e.yaml"
    f.write_text("# nothing here\n")
    with pytest.raises(PublishError) as info:
        load(f, "e.yaml")
    assert "the file is empty" in str(info.value)


def test_file_that_is_not_utf8_names_its_line(tmp_path):
    p = _one_problem(tmp_path / "latin1.yaml", "id: x\ntitle: Caf\u00e9\n".encode("latin-1"))
    assert p.file == "latin1.yaml" and p.line == 2
    assert "not UTF-8" in p.message and "\n" not in str(p) and str(tmp_path) not in str(p)


def test_control_character_names_its_line(tmp_path):
    p = _one_problem(tmp_path / "ctl.yaml", "id: x\ntitle: bell\x07here\n")
    assert p.file == "ctl.yaml" and p.line == 2 and "\n" not in str(p) and str(tmp_path) not in str(p)


def test_more_than_one_document_is_refused(tmp_path):
    p = _one_problem(tmp_path / "two.yaml", "a: 1\n---\nb: 2\n")
    assert p.line == 2 and "more than one YAML document" in p.message


def test_unknown_layout_is_placed_at_the_variant_by_the_content_loader(tmp_path):
    """load_handout, told which layouts exist, places an unknown layout name on its own line."""
    root = copy_project(tmp_path / "project", cli=False)
    text = edit(root, VISIT_FILE, "layout: maple-mountain-large-print", "layout: maple-mountain-largeprint")
    with pytest.raises(PublishError) as info:
        load_handout(root / VISIT_FILE, display=VISIT_FILE, layouts=["maple-mountain", "maple-mountain-large-print"])
    (p,) = info.value.problems
    assert (p.file, p.line, p.path) == (VISIT_FILE, line_of(text, "largeprint"), "variants.large-print.layout")
    assert "did you mean 'maple-mountain-large-print'?" in p.fix
