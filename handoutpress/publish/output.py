"""File names, the manifest, and writes that never leave a half-written file behind."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
import tempfile
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()  # read once: setting it is the only way to read it


MAX_NAME_BYTES = 200  # a file name in out/: its temp file adds about 22 (".", pid, random, ".tmp") to the 255 allowed


def pdf_name(handout, variant) -> str:
    """The file name of a variant's PDF in out/<handout id>/."""
    from ..resolve.variants import file_stem  # one rule for the .pdf and the .html: the clinic's id, no repeat

    return file_stem(handout, variant) + ".pdf"


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename over it."""
    staged = [stage(path, data)]
    try:
        sync(staged)
    except BaseException:
        discard(staged)
        raise
    commit(staged)


def stage(path: Path, data: bytes) -> tuple[str, Path]:
    """Write data to a hidden temporary file beside path; sync() flushes staged files to disk and
    commit() renames them.

    The temp file's name carries this process's id, so a later build can tell a temp file of a
    killed build (removed by clean_temps) from one a build still running is writing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private (0600); a handout is for sharing
            f.write(data)
    except OSError as exc:
        _unlink(tmp)
        if exc.filename:
            raise
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None  # a full disk: say which file it stopped
    except BaseException:
        _unlink(tmp)
        raise
    return tmp, path


FEW = 8  # up to this many files, an fsync each; more, one syncfs per file system


def sync(staged: list[tuple[str, Path]]) -> None:
    """Flush staged files to disk before any is renamed, so a crash leaves each target old or new.

    Many files: one syncfs(2) per file system they are on (Linux), not an fsync each: 600 files of a
    catalog build flushed in 0.05 s instead of 0.3 s. Elsewhere, or if syncfs fails, an fsync each."""
    if len(staged) > FEW:
        folders = {}
        for tmp, _ in staged:
            folders.setdefault(os.stat(tmp).st_dev, os.path.dirname(tmp))
        if all(_syncfs(folder) for folder in folders.values()):
            return
    for tmp, path in staged:
        try:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise type(exc)(exc.errno, exc.strerror, str(path)) from None  # say which file it stopped at


def _syncfs(folder: str) -> bool:
    """syncfs(2) on the file system holding folder: True when done, False where there is no such call
    (then an fsync each is used); a failure to write the data back is an OSError naming folder."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.syncfs
    except (OSError, AttributeError, ImportError):
        return False
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        if call(fd) == 0:
            return True
        failure = ctypes.get_errno()
    finally:
        os.close(fd)
    if failure in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EPERM):
        return False
    raise OSError(failure, os.strerror(failure), folder)  # EIO, ENOSPC: the data did not reach the disk


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


_FS_IOC_GETFLAGS = 0x80086601  # Linux: read an inode's attribute flags (what lsattr shows)
_UNCHANGEABLE = 0x10 | 0x20  # FS_IMMUTABLE_FL, FS_APPEND_FL: not even root may replace the file


def _unchangeable(path: Path) -> bool:
    """Whether path carries the immutable or append-only attribute (chattr +i / +a)."""
    import fcntl
    import struct

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        flags = struct.unpack("i", fcntl.ioctl(fd, _FS_IOC_GETFLAGS, b"\0" * 4))[0]
    except OSError:  # a file system without attributes
        return False
    finally:
        os.close(fd)
    return bool(flags & _UNCHANGEABLE)


def blocked(path: Path) -> OSError | None:
    """Why a rename over path would fail (a folder or an immutable file there), as the error it would
    raise; checked for every target before the first rename, so a build stops with out/ untouched."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return exc
    if stat.S_ISDIR(info.st_mode):
        return IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if stat.S_ISREG(info.st_mode) and _unchangeable(path):
        return PermissionError(errno.EPERM, "the file is immutable", str(path))
    return None


