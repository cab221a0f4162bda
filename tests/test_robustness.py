"""Robustness (issue 7, item 3): whatever an author or designer types, a clear error with a place, never a crash.

- generated handouts and layouts (hypothesis, a fixed number of derandomized examples so CI is reproducible;
  every build under a time limit, so a hang fails in seconds with its input instead of stalling CI):
  no exception escapes build(), every PDF written passes `qpdf --check`, every problem names its file (and
  its line, for a content problem);
- raw-text damage to real files (truncation, byte flips, duplicated lines) reaches the parser;
- blocks taller than a page are clear errors naming the block, or split across pages;
- YAML limits: a 50 MB file, nesting 10000 deep, alias bombs, tags, duplicate keys, files that are not files;
- fonts, logos and layouts outside the project (../, absolute paths, symlinks) are refused; a build opens no
  socket, and builds in a network namespace; an SVG logo referring to addresses or other files is refused
  without a request;
- header and footer templates reaching for Python internals (or building huge strings) are refused with
  the layout's file and line.

Builds killed with SIGKILL: tests/test_kill.py.
More examples locally: HANDOUTPRESS_FUZZ_EXAMPLES=500 HANDOUTPRESS_FUZZ_RANDOM=1 pytest tests/test_robustness.py
"""
from __future__ import annotations

import copy
import hashlib
import itertools
import json
import os
import shutil
import signal
import string
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handoutpress.errors import Problem, PublishError
from handoutpress.load.yamlio import MAX_DEPTH, load
from handoutpress.publish.build import build
from handoutpress.qa.tools import run_qpdf_check

from project_copy import MINI, VISIT, copy_project, run_cli

