"""Inline markup (a small subset), escaping for ReportLab, and sandboxed templates.

Markup an author may use in content text:
  **bold**   *italic*   [link text](https://example.org)   [@source-key]   [@a; @b]
  [texto en español]{lang=es}   (a passage in another language)
A backslash before a markup character makes it literal (\\* \\[ \\] \\( \\) \\@ \\` \\\\); before any
other character it is itself text (C:\\Users, \\u0041 print as written). Every other character,
including < > & { }, is text and prints as written.
"""
from __future__ import annotations

import contextvars
import functools
import re

from .model import Cite, Emph, Lang, Link, Strong, Text

LINK_SCHEMES = ("https://", "http://", "mailto:", "tel:")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
ESCAPABLE = frozenset("\\*[]()@`")  # what a backslash makes literal; before anything else it is text
LANG_TAG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"  # BCP 47, as far as a handout needs: es, pt-BR, zh-Hant


class MarkupError(ValueError):
    """Bad inline markup; the message says what and how to fix it."""

    def __init__(self, message, fix, offset):
        super().__init__(message)
        self.fix = fix
        self.offset = offset


_PLAIN = re.compile(r"[^\\*\[\]]+")  # no backslash, asterisk or bracket: text as it stands


@functools.lru_cache(maxsize=4096)
def parse_inline(source: str) -> tuple:
    """Parse an author's text into inline spans (frozen, so cached per text for rebuilds); raise
    MarkupError on unbalanced markup."""
    spans, pos = _parse(source, 0, None)
    return _merge(spans)


def _parse(s: str, pos: int, closer: str | None):
    spans, buf = [], []
    start = pos

    def flush():
        if buf:
            spans.append(Text("".join(buf)))
            buf.clear()

    while pos < len(s):
        ch = s[pos]
        if ch == "\\" and pos + 1 < len(s) and s[pos + 1] in ESCAPABLE:
            buf.append(s[pos + 1])
            pos += 2
            continue
        # "***" inside italic closes the italic first, so ***both*** and **bold *italic*** work
        if closer == "**" and s.startswith("**", pos) or closer == "*" and ch == "*" and (
                not s.startswith("**", pos) or s.startswith("***", pos)):
            flush()
            return spans, pos + len(closer)
        if s.startswith("**", pos):
            flush()
            inner, pos = _expect(s, pos + 2, "**", "bold", "**")
            spans.append(Strong(tuple(_merge(inner))))
            continue
        if ch == "*":
            flush()
            inner, pos = _expect(s, pos + 1, "*", "italic", "*")
            spans.append(Emph(tuple(_merge(inner))))
            continue
        if ch == "[" and s.startswith("[@", pos):
            flush()
            end = s.find("]", pos)
            if end < 0:
                raise MarkupError("a citation '[@' is not closed with ']'", "write [@source-key]", pos)
            keys = [k.strip() for k in s[pos + 1:end].split(";")]
            bad = [k for k in keys if not (k.startswith("@") and _KEY.fullmatch(k[1:]))]
            if bad:
                raise MarkupError(f"'{s[pos:end + 1]}' is not a citation", "write [@key] or [@key1; @key2]", pos)
            spans.append(Cite(tuple(k[1:] for k in keys)))
            pos = end + 1
            continue
        if ch == "[":
            flush()
            inner, after = _expect(s, pos + 1, "]", "link text", "]")
            if s.startswith("{", after):
                span, pos = _lang_span(s, after, inner)
                spans.append(span)
                continue
            if not s.startswith("(", after):
                raise MarkupError("'[' starts a link but no '(address)' follows",
                                  "write [text](https://...) for a link, [text]{lang=es} for a passage in another "
                                  "language, or \\[ for a literal bracket", pos)
            end = s.find(")", after)
            if end < 0:
                raise MarkupError("a link address '(' is not closed with ')'", "write [text](https://...)", after)
            url = s[after + 1:end].strip()
            if not url.startswith(LINK_SCHEMES) or " " in url:
                raise MarkupError(f"'{url}' is not a link address", "start it with https://, mailto: or tel:", after)
            spans.append(Link(url, tuple(_merge(inner))))
            pos = end + 1
            continue
        if ch == "]" and closer == "]":
            flush()
            return spans, pos + 1
        run = _PLAIN.match(s, pos)  # ordinary characters up to the next marker, at once, not one by one
        end = run.end() if run else pos + 1
        buf.append(s[pos:end])
        pos = end
    if closer:
        raise MarkupError(f"'{closer}' opened here is never closed",
                          f"close it, or write \\{closer[0]} for a literal character", start - len(closer))
    flush()
    return spans, pos


