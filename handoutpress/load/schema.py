"""Declarations of every setting: type, default and a one-line doc, checked with places.

Each spec checks a value found at a YAML path and returns it normalised (lengths in
points, dates as ISO strings); problems are collected, never raised one at a time.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import field

from ..records import dataclass

REQUIRED = object()
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|in|cm|mm)?\s*$")
_UNITS = {"pt": 1.0, None: 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


class Checker:
    """Collects problems while specs walk a document."""

    def __init__(self, place, partial=False):
        self.place = place  # anything with .problem(path, message, fix)
        self.problems = []
        self.partial = partial  # checking one file of a chain: nothing is required, no defaults

    def add(self, path, message, fix="", code="schema"):
        self.problems.append(self.place.problem(path, message, fix, code))


@dataclass(frozen=True, kw_only=True)
class Spec:
    doc: str = ""
    default: object = REQUIRED

    def check(self, value, path, ck: Checker):
        return value

    def json(self) -> dict:
        return {}

    def describe(self) -> str:
        return type(self).__name__.lower()


def _type_name(value) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true/false",
            list: "a list", dict: "a mapping", type(None): "nothing"}.get(type(value), type(value).__name__)


@dataclass(frozen=True, kw_only=True)
class Text(Spec):
    choices: tuple = ()
    pattern: str = ""
    nonempty: bool = True
    hint: str = ""
    quoted: bool = False  # a number here is refused: "version: 2" and "version: 1.10" must be quoted
    max_length: int = 0  # characters; 0: any (names in file names must fit the file system's 255 bytes)
    nullable: bool = False  # nothing written (a blank cell) reads as ""

    def check(self, value, path, ck):
        if value is None and self.nullable:
            return ""
        if value is None:  # "- " or "key:" with nothing after it
            ck.add(path, "nothing is written here", self.hint or "write a value, or remove the empty entry",
                   "schema-empty")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not self.choices:
            written = getattr(ck.place, "written", {}).get(tuple(path))
            if written is not None or self.quoted:  # YAML read it as a number: 1.10 -> 1.1, 010 -> 8
                shown = written if written is not None else str(value)
                lost = f" (YAML reads {shown} as the number {value})" if written is not None else ""
                ck.add(path, f"expected text, got the number {shown}{lost}",
                       f'put it in quotes: "{shown}"', "schema-type")
                return None
            value = str(value)  # "year: 2020" is text to an author, and nothing is lost
        if not isinstance(value, str):
            ck.add(path, f"expected text, got {_type_name(value)}", 'put the value in quotes', "schema-type")
            return None
        if self.nonempty and not value.strip():
            ck.add(path, "must not be empty", self.hint or "write a value", "schema-empty")
        elif self.choices and value not in self.choices:
            ck.add(path, f"'{value}' is not one of {', '.join(self.choices)}",
                   f"use one of {', '.join(self.choices)}", "schema-choice")
        elif self.max_length and len(value) > self.max_length:
            ck.add(path, f"'{value[:40]}...' is {len(value)} characters long, over the limit of {self.max_length}",
                   "use a shorter name", "schema-too-long")
        elif self.pattern and not re.fullmatch(self.pattern, value):
            ck.add(path, f"'{value}' is not in the expected form", self.hint or f"match {self.pattern}", "schema-pattern")
        return value

    def json(self):
        out = {"type": ["string", "null"] if self.nullable else "string"}
        if self.choices:
            out["enum"] = list(self.choices)
        if self.pattern:
            out["pattern"] = f"^(?:{self.pattern})$"  # JSON Schema patterns match anywhere; check matches whole
        elif self.nonempty and not self.choices:
            out["pattern"] = r"\S"  # not empty, nor only spaces
        if self.max_length:
            out["maxLength"] = self.max_length
        return out

    def describe(self):
        return "one of " + ", ".join(self.choices) if self.choices else "text"


@dataclass(frozen=True, kw_only=True)
class Number(Spec):
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    def check(self, value, path, ck):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (self.integer and isinstance(value, float)):
            expected = f"{'a whole number' if self.integer else 'a number'}{self._range()}"
            got = f"'{value}', which YAML reads as text" if isinstance(value, str) else _type_name(value)
            if isinstance(value, float):
                got = f"{value}, which is not whole"
            ck.add(path, f"expected {expected}, got {got}",
                   "write a plain number such as 12 or 10.5 (no exponent such as 1e9, no unit)", "schema-type")
            return None
        if not math.isfinite(value):  # .inf and .nan pass every range test (nan < x is False)
            ck.add(path, f"{value} is not a finite number", "write a plain number", "schema-range")
            return None
        if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
            ck.add(path, f"{value} is outside {self.minimum} to {self.maximum}", "choose a value in that range",
                   "schema-range")
        return value

    def _range(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f" from {self.minimum:g} to {self.maximum:g}"
        return f" of at least {self.minimum:g}" if self.minimum is not None else ""

    def json(self):
        out = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out

    def describe(self):
        return "whole number" if self.integer else "number"


@dataclass(frozen=True, kw_only=True)
class Boolean(Spec):
    def check(self, value, path, ck):
        if not isinstance(value, bool):
            ck.add(path, f"expected true or false, got {_type_name(value)}", "write true or false", "schema-type")
            return None
        return value

    def json(self):
        return {"type": "boolean"}


@dataclass(frozen=True, kw_only=True)
class Length(Spec):
    minimum: float = 0.0

    def check(self, value, path, ck):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            points = float(value)
        elif isinstance(value, str) and (m := _LENGTH.match(value)):
            points = float(m.group(1)) * _UNITS[m.group(2)]
        else:
            ck.add(path, f"'{value}' is not a length", "write a number of points, or e.g. 12pt, 0.75in, 2cm, 18mm",
                   "schema-length")
            return None
        if not math.isfinite(points):  # .inf and .nan pass the minimum test
            ck.add(path, f"{value} is not a finite length", "write a number of points, or e.g. 12pt, 0.75in",
                   "schema-range")
            return None
        if points < self.minimum:
            ck.add(path, f"{value} is less than {self.minimum} pt", "use a larger value", "schema-range")
        return points

    def json(self):
        return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _LENGTH.pattern}]}

    def describe(self):
        return "length (pt, in, cm, mm)"


@dataclass(frozen=True, kw_only=True)
class Share(Spec):
    """A part of a whole: a fraction such as 0.4 or a percentage such as "40%"; returned as a fraction."""

    def check(self, value, path, ck):
        if isinstance(value, str) and (m := re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", value)):
            share = float(m.group(1)) / 100
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            share = float(value)
        else:
            ck.add(path, f"'{value}' is not a fraction or a percentage", 'write a fraction such as 0.4 or a '
                   'percentage such as "40%"', "schema-type")
            return None
        if not 0 < share <= 1:
            ck.add(path, f"{value} is not between 0 and 100%", "give each part a share above 0 and at most 1 (100%)",
                   "schema-range")
            return None
        return share

    def json(self):
        return {"anyOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                          {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$"}]}

    def describe(self):
        return "fraction or percentage"


@dataclass(frozen=True, kw_only=True)
class Colour(Spec):
    """A #RRGGBB value or the name of a palette entry (resolved by the layout loader)."""

    def check(self, value, path, ck):
        if not isinstance(value, str) or not (_HEX.match(value) or _NAME.match(value)):
            ck.add(path, f"'{value}' is not a colour", "write #RRGGBB (e.g. #1F4E4A) or a palette name", "schema-colour")
            return None
        return value

    def json(self):
        return {"type": "string", "pattern": "^(#[0-9a-fA-F]{6}|[a-z][a-z0-9_-]*)$"}

    def describe(self):
        return "colour (#RRGGBB or palette name)"