EXAMPLES = int(os.environ.get("HANDOUTPRESS_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("HANDOUTPRESS_FUZZ_RANDOM"),
                database=None, print_blob=True,
                suppress_health_check=list(HealthCheck))

# Problems about a whole file (or a name on the command line) have no line to give.
LINELESS = {"yaml-too-large", "file-missing", "handout-unknown", "variant-unknown"}
BUILD_LIMIT = 30  # seconds; a generated build takes well under 3


class Hang(BaseException):
    """A build ran past its time limit. Not an Exception, so nothing in the build can swallow it, and
    hypothesis stops at once instead of shrinking through one slow example after another."""


@contextmanager
def time_limit(seconds: float, what: str):
    def expire(signum, frame):
        raise Hang(f"{what} took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """One copied project for the module's generated examples (each writes its own files and out folder)."""
    return copy_project(tmp_path_factory.mktemp("robust") / "project")


_runs = itertools.count()


def build_and_check(root: Path, names: list[str]):
    """Build names into a fresh folder; assert the robustness contract; return the report."""
    out = root / "fuzz-out" / str(next(_runs))
    inputs = "\n".join(f"--- {f.relative_to(root)}\n{f.read_text('utf-8', 'replace')[:3000]}"
                       for f in [root / "handouts" / f"{n}.yaml" for n in names]
                       + [root / "layouts" / "fuzz-layout.yaml"]
                       if f.is_file())
    try:
        with time_limit(BUILD_LIMIT, f"building {', '.join(names)} from\n{inputs}\n"):
            report = build(root, names, out_dir=out)  # an exception here is the bug: it would be a traceback
        assert_contract(report, root, out)
        return report
    finally:
        shutil.rmtree(out, ignore_errors=True)


def assert_contract(report, root: Path, out: Path) -> None:
    for p in report.problems + report.warnings:
        assert isinstance(p, Problem), p
        assert p.file and p.message, p
        text = str(p)
        assert "Traceback" not in text and " object at 0x" not in text, text
        assert Path(p.file).is_absolute() or (root / p.file).exists() or p.code in LINELESS, \
            f"problem names no file of the project: {p}"
    for p in report.problems:
        if p.code not in LINELESS:
            assert p.line is not None, f"problem without a line: {p!r}"
    assert report.written or report.problems, "nothing written and nothing said"
    if report.failed:
        assert report.problems, "a handout or variant failed without a problem"
    for entry in report.written:
        pdf = out / entry["path"]
        assert pdf.is_file(), entry["path"]
        assert run_qpdf_check(pdf) == [], entry["path"]
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == entry["sha256"]
        page = out / entry["web_page"]["path"]  # the same content through the web renderer
        html = page.read_text("utf-8")
        assert hashlib.sha256(html.encode()).hexdigest() == entry["web_page"]["sha256"]
        assert "<script" not in html and 'href="javascript:' not in html, entry["web_page"]["path"]


# ---------------------------------------------------------------- strategies: content

PLAIN_ALPHABET = string.ascii_letters + string.digits + "  .,;:!?'\"-()&<>/%#" + "éüñçÀ–—‘’“”…½°"
MARKUP_ALPHABET = "*[]@\\{}()"
EXOTIC = [
    "שלום עולם", "مرحبا بالعالم", "💊🧠 emoji", "e\u0301\u0301\u0301 combining", "zero\u200bwidth\u200djoin",
    "\u202eoverride\u202c", "nul\x00byte", "bell\x07del\x7f", "bom\ufeff", "line\u2028separator", "tab\there",
    "new\nlines\n\n", "  ", "", "{{ page }} {% if x %}", "<b>not markup</b> &amp;", "\\*escaped\\* \\[",
    "**bold *and italic***", "[a link](https://example.org)", "[bad link](javascript:alert(1))", "See [@s1].",
    "[@nokey]", "**unclosed", "汉字", "ｆｕｌｌｗｉｄｔｈ", "\U0001F600" * 50, "\ud7ff\ue000\uffff",
]
plain = st.text(alphabet=PLAIN_ALPHABET, min_size=1, max_size=80)
markupish = st.text(alphabet=PLAIN_ALPHABET + MARKUP_ALPHABET, min_size=1, max_size=40)
wild = st.text(max_size=30)  # any code point but surrogates: control characters, RTL, emoji, combining marks
long_word = st.integers(150, 3000).map(lambda n: "supercalifragilistic" * (n // 20))
longish_word = st.integers(100, 400).map(lambda n: "supercalifragilistic" * (n // 20))
number = st.one_of(st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True))  # text, to an author
odd = st.one_of(st.none(), number, st.booleans(), st.just([]), st.just({}), st.lists(st.integers(), max_size=3),
                st.dictionaries(st.sampled_from(["text", "x"]), st.integers(), max_size=2))
APPROVED = {"status": "approved", "reviewed": "2026-11-26", "reviewer": "Fuzz team"}
SOURCE = {"key": "s1", "authors": ["Ashton H"], "year": "1994", "title": "A source"}
ODD_BLOCKS = [None, {}, 42, "just text", [], {"paragraph": None}, {"paragraph": "a", "list": ["b"]},
              {"unknown": "x"}, {"section": None}, {"section": {"heading": "h"}}, {"table": {"rows": []}},
              {"list": []}, {"callout": {"body": []}}, {"table": {"rows": [[]]}}, {"table": {"rows": "x"}},
              {"table": {"rows": [None]}}, {"group": {"body": None}}, {"section": {"heading": "h", "body": []}},
              {"list": [None, [], {"items": ["x"]}]}, {"paragraph": {"text": "x", "colour": "red"}}]


def _opt(**fields):
    return fields


def nested(kind: str, depth: int) -> dict:
    """kind nested depth levels deep: a section in a section in a section..."""
    if kind == "list":
        items = ["leaf"]
        for level in range(depth, 0, -1):
            items = [{"text": f"item {level}", "items": items}]
        return {"list": items}
    inner = [{"paragraph": f"level {depth}"}]
    for level in range(depth, 0, -1):
        if kind == "section":
            inner = [{"section": {"heading": f"Heading {level}", "body": inner}}]
        elif kind == "callout":
            inner = [{"callout": {"heading": f"Box {level}", "body": inner}}]
        else:
            inner = [{"group": {"audiences": ["patient"], "body": inner}}]
    return inner[0]


def handouts(odd_values: bool):
    """Handout data: well-formed but hard (odd_values False), or also with wrong types, keys and values."""
    maybe = (lambda s: st.one_of(s, s, s, odd)) if odd_values else (lambda s: s)
    text = st.one_of(plain, plain, plain, markupish, wild, st.sampled_from(EXOTIC), long_word, number)
    inline = maybe(text)
    heading = maybe(st.one_of(plain, plain, markupish, wild, st.sampled_from(EXOTIC), long_word, number))
    name = st.sampled_from(["patient", "family", "clinician", "x-1"])
    if odd_values:
        name = st.one_of(name, st.sampled_from(["Bad Name", "", 3]))
    audiences = maybe(st.lists(name, max_size=2))

    paragraph = st.one_of(inline.map(lambda t: {"paragraph": t}),
                          st.fixed_dictionaries({"text": inline}, optional=_opt(audiences=audiences, id=name))
                          .map(lambda d: {"paragraph": d}))

    def item(depth):
        if depth <= 0:
            return inline
        return st.one_of(inline, inline, st.fixed_dictionaries(
            {"text": inline}, optional=_opt(items=st.lists(item(depth - 1), max_size=3), audiences=audiences)))

    bullet_list = st.one_of(
        st.lists(item(3), min_size=1, max_size=5).map(lambda xs: {"list": xs}),
        st.fixed_dictionaries({"items": st.lists(item(2), min_size=0 if odd_values else 1, max_size=4)},
                              optional=_opt(audiences=audiences)).map(lambda d: {"list": d}),
        st.integers(80, 300).map(lambda n: {"list": [f"item {i}" for i in range(n)]}))  # a huge list
    cell = st.one_of(plain, plain, st.just(""), inline)
    rows = st.integers(1, 5).flatmap(lambda cols: st.lists(
        st.one_of(st.lists(cell, min_size=cols, max_size=cols), st.lists(cell, min_size=1, max_size=6)),
        min_size=0 if odd_values else 1, max_size=8))
    table = st.fixed_dictionaries({"rows": rows}, optional=_opt(
        header=st.one_of(st.lists(cell, min_size=1, max_size=6), st.none()), caption=plain, audiences=audiences,
        kind=st.sampled_from(["table", "grid"]))
    ).map(lambda d: {"table": d if "kind" in d or d.get("header") else {**d, "kind": "grid"}})  # mostly consistent
    leaves = [paragraph, paragraph, bullet_list, table] + ([st.sampled_from(ODD_BLOCKS)] if odd_values else [])
    leaf = st.one_of(*leaves)
    tone = st.sampled_from(["note", "emergency"] + (["loud", 3] if odd_values else []))
    least = 0 if odd_values else 1

    def blocks(depth):
        if depth <= 0:
            return st.lists(leaf, min_size=least, max_size=4)
        inner = st.deferred(lambda: blocks(depth - 1))
        container = st.one_of(
            st.fixed_dictionaries({"heading": heading, "body": inner}, optional=_opt(audiences=audiences, id=name))
            .map(lambda d: {"section": d}),
            st.fixed_dictionaries({"body": inner}, optional=_opt(heading=inline, tone=tone, audiences=audiences))
            .map(lambda d: {"callout": d}),
            st.fixed_dictionaries({"body": inner}, optional=_opt(audiences=audiences)).map(lambda d: {"group": d}))
        return st.lists(st.one_of(leaf, leaf, container), min_size=least, max_size=4)

    layout = ["maple-mountain", "maple-mountain", "maple-mountain-large-print"] + (["nope"] if odd_values else [])
    review = [APPROVED, APPROVED, {"status": "draft"}] + (
        [{"status": "nope"}, None, "approved", {**APPROVED, "reviewed": "2026-02-30"}, {"status": "approved"}]
        if odd_values else [])
    variant = st.fixed_dictionaries({"layout": st.sampled_from(layout)}, optional=_opt(
        audience=name, max_pages=maybe(st.integers(1, 30)), title=inline, review=st.sampled_from(review),
        **({"language": st.sampled_from(["en", "es", "xx", "EN"]),
            "file_name": st.sampled_from(["ok-name", "../up", "a/b"])} if odd_values else {})))
    variant_names = ["patient", "large-print"] + (["Bad Name"] if odd_values else [])
    variants = st.dictionaries(st.sampled_from(variant_names), variant, min_size=1, max_size=2)
    ids = st.just("fuzz")
    body = st.one_of(blocks(3), blocks(3), blocks(3), st.builds(
        nested, st.sampled_from(["section", "callout", "group", "list"]), st.integers(5, 30)).map(lambda b: [b]))
    if odd_values:
        ids = st.one_of(ids, ids, st.sampled_from(["../escape", "/abs", "Fuzz", 7]))
        variants = st.one_of(variants, variants, st.sampled_from([{}, None, "patient"]))
        body = st.one_of(body, st.sampled_from(["text", None, [None]]))
    return st.fixed_dictionaries(
        {"id": ids, "title": st.one_of(plain, plain, inline), "version": maybe(st.just("1.0")),
         "review": st.sampled_from(review), "body": body, "variants": variants},
        optional=_opt(subtitle=inline, keywords=maybe(st.lists(plain, max_size=3)),
                      call_to_action=st.fixed_dictionaries({"body": blocks(1)}, optional=_opt(heading=inline)),
                      sources=st.sampled_from([[SOURCE], [SOURCE, SOURCE], [], [{"key": "s2"}], None]
                                              if odd_values else [[SOURCE], []]),
                      **({"url": st.sampled_from(["https://example.org/x", "javascript:alert(1)", ""]),
                          "language": st.sampled_from(["en", "es", "xx"]), "surprise": odd} if odd_values else {})))


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):  # shared dicts must be written out in full: aliases are refused
        return True


def dump(data) -> str:
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=1_000_000)


@FUZZ
@given(data=handouts(odd_values=False))
def test_generated_hard_handouts_build_or_fail_clearly(project, data):
    (project / "handouts" / "fuzz.yaml").write_text(dump(data), "utf-8")
    build_and_check(project, ["fuzz"])


def _paths(data, path=()):
    """Every place in a tree of dicts and lists (the root included)."""
    yield path
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from _paths(value, path + (key,))


def _mutate(data, path, action, value):
    if not path:
        return value if action == "replace" else data
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if action == "replace":
        parent[key] = value
    elif action == "delete":
        del parent[key]
    elif isinstance(parent, dict):
        parent[f"unknown_{len(parent)}"] = value
    else:
        parent.insert(key, value)
    return data


@st.composite
def mutated(draw, base, values):
    """A draw from base with one to three places replaced, deleted or given a sibling from values."""
    data = copy.deepcopy(draw(base))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(data))))
        data = _mutate(data, path, draw(st.sampled_from(["replace", "replace", "delete", "add"])), draw(values))
    return data