def _lang_span(s, at, inner):
    """[text]{lang=xx}: the span and the position after '}'."""
    end = s.find("}", at)
    if end < 0:
        raise MarkupError("'{' after ']' is not closed with '}'", "write [text]{lang=es}", at)
    key, eq, code = s[at + 1:end].strip().partition("=")
    code = code.strip()
    if key.strip() != "lang" or not eq:
        raise MarkupError(f"'{s[at:end + 1]}' is not a language setting", "write [text]{lang=es}", at)
    if not re.fullmatch(LANG_TAG, code):
        raise MarkupError(f"'{code}' is not a language code",
                          "use a BCP 47 code such as es, fr, pt-BR or zh-Hant (lower-case language first)", at)
    return Lang(code, tuple(_merge(inner))), end + 1


def _expect(s, pos, closer, what, marker):
    inner, end = _parse(s, pos, closer)
    if not inner:
        raise MarkupError(f"empty {what}", f"remove the {marker} markers or put text between them", pos)
    return inner, end


def _merge(spans) -> tuple:
    out = []
    for span in spans:
        if isinstance(span, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + span.text)
        else:
            out.append(span)
    return tuple(out)


# ---- ReportLab paragraph markup -------------------------------------------------------------
def escape(text: str) -> str:
    """Make author text safe inside a ReportLab Paragraph."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_markup(inline, numbers: dict, link_colour: str = "", describe=None) -> str:
    """Inline spans -> ReportLab markup; citations become numbered internal links."""
    out = []
    for span in inline:
        if isinstance(span, Text):
            out.append(escape(span.text))
        elif isinstance(span, Strong):
            out.append("<b>" + to_markup(span.children, numbers, link_colour) + "</b>")
        elif isinstance(span, Emph):
            out.append("<i>" + to_markup(span.children, numbers, link_colour) + "</i>")
        elif isinstance(span, Link):
            colour = f' color="{link_colour}"' if link_colour else ""
            href = escape(span.url).replace('"', "&quot;")  # a quote in an address must not end the attribute
            out.append(f'<a href="{href}"{colour} underline="1">'
                       + to_markup(span.children, numbers, link_colour) + "</a>")
        elif isinstance(span, Lang):  # zero-width callbacks: the text object opens and closes a Span with /Lang
            out.append(f'<onDraw name="span" label="{span.lang}"/>' + to_markup(span.children, numbers, link_colour)
                       + '<onDraw name="span"/>')
        elif isinstance(span, Cite):
            marks = []
            for key in span.keys:
                n = numbers[key]
                marks.append(f'<a href="#source-{n}">[{n}]</a>')
            out.append(" ".join(marks))
    return "".join(out)


# ---- templates (header and footer lines written by designers) -------------------------------
_ENV = None
# A line is rendered on every page: its loops, calls and filters share a budget of steps (so nested
# loops or a macro calling itself twice cannot run for hours), and what it prints is capped.
MAX_STEPS = 20_000
MAX_OUTPUT = 2_000  # characters one header or footer slot may print
_STEPS = contextvars.ContextVar("template_steps")  # [steps left] while render_template runs
# A header or footer line is short: values that would build huge strings ('x' * 10**10, '%999999999s',
# 'x'.center(10**9)) are refused before they fill memory.
MAX_PRODUCT = 10_000  # items a * may produce
MAX_ARGUMENT = 100_000  # largest whole number passed to a function (the sandbox's own range() limit)
_WIDE = re.compile(r"%[-#0 +]*(\*|\d{5,})|%[-#0 +]*\d*\.(\*|\d{5,})")  # printf widths of 10000 and more
_PADDING = {"format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs"}  # str methods that pad
# Any text or list a template builds (replace, join, +, ~, a filter's result) is capped, its size worked out
# before the call where it can be ('x' * 9999).replace('', 'y' * 9999) would be 100 million characters).
MAX_VALUE = 10_000


def template_env():
    global _ENV
    if _ENV is None:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

        class Sandbox(ImmutableSandboxedEnvironment):
            """No Python internals, no changing values, no str.format, and no 'x' * 10**10 or 10**10**10."""

            intercepted_binops = frozenset({"*", "**", "%", "+"})

            def call_binop(self, context, operator, left, right):
                if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
                    _check_size(len(left) + len(right))
                if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
                    raise SecurityError(f"the power {right} is too large")
                if operator == "*":
                    for seq, n in ((left, right), (right, left)):
                        if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_PRODUCT:
                            raise SecurityError(f"repeating a value {n} times makes it too long")
                if operator == "%" and isinstance(left, str) and _WIDE.search(left):
                    raise SecurityError("a % format with a width of 10000 or more")
                return _sized(super().call_binop(context, operator, left, right))

            def wrap_str_format(self, value):
                return None  # str.format and format_map are refused below, not sandboxed

            def is_safe_attribute(self, obj, attr, value):
                if isinstance(obj, str) and attr in _PADDING:
                    return False
                return super().is_safe_attribute(obj, attr, value)

            def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - jinja's own signature
                _spend(1)  # a macro that calls itself runs out of steps, however it branches
                for arg in (*args, *kwargs.values()):
                    if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_ARGUMENT:
                        raise SecurityError(f"the number {arg} is too large")
                _check_size(_str_method_size(__obj, args, kwargs))
                return _sized(super().call(__context, __obj, *args, **kwargs))

            def _parse(self, source, name, filename):
                from jinja2 import TemplateSyntaxError, nodes

                tree = super()._parse(source, name, filename)
                for loop in tree.find_all(nodes.For):  # every {% for %} walks through budget()
                    if loop.recursive:  # its inner turns would not: and a line never needs one
                        raise TemplateSyntaxError("recursive loops are not allowed in a header or footer",
                                                  loop.lineno, name, filename)
                    loop.iter = nodes.Call(nodes.EnvironmentAttribute("budget"), [loop.iter], [], None, None,
                                           lineno=loop.iter.lineno)
                for concat in tree.find_all(nodes.Concat):  # a ~ b ~ c: sized before it is joined
                    concat.nodes = [nodes.Call(nodes.EnvironmentAttribute("concat_size"), [nodes.List(concat.nodes)],
                                               [], None, None, lineno=concat.lineno)]
                return tree

            budget = staticmethod(_budgeted)
            concat_size = staticmethod(_concat_size)

        _ENV = Sandbox(autoescape=False, undefined=StrictUndefined)
        for name in ("center", "indent", "format"):  # filters that pad to a width, or format with %
            _ENV.filters.pop(name, None)
        _ENV.filters = {name: _costed(f) for name, f in _ENV.filters.items()}
    return _ENV


@functools.lru_cache(maxsize=256)
def compile_template(source: str):
    """Compile a designer's template (once per process: the layout check and every page share it);
    raises jinja2.TemplateError for the caller to place. A line that only prints values and tests one
    (PlainTemplate) is read here and compiled by Jinja2 only if it ever needs it."""
    parsed = _plain(source)
    if parsed is not None:
        return PlainTemplate(source, parsed)
    return template_env().from_string(source)


def render_template(template, **context) -> str:
    """Render a compiled template within the step budget and the output cap (SecurityError past them)."""
    if isinstance(template, PlainTemplate):
        try:
            return template.render(context)
        except _NotPlain:  # Jinja2 gives the answer, or the error, from here
            template = template.jinja()
    from jinja2.sandbox import SecurityError

    token = _STEPS.set([MAX_STEPS])
    try:
        out, size = [], 0
        for piece in template.generate(**context):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise SecurityError(f"it prints over {MAX_OUTPUT} characters")
            out.append(piece)
        return "".join(out)
    finally:
        _STEPS.reset(token)


# Most header and footer lines only print values and test one: "{{ clinic.name }} · {{ labels.page }}
# {{ page }}", "{% if page > 1 %}{{ handout.title }}{% endif %}". Those are rendered here, without
# Jinja2 (importing it and its sandbox is about 20 ms of a cold build), to exactly the text Jinja2 gives
# (tests/test_templates.py compares the two on generated templates). Anything else in a line, or a value
# that is not text or a whole number, or a name it does not hold, hands the line to Jinja2.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?:\.[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)*")
_OPERAND = r"[A-Za-z][A-Za-z0-9_.]*|0|[1-9]\d{0,5}|'[^'\\{}%]*'|\"[^\"\\{}%]*\""
_TEST = re.compile(rf"if\s+({_OPERAND})(?:\s*(==|!=|<=|>=|<|>)\s*({_OPERAND}))?")
_WORDS = frozenset("and or not in is if else elif endif for endfor true false none True False None".split())
_COMPARE = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


class _NotPlain(Exception):
    """A line PlainTemplate cannot render exactly as Jinja2 would: Jinja2 renders it."""


class PlainTemplate:
    """A header or footer line of text, {{ dotted.name }} values and {% if %}/{% else %}/{% endif %}
    tests of one value (against a whole number or a quoted text), read without Jinja2."""

    def __init__(self, source: str, parts: list):
        self.source, self.parts, self._jinja = source, parts, None

    def jinja(self):
        if self._jinja is None:
            self._jinja = template_env().from_string(self.source)
        return self._jinja

    def render(self, context: dict) -> str:
        out = "".join(_rendered(self.parts, context))
        if len(out) > MAX_OUTPUT:
            raise _NotPlain
        return out


def _plain(source: str) -> list | None:
    """The parts of a plain line (texts, ("value", name), ["if", test, then, otherwise]), or None. Read as
    Jinja2's lexer reads: the first of {{, {% and {# opens a tag, which must be one of ours, whole."""
    if "\r" in source:
        return None
    if source.endswith("\n"):  # Jinja2 drops one newline at the end
        source = source[:-1]
    stack, opened, pos = [[]], [], 0  # the innermost list of parts last; the ifs still open
    while True:
        starts = [i for i in (source.find("{{", pos), source.find("{%", pos), source.find("{#", pos)) if i >= 0]
        if not starts:
            break
        start = min(starts)
        if start > pos:
            stack[-1].append(source[pos:start])
        kind = source[start:start + 2]
        end = source.find("}}" if kind == "{{" else "%}", start + 2) if kind != "{#" else -1
        if end < 0:
            return None
        content, pos = source[start + 2:end].strip(), end + 2
        if kind == "{{":
            if not _is_name(content):
                return None
            stack[-1].append(("value", content))
        elif content.startswith("if") and (test := _TEST.fullmatch(content)):
            left, op, right = test.groups()
            if any(o is not None and o[0].isalpha() and not _is_name(o) for o in (left, right)):
                return None
            block = ["if", (left, op, right), [], []]
            stack[-1].append(block)
            opened.append(block)
            stack.append(block[2])
        elif content == "else" and opened and stack[-1] is opened[-1][2]:
            stack[-1] = opened[-1][3]
        elif content == "endif" and opened:
            opened.pop()
            stack.pop()
        else:
            return None
    if opened:
        return None
    if pos < len(source):
        stack[-1].append(source[pos:])
    return stack[0]


