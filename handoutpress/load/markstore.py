"""Logo marks kept on disk between runs, as svglib drew them: a cold build reads one small JSON file
instead of importing lxml and svglib and parsing the SVG (about 50 ms of a 0.5 s build).

What is kept is data, never code: JSON of ReportLab shapes from a fixed list, their attributes plain
numbers, text, lists and colours. A file under a key is only ever the drawing of the SVG bytes the key
names, made by the versions of ReportLab, svglib and lxml and of this code the key names (the salt);
anything else in it (damaged, hand-edited, another format) is ignored and the mark parsed again."""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

FORMAT = "handoutpress-mark-1"
SHAPES = ("Group", "Path", "Rect", "Circle", "Ellipse", "Line", "PolyLine", "Polygon", "Wedge")
# svglib's own Path subclasses, which change how a path is drawn; kept as the same classes' twins below
# (tests/test_markstore.py draws each both ways).
SVGLIB_PATHS = ("NoStrokePath", "ClippingPath")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,40}$")
_OWN_MAP = ("_attrMap",)  # a Group's own copy of its attribute map: made again by Group()
MAX_NODES = 20_000


class _Refused(Exception):
    """A value or shape this format does not keep."""


class Kept:
    """What a mark's loader uses of svglib's Drawing: its size and its shapes."""

    def __init__(self, width, height, contents):
        self.width, self.height, self.contents = width, height, contents


def _twins() -> dict:
    """svglib's NoStrokePath and ClippingPath, as svglib 2.3 defines them, without importing svglib."""
    if not _TWINS:
        from reportlab.graphics.shapes import Path

        class NoStrokePath(Path):
            """A filled path that is never stroked (svglib's, for unclosed filled paths)."""

            def getProperties(self, *args, **kwargs):
                props = super().getProperties(*args, **kwargs)
                if "strokeWidth" in props:
                    props["strokeWidth"] = 0
                if "strokeColor" in props:
                    props["strokeColor"] = None
                return props

        class ClippingPath(Path):
            """A path that only clips (svglib's, for <clipPath>)."""

            def getProperties(self, *args, **kwargs):
                props = Path.getProperties(self, *args, **kwargs)
                if "fillColor" in props:
                    props["fillColor"] = None
                if "strokeColor" in props:
                    props["strokeColor"] = None
                return props

        _TWINS.update(NoStrokePath=NoStrokePath, ClippingPath=ClippingPath)
    return _TWINS


_TWINS: dict = {}


def _class(name: str):
    import reportlab.graphics.shapes as shapes

    return getattr(shapes, name) if name in SHAPES else _twins()[name]