_FAULTS = {  # errno -> what is wrong, what to do
    errno.ENOSPC: ("the disk is full", "free some space (or build elsewhere with --out DIR) and build again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space (or build elsewhere with --out DIR) and build again"),
    errno.EROFS: ("the file system is read-only", "build into a writable folder with --out DIR"),
    errno.EACCES: ("permission denied", "check the folder's owner and permissions, or build elsewhere with --out DIR"),
    errno.EPERM: ("not permitted", "check its permissions and attributes (lsattr; chattr -i removes immutable), "
                  "or build elsewhere with --out DIR"),
    errno.EISDIR: ("a folder is where the build writes a file", "move or remove the folder, then build again"),
    errno.ENOTDIR: ("a file is where the build needs a folder", "move or remove the file, then build again"),
    errno.EEXIST: ("a file is where the build needs a folder", "move or remove the file, then build again"),
    errno.ENAMETOOLONG: ("the name is too long for the file system", "use a shorter id, file_name or --out path"),
}


def fault_place(exc: OSError) -> Path | None:
    """The path an OSError is about, as the author knows it: a temp file's target folder, or the file
    that stands where a folder must be."""
    if not exc.filename:
        return None
    path = Path(exc.filename)
    if _TEMP.match(path.name) or path.name == LOCK:
        path = path.parent
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        for part in [path, *path.parents]:
            try:
                if part.exists() and not part.is_dir():
                    return part
            except OSError:
                break
    return path


def fault_message(exc: OSError) -> tuple[str, str]:
    """What an OSError of writing means and what to do about it, in words."""
    what, fix = _FAULTS.get(exc.errno, (exc.strerror or str(exc), "check the output folder, then build again"))
    if exc.errno == errno.EPERM and "immutable" in (exc.strerror or ""):
        what = "the file is immutable"
    return f"cannot write the output: {what}", fix


LOCK = ".lock"


class Busy(Exception):
    """Another build holds out/'s lock: its pid and command line, as it wrote them."""

    def __init__(self, path: Path, holder: str):
        self.path, self.holder = path, holder
        super().__init__(f"{path}: {holder}")


def lock(out_dir: Path) -> tuple[int, Path]:
    """Take out_dir/.lock for this build (one build per out/ at a time); unlock() gives it back.

    flock is released by the kernel when its holder dies, so the lock of a killed build never blocks
    (its file is left behind, harmless); the file holds the holder's pid and command so the message
    can name them. The holder removes the file before letting go, so whoever locked a file that is
    no longer at the path tries again on the new one."""
    import fcntl
    import sys

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o666 & ~_UMASK)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                break
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            raise Busy(path, holder or "a build that has not said who it is") from None
        except FileNotFoundError:
            pass  # removed by the build that just let go: try again
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}: {' '.join(sys.argv) or 'python'}\n".encode("utf-8", "replace"), 0)
    except OSError:  # a full disk: the lock holds all the same, the build's first write will say what is wrong
        pass
    return fd, path


def unlock(held: tuple[int, Path]) -> None:
    fd, path = held
    try:
        os.unlink(path)  # while still holding it (see lock)
    except OSError:
        pass
    os.close(fd)


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
    from ..checks.plain_language import reading_fields

    return {"handout": handout.id, "variant": variant.name, "audience": variant.audience,
            "language": variant.language, "status": variant.review.status,
            "path": path.relative_to(out_dir).as_posix(), "pages": pages, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "title": title or handout.title, "version": handout.version,
            "reviewed": variant.review.reviewed, "reviewer": variant.review.reviewer,
            "credentials": variant.review.credentials, "next_review": _next(variant), "layout": variant.layout,
            "clinic": handout.clinic.name if handout.clinic else "",
            "reading": reading_fields(reading, variant), "plain_language": plain.as_dict() if plain else None,
            "warnings": [f"{w.code}: {w}" for w in warnings], "subtitle": handout.subtitle,
            "keywords": list(handout.keywords), "topics": list(handout.topics), "format": _format(variant)}


