"""Header and footer lines rendered without Jinja2 (text.PlainTemplate) give exactly what Jinja2 gives,
or hand the line to Jinja2: generated lines, values and contexts, and every line of every shipped layout."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handoutpress.text import PlainTemplate, compile_template, render_template, template_env

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["clinic.name", "clinic.short_name", "handout.title", "handout.id", "labels.page", "labels.of", "page",
         "pages", "review.line", "review", "missing", "clinic.missing", "labels.items", "labels.keys", "clinic._x",
         "none", "true", "handout.title.upper", "count", "flag", "variant.language", "x_y", "_hidden", "if", "clinic.name.x"]
TEXT = st.text(alphabet="ab {}%#-+·\n\\'\"<&\t", max_size=8)


def _operand():
    return st.one_of(st.sampled_from(NAMES), st.integers(-3, 300).map(str),
                     st.sampled_from(["'2'", "''", '"Clinic"', "'a b'", "01", "1.5", "'x\\'y'"]))


def _test():
    return st.one_of(_operand(), st.tuples(_operand(), st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "=", "in"]),
                                           _operand()).map(" ".join))


def _pieces(depth: int):
    leaf = st.one_of(TEXT, st.sampled_from(NAMES).map(lambda n: f"{{{{ {n} }}}}"),
                     st.sampled_from(NAMES).map(lambda n: f"{{{{{n}}}}}"),
                     st.sampled_from(["{{ page", "}}", "{%", "%}", "{# c #}", "{{- page }}", "{% else %}",
                                      "{% endif %}", "{% if %}", "{{ page|upper }}", "{{ 'x' }}", "{% elif page %}"]))
    if depth == 0:
        return leaf
    block = st.tuples(_test(), st.lists(_pieces(depth - 1), max_size=3), st.booleans(),
                      st.lists(_pieces(depth - 1), max_size=3)).map(
        lambda b: f"{{% if {b[0]} %}}{''.join(b[1])}" + (f"{{% else %}}{''.join(b[3])}" if b[2] else "") + "{% endif %}")
    return st.one_of(leaf, block)


def _value():
    return st.one_of(st.text(alphabet="Ab1 ·\n<&{", max_size=5), st.integers(-2, 300), st.none(), st.booleans(),
                     st.floats(allow_nan=False, width=16), st.lists(st.integers(0, 3), max_size=2))


CONTEXTS = st.fixed_dictionaries({
    "clinic": st.fixed_dictionaries({"name": _value(), "short_name": _value()}),
    "handout": st.fixed_dictionaries({"title": _value(), "id": _value()}),
    "labels": st.fixed_dictionaries({"page": _value(), "of": _value()}),
    "review": st.one_of(st.fixed_dictionaries({"line": _value()}), _value()),
    "page": st.one_of(st.integers(1, 3), _value()), "pages": st.sampled_from(["\ue000", 2]),
    "count": _value(), "flag": _value(), "x_y": _value(),
})


def _outcome(render):
    try:
        return "ok", render()
    except Exception as exc:  # noqa: BLE001 - the same failure either way
        return type(exc).__name__, str(exc)


def _both(source: str, context: dict):
    def jinja():
        return render_template(template_env().from_string(source), **context)

    def ours():
        return render_template(compile_template(source), **context)

    return _outcome(ours), _outcome(jinja)


@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pieces(2), max_size=6).map("".join), st.booleans(), CONTEXTS)
def test_a_plain_line_renders_as_jinja2_renders_it(source, newline, context):
    source += "\n" if newline else ""
    ours, theirs = _both(source, context)
    assert ours == theirs, (source, context)


def test_the_plain_reader_takes_the_usual_lines_and_leaves_the_rest():
    for source in ["{{ clinic.name }} · {{ labels.page }} {{ page }} {{ labels.of }} {{ pages }}",
                   "{% if page > 1 %}{{ handout.title }}{% endif %}", "plain words\n", "",
                   "{% if variant.language == 'es' %}Página{% else %}Page{% endif %} {{ page }}"]:
        assert isinstance(compile_template(source), PlainTemplate), source
    for source in ["{{ page|upper }}", "{{ handout.title ~ '!' }}", "{% for x in labels %}{% endfor %}", "{# note #}",
                   "{{- page }}", "{% if page %}", "{% if page and pages %}x{% endif %}", "{{ none }}", "a\r\nb"]:
        try:
            compiled = compile_template(source)
        except Exception:  # noqa: BLE001 - Jinja2's syntax error: the line was given to it
            continue
        assert not isinstance(compiled, PlainTemplate), source


def test_every_line_of_every_shipped_layout_renders_as_jinja2_renders_it():
    from handoutpress.load.layout import _sample_contexts

    lines = []
    for path in sorted((ROOT / "layouts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for which in ("header", "footer"):
            lines += [v for v in (data.get(which) or {}).values() if isinstance(v, str) and v]
    assert lines
    for source in lines:
        assert isinstance(compile_template(source), PlainTemplate), source
        for context in _sample_contexts():
            ours, theirs = _both(source, context)
            assert ours == theirs and ours[0] == "ok", source


def test_a_cold_build_of_the_shipped_handouts_does_not_import_jinja2():
    code = ("import sys\nfrom pathlib import Path\nfrom handoutpress.publish.variant import Caches, check_variant\n"
            "from handoutpress.publish.build import render_variant, load_handout, repository_clinics\n"
            "root = Path('.').resolve(); caches = Caches(); clinic = repository_clinics(root, caches).default\n"
            "h = load_handout(root / 'handouts' / 'benzodiazepines.yaml', clinic)\n"
            "for v in h.variants:\n    render_variant(h, v, root, caches)\n"
            "print('jinja2' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "False", done.stderr
