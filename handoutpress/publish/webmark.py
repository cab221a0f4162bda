"""The logo's shapes for the web pages, kept between runs in the project's mark store."""
from __future__ import annotations

from pathlib import Path


def web_mark(path: Path, store) -> tuple | None:
    """The logo's shapes for the web page (render.html.mark), kept in the store between runs (lxml's
    parser then is not needed) and checked again when read back: only shapes and numbers."""
    import json

    from ..render.html.mark import mark_shapes, well_formed

    data = path.read_bytes()
    key = b"web page mark\0" + data
    try:
        kept = tuple(json.loads(store.get(key) or "null") or ())
    except (ValueError, TypeError):
        kept = ()
    if well_formed(kept):
        return kept
    parts = mark_shapes(data)
    if parts:
        store.put(key, json.dumps(parts))
    return parts