ODD_VALUES = st.one_of(odd, st.sampled_from(EXOTIC), longish_word, st.sampled_from(ODD_BLOCKS),
                       st.just({"paragraph": "x", "audiences": ["patient"]}))


@FUZZ
@given(data=st.one_of(handouts(odd_values=True), mutated(handouts(odd_values=False), ODD_VALUES)))
def test_generated_odd_handouts_fail_clearly(project, data):
    (project / "handouts" / "fuzz.yaml").write_text(dump(data), "utf-8")
    build_and_check(project, ["fuzz"])
# ---------------------------------------------------------------- strategies: layouts

STYLE_NAMES = ["body", "title", "subtitle", "wordmark", "tagline", "heading2", "heading3", "list", "table",
               "callout", "emergency", "sources", "closing", "header", "footer"]
FONT_FILES = {"regular": "AtkinsonHyperlegible-Regular.ttf", "bold": "AtkinsonHyperlegible-Bold.ttf",
              "italic": "AtkinsonHyperlegible-Italic.ttf", "bold_italic": "AtkinsonHyperlegible-BoldItalic.ttf"}
TEMPLATES = ["{{ page }}", "{{ handout.title }} · {{ pages }}",
             "{{ labels.page }} {{ page }} {{ labels.of }} {{ pages }}",
             "{% if page > 1 %}{{ handout.id }}{% endif %}", "{{ clinic.name }}\n{{ review.line }}", "plain text", "",
             "{% for x in range(3) %}{{ x }}{% endfor %}", "{{ variant.name | upper }}", "{{ nope }}", "{{ page",
             "{{ ''.__class__ }}", "{{ cycler.__init__.__globals__ }}", "{{ page / 0 }}", "{{ 'x' | nofilter }}",
             "{{ handout.title[1000] }}", "{{ pages + 1 }}", "{{ '%s' % page }}", "{{ '{0.__class__}'.format(page) }}",
             "{{ clinic.missing }}", "{% set x = 1 %}{{ x }}", "{{ page.__class__ }}", "{{ lipsum() }}"]


def layouts(odd_values: bool):
    """Layout data extending a shipped layout: plausible overrides (and, with odd_values, wrong ones)."""
    maybe = (lambda s: st.one_of(s, s, s, odd)) if odd_values else (lambda s: s)
    length = st.one_of(st.integers(0, 120), st.floats(0, 150),
                       st.sampled_from(["0.5in", "2cm", "18mm", "12pt", " 3 pt ", "1.25in", "0"]))
    big_length = st.one_of(length, st.sampled_from([400, 800, 10_000, "11in"]))
    colours = ["ink", "evergreen", "maple", "mist", "slate", "white", "black", "#000000", "#FFFFFF", "#1f4e4a"]
    if odd_values:
        length = st.one_of(length, st.sampled_from(["-1in", "1 inch", "", "abc", "1e3", "12px"]),
                           st.floats(allow_nan=True, allow_infinity=True), odd)
        colours += ["#FFF", "red", "nope", "#GGGGGG", 12, None, ""]
    colour = st.sampled_from(colours)
    size = st.one_of(st.integers(4, 96), st.floats(4, 96))
    if odd_values:
        size = st.one_of(size, st.integers(-5, 500), st.floats(allow_nan=True, allow_infinity=True), odd)
    style = st.fixed_dictionaries({}, optional=_opt(
        size=size, leading=size, colour=colour, bold=maybe(st.booleans()), space_before=length, space_after=length,
        **({"font": st.sampled_from(["body", "heading", 3])} if odd_values else {})))
    slot = st.one_of(st.sampled_from(TEMPLATES), plain) if odd_values else st.sampled_from(TEMPLATES[:9])
    slots = st.fixed_dictionaries({}, optional=_opt(left=slot, center=slot, right=slot))
    logos = ["assets/maple-mountain-mark.svg", ""]
    fonts = [{"body": FONT_FILES}, {"body": FONT_FILES, "heading": FONT_FILES}]
    if odd_values:
        logos += ["../handouts/clinic.yaml", "/etc/passwd", "assets/nope.svg", "../../../../etc/hosts", "assets"]
        fonts += [{"body": {**FONT_FILES, "regular": "../handouts/clinic.yaml"}},
                  {"body": {**FONT_FILES, "bold": "/etc/passwd"}}, {"body": None}, {}, {"heading": FONT_FILES},
                  {"body": {"regular": FONT_FILES["regular"]}}, {"body": {**FONT_FILES, "italic": "OFL.txt"}}]
    extends = ["maple-mountain", "maple-mountain", "maple-mountain-large-print"] + (
        ["fuzz-layout", "nope", "", "../layouts/maple-mountain"] if odd_values else [])
    styles_keys = STYLE_NAMES + (["nosuch"] if odd_values else [])
    return st.fixed_dictionaries({"extends": st.sampled_from(extends)}, optional=_opt(
        page=st.fixed_dictionaries({}, optional=_opt(
            size=st.sampled_from(["letter", "a4"] + (["legal", 5] if odd_values else [])),
            margin_top=big_length if odd_values else length, margin_bottom=big_length if odd_values else length,
            margin_left=big_length if odd_values else length, margin_right=length)),
        palette=st.dictionaries(st.sampled_from(["ink", "accent", "maple"] + (["Bad Key"] if odd_values else [])),
                                st.sampled_from(["#112233", "#FFFFFF", "#000000"] + (["red", 3] if odd_values else [])),
                                max_size=3),
        fonts=st.sampled_from(fonts),
        styles=st.dictionaries(st.sampled_from(styles_keys), style, max_size=5),
        title_band=st.fixed_dictionaries({}, optional=_opt(
            padding=length, logo=st.sampled_from(logos), logo_width=st.one_of(length, st.sampled_from([34, 60, "3cm"])),
            background=colour, foreground=colour, space_after=length)),
        header=slots, footer=slots,
        rule=st.fixed_dictionaries({}, optional=_opt(colour=colour, width=length)),
        watermark=st.fixed_dictionaries({}, optional=_opt(colour=colour, size=st.integers(24, 200))),
        links=st.fixed_dictionaries({}, optional=_opt(colour=colour)),
        **({"surprise": odd, "description": odd} if odd_values else {})))