@dataclass(frozen=True, kw_only=True)
class Date(Spec):
    def check(self, value, path, ck):
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        ck.add(path, f"'{value}' is not a date", "write it as YYYY-MM-DD, e.g. 2026-11-26", "schema-date")
        return None

    def json(self):
        return {"type": "string", "format": "date"}

    def describe(self):
        return "date (YYYY-MM-DD)"


@dataclass(frozen=True, kw_only=True)
class ListOf(Spec):
    item: Spec = None
    min_items: int = 0

    def check(self, value, path, ck):
        if not isinstance(value, list):
            ck.add(path, f"expected a list, got {_type_name(value)}", "start each entry on its own line with '- '",
                   "schema-type")
            return []
        if len(value) < self.min_items:
            ck.add(path, f"needs at least {self.min_items} entries, got {len(value)}", "add the missing entries",
                   "schema-min-items")
        return [self.item.check(v, path + (i,), ck) for i, v in enumerate(value)]

    def json(self):
        return {"type": "array", "items": self.item.json(), **({"minItems": self.min_items} if self.min_items else {})}

    def describe(self):
        return f"list of {self.item.describe()}"


@dataclass(frozen=True, kw_only=True)
class MapOf(Spec):
    value: Spec = None
    key_pattern: str = r"[a-z][a-z0-9_-]*"

    def check(self, value, path, ck):
        if not isinstance(value, dict):
            ck.add(path, f"expected a mapping, got {_type_name(value)}", "write 'name: value' entries", "schema-type")
            return {}
        out = {}
        for key, v in value.items():
            if not re.fullmatch(self.key_pattern, str(key)):
                ck.add(path + (key,), f"'{key}' is not a valid name", "use lower-case letters, digits, - and _",
                       "schema-pattern")
            out[key] = self.value.check(v, path + (key,), ck)
        return out

    def json(self):
        return {"type": "object", "additionalProperties": self.value.json(),
                "propertyNames": {"pattern": f"^{self.key_pattern}$"}}

    def describe(self):
        return f"mapping of name to {self.value.describe()}"


