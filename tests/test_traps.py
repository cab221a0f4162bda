"""Issue 12: heavy inputs refused fast at their line, and the silent traps a new author falls into.

Slow or heavy inputs run under a generous hang guard (SIGALRM, no timing asserts): a regression fails in
seconds with its input instead of taking half a minute or gigabytes.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from handoutpress.errors import PublishError
from handoutpress.publish.build import build

from project_copy import MINI, copy_project, run_cli
from test_robustness import time_limit

GUARD = 20  # seconds; each case here takes well under one


def hang_guard(what: str, seconds: float = GUARD):
    """The robustness suite's time limit: a hang guard, not a timing."""
    return time_limit(seconds, what)


# ---------------------------------------------------------------- slow or heavy inputs


def _use_chain(levels: int) -> str:
    """An SVG whose every level uses the one below twice: 2**levels rectangles once expanded."""
    lines = ['<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">',
             '<defs><rect id="a0" width="1" height="1"/></defs>']
    lines += [f'<g id="a{i}"><use xlink:href="#a{i - 1}"/><use href="#a{i - 1}"/></g>' for i in range(1, levels + 1)]
    return "\n".join(lines + ["</svg>"])


@pytest.mark.parametrize("levels", [18, 25])
def test_a_logo_of_doubling_use_chains_is_refused_at_once_at_its_line(tmp_path, levels):
    from reportlab.lib.colors import black

    from handoutpress.load.logo import MAX_ELEMENTS, load_mark

    svg = tmp_path / "mark.svg"
    svg.write_text(_use_chain(levels))
    with hang_guard(f"a {levels}-level <use> chain"), pytest.raises(PublishError) as info:
        load_mark(svg, black, 40)
    (p,) = info.value.problems
    assert p.code == "logo-too-complex" and f"over {MAX_ELEMENTS:,} shapes" in p.message
    assert p.file == str(svg) and 3 <= p.line <= levels + 2  # the <g> that first grows past the limit


def test_a_logo_whose_use_refers_in_a_circle_is_refused(tmp_path):
    from reportlab.lib.colors import black

    from handoutpress.load.logo import load_mark

    svg = tmp_path / "mark.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
                   '<g id="a"><use href="#b"/></g>\n<g id="b"><use href="#a"/></g>\n</svg>')
    with hang_guard("a <use> circle"), pytest.raises(PublishError) as info:
        load_mark(svg, black, 40)
    assert info.value.problems[0].code == "logo-use-loop"


def test_a_logo_with_a_few_uses_still_draws(tmp_path):
    from reportlab.lib.colors import black

    from handoutpress.load.logo import load_mark

    svg = tmp_path / "mark.svg"
    svg.write_text(_use_chain(5))
    assert load_mark(svg, black, 40).width == 40


STRING_BUILDERS = [
    "{{ ('x' * 9999).replace('', 'y' * 9999) | length }}",
    "{{ ('x' * 9999).replace('', 'y' * 9999).replace('', 'z' * 9999) }}",
    "{{ (['y' * 9999] * 1000) | join | length }}",
    "{{ ', '.join(['y' * 9999] * 1000) | length }}",
    "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
    "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}",
    "{{ (('y' * 9999) ~ ('y' * 9999)) | length }}",
    "{{ ('%s' * 5000) % ((('y' * 9999),) * 5000) }}",
]