# The test handout (every block kind) printed with the generated layout.
FUZZ_VISIT = VISIT.replace("id: visit", "id: fuzzvisit") \
    .replace("layout: maple-mountain-large-print", "layout: fuzz-layout") \
    .replace("layout: maple-mountain\n", "layout: fuzz-layout\n").replace("max_pages: 3", "max_pages: 20")


def _layout_build(project: Path, layout_text: str):
    (project / "handouts" / "fuzzvisit.yaml").write_text(FUZZ_VISIT, "utf-8")
    (project / "layouts" / "fuzz-layout.yaml").write_text(layout_text, "utf-8")
    try:
        return build_and_check(project, ["fuzzvisit"])
    finally:
        (project / "layouts" / "fuzz-layout.yaml").unlink()  # the other tests' builds must not see it


@FUZZ
@given(data=layouts(odd_values=False))
def test_generated_plausible_layouts_build_or_fail_clearly(project, data):
    _layout_build(project, dump(data))


LAYOUT_ODDITIES = st.sampled_from(
    TEMPLATES[9:] + ["../handouts/clinic.yaml", "/etc/passwd", "assets", "../../../../etc/hosts",
                     "AtkinsonHyperlegible-Regular.ttf", "OFL.txt", 10_000, "11in", -3, 0, 0.001, 97, "#FFF", "red",
                     "nope", "maple-mountain", "fuzz-layout", {"regular": "../fonts/OFL.txt"}, {}, [], None])
ODD_LAYOUT_VALUES = st.one_of(odd, LAYOUT_ODDITIES, LAYOUT_ODDITIES, st.floats(allow_nan=True, allow_infinity=True))


def _set(data, path, value):
    node = data
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    return data


@st.composite
def targeted(draw, base, places):
    """A draw from base with one to three of the given (path, strategy) places set."""
    data = copy.deepcopy(draw(base))
    for path, values in draw(st.lists(st.sampled_from(places), min_size=1, max_size=3)):
        data = _set(data, path, draw(values))
    return data


_LENGTHS = st.sampled_from([0, 0.001, 300, 800, 10_000, "11in", "30cm", -1, "1e3"])
LAYOUT_PLACES = [
    (("footer", "left"), st.sampled_from(TEMPLATES)), (("header", "right"), st.sampled_from(TEMPLATES)),
    (("footer", "center"), st.sampled_from(EXOTIC)),
    (("title_band", "logo"), st.sampled_from(["../handouts/clinic.yaml", "/etc/passwd", "assets", "../../etc/hosts",
                                              "assets/../../fonts/OFL.txt", "assets/nope.svg", ""])),
    (("fonts", "body", "regular"), st.sampled_from(["../handouts/clinic.yaml", "/etc/passwd", "OFL.txt", "", "."])),
    (("fonts", "heading"), st.just(FONT_FILES)), (("styles", "heading2", "font"), st.just("heading")),
    (("page", "margin_top"), _LENGTHS), (("page", "margin_left"), _LENGTHS), (("page", "margin_bottom"), _LENGTHS),
    (("title_band", "padding"), _LENGTHS), (("title_band", "logo_width"), _LENGTHS),
    (("styles", "body", "size"), st.sampled_from([4, 96, 0, 97, 1e9])),
    (("styles", "title", "size"), st.sampled_from([4, 96])), (("styles", "table", "padding"), _LENGTHS),
    (("styles", "callout", "padding"), _LENGTHS), (("styles", "list", "indent"), _LENGTHS),
    (("styles", "body", "leading"), st.sampled_from([4, 120])), (("styles", "body", "space_after"), _LENGTHS),
    (("styles", "list", "bullet"), st.sampled_from(["", "💊", "→", "long bullet text", "\x00"])),
    (("watermark", "size"), st.sampled_from([24, 200])), (("rule", "width"), _LENGTHS),
    (("extends",), st.sampled_from(["fuzz-layout", "../layouts/maple-mountain", "/etc/passwd", ""])),
]


@FUZZ
@given(data=st.one_of(layouts(odd_values=True), mutated(layouts(odd_values=False), ODD_LAYOUT_VALUES),
                      targeted(layouts(odd_values=False), LAYOUT_PLACES)))
def test_generated_odd_layouts_fail_clearly(project, data):
    _layout_build(project, dump(data))


# ---------------------------------------------------------------- raw text: truncations, byte flips, duplicated lines

ROOT = Path(__file__).resolve().parent.parent


@st.composite
def damaged(draw, text: str) -> bytes:
    """text as UTF-8 with one to four edits: truncated, a byte flipped or inserted, a line dropped or doubled."""
    data = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "drop-line", "double-line", "indent"]))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b"\x00", b"\xff", b"\t", b":", b"- ", b"&a ", b"*a", b"!!str ", b"{",
                                                b"[", b"'", b'"', b"#", b"\xe2\x80", b"\r", b"\n  ", b"%YAML 1.1\n",
                                                b"---\n", b"? ", b"|", b">", b"\xef\xbb\xbf"]))
        else:
            lines = bytes(data).split(b"\n")
            n = at % max(len(lines), 1)
            if kind == "drop-line":
                del lines[n]
            elif kind == "double-line":
                lines.insert(n, lines[n])  # the same key twice: a duplicate-key error
            else:
                lines[n] = b" " * draw(st.integers(1, 3)) + lines[n]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@FUZZ
@given(data=damaged(VISIT))
def test_damaged_handout_files_fail_clearly(project, data):
    (project / "handouts" / "fuzz.yaml").write_bytes(data)
    build_and_check(project, ["fuzz"])


@FUZZ
@given(data=damaged((ROOT / "layouts" / "maple-mountain.yaml").read_text("utf-8")))
def test_damaged_layout_files_fail_clearly(project, data):
    (project / "handouts" / "fuzzvisit.yaml").write_text(FUZZ_VISIT, "utf-8")
    (project / "layouts" / "fuzz-layout.yaml").write_bytes(data)
    try:
        build_and_check(project, ["fuzzvisit"])
    finally:
        (project / "layouts" / "fuzz-layout.yaml").unlink()


# ---------------------------------------------------------------- blocks taller than a page

WORDS = " ".join(f"word{i}" for i in range(2500))  # about four pages of body text