@dataclass(frozen=True, kw_only=True)
class Obj(Spec):
    fields: dict = field(default_factory=dict)
    fill_defaults: bool = True

    def check(self, value, path, ck):
        defaults = not ck.partial
        if not isinstance(value, dict):
            ck.add(path, f"expected a mapping, got {_type_name(value)}", "write 'key: value' entries", "schema-type")
            return None
        out = {}
        for key, v in value.items():
            spec = self.fields.get(key)
            if spec is None:
                ck.add(path + (key,), f"unknown key '{key}'", _suggest(key, self.fields), "schema-unknown-key")
                continue
            out[key] = spec.check(v, path + (key,), ck)
        for key, spec in self.fields.items():
            if key in out:
                continue
            if spec.default is REQUIRED:
                if defaults:
                    ck.add(path, f"missing required key '{key}'", f"add '{key}:' ({spec.doc})", "schema-missing-key")
            elif defaults and self.fill_defaults:
                # defaults go through the spec too, so "0.7in" becomes points and {} gets its own defaults
                default = _copy_default(spec.default)
                out[key] = spec.check(default, path + (key,), ck) if default is not None and isinstance(
                    spec, (Obj, Length)) else default
        return out

    def json(self):
        props = {}
        for key, spec in self.fields.items():
            props[key] = {**spec.json(), "description": spec.doc}
            if spec.default is not REQUIRED and _jsonable(spec.default):
                props[key]["default"] = spec.default
        required = [k for k, s in self.fields.items() if s.default is REQUIRED]
        return {"type": "object", "properties": props, "additionalProperties": False,
                **({"required": required} if required else {})}

    def describe(self):
        return "mapping"