@pytest.mark.parametrize("payload", STRING_BUILDERS)
def test_templates_building_huge_strings_are_refused_at_the_layout_line(tmp_path, payload):
    root = copy_project(tmp_path, cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: payload"))
    (root / "layouts" / "payload.yaml").write_text(f"extends: maple-mountain\ndescription: payloads\n"
                                                 f"header: {{right: {json.dumps(payload)}}}\n")
    with hang_guard(payload):
        report = build(root, ["sleep"], out_dir=root / "out")
    (p,) = report.problems
    assert (p.code, p.file, p.line) == ("template", "layouts/payload.yaml", 3), p
    assert p.message.startswith("template error: ") and report.written == []


@pytest.mark.parametrize("template, printed", [
    ("{{ 'a' ~ page ~ 'b' }}", "a1b"),
    ("{{ handout.title.replace('Sleep', 'Rest') }}", "Rest and recovery"),
    ("{{ ['a', 'b'] | join(', ') }} {{ '-'.join(['x', 'y']) }}", "a, b x-y"),
    ("{{ 'v' + handout.version }}", "v1.0"),
])
def test_small_string_building_still_works(template, printed):
    from handoutpress.text import compile_template, render_template

    context = {"page": 1, "handout": {"title": "Sleep and recovery", "version": "1.0"}}
    assert render_template(compile_template(template), **context) == printed


# ---------------------------------------------------------------- numbers YAML reads differently


def _handout_problems(tmp_path, text: str) -> list:
    from handoutpress.load.content import load_handout

    path = tmp_path / "sleep.yaml"
    path.write_text(text)
    with pytest.raises(PublishError) as info:
        load_handout(path, display="handouts/sleep.yaml")
    return info.value.problems


@pytest.mark.parametrize("written", ["1.10", "2", "1.0"])
def test_a_version_that_yaml_reads_as_a_number_is_refused_with_a_hint_to_quote_it(tmp_path, written):
    (p,) = _handout_problems(tmp_path, MINI.replace('version: "1.0"', f"version: {written}"))
    assert (p.file, p.line, p.path, p.code) == ("handouts/sleep.yaml", 3, "version", "schema-type")
    assert f"got the number {written}" in p.message and p.fix == f'put it in quotes: "{written}"'


@pytest.mark.parametrize("cell, lost", [("0.50", "0.5"), ("010", "8"), ("1_000", "1000")])
def test_text_that_yaml_turns_into_a_different_number_is_refused_at_its_place(tmp_path, cell, lost):
    table = "  - table:\n      header: [Dose, Note]\n      rows:\n        - [{cell}, ok]\n"
    (p,) = _handout_problems(tmp_path, MINI.replace("body:\n", "body:\n" + table.format(cell=cell)))
    assert (p.line, p.path) == (12, "body[0].table.rows[0][0]")
    assert f"YAML reads {cell} as the number {lost}" in p.message and f'"{cell}"' in p.fix


def test_numbers_that_read_back_as_written_are_still_text(tmp_path):
    from handoutpress.load.content import load_handout

    table = "  - table:\n      header: [Dose, Note]\n      rows:\n        - [5, 2.5]\n"
    path = tmp_path / "sleep.yaml"
    path.write_text(MINI.replace("body:\n", "body:\n" + table))
    from handoutpress.model import plain

    (block, _) = load_handout(path).blocks
    assert [plain(cell) for cell in block.rows[0]] == ["5", "2.5"]


@pytest.mark.parametrize("value", ["1e9", "12px", "twelve"])
def test_a_size_written_as_text_says_what_was_written_and_what_is_expected(tmp_path, value):
    root = copy_project(tmp_path, cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: sized"))
    (root / "layouts" / "sized.yaml").write_text(f"extends: maple-mountain\nstyles:\n  body:\n    size: {value}\n")
    (p,) = build(root, ["sleep"], out_dir=root / "out").problems
    assert (p.file, p.line, p.path) == ("layouts/sized.yaml", 4, "styles.body.size")
    assert p.message == f"expected a number from 4 to 96, got '{value}', which YAML reads as text"
    assert "1e9" in p.fix


# ---------------------------------------------------------------- backslashes


def test_a_backslash_escapes_markup_only_and_prints_before_anything_else(tmp_path):
    import pdfplumber

    root = copy_project(tmp_path, cli=False)
    text = r"Type \u0041 in C:\Users\clinic, \*not bold\*, \[a bracket\] and a\\b."
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("Regular sleep helps recovery.", json.dumps(text)))
    report = build(root, ["sleep"], out_dir=root / "out")
    assert report.problems == []
    with pdfplumber.open(root / "out" / report.written[0]["path"]) as pdf:
        printed = " ".join(pdf.pages[0].extract_text().split())
    assert r"Type \u0041 in C:\Users\clinic, *not bold*, [a bracket] and a\b." in printed


# ---------------------------------------------------------------- names on the command line


@pytest.fixture(scope="module")
def cli_project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("cli") / "project")