def _one_block_handout(root: Path, body: list, **extra) -> str:
    data = {"id": "tall", "title": "Tall", "version": "1", "review": {"status": "draft"}, "body": body,
            "variants": {"patient": {"layout": "maple-mountain"}}, **extra}
    text = dump(data)
    (root / "handouts" / "tall.yaml").write_text(text, "utf-8")
    return text


def _build_tall(root: Path, seconds: float = 30):
    try:
        with time_limit(seconds, "building handouts/tall.yaml"):
            return build(root, ["tall"], out_dir=root / "out")
    except Hang as exc:
        pytest.fail(str(exc))


@pytest.mark.parametrize("body", [
    pytest.param([{"paragraph": "intro"}, {"callout": {"heading": WORDS, "body": [{"paragraph": "x"}]}}],
                 id="box-heading"),
    pytest.param([{"paragraph": "intro"}, {"callout": {"tone": "emergency", "body": [
        {"table": {"kind": "grid", "rows": [["a", WORDS]]}}]}}], id="cell-in-emergency-box"),
    pytest.param([{"paragraph": "intro"}, {"table": {"header": ["a", WORDS], "rows": [["b", "c"]]}}], id="header-cell"),
    pytest.param([{"paragraph": "intro"}, {"table": {"kind": "grid", "rows": [["a", "x" * 20000]]}}], id="one-long-word-cell"),
])
def test_a_box_or_cell_taller_than_a_page_is_a_clear_error_naming_the_block(tmp_path, body):
    root = copy_project(tmp_path, cli=False)
    text = _one_block_handout(root, body)
    report = _build_tall(root)
    [problem] = report.problems
    assert problem.code == "block-too-tall" and problem.file == "handouts/tall.yaml"
    kind = next(iter(body[1]))
    assert problem.path.startswith(f"body[1].{kind}"), problem
    assert problem.line == text.splitlines().index(f"- {kind}:") + 2  # the block's first key, under "- kind:"
    assert "taller than a page" in problem.message and "LayoutError" not in str(problem)
    assert report.written == [] and not (root / "out" / "tall").exists()


def test_a_call_to_action_heading_taller_than_a_page_names_the_call_to_action(tmp_path):
    """Found by the generated handouts (400 random examples): the call to action's box is built apart from
    the body, and its heading had no place."""
    root = copy_project(tmp_path, cli=False)
    text = _one_block_handout(root, [{"paragraph": "x"}],
                              call_to_action={"heading": "supercalifragilistic" * 92, "body": [{"paragraph": "y"}]})
    [problem] = _build_tall(root).problems
    assert (problem.code, problem.path) == ("block-too-tall", "call_to_action"), problem
    assert problem.line == text.splitlines().index("call_to_action:") + 2


def test_a_section_in_the_call_to_action_before_any_section_is_a_bookmark_not_a_crash(tmp_path):
    """Found by the generated handouts: the bookmark panel cannot start at level 2 (ReportLab raised
    ValueError "can't jump from outline level -1 to level 1"); such a heading is put one level below
    the last bookmark."""
    import pikepdf

    root = copy_project(tmp_path, cli=False)
    _one_block_handout(root, [{"paragraph": "no headings in the body"}], call_to_action={
        "body": [{"section": {"heading": "Inside the box", "body": [{"paragraph": "y"}]}}]})
    report = _build_tall(root)
    assert report.problems == []
    with pikepdf.open(root / "out" / report.written[0]["path"]) as pdf, pdf.open_outline() as outline:
        titles = [(item.title, [c.title for c in item.children]) for item in outline.root]
    assert ("Tall", ["Inside the box"]) in titles  # the title (H1) is the first bookmark


@pytest.mark.parametrize("body", [
    pytest.param([{"paragraph": WORDS}], id="paragraph"),
    pytest.param([{"list": ["short", WORDS, "after"]}], id="list-item"),
    pytest.param([{"list": [{"text": "outer", "items": [WORDS]}]}], id="nested-list-item"),
    pytest.param([{"callout": {"heading": "Box", "body": [{"paragraph": WORDS}]}}], id="paragraph-in-a-box"),
    pytest.param([{"table": {"header": ["n", "text"], "rows": [[str(n), WORDS[:400]] for n in range(60)]}}],
                 id="long-table"),
])
def test_a_huge_paragraph_or_item_splits_over_pages(tmp_path, body):
    root = copy_project(tmp_path, cli=False)
    _one_block_handout(root, body)
    report = _build_tall(root)
    assert report.problems == []
    [entry] = report.written
    assert entry["pages"] > 2
    assert run_qpdf_check(root / "out" / entry["path"]) == []


@pytest.mark.parametrize("body", [
    pytest.param([{"section": {"heading": WORDS, "body": [{"paragraph": "x"}]}}], id="heading"),
    pytest.param([{"paragraph": WORDS[:6000] + " such as:"}, {"list": ["a", "b"]}], id="paragraph-before-list"),
])
def test_a_huge_heading_or_lead_in_builds_or_fails_clearly_and_quickly(tmp_path, body):
    root = copy_project(tmp_path, cli=False)
    _one_block_handout(root, body)
    report = _build_tall(root, seconds=3)  # a few tenths of a second once fixed
    assert report.written or all(p.code == "block-too-tall" and p.line for p in report.problems)


def test_a_title_taller_than_a_page_names_the_title(tmp_path):
    root = copy_project(tmp_path, cli=False)
    text = _one_block_handout(root, [{"paragraph": "x"}])
    text = text.replace("title: Tall", "title: " + "supercalifragilistic" * 43)
    (root / "handouts" / "tall.yaml").write_text(text, "utf-8")
    [problem] = _build_tall(root).problems
    assert (problem.code, problem.line, problem.path) == ("block-too-tall", 2, "title")


# ---------------------------------------------------------------- YAML: size, depth, aliases, tags, duplicates



def _load_problem(path: Path, name: str) -> Problem:
    with pytest.raises(PublishError) as info:
        load(path, name)
    (p,) = info.value.problems
    assert "\n" not in str(p) and "Traceback" not in str(p)
    return p


def _timed(fn, limit: float = 1.0):
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    assert elapsed < limit, f"took {elapsed:.2f} s"
    return result


def test_a_50_megabyte_handout_is_refused_before_it_is_read(tmp_path, monkeypatch):
    root = copy_project(tmp_path, cli=False)
    big = root / "handouts" / "big.yaml"
    with open(big, "wb") as f:
        f.write(MINI.encode())
        f.write(b"# padding padding padding padding padding padding padding padding padding\n" * 700_000)
    assert big.stat().st_size > 50_000_000
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda file, *a, **k: opened.append(str(file)) or real_open(file, *a, **k))
    report = _timed(lambda: build(root, ["big"], out_dir=tmp_path / "out"))
    (p,) = report.problems
    assert (p.code, p.file) == ("yaml-too-large", "handouts/big.yaml") and "over the 1,000,000 limit" in p.message
    assert str(big) not in opened, "the file was opened"
    assert report.failed == ["handouts/big.yaml"]


