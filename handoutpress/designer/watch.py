"""`publish.py watch`: rebuild what a saved change affects, print what happened, keep going.

The folders handouts/, layouts/ (with its assets) and fonts/ are polled: every file's
modification time, size and inode, every `interval` seconds (no extra dependency, works on
any file system). When something changed, the watcher waits until the files hold still for
one more interval (an editor's save, or several files checked out at once, is one change),
works out which handouts the change affects and rebuilds only those:

- handouts/<id>.yaml, or its translation handouts/<id>.<lang>.yaml: that handout;
- handouts/clinic.yaml or a clinic in clinics/: every handout;
- a layout: every handout with a variant whose layout chain (`extends:`) includes it;
- a logo or font file: every handout whose layouts name it.

Which files a handout depends on is read from the files themselves (`dependencies`) before
and after each change; `affected` is the pure mapping from changed paths to handouts. When a
handout's layouts cannot be read (a half-saved or broken layout), it depends on everything in
layouts/ and fonts/ until they can be read again. Errors are printed, never fatal: a broken
file just waits for the next save.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from ..publish.build import build
from ..publish.inputs import CLINIC_FILE, handout_files, select

WATCHED = ("handouts", "layouts", "fonts", "clinics", "images")
CLINIC = f"handouts/{CLINIC_FILE}"
EVERYTHING = frozenset({"layouts/", "fonts/"})  # a dependency ending in "/" covers a whole folder
SETTLE_LIMIT = 2.0  # seconds to wait at most for files to stop changing before rebuilding anyway

Snapshot = dict  # posix path relative to the root -> (mtime_ns, size, inode)


# ---------------------------------------------------------------- what changed


def ignored(name: str) -> bool:
    """Editor and tool by-products: hidden files, backups, swap files, vim's write test."""
    return (name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".bak"))
            or name == "4913")