@pytest.mark.parametrize("command", [["build"], ["check"], ["watch"], ["preview"], ["translation", "{name}", "es"]])
def test_an_unknown_handout_is_a_usage_error_with_a_did_you_mean_everywhere(cli_project, command):
    args = [a.format(name="benzodiazepine") for a in command] + (["benzodiazepine"] if len(command) == 1 else [])
    result = run_cli(cli_project, *args, timeout=60)
    assert result.returncode == 2, result.stderr
    assert (f"publish.py {command[0]}: benzodiazepine: no such handout; did you mean 'benzodiazepines'? "
            "known handouts (file names in handouts/ without .yaml): benzodiazepine-taper-worksheet, benzodiazepines, "
            "safe-storage-and-disposal, visit") in result.stderr
    assert "Traceback" not in result.stderr and not (cli_project / "out").exists()


@pytest.mark.parametrize("language, hint", [("EN", "did you mean 'en'? "), ("pt_br", "did you mean 'pt-BR'? "),
                                            ("english", ""), ("es/../../x", "")])
def test_translation_refuses_a_language_that_is_not_a_code(cli_project, language, hint):
    result = run_cli(cli_project, "translation", "benzodiazepines", language, timeout=60)
    assert result.returncode == 2
    assert (f"publish.py translation: '{language}' is not a language code: {hint}write two lower-case letters, "
            "optionally a dash and a region in capitals, e.g. es or pt-BR") in result.stderr
    assert sorted(p.name for p in (cli_project / "handouts").glob("benzodiazepines.*.yaml")) == \
           ["benzodiazepines.es.yaml"]


# ---------------------------------------------------------------- a missing closing quote


@pytest.mark.parametrize("opened, later", [
    ('subtitle: "What to expect', '    layout: "maple-mountain"'),  # the next quote, lines later, closes it
    ("subtitle: 'What to expect", "  - paragraph: 'Regular sleep helps recovery.'"),
    ('subtitle: "What to expect', None),  # no quote later at all: the end of the file
])
def test_a_missing_closing_quote_is_reported_where_it_opened(tmp_path, opened, later):
    from handoutpress.load.yamlio import load

    text = MINI.replace('version: "1.0"', 'version: "1.0"\n' + opened)
    if later:
        text = text.replace(later.replace('"', "").replace("'", ""), later)
    path = tmp_path / "sleep.yaml"
    path.write_text(text)
    with pytest.raises(PublishError) as info:
        load(path, "handouts/sleep.yaml")
    (p,) = info.value.problems
    assert (p.file, p.line, p.column, p.code) == ("handouts/sleep.yaml", 4, 11, "yaml-syntax")
    assert p.message.startswith("a quote opened here is not closed where the text ends (YAML then fails at line ")
    assert p.fix == "add the closing quote at the end of this text"


# ---------------------------------------------------------------- a list item swallowed into the one above


SWALLOWED = """\
  - list:
      - Depression
      - Anxiety disorders
        - Insomnia
        - Seizures
"""


def test_a_list_item_yaml_folds_into_the_item_above_is_a_warning_at_its_line(tmp_path):
    root = copy_project(tmp_path, cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("body:\n", "body:\n" + SWALLOWED))
    report = build(root, ["sleep"], out_dir=root / "out")
    assert report.problems == [] and len(report.written) == 1  # a warning: the PDF is still published
    found = [(w.file, w.line, w.column, w.path) for w in report.warnings if w.code == "list-item-swallowed"]
    assert found == [("handouts/sleep.yaml", 12, 9, "body[0].list[1]"), ("handouts/sleep.yaml", 13, 9, "body[0].list[1]")]
    (first, _) = [w for w in report.warnings if w.code == "list-item-swallowed"]
    assert '"Anxiety disorders - Insomnia - Seizures"' in first.message and "indent the '- '" in first.fix


def test_a_dash_inside_quoted_or_one_line_text_is_no_warning(tmp_path):
    from handoutpress.checks.indentation import swallowed_items

    from handoutpress.load.content import load_handout

    path = tmp_path / "sleep.yaml"
    path.write_text(MINI.replace("body:\n", 'body:\n  - paragraph: "Take it\n      - or not"\n'
                                            "  - paragraph: Take 10 - 20 mg.\n"))
    assert swallowed_items(load_handout(path, None, "handouts/sleep.yaml")) == []