@pytest.mark.parametrize("text, line, column", [
    pytest.param("a: " + "[" * 10_000 + "]" * 10_000 + "\n", 1, 3 + MAX_DEPTH + 1, id="flow-sequences-10000"),
    pytest.param("a: " + "{b: " * 5_000 + "c" + "}" * 5_000 + "\n", 1, 3 + 4 * (MAX_DEPTH - 1) + 1,
                 id="flow-maps-5000"),
    pytest.param("".join(" " * i + "- \n" for i in range(150)) + " " * 150 + "x\n", MAX_DEPTH + 1, MAX_DEPTH + 1,
                 id="block-sequences-150"),
    pytest.param("k:\n" + "".join(" " * i + "k:\n" for i in range(1, 200)) + " " * 200 + "v\n", MAX_DEPTH + 1,
                 MAX_DEPTH + 1, id="block-maps-200"),
])
def test_deep_nesting_is_a_clear_error_not_a_recursion_error(tmp_path, text, line, column):
    f = tmp_path / "deep.yaml"
    f.write_text(text)
    p = _timed(lambda: _load_problem(f, "deep.yaml"))
    assert (p.code, p.file, p.line) == ("yaml-too-deep", "deep.yaml", line)
    assert p.column in (column, 1003)  # ours, or LibYAML's limit of 1000 levels, met while it scans ahead
    assert f"nested more than {MAX_DEPTH} deep" in p.message


def test_deep_nesting_in_a_handout_fails_that_handout_only(tmp_path):
    root = copy_project(tmp_path, cli=False)
    (root / "handouts" / "deep.yaml").write_text(MINI.replace("body:\n", "keywords: " + "[" * 10_000 + "]" * 10_000
                                                              + "\nbody:\n"))
    (root / "handouts" / "sleep.yaml").write_text(MINI)
    report = _timed(lambda: build(root, ["deep", "sleep"], out_dir=tmp_path / "out"), 10)
    (p,) = report.problems
    assert (p.code, p.file, p.line) == ("yaml-too-deep", "handouts/deep.yaml", 8)  # keywords:, above body:
    assert [e["handout"] for e in report.written] == ["sleep"]


@pytest.mark.parametrize("text", [
    pytest.param('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                 + "".join(f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                           for p, c in zip("abcdefgh", "bcdefghi")), id="billion-laughs-flow"),
    pytest.param("base: &x {k: v}\n" + "".join(f"m{i}: {{<<: *x, n: {i}}}\n" for i in range(30_000)), id="merge-keys"),
    pytest.param("# " + "x" * 900_000 + "\nlate: &late [1]\nuse: *late\n", id="anchor-after-900-KB"),
    pytest.param("s: &s " + "x" * 400_000 + "\n" + "".join(f"k{i}: *s\n" for i in range(10_000)),
                 id="quadratic-blowup"),
    pytest.param("? &k [a, b]\n: 1\nother: *k\n", id="anchored-complex-key"),
    pytest.param("a: !!python/name:os.system\nb: &b *a\n", id="alias-of-a-tag"),
])
def test_alias_bomb_variants_are_refused_quickly(tmp_path, text):
    f = tmp_path / "bomb.yaml"
    f.write_text(text)
    assert f.stat().st_size < 1_000_000  # under the size limit: the loader must parse and refuse it
    p = _timed(lambda: _load_problem(f, "bomb.yaml"))
    assert p.code in ("yaml-alias", "yaml-tag") and p.line is not None


def test_alias_bomb_in_a_layout_fails_its_variants_quickly(tmp_path):
    root = copy_project(tmp_path, cli=False)
    (root / "layouts" / "bomb.yaml").write_text("extends: maple-mountain\ndescription: &a [x, x, x, x, x, x, x, x]\n"
                                               + "".join(f"l{i}: &l{i} [*{'a' if i == 0 else f'l{i - 1}'}] \n"
                                                         for i in range(30)))
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: bomb"))
    report = _timed(lambda: build(root, ["sleep"], out_dir=tmp_path / "out"), 10)
    (p,) = report.problems
    assert (p.code, p.file, p.line) == ("yaml-alias", "layouts/bomb.yaml", 2)


@pytest.mark.parametrize("value, tag", [
    ('!!python/object/apply:os.system ["touch pwned"]', "!!python/object/apply:os.system"),
    ("!!python/name:builtins.eval", "!!python/name:builtins.eval"),
    ("!foo bar", "!foo"),
    ("!!bool maybe", "!!bool"),
    ("!!binary aGk=", "!!binary"),
    ("!!int nope", "!!int"),
    ("!<tag:example.org,2000:x> y", "tag:example.org,2000:x"),
    ("!!set {a, b}", "!!set"),
])
def test_yaml_tags_are_refused_at_their_place(tmp_path, value, tag):
    f = tmp_path / "t.yaml"
    f.write_text(f"id: x\nversion: {value}\n")
    p = _load_problem(f, "t.yaml")
    assert (p.code, p.line, p.column) == ("yaml-tag", 2, 10) and f"({tag})" in p.message
    assert not (tmp_path / "pwned").exists()


def test_the_str_tag_and_quotes_are_plain_text(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text("a: !!str 1.0\nb: '2.0'\nc: \"3\"\n")
    assert load(f, "t.yaml").data == {"a": "1.0", "b": "2.0", "c": "3"}


@pytest.mark.parametrize("text, line, path", [
    ("a: {b: 1, b: 2}\n", 1, "a.b"),
    ("a:\n  - {x: 1}\n  - {x: 1, y: 2, x: 3}\n", 3, "a[1].x"),
    ("1: one\n'1': one again\n", 2, "1"),
    ("a: 1\n\"a\": 2\n", 2, "a"),
])
def test_duplicate_keys_anywhere_are_errors(tmp_path, text, line, path):
    f = tmp_path / "dup.yaml"
    f.write_text(text)
    p = _load_problem(f, "dup.yaml")
    assert (p.code, p.line, p.path) == ("yaml-duplicate-key", line, path)


def test_duplicate_variant_names_are_an_error_in_the_handout(tmp_path):
    root = copy_project(tmp_path, cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI + "  patient:\n    layout: maple-mountain-large-print\n")
    (p,) = build(root, ["sleep"], out_dir=tmp_path / "out").problems
    assert (p.code, p.file, p.line, p.path) == ("yaml-duplicate-key", "handouts/sleep.yaml", 13, "variants.patient")


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory"])
def test_a_handout_that_is_not_a_regular_file_is_refused_without_reading(tmp_path, kind):
    root = copy_project(tmp_path, cli=False)
    target = root / "handouts" / "odd.yaml"
    if kind == "fifo":
        os.mkfifo(target)  # opening it would block for ever
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")  # reading it would never end
    else:
        target.mkdir()
    (root / "handouts" / "sleep.yaml").write_text(MINI)
    try:
        with time_limit(30, "building with a handout that is not a file"):  # a hang guard (a FIFO blocks forever), not a speed target
            report = build(root, out_dir=tmp_path / "out")
    except Hang as exc:
        pytest.fail(str(exc))
    assert [(p.code, p.file) for p in report.problems] == [("file-missing", "handouts/odd.yaml")]
    assert "sleep" in {e["handout"] for e in report.written}


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory"])
def test_the_loader_refuses_what_is_not_a_regular_file_without_reading(tmp_path, kind):
    target = tmp_path / "odd.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")
    else:
        target.mkdir()
    with time_limit(30, "loading a file that is not a file"):
        p = _load_problem(target, "odd.yaml")
    assert (p.code, p.file) == ("file-missing", "odd.yaml") and "not a regular file" in p.message


# ---------------------------------------------------------------- paths that leave the project; no network

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'
FONT = ROOT / "fonts" / "AtkinsonHyperlegible-Regular.ttf"


def _escape_project(tmp_path: Path) -> tuple[Path, Path]:
    """A project, and beside it a folder of genuine font and logo files the project must not use."""
    root = copy_project(tmp_path / "project", cli=False)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy2(FONT, outside / "Stolen.ttf")
    (outside / "mark.svg").write_text(SVG)
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: escape"))
    return root, outside


def _layout_problem(root: Path, layout_text: str) -> Problem:
    (root / "layouts" / "escape.yaml").write_text(layout_text)
    report = build(root, ["sleep"], out_dir=root / "out")
    assert report.written == [] and not (root / "out" / "sleep").exists()
    (p,) = report.problems
    assert "Traceback" not in str(p)
    return p


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_a_font_outside_fonts_is_refused(tmp_path, how):
    root, outside = _escape_project(tmp_path)
    name = {"dotdot": "../../outside/Stolen.ttf", "absolute": str(outside / "Stolen.ttf"), "symlink": "Linked.ttf"}[how]
    if how == "symlink":
        (root / "fonts" / "Linked.ttf").symlink_to(outside / "Stolen.ttf")
    text = f"extends: maple-mountain\nfonts:\n  body:\n    regular: {name}\n"
    p = _layout_problem(root, text)
    assert (p.code, p.file, p.line, p.path) == ("font-missing", "layouts/escape.yaml", 4, "fonts.body.regular")
    assert f"font file '{name}' not found in fonts/" in p.message


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "symlinked-folder"])
def test_a_logo_outside_layouts_is_refused(tmp_path, how):
    root, outside = _escape_project(tmp_path)
    name = {"dotdot": "../../outside/mark.svg", "absolute": str(outside / "mark.svg"),
            "symlink": "assets/linked.svg", "symlinked-folder": "elsewhere/mark.svg"}[how]
    if how == "symlink":
        (root / "layouts" / "assets" / "linked.svg").symlink_to(outside / "mark.svg")
    elif how == "symlinked-folder":
        (root / "layouts" / "elsewhere").symlink_to(outside, target_is_directory=True)
    p = _layout_problem(root, f"extends: maple-mountain\ntitle_band:\n  logo: {name}\n")
    assert (p.code, p.file, p.line, p.path) == ("logo-missing", "layouts/escape.yaml", 3, "title_band.logo")


