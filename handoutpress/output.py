"""File names, the manifest, and writes that never leave a half-written file behind."""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path

MANIFEST = "manifest.json"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()  # read once: setting it is the only way to read it


def slug(text: str) -> str:
    """'Maple Mountain' -> 'maple-mountain'; accents dropped so names survive every mail client."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_name(clinic_short: str, handout_id: str, variant: str, language: str) -> str:
    """e.g. maple-mountain-benzodiazepines-patient-en.pdf"""
    parts = [slug(clinic_short), handout_id, variant]
    if not variant.endswith("-" + language) and variant != language:
        parts.append(language)
    return "-".join(p for p in parts if p) + ".pdf"


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename over it."""
    commit([stage(path, data)])


def stage(path: Path, data: bytes) -> tuple[str, Path]:
    """Write data to a hidden temporary file beside path and flush it to disk; commit() renames it.

    The temp file's name carries this process's id, so a later build can tell a temp file of a
    killed build (removed by clean_temps) from one a build still running is writing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private (0600); a handout is for sharing
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        _unlink(tmp)
        raise
    return tmp, path


def commit(staged: list[tuple[str, Path]]) -> None:
    """Rename staged files over their targets, in order, one after the other (nothing slow in between:
    a build killed here leaves each target either old or new, never partial); on an error the
    temp files not yet renamed are removed."""
    done = 0
    try:
        for tmp, path in staged:
            os.replace(tmp, path)
            done += 1
    except BaseException:
        for tmp, _ in staged[done:]:
            _unlink(tmp)
        raise


def holds(path: Path, data: bytes) -> bool:
    """Whether path is a file with exactly these bytes."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def discard(staged: list[tuple[str, Path]]) -> None:
    for tmp, _ in staged:
        _unlink(tmp)


def _unlink(tmp) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


_TEMP = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")


def clean_temps(out_dir: Path) -> list[Path]:
    """Remove the temp files that builds killed before their rename left in out_dir (only those whose
    process is gone: a build still running elsewhere keeps its own)."""
    removed = []
    if not out_dir.is_dir():
        return removed
    for path in out_dir.rglob(".*.tmp"):
        match = _TEMP.match(path.name)
        if not match or not path.is_file() or _alive(int(match.group(1))):
            continue
        _unlink(path)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or not a pid at all): leave its file alone
    return True


def entry(handout, variant, out_dir: Path, path: Path, data: bytes, pages: int, title: str = "",
          reading=None, warnings=(), plain=None) -> dict:
    from .plainlanguage import reading_fields

    return {"handout": handout.id, "variant": variant.name, "audience": variant.audience,
            "language": variant.language, "status": variant.review.status,
            "path": path.relative_to(out_dir).as_posix(), "pages": pages, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "title": title or handout.title, "version": handout.version,
            "reviewed": variant.review.reviewed, "reviewer": variant.review.reviewer,
            "credentials": variant.review.credentials, "next_review": _next(variant), "layout": variant.layout,
            "clinic": handout.clinic.name if handout.clinic else "",
            "reading": reading_fields(reading, variant), "plain_language": plain.as_dict() if plain else None,
            "warnings": [f"{w.code}: {w}" for w in warnings]}


def _next(variant) -> str:
    from .labels import next_review

    return next_review(variant.review.reviewed) if variant.review.status == "approved" else ""


def read_manifest(out_dir: Path) -> list[dict]:
    """The outputs listed in out_dir/manifest.json; none when it is missing or unreadable."""
    try:
        outputs = json.loads((out_dir / MANIFEST).read_text("utf-8")).get("outputs", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [e for e in outputs if isinstance(e, dict)] if isinstance(outputs, list) else []


def stage_manifest(out_dir: Path, entries: list[dict], rebuilt: set[tuple]) -> tuple[str, Path]:
    """The manifest after a build, staged (see stage) to be committed after the files it describes:
    the entries of what was rebuilt replaced, the rest kept, entries whose file is gone dropped."""
    manifest_path = out_dir / MANIFEST
    old = []
    try:
        old = json.loads(manifest_path.read_text("utf-8")).get("outputs", [])
    except (OSError, ValueError, AttributeError):
        old = []
    keep = [e for e in old if isinstance(e, dict) and (e.get("handout"), e.get("variant")) not in rebuilt
            and (out_dir / str(e.get("path", ""))).is_file()]
    outputs = sorted(keep + entries, key=lambda e: (e["handout"], e["variant"]))
    data = (json.dumps({"outputs": outputs}, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
    return stage(manifest_path, data)