def _is_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name)) and not any(part in _WORDS for part in name.split("."))


def _rendered(parts: list, context: dict):
    for part in parts:
        if isinstance(part, str):
            yield part
        elif part[0] == "value":
            yield str(_text_or_number(_lookup(part[1], context)))
        else:
            _, (left, op, right), then, otherwise = part
            a = _text_or_number(_operand(left, context))
            if op is None:
                yield from _rendered(then if a else otherwise, context)
                continue
            b = _text_or_number(_operand(right, context))
            if type(a) is not type(b):
                raise _NotPlain  # text against a number: Jinja2 says how it fails
            yield from _rendered(then if _COMPARE[op](a, b) else otherwise, context)


def _operand(operand: str, context: dict):
    if operand[0] in "'\"":
        return operand[1:-1]
    if operand[0].isdigit():
        return int(operand)
    return _lookup(operand, context)


def _lookup(name: str, context: dict):
    first, *rest = name.split(".")
    if first not in context:
        raise _NotPlain
    value = context[first]
    for attr in rest:  # Jinja2 prefers a dict's own attributes (items, keys...) to its keys: those go to it
        if type(value) is not dict or attr not in value or hasattr(dict, attr):
            raise _NotPlain
        value = value[attr]
    return value


def _text_or_number(value):
    if type(value) not in (str, int):
        raise _NotPlain
    return value