def snapshot(root: Path, skip: Path | None = None) -> Snapshot:
    """Every watched file with its modification time, size and inode (skip: a folder to leave out)."""
    root = Path(root)
    found = {}
    skip_s = str(skip.resolve()) if skip else None
    for top in WATCHED:
        for folder, dirs, files in os.walk(root / top):
            if skip_s and os.path.realpath(folder).startswith(skip_s):
                dirs[:] = []
                continue
            dirs[:] = [d for d in dirs if not ignored(d)]
            for name in files:
                if ignored(name):
                    continue
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:  # deleted between listing and stat
                    continue
                found[Path(path).relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return found


def changes(old: Snapshot, new: Snapshot) -> set[str]:
    """Paths added, removed or modified between two snapshots."""
    return {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}


# ---------------------------------------------------------------- what depends on what


def affected(changed: Iterable[str], deps: Mapping[str, Iterable[str]]) -> set[str]:
    """The handouts a change affects (pure).

    changed: posix paths relative to the project root ("layouts/maple-mountain.yaml").
    deps: handout id (its file name in handouts/ without .yaml) -> the paths it is built from;
    an entry ending in "/" stands for every file in that folder.
    A handout file or a translation file affects its handout even when deps does not know it
    yet (a new handout); the clinic file affects every handout in deps.
    """
    out: set[str] = set()
    for path in changed:
        p = PurePosixPath(path)
        # a clinic's details may print in any handout, and so may a picture (images/, or beside the handouts)
        if path == CLINIC or p.parts[0] in ("clinics", "images") or (
                p.parts[0] == "handouts" and p.suffix.lower() in (".png", ".jpg", ".jpeg", ".svg")):
            out.update(deps)
            continue
        if p.parent.as_posix() == "handouts" and p.suffix in (".yaml", ".yml"):
            out.add(p.name.split(".", 1)[0])  # <id>.yaml, or its translation <id>.<lang>.yaml
        for handout, files in deps.items():
            if any(path == f or (f.endswith("/") and path.startswith(f)) for f in files):
                out.add(handout)
    return out


def _rel(folder: str, name: str) -> str:
    """folder/name as a normalised posix path relative to the root ("layouts/assets/x.svg")."""
    return os.path.normpath(os.path.join(folder, name)).replace(os.sep, "/")


def dependencies(root: Path, handout_file: Path) -> frozenset[str]:
    """The files one handout is built from, read from the files as they are now.

    Raises PublishError when the handout itself cannot be read; a layout that cannot be read
    makes the handout depend on all of layouts/ and fonts/.
    """
    from ..load.layout import load_chain, merge_chain
    from ..load.yamlio import load

    root = Path(root)
    shown = handout_file.relative_to(root).as_posix() if handout_file.is_relative_to(root) else str(handout_file)
    doc = load(handout_file, shown)
    data = doc.data if isinstance(doc.data, dict) else {}
    deps = {shown, CLINIC}
    hid = data.get("id") if isinstance(data.get("id"), str) else handout_file.stem
    language = data.get("language") if isinstance(data.get("language"), str) else "en"
    variants = data.get("variants") if isinstance(data.get("variants"), dict) else {}
    layouts = set()
    for v in variants.values():
        if not isinstance(v, dict):
            continue
        lang = v.get("language") or language
        if isinstance(lang, str) and lang != language:
            deps.add(_rel("handouts", f"{hid}.{lang}.yaml"))
        if isinstance(v.get("layout"), str):
            layouts.add(v["layout"])
    for name in sorted(layouts):
        deps.add(_rel("layouts", f"{name}.yaml"))
        try:
            chain = load_chain(root / "layouts", name, root)
            merged, _ = merge_chain(chain)
        except Exception:  # broken, half-saved or missing: depend on everything
            deps |= EVERYTHING
            continue
        deps.update(Path(d.file).as_posix() for d in chain)
        for family in (merged.get("fonts") or {}).values() if isinstance(merged.get("fonts"), dict) else ():
            for file in (family or {}).values() if isinstance(family, dict) else ():
                if isinstance(file, str) and file:
                    deps.add(_rel("fonts", file))
        band = merged.get("title_band")
        if isinstance(band, dict) and isinstance(band.get("logo"), str) and band["logo"]:
            deps.add(_rel("layouts", band["logo"]))
    deps.update(_clinic_logos(root))
    return frozenset(deps)


def _clinic_logos(root: Path) -> set[str]:
    """The logo marks clinic files name (any handout may print one)."""
    import yaml

    found = set()
    for path in [root / CLINIC] + sorted((root / "clinics").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text("utf-8")) if path.is_file() else None
        except Exception:  # a broken clinic file is the build's to report
            continue
        if isinstance(data, dict) and isinstance(data.get("logo"), str) and data["logo"]:
            found.add(_rel("layouts", data["logo"]))
    return found


def index(root: Path, previous: Mapping[str, frozenset] | None = None) -> dict[str, frozenset]:
    """handout id -> dependencies, for every handout in handouts/; a handout that cannot be read
    keeps what it depended on before (or, if new, everything in layouts/ and fonts/)."""
    previous = previous or {}
    out = {}
    for path in handout_files(Path(root)):
        try:
            out[path.stem] = dependencies(root, path)
        except Exception:  # its own errors are printed by the build
            out[path.stem] = previous.get(path.stem) or frozenset(
                {Path(path).relative_to(root).as_posix(), CLINIC} | EVERYTHING)
    return out


# ---------------------------------------------------------------- file-system events


class Inotify:
    """Linux inotify on the watched folders and their subfolders (found again when one is made):
    wait() returns as soon as something in them changes. Where inotify is missing, opening raises
    OSError and the loop polls instead."""

    _MASK = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800  # modify, attrib, close-write,
    # moved from/to, create, delete, delete-self, move-self
    _ISDIR, _HEADER = 0x40000000, 16  # struct inotify_event: wd, mask, cookie, len, then the name

    def __init__(self, root: Path, skip: Path | None = None):
        import ctypes
        import ctypes.util

        if not sys.platform.startswith("linux"):
            raise OSError("no inotify on this platform")
        self._libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        self.fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.root, self.skip = Path(root), (str(skip.resolve()) if skip else None)
        self._add_all()

    def _add(self, folder: str) -> None:
        self._libc.inotify_add_watch(self.fd, os.fsencode(folder), self._MASK)  # -1 (gone, no rights): polled later

    def _add_all(self) -> None:
        self._add(str(self.root))  # a watched folder made after the start
        for top in WATCHED:
            for folder, dirs, _ in os.walk(self.root / top):
                if self.skip and os.path.realpath(folder).startswith(self.skip):
                    dirs[:] = []
                    continue
                dirs[:] = [d for d in dirs if not ignored(d)]
                self._add(folder)

    def wait(self, timeout: float | None) -> bool:
        """True when something changed within timeout seconds (events read and dropped)."""
        import select

        if not select.select([self.fd], [], [], timeout)[0]:
            return False
        new_folder = False
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            at = 0
            while at + self._HEADER <= len(data):
                mask, length = int.from_bytes(data[at + 4:at + 8], sys.byteorder), \
                    int.from_bytes(data[at + 12:at + 16], sys.byteorder)
                new_folder |= bool(mask & self._ISDIR)
                at += self._HEADER + length
        if new_folder:
            self._add_all()
        return True

    def close(self) -> None:
        os.close(self.fd)


def _events(root: Path, skip: Path | None) -> Inotify | None:
    try:
        return Inotify(root, skip)
    except (OSError, AttributeError):  # not Linux, no libc symbol, or out of inotify instances
        return None


EVENT_SETTLE = 0.05  # with events: the files must hold still this long (an editor's save is one change)
SAFETY_LOOK = 2.0  # with events: look at the files this often anyway, in case an event was missed


# ---------------------------------------------------------------- the loop


class _Printer:
    """Lines to the terminal (or pipe) at once: stdout for what was written, stderr for errors."""

    def __init__(self, out=None, err=None):
        self.out = out or sys.stdout
        self.err = err or sys.stderr

    def info(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def error(self, text: str) -> None:
        self.out.flush()
        print(text, file=self.err, flush=True)


def _stamp() -> str:
    return time.strftime("%H:%M:%S")


def _shown_changes(changed: set[str], limit: int = 3) -> str:
    names = sorted(changed)
    text = ", ".join(names[:limit])
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")


def rebuild(root: Path, names: list[str], variants: list[str], out_dir: Path, printer: _Printer,
            shown_warnings: set, on_report=None) -> bool:
    """One build of the named handouts, every line printed; False when it reported errors.
    on_report(report or None) is called after it (the live preview)."""
    started = time.monotonic()
    try:
        report = build(root, names, variants, out_dir)
    except Exception as exc:  # a bug must not end the designer's session
        printer.error(f"error: internal error while building {', '.join(names)}: {exc!r}")
        printer.error("".join(traceback.format_exception(exc)).rstrip())
        if on_report:
            on_report(None)
        return False
    if on_report:
        on_report(report)
    for entry in report.written:
        printer.info(f"wrote {entry['path']}  ({entry['pages']} pages, {entry['bytes'] // 1024} KB, {entry['status']})")
        if entry.get("web_page"):
            printer.info(f"wrote {entry['web_page']['path']}  (web page, {entry['web_page']['bytes'] // 1024} KB)")
    new = [w for w in report.warnings if str(w) not in shown_warnings]
    for warning in new:
        printer.error(f"warning: {warning}  [{warning.code}]")
    shown_warnings.update(str(w) for w in report.warnings)
    for problem in report.problems:
        printer.error(f"error: {problem}")
    if report.failed:
        printer.error(f"not published: {', '.join(report.failed)} (earlier PDFs left as they were)")
    quiet = len(report.warnings) - len(new)
    printer.info(f"[{_stamp()}] {len(report.written)} written, {len(report.problems)} "
                 f"error{'s' if len(report.problems) != 1 else ''}"
                 + (f", {quiet} warning{'s' if quiet != 1 else ''} as before" if quiet else "")
                 + f" in {time.monotonic() - started:.1f} s; watching")
    return not report.problems


def _settle(root: Path, current: Snapshot, interval: float, skip: Path | None) -> Snapshot:
    """Wait until the watched files hold still for one interval (at most SETTLE_LIMIT seconds)."""
    waited = 0.0
    while waited < SETTLE_LIMIT:
        time.sleep(interval)
        waited += interval
        again = snapshot(root, skip)
        if again == current:
            break
        current = again
    return current


def _forget_fonts(root: Path, changed: set[str]) -> None:
    """A font file replaced under the same name is registered again by the next build."""
    from ..load import fonts

    for path in changed:
        if path.startswith("fonts/"):
            fonts._REGISTERED.pop((Path(root) / path).resolve(), None)


def watch(root: Path, names: list[str] | None = None, out_dir: Path | None = None, interval: float = 0.3,
          variants: list[str] | None = None, printer: _Printer | None = None, poll: bool = False,
          serve_port: int | None = None) -> int:
    """Build once, then rebuild what each saved change affects until interrupted (Ctrl-C: 0).

    File-system events (inotify) where the platform has them, else (or with poll) a look every
    interval seconds. serve_port: also serve a live preview page on 127.0.0.1 (0: any free port)."""
    root = Path(root).resolve()
    out_dir = Path(out_dir or root / "out").resolve()
    printer = printer or _Printer()
    variants = list(variants or [])
    files, unknown = select(root, list(names or []))
    handouts_dir = (root / "handouts").resolve()
    outside = [str(f) for f in files if f.resolve().parent != handouts_dir]
    if unknown or outside:
        for name in unknown:
            printer.error(f"error: {name}: no such handout; give a handout id (a file name in handouts/ without .yaml)")
        for name in outside:
            printer.error(f"error: {name}: watch follows handouts in handouts/ only")
        return 2
    only = {f.stem for f in files} if names else None  # None: every handout, new ones too
    skip = out_dir if any(out_dir.is_relative_to(root / w) for w in WATCHED) else None
    shown_warnings: set = set()
    events = None if poll else _events(root, skip)
    preview = server = None
    if serve_port is not None:
        from ..publish.serve import start_preview

        try:
            server, preview = start_preview(out_dir, serve_port)
        except OSError as exc:
            printer.error(f"error: cannot listen on 127.0.0.1:{serve_port}: {exc.strerror or exc}; "
                          "choose another port with --port")
            return 1
    try:
        previous = snapshot(root, skip)
        deps = index(root)
        targets = sorted(only if only is not None else deps)
        how = "on file-system events" if events else f"every {interval:g} s"
        printer.info(f"watching handouts/, layouts/ and fonts/ {how}; Ctrl-C stops")
        if preview:
            printer.info(f"preview: {preview.url} (this computer only; refreshes after each rebuild)")
        on_report = preview.update if preview else None
        printer.info(f"[{_stamp()}] building {', '.join(targets) or 'nothing (no handouts yet)'}")
        if targets:
            rebuild(root, targets, variants, out_dir, printer, shown_warnings, on_report)
        while True:
            if events:
                events.wait(SAFETY_LOOK)
            else:
                time.sleep(interval)
            current = snapshot(root, skip)
            if current == previous:
                continue
            current = _settle(root, current, EVENT_SETTLE if events else interval, skip)
            changed = changes(previous, current)
            previous = current
            if not changed:
                continue
            _forget_fonts(root, changed)
            new_deps = index(root, deps)
            hit = affected(changed, deps) | affected(changed, new_deps)
            deps = new_deps
            gone = sorted(h for h in hit if h not in deps and (only is None or h in only))
            for h in gone:
                printer.info(f"[{_stamp()}] handouts/{h}.yaml is gone; its PDFs in {out_dir.name}/ are left as they were")
            targets = sorted(h for h in hit if h in deps and (only is None or h in only))
            if not targets:
                if not gone:
                    printer.info(f"[{_stamp()}] {_shown_changes(changed)} changed; no watched handout uses it")
                continue
            printer.info(f"[{_stamp()}] {_shown_changes(changed)} changed; rebuilding {', '.join(targets)}")
            rebuild(root, targets, variants, out_dir, printer, shown_warnings, on_report)
    except KeyboardInterrupt:
        printer.info("stopped")
        return 0
    finally:
        if events:
            events.close()
        if server:
            server.shutdown()
            server.server_close()