@pytest.mark.parametrize("how", ["dotdot", "absolute", "subfolder"])
def test_a_layout_extending_one_outside_layouts_is_refused(tmp_path, how):
    root, outside = _escape_project(tmp_path)
    (outside / "theirs.yaml").write_text((ROOT / "layouts" / "maple-mountain.yaml").read_text("utf-8"))
    name = {"dotdot": "../../outside/theirs", "absolute": str(outside / "theirs"), "subfolder": "sub/theirs"}[how]
    p = _layout_problem(root, f"extends: {name}\n")
    assert (p.code, p.file, p.line, p.path) == ("layout-unknown", "layouts/escape.yaml", 1, "extends")


@pytest.mark.parametrize("svg", [
    pytest.param('<use xlink:href="{url}/x.svg#r"/>', id="use-xlink-http"),
    pytest.param('<use href="{url}/x.svg#r"/>', id="use-href-http"),
    pytest.param('<use xlink:href="../../../outside/mark.svg"/>', id="use-relative-file-outside"),
    pytest.param('<image href="{url}/i.png" width="5" height="5"/>', id="image-http"),
    pytest.param('<filter id="f"><feImage href="{url}/fe.png"/></filter>', id="feimage-http"),
    pytest.param('<a xlink:href="{url}/link"><rect width="1" height="1"/></a>', id="link"),
    pytest.param('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/inc.svg"/>', id="xinclude"),
])
def test_a_logo_referring_to_another_file_or_address_is_refused_without_fetching(tmp_path, web, svg):
    root, _ = _escape_project(tmp_path)
    (root / "layouts" / "assets" / "mark.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
        f'<rect width="5" height="5"/>{svg.format(url=web.url)}</svg>')
    p = _layout_problem(root, "extends: maple-mountain\ntitle_band:\n  logo: assets/mark.svg\n")
    assert p.file.endswith("layouts/assets/mark.svg") and p.line == 1
    assert ("refers to another file or address" in p.message or "contains <image>" in p.message), p
    assert web.requests == []


@pytest.mark.parametrize("head, body", [
    pytest.param('<!DOCTYPE svg SYSTEM "{url}/svg.dtd">', "", id="external-dtd"),
    pytest.param('<!DOCTYPE svg [<!ENTITY e SYSTEM "{url}/entity">]>', "<desc>&e;</desc>", id="external-entity"),
    pytest.param('<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]>', "<desc>&e;</desc>", id="file-entity"),
    pytest.param('<?xml-stylesheet href="{url}/s.css" type="text/css"?>', "", id="stylesheet"),
    pytest.param("", '<style>@import url({url}/s.css); rect {{ fill: url({url}/g.svg#g) }}</style>', id="css-import"),
    pytest.param("", '<rect width="1" height="1" fill="url({url}/g.svg#g)"/>', id="fill-url"),
])
def test_a_logo_with_external_dtd_entities_or_styles_fetches_nothing(tmp_path, web, head, body):
    root, _ = _escape_project(tmp_path)
    (root / "layouts" / "assets" / "mark.svg").write_text(
        '<?xml version="1.0"?>' + head.format(url=web.url)
        + '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5" height="5"/>'
        + body.format(url=web.url) + "</svg>")
    (root / "layouts" / "escape.yaml").write_text("extends: maple-mountain\ntitle_band:\n  logo: assets/mark.svg\n")
    report = build(root, ["sleep"], out_dir=root / "out")
    assert web.requests == []
    assert report.written or all(p.file.endswith("mark.svg") for p in report.problems)
    for entry in report.written:
        pdf = (root / "out" / entry["path"]).read_bytes()
        assert b"root:" not in pdf  # /etc/passwd never reaches the PDF