def _spend(n: int) -> None:
    from jinja2.sandbox import SecurityError

    left = _STEPS.get(None)
    if left is None:
        raise SecurityError("templates are rendered with render_template")
    left[0] -= n
    if left[0] < 0:
        raise SecurityError(f"it takes over {MAX_STEPS} steps (loops inside loops?)")


def _budgeted(iterable):
    for item in iterable:
        _spend(1)
        yield item


def _check_size(size: int) -> None:
    from jinja2.sandbox import SecurityError

    if size > MAX_VALUE:
        raise SecurityError(f"it builds a text or list of {size:,} characters or items, over {MAX_VALUE:,}")


def _sized(value):
    if isinstance(value, (str, list, tuple)):
        _check_size(len(value))
    return value


def _str_method_size(method, args, kwargs) -> int:
    """The length of what a str method that grows text will return, worked out before it runs (0: others)."""
    text, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if not isinstance(text, str):
        return 0
    if name == "replace" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
        old, new = args[:2]
        times = text.count(old) if old else len(text) + 1
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            times = min(times, args[2])
        return len(text) + times * (len(new) - len(old))
    if name == "join" and args and isinstance(args[0], (list, tuple, str)):
        parts = args[0]
        return sum(len(p) for p in parts if isinstance(p, str)) + len(text) * max(len(parts) - 1, 0)
    return 0


def _concat_size(parts: list) -> str:
    """a ~ b ~ c, refused before joining when the result would be over MAX_VALUE characters."""
    texts = [p if isinstance(p, str) else str(p) for p in parts]
    _check_size(sum(map(len, texts)))
    return "".join(texts)


def _costed(f):
    """A filter that pays for the size of what it works on (sorting 10000 items costs 10000 steps)."""
    import functools

    @functools.wraps(f)
    def costed(*args, **kwargs):
        _spend(1 + max((len(a) for a in args if isinstance(a, (str, list, tuple, dict))), default=0))
        if f.__name__ == "do_join":  # its size before it is built: every item is text by then
            items = next((a for a in args if isinstance(a, (list, tuple))), ())
            _check_size(sum(len(str(i)) for i in items))
        return _sized(f(*args, **kwargs))

    return costed