def _value(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if type(v) in (int, float):
        return v
    if isinstance(v, list):
        return [_value(x) for x in v]
    if isinstance(v, tuple):
        return {"tuple": [_value(x) for x in v]}
    from reportlab.lib.colors import Color

    if type(v) is Color and set(vars(v)) == {"red", "green", "blue", "alpha"}:
        return {"color": [_value(v.red), _value(v.green), _value(v.blue), _value(v.alpha)]}
    raise _Refused(type(v).__name__)


def _node(node, count: list) -> dict:
    import reportlab.graphics.shapes as shapes

    count[0] += 1
    name, module = type(node).__name__, type(node).__module__
    plain = name in SHAPES and type(node) is getattr(shapes, name)
    if count[0] > MAX_NODES or not (plain or (name in SVGLIB_PATHS and module == "svglib.svglib")):
        raise _Refused(name)
    attrs = {}
    for key, value in vars(node).items():
        if key == "contents" or (key in _OWN_MAP and name == "Group"):
            continue
        if not _NAME.match(key):
            raise _Refused(key)
        attrs[key] = _value(value)
    out = {"shape": name, "attrs": attrs}
    if name == "Group":
        out["contents"] = [_node(child, count) for child in node.contents]
    return out


def encode(drawing) -> str | None:
    """svglib's drawing as this format's JSON text, or None if it holds anything the format does not keep."""
    try:
        body = {"format": FORMAT, "width": _value(drawing.width), "height": _value(drawing.height),
                "contents": [_node(child, [0]) for child in drawing.contents]}
        return json.dumps(body, separators=(",", ":"))  # attribute order kept: the renderer follows it
    except (_Refused, RecursionError, ValueError):
        return None


def _unvalue(v):
    if v is None or isinstance(v, (bool, str)) or type(v) in (int, float):
        return v
    if isinstance(v, list):
        return [_unvalue(x) for x in v]
    if isinstance(v, dict) and set(v) == {"tuple"} and isinstance(v["tuple"], list):
        return tuple(_unvalue(x) for x in v["tuple"])
    if isinstance(v, dict) and set(v) == {"color"} and isinstance(v["color"], list) and len(v["color"]) == 4 \
            and all(type(x) in (int, float) for x in v["color"]):
        from reportlab.lib.colors import Color

        return Color(*v["color"])
    raise _Refused(repr(v)[:40])


def _unnode(d, count: list):
    import reportlab.graphics.shapes as shapes

    count[0] += 1
    if count[0] > MAX_NODES or not isinstance(d, dict) or d.get("shape") not in SHAPES + SVGLIB_PATHS \
            or not isinstance(d.get("attrs"), dict):
        raise _Refused("node")
    cls = _class(d["shape"])
    node = cls() if cls is shapes.Group else cls.__new__(cls)
    for key, value in d["attrs"].items():
        if not isinstance(key, str) or not _NAME.match(key) or key in _OWN_MAP:
            raise _Refused("attribute")
        node.__dict__[key] = _unvalue(value)
    if cls is shapes.Group:
        if not isinstance(d.get("contents"), list):
            raise _Refused("contents")
        node.__dict__["contents"] = [_unnode(child, count) for child in d["contents"]]
    elif "contents" in d:
        raise _Refused("contents")
    return node


def decode(text: str | None) -> Kept | None:
    """The drawing kept as text (by encode), or None if text is missing or not in this format."""
    if not text:
        return None
    try:
        body = json.loads(text)
        if not isinstance(body, dict) or body.get("format") != FORMAT or not isinstance(body.get("contents"), list):
            return None
        width, height = _unvalue(body.get("width")), _unvalue(body.get("height"))
        if type(width) not in (int, float) or type(height) not in (int, float):
            return None
        count = [0]
        return Kept(width, height, [_unnode(child, count) for child in body["contents"]])
    except (_Refused, ValueError, TypeError, RecursionError):
        return None


class MarkStore:
    """<folder>/<key>.json, one file per mark: key = sha256 of the salt and the SVG's bytes. Reading
    or writing it never fails a build: a folder that cannot be made or written is simply not used."""

    def __init__(self, folder: Path, salt: str):
        self.folder, self.salt = Path(folder), salt

    def _file(self, data: bytes) -> Path:
        digest = hashlib.sha256(f"{FORMAT}\n{self.salt}\n".encode() + data).hexdigest()
        return self.folder / f"{digest}.json"

    def get(self, data: bytes) -> str | None:
        try:
            with open(self._file(data), "rb") as f:
                raw = f.read(8_000_000)
            return raw.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, data: bytes, text: str) -> None:
        target = self._file(data)
        if write_cache_file(target, text):
            self._prune(target)

    def _prune(self, keep: Path) -> None:
        """At most KEEP files: a designer who saves a mark fifty times leaves the last few, not fifty."""
        try:
            files = [(p.stat().st_mtime_ns, p.name, p) for p in self.folder.glob("*.json") if p != keep]
        except OSError:
            return
        for _, _, path in sorted(files)[:max(0, len(files) + 1 - KEEP)]:
            try:
                path.unlink()
            except OSError:
                pass


KEEP = 64  # marks kept in the store (a project has one or a few; each entry is a few KB)


def write_cache_file(target: Path, text: str) -> bool:
    """Write a file of the project's .cache/ whole (a temp file renamed) or not at all, saying which: a
    read-only project or a full disk only means doing the work again next time; a Ctrl-C leaves no
    temp file behind."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem[:16]}.", suffix=".tmp", dir=target.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if not isinstance(exc, OSError):
            raise
        return False
    return True


CACHE = Path(".cache") / "marks"  # under the project's root; safe to delete


def _versions() -> str:
    """The installed ReportLab, svglib and lxml, by their dist-info folder names (none imported)."""
    import importlib.util

    found = []
    for name in ("reportlab", "svglib", "lxml"):
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin).parent.parent if spec and spec.origin else None
        infos = sorted(p.name for p in origin.glob(f"{name}-*.dist-info")) if origin else []
        found.append(",".join(infos) or f"{name}?")
    return ";".join(found)


_STORES: dict = {}


def store_for(root: Path) -> MarkStore:
    """The project's store of converted marks (root/.cache/marks), salted with the code that makes and
    reads them (this module and logo.py) and the versions of the libraries that draw them."""
    key = str(root)
    if key not in _STORES:
        here = Path(__file__).parent
        code = hashlib.sha256(b"".join((here / n).read_bytes() for n in ("markstore.py", "logo.py"))).hexdigest()
        _STORES[key] = MarkStore(Path(root) / CACHE, f"{code}\n{_versions()}")
    return _STORES[key]