class _Web:
    """A local web server that records every request it gets."""

    def __init__(self):
        import http.server
        import threading

        requests = self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/svg+xml")
                self.end_headers()
                self.wfile.write(SVG.encode())

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def web():
    server = _Web()
    yield server
    server.close()


def test_a_build_never_opens_a_socket(tmp_path, monkeypatch):
    """Every handout and variant of the real project, with the socket module unable to connect anywhere."""
    import socket

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access during a build")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse(*args)

    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refuse)
    monkeypatch.setattr(socket, "socket", NoSocket)
    root = copy_project(tmp_path / "project", cli=False)
    report = build(root, out_dir=tmp_path / "out")
    assert report.problems == [] and attempts == []
    assert {e["handout"] for e in report.written} >= {"benzodiazepines", "visit"}


@pytest.mark.skipif(shutil.which("unshare") is None or subprocess.run(
    ["unshare", "-n", "true"], capture_output=True).returncode != 0, reason="no network namespaces here (needs root)")
def test_the_command_line_builds_with_no_network_at_all(tmp_path):
    """publish.py build in a network namespace with no interfaces up, not even loopback."""
    root = copy_project(tmp_path / "project")
    result = subprocess.run(["unshare", "-n", sys.executable, str(root / "publish.py"), "build"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((root / "out" / "manifest.json").read_text("utf-8"))
    assert {e["handout"] for e in manifest["outputs"]} >= {"benzodiazepines", "visit"}


# ---------------------------------------------------------------- the template sandbox

PAYLOADS = [
    "{{ cycler.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__init__.__globals__ }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ lipsum.__globals__ }}",
    "{{ lipsum.__globals__['os'].system('id') }}",
    "{{ range.__self__ }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ labels.__class__ }}",
    "{{ labels.update({'page': 'pwned'}) }}",
    "{{ labels.pop('page') }}",
    "{{ page.__class__.__base__.__subclasses__() }}",
    "{{ handout.title.__class__ }}",
    "{{ '{0.__class__.__mro__}'.format(page) }}",
    "{{ '{0.__init__.__globals__}'.format(cycler) }}",
    "{{ '{}'.format_map(labels) }}",
    "{{ '%s' | format(cycler.__init__) }}",
    "{{ '%999999999d' % page }}",
    "{{ '{:>999999999}'.format(page) }}",
    "{{ 'x' * 10000000000 }}",
    "{{ 'x'.center(1000000000) }}",
    "{{ 'x' | indent(1000000000) }}",
    "{{ range(1000000000) | list }}",
    "{{ lipsum(n=100000000) }}",
    "{{ 9 ** 999999 }}",
    "{{ config }}",
    "{{ request.application.__globals__ }}",
    "{{ page / 0 }}",
    "{{ nope }}",
    # work without end: loops in loops, a macro that calls itself twice, a filter run again and again, a huge line
    "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "{% for a in 'x' * 10000 %}{% for b in 'y' * 10000 %}{{ '' }}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(90) }}",
    "{% for a in range(10000) %}{{ ('y' * 10000) | list | sort | length }}{% endfor %}",
    "{% for a in range(100000) %}{{ page }}{% endfor %}",
    "{% for a in 'x' * 9999 recursive %}{% if loop.depth < 3 %}{{ loop('y' * 9999) }}{% endif %}{% endfor %}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("slot", ["footer: {left", "header: {right"])
def test_template_payloads_are_refused_with_the_layout_place(tmp_path, payload, slot):
    root = copy_project(tmp_path, cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: payload"))
    (root / "layouts" / "payload.yaml").write_text(f"extends: maple-mountain\ndescription: payloads\n"
                                                 f"{slot}: {json.dumps(payload)}}}\n")
    report = _timed(lambda: build(root, ["sleep"], out_dir=root / "out"), 10)
    (p,) = report.problems
    assert (p.code, p.file, p.line) == ("template", "layouts/payload.yaml", 3), p
    assert p.message.startswith("template error: ") and "Traceback" not in str(p)
    assert report.written == []


def test_a_template_payload_through_the_command_line_is_one_line_and_exit_1(tmp_path):
    root = copy_project(tmp_path)
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: payload"))
    (root / "layouts" / "payload.yaml").write_text("extends: maple-mountain\nfooter:\n"
                                                 "  left: \"{{ cycler.__init__.__globals__.os.system('id') }}\"\n")
    result = run_cli(root, "build", "sleep")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("error: layouts/payload.yaml:3:9: footer.left: template error: access to attribute '__init__' of "
            "'type' object is unsafe") in result.stderr
    assert "uid=" not in result.stdout + result.stderr


@pytest.mark.parametrize("template, printed", [
    ("{{ labels.page }} {{ page }} {{ labels.of }} {{ pages }}", "Page 1 of 1"),
    ("{% if page > 1 %}x{% endif %}{{ handout.title | upper }}", "SLEEP AND RECOVERY"),
    ("{{ '%s-%02d' % (handout.id, page) }}", "sleep-01"),
    ("{{ clinic.short_name ~ ' · ' ~ variant.name }}", "Maple Mountain · patient"),
])
def test_ordinary_templates_still_work(tmp_path, template, printed):
    import pdfplumber

    root = copy_project(tmp_path, cli=False)
    (root / "handouts" / "sleep.yaml").write_text(MINI.replace("layout: maple-mountain", "layout: plain"))
    (root / "layouts" / "plain.yaml").write_text(f"extends: maple-mountain\nfooter:\n  left: {json.dumps(template)}\n")
    report = build(root, ["sleep"], out_dir=root / "out")
    assert report.problems == []
    with pdfplumber.open(root / "out" / report.written[0]["path"]) as pdf:
        assert printed in pdf.pages[0].extract_text()


def test_a_template_that_fails_only_on_a_later_page_names_its_line_and_the_page(tmp_path):
    """The layout check tries pages 1 and 2; a line that breaks on page 3 is still an error at its place,
    and nothing is written."""
    root = copy_project(tmp_path, cli=False)
    (root / "layouts" / "later.yaml").write_text(
        "extends: maple-mountain\nfooter:\n  right: \"{{ page }}{% if page > 2 %}{{ nope }}{% endif %}\"\n")
    text = (root / "handouts" / "benzodiazepines.yaml").read_text("utf-8")
    (root / "handouts" / "benzodiazepines.yaml").write_text(text.replace("layout: maple-mountain\n", "layout: later\n"))
    report = build(root, ["benzodiazepines"], variants=["patient"], out_dir=root / "out")
    (p,) = report.problems
    assert (p.code, p.file, p.line, p.path) == ("template", "layouts/later.yaml", 3, "footer.right"), p
    assert p.message == "template error on page 3: 'nope' is undefined"
    assert report.written == [] and not (root / "out" / "benzodiazepines").exists()