def _format(variant) -> str:
    """The catalog's format: fillable (appointment fields), large-print (its name or layout says so) or standard."""
    if variant.appointment_fields:
        return "fillable"
    return "large-print" if "large-print" in variant.name or "large-print" in variant.layout else "standard"


ASSETS = "_assets"  # beside the handout folders: the fonts every web page shares, copied once


def web_entry(out_dir: Path, path: Path, data: bytes, fonts=()) -> dict:
    """The manifest's record of a variant's web page, inside its PDF's entry, with the shared files it uses."""
    return {"kind": "web page", "path": path.relative_to(out_dir).as_posix(), "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "assets": sorted(f"{ASSETS}/{Path(f).name}" for f in fonts)}


def stage_assets(out_dir: Path, files: list, licence: Path | None = None) -> list[tuple[str, Path]]:
    """Copy the web pages' font files (and their licence) into out_dir/_assets, unless already there."""
    staged = []
    for src in list(files) + ([licence] if licence and licence.is_file() and files else []):
        data = Path(src).read_bytes()
        target = out_dir / ASSETS / Path(src).name
        if not holds(target, data):
            staged.append(stage(target, data))
    return staged


def _next(variant) -> str:
    from ..labels import next_review

    return next_review(variant.review.reviewed) if variant.review.status == "approved" else ""


def read_manifest(out_dir: Path) -> list[dict]:
    """The usable outputs listed in out_dir/manifest.json; none when it is missing or unreadable."""
    return load_manifest(out_dir)[0]


_TEXT_FIELDS = ("handout", "variant", "path")  # what a build and the catalog rely on, as text


def _usable(e) -> bool:
    """An entry a build can trust: a mapping whose names are text and whose path is a PDF inside out/."""
    if not isinstance(e, dict) or not all(isinstance(e.get(k), str) and e[k] for k in _TEXT_FIELDS):
        return False
    parts = PurePosixPath(e["path"]).parts
    return (e["path"].endswith(".pdf") and not e["path"].startswith("/") and ".." not in parts
            and "\\" not in e["path"] and all(isinstance(e.get(k, ""), str) for k in ("sha256", "source", "inputs")))


def load_manifest(out_dir: Path) -> tuple[list[dict], str]:
    """The usable entries of out_dir/manifest.json and, when some or all of it is unusable, what is wrong
    with it (entries it cannot trust are dropped: their handouts are rebuilt, nothing else is lost)."""
    try:
        text = (out_dir / MANIFEST).read_text("utf-8")
    except (FileNotFoundError, NotADirectoryError):  # no manifest yet (or out/ is a file: the build says so)
        return [], ""
    except (OSError, UnicodeDecodeError) as exc:
        return [], f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    try:
        data = json.loads(text)
    except ValueError as exc:
        return [], f"is not valid JSON ({exc})"
    outputs = data.get("outputs") if isinstance(data, dict) else None
    if not isinstance(outputs, list):
        return [], 'is not of the form {"outputs": [...]}'
    usable = [e for e in outputs if _usable(e)]
    if len(usable) < len(outputs):
        return usable, f"has damaged entries ({len(outputs) - len(usable)} of {len(outputs)})"
    return usable, ""


def stage_manifest(out_dir: Path, entries: list[dict], rebuilt: set[tuple]) -> tuple[str, Path]:
    """The manifest after a build, staged (see stage) to be committed after the files it describes:
    the entries of what was rebuilt replaced, the rest kept, entries whose file is gone dropped."""
    manifest_path = out_dir / MANIFEST
    old = read_manifest(out_dir)
    keep = [e for e in old if (e["handout"], e["variant"]) not in rebuilt and (out_dir / e["path"]).is_file()]
    outputs = sorted(keep + entries, key=lambda e: (e["handout"], e["variant"]))
    data = (json.dumps({"outputs": outputs}, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
    return stage(manifest_path, data)