@dataclass(frozen=True, kw_only=True)
class Either(Spec):
    """A short form (usually text) or a long form (a mapping), chosen by the value's type."""

    short: Spec = None
    long: Spec = None

    def check(self, value, path, ck):
        return (self.long if isinstance(value, dict) else self.short).check(value, path, ck)

    def json(self):
        return {"anyOf": [self.short.json(), self.long.json()]}

    def describe(self):
        return f"{self.short.describe()} or mapping"


@dataclass(frozen=True, kw_only=True)
class OneKey(Spec):
    """A mapping with exactly one key naming its kind (used for content blocks)."""

    kinds: dict = field(default_factory=dict)

    def check(self, value, path, ck):
        if not isinstance(value, dict) or len(value) != 1:
            got = f"keys {', '.join(map(str, value))}" if isinstance(value, dict) else _type_name(value)
            ck.add(path, f"a block must have exactly one kind key, got {got}",
                   f"start the block with one of: {', '.join(self.kinds)}", "schema-block-kind")
            return None
        (kind, body), = value.items()
        spec = self.kinds.get(kind)
        if spec is None:
            ck.add(path + (kind,), f"unknown block kind '{kind}'", _suggest(kind, self.kinds), "schema-block-kind")
            return None
        return {"kind": kind, "value": spec.check(body, path + (kind,), ck)}

    def json(self):
        return {"oneOf": [{"type": "object", "properties": {k: s.json()}, "required": [k],
                           "additionalProperties": False} for k, s in self.kinds.items()]}

    def describe(self):
        return "content block (" + ", ".join(self.kinds) + ")"


@dataclass(frozen=True, kw_only=True)
class Lazy(Spec):
    """Refers to a spec defined later (recursive content: sections hold blocks)."""

    target: object = None  # a zero-argument callable returning the spec
    name: str = "block"  # its entry under $defs in the JSON Schema

    def check(self, value, path, ck):
        return self.target().check(value, path, ck)

    def json(self):
        return {"$ref": f"#/$defs/{self.name}"}

    def describe(self):
        return "content block" if self.name == "block" else self.name


def _suggest(key, known) -> str:
    import difflib

    close = difflib.get_close_matches(str(key), list(known), n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"known keys: {', '.join(known)}"


def _copy_default(value):
    if isinstance(value, (list, dict)):
        import copy

        return copy.deepcopy(value)
    return value


def _jsonable(value) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict)) and value is not None


def json_schema(spec: Spec, title: str, defs: dict | None = None) -> dict:
    """A JSON Schema (draft 2020-12) document for editors: completion, docs on hover, validation."""
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **spec.json()}
    if spec.doc:
        out["description"] = spec.doc
    if defs:
        out["$defs"] = {name: d.json() for name, d in defs.items()}
    return out


def reference(spec: Spec, title: str, intro: str = "") -> str:
    """Markdown reference of every key: type, default and its one-line doc."""
    lines = [f"## {title}", ""]
    if intro:
        lines += [intro, ""]
    lines += ["| key | type | default | what it is |", "| --- | --- | --- | --- |"]
    _reference_rows(spec, "", lines, set())
    return "\n".join(lines) + "\n"


def _reference_rows(spec, prefix, lines, seen):
    fields = spec.fields if isinstance(spec, Obj) else {}
    if isinstance(spec, Either):
        fields = spec.long.fields if isinstance(spec.long, Obj) else {}
    for key, sub in fields.items():
        name = f"{prefix}{key}"
        default = "required" if sub.default is REQUIRED else ("" if sub.default in (None, "", [], {}) else
                                                                f"`{sub.default}`")
        lines.append(f"| `{name}` | {sub.describe()} | {default} | {sub.doc} |")
        inner = sub.item if isinstance(sub, ListOf) else sub.value if isinstance(sub, MapOf) else sub
        if isinstance(inner, (Obj, Either)) and id(inner) not in seen:
            seen.add(id(inner))
            child = f"{name}[]." if isinstance(sub, ListOf) else f"{name}.<name>." if isinstance(sub, MapOf) \
                else f"{name}."
            _reference_rows(inner, child, lines, seen)
