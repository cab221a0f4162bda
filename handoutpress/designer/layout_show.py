"""`publish.py layout show`: a layout merged after `extends:`, every value with where it came from."""
from __future__ import annotations

import json
from pathlib import Path

from ..records import dataclass
from ..errors import Problem, PublishError
from ..load import schema as s
from ..load.yamlio import format_path


@dataclass(frozen=True)
class Value:
    path: tuple  # ("styles", "body", "size")
    value: object  # as written in the YAML file (or as declared, for a default)
    file: str | None  # None: the declared default
    line: int | None
    column: int | None

    @property
    def default(self) -> bool:
        return self.file is None

    @property
    def where(self) -> str:
        if self.default:
            return "(default)"
        return f"({self.file}:{self.line})" if self.line else f"({self.file})"


def layout_name(root: Path, name: str) -> str:
    """The layout name for NAME, NAME.yaml or layouts/NAME.yaml; an unknown one is a PublishError."""
    from ..load.layout import list_layouts

    known = list_layouts(Path(root) / "layouts")
    bare = Path(name).name.removesuffix(".yaml").removesuffix(".yml")
    if bare in known and (Path(name).parent in (Path("."), Path("layouts"))):
        return bare
    import difflib

    close = difflib.get_close_matches(bare, known, n=1)
    fix = (f"did you mean '{close[0]}'? " if close else "") + f"layouts are: {', '.join(known) or '(none)'}"
    raise PublishError(Problem(f"layouts/{bare}.yaml", None, None, "", f"no layout named '{name}'", fix,
                               code="layout-unknown"))


def merged_values(root: Path, name: str) -> tuple[object, list[Value]]:
    """The theme (loaded and checked like a build would) and every leaf value of the merged layout,
    in declaration order, each with its file and line, or marked as the declared default."""
    from ..load.layout import LAYOUT, load_chain, load_theme, merge_chain

    root = Path(root)
    name = layout_name(root, name)
    theme = load_theme(root, name)  # every mistake in the chain is reported first, as `build` would
    data, origins = merge_chain(load_chain(root / "layouts", name, root))
    out: list[Value] = []
    _walk(LAYOUT, data, (), origins, out)
    return theme, out


def _walk(spec, value, path, origins, out):
    """Leaves of value (dicts by the spec's field order, then the file's order); unset keys with a
    declared default are listed with it."""
    if isinstance(spec, s.Obj):
        present = value if isinstance(value, dict) else {}
        for key, sub in spec.fields.items():
            if key in present:
                _walk(sub, present[key], path + (key,), origins, out)
            elif sub.default is not s.REQUIRED:
                _default(sub, sub.default, path + (key,), out)
        return
    if isinstance(spec, s.MapOf) and isinstance(value, dict):
        if not value:
            out.append(_leaf(path, value, origins))
        for key, item in value.items():
            _walk(spec.value, item, path + (key,), origins, out)
        return
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _walk(None, item, path + (key,), origins, out)
        return
    if isinstance(value, list) and value:
        item_spec = spec.item if isinstance(spec, s.ListOf) else None
        for i, item in enumerate(value):
            _walk(item_spec, item, path + (i,), origins, out)
        return
    out.append(_leaf(path, value, origins))


def _leaf(path, value, origins) -> Value:
    file, line, col = origins.get(path, (None, None, None))
    return Value(path, value, file or "?", line, col)


def _default(spec, default, path, out):
    if isinstance(spec, s.Obj):
        given = default if isinstance(default, dict) else {}
        for key, sub in spec.fields.items():
            if key in given:
                out.append(Value(path + (key,), given[key], None, None, None))
            elif sub.default is not s.REQUIRED:
                _default(sub, sub.default, path + (key,), out)
        return
    out.append(Value(path, default, None, None, None))


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        plain = value and value == value.strip() and "\n" not in value and not value.startswith(('"', "'"))
        return value if plain else json.dumps(value, ensure_ascii=False)
    return f"{value:g}" if isinstance(value, float) else str(value)


def as_text(name: str, theme, values: list[Value]) -> str:
    rows = [(f"{format_path(v.path)} = {_shown(v.value)}", v.where) for v in values]
    width = min(max((len(left) for left, _ in rows), default=0), 64)
    chain = " -> ".join(theme.files)
    lines = [f"# layout {name}: {chain} (a child wins key by key), then the declared defaults"]
    lines += [f"{left.ljust(width)}   {where}" for left, where in rows]
    return "\n".join(lines) + "\n"


def as_json(name: str, theme, values: list[Value]) -> str:
    return json.dumps({
        "layout": name,
        "files": list(theme.files),
        "values": [{"path": format_path(v.path), "value": v.value, "default": v.default, "file": v.file,
                    "line": v.line, "column": v.column} for v in values],
    }, indent=2, ensure_ascii=False) + "\n"


def show(root: Path, name: str, fmt: str = "text") -> str:
    theme, values = merged_values(root, name)
    return (as_json if fmt == "json" else as_text)(theme.name, theme, values)
