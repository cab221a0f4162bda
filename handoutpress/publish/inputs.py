"""What a build reads, and the hash of it that lets an unchanged handout be skipped."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem, PublishError

CLINIC_FILE = "clinic.yaml"
PICTURES = (".png", ".jpg", ".jpeg", ".svg")  # a figure's file, in images/ or beside the handouts


def handout_files(root: Path) -> list[Path]:
    # handouts/<id>.yaml; translations are handouts/<id>.<lang>.yaml. A directory, a pipe or a link
    # to /dev/zero named like a handout is listed too: the loader refuses it at its name, unread
    return sorted(p for p in (root / "handouts").glob("*.yaml")
                  if p.name != CLINIC_FILE and "." not in p.stem)


def translation_file(root: Path, handout_file: str, handout_id: str, language: str) -> Path:
    return root / Path(handout_file).parent / f"{handout_id}.{language}.yaml"  # an absolute path stays absolute


def load_translation_for(root: Path, handout, variant, cache: dict):
    """The translation of a handout into the variant's language, loaded once per build."""
    from ..load.translation import load_translation

    language = variant.language
    key = (handout.id, language)
    if key not in cache:
        path = translation_file(root, handout.file, handout.id, language)
        if not path.is_file():
            p = variant.place
            raise PublishError(Problem(p.file, p.line, p.column, p.path,
                                       f"a {language} variant needs the translation file {_shown(path, root)}",
                                       f"create it with: python publish.py translation {handout.id} {language}", code="translation-file-missing"))
        tr = load_translation(path, _shown(path, root))
        if tr.handout_id != handout.id or tr.language != language:
            p = tr.places["translation_of" if tr.handout_id != handout.id else "language"]
            raise PublishError(Problem(p.file, p.line, p.column, p.path,
                                       f"this file translates '{tr.handout_id}' into '{tr.language}', "
                                       f"not '{handout.id}' into '{language}'", "fix translation_of: and language:", code="translation-mismatch"))
        cache[key] = tr
    return cache[key]


def _shown(path: Path, root: Path) -> str:
    try:  # the name the author sees, not where a link points
        return str((path.parent.resolve() / path.name).relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system
        return False


def select(root: Path, names: list[str]) -> tuple[list[Path], list[str]]:
    """Handout files for the names given (ids or paths); unknown names come back separately."""
    files = handout_files(root)
    if not names:
        return files, []
    chosen, unknown = [], []
    by_id = {p.stem: p for p in files}
    for name in names:
        path = Path(name)
        if name in by_id:
            chosen.append(by_id[name])
        elif path.suffix in (".yaml", ".yml") and _is_file(path):
            chosen.append(path)
        else:
            unknown.append(name)
    return chosen, unknown


def inputs_key(path: Path, shared: str, translations: list) -> str:
    """A hash of everything a handout's outputs depend on: the handout and its translations (its
    <id>.<lang>.yaml files, see translation_files), and shared: shared_key() of the project."""
    import hashlib

    digest = hashlib.sha256(shared.encode())
    for dep in [path] + sorted(translations):
        # only regular files are read: a pipe would block, a link to /dev/zero would never end
        digest.update(dep.name.encode() + b"\0" + (dep.read_bytes() if dep.is_file() else b"\0not a file\0"))
    return digest.hexdigest()


def translation_files(folder: Path) -> dict[str, list[Path]]:
    """handout id -> its translation files in folder (<id>.<lang>.yaml), from one listing of the folder."""
    found = {}
    for p in folder.glob("*.*.yaml"):
        found.setdefault(p.name.split(".", 1)[0], []).append(p)
    return found


# What draws and writes the PDFs: a new version of any may change the bytes (as may Python's zlib).
RENDERING_LIBRARIES = ("reportlab", "pikepdf", "jinja2", "markupsafe", "yaml", "svglib", "lxml", "pypdfium2",
                       "PIL")
_DIST_NAMES = {"yaml": "pyyaml", "PIL": "pillow"}


def libraries() -> str:
    """Python, zlib and the installed versions of the rendering libraries, from their dist-info folder
    names (found without importing them, so a no-op build stays fast)."""
    import importlib.util
    import sys
    import zlib

    found = [f"python {sys.version.split()[0]}", f"zlib {zlib.ZLIB_RUNTIME_VERSION}"]
    listed = {}  # site folder -> its dist-info folders (one listing for all the libraries)
    for module in RENDERING_LIBRARIES:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.origin:
            found.append(f"{module} missing")
            continue
        site = os.path.dirname(os.path.dirname(spec.origin))
        if site not in listed:
            try:
                listed[site] = sorted(n for n in os.listdir(site) if n.endswith(".dist-info"))
            except OSError:
                listed[site] = []
        dist = _DIST_NAMES.get(module, module).lower()
        found += [n for n in listed[site] if n.lower().split("-")[0] == dist]
    return "\n".join(found)


def shared_key(root: Path) -> str:
    """Hash of the files every handout depends on (read afresh each build: a watcher's next build
    must see the layout just saved), and of the libraries that render them."""
    import hashlib

    digest = hashlib.sha256(libraries().encode())
    package = Path(__file__).resolve().parents[1]  # the whole package: every stage's code
    files = [root / "handouts" / CLINIC_FILE] + sorted((root / "clinics").glob("*.yaml")) + \
        sorted((root / "layouts").rglob("*")) + \
        sorted((root / "fonts").rglob("*")) + sorted((root / "images").rglob("*")) + \
        sorted(f for f in (root / "handouts").rglob("*") if f.suffix.lower() in PICTURES) + \
        _walk(package, ".py") + _walk(package / "data")
    names = [str(f.relative_to(root if f.is_relative_to(root) else package)) for f in files]
    for name, file_digest in zip(names, file_digests(root, files)):
        if file_digest:
            digest.update(name.encode() + b"\0" + file_digest.encode())
    return digest.hexdigest()


def _walk(folder: Path, suffix: str = "") -> list[Path]:
    """Every file under folder (named *suffix), sorted as Path.rglob's would be, listed with os.walk
    (rglob takes ten times as long over the package)."""
    found = []
    for top, dirs, names in os.walk(folder):
        found += [Path(top, n) for n in names if n.endswith(suffix)]
    return sorted(found)


DIGESTS = Path(".cache") / "digests.json"  # under the project's root: the digest of each input file by its stat
SETTLED_NS = 2_000_000_000  # a file changed less than 2 s before it was read is read again next time


def file_digests(root: Path, files: list[Path]) -> list[str]:
    """Each file's SHA-256 ("" for one that is not a regular file), read only when its stat (size,
    modification and change times, inode, device) differs from the last build's record in
    root/.cache/digests.json. Like git's index: a record is trusted only for a file whose change time
    is over SETTLED_NS older than the reading it records (clocks tick coarsely: a file rewritten in the
    same tick keeps its times). A record that is missing, damaged or unwritable costs a read, nothing more."""
    import hashlib
    import json
    import stat
    import time

    memo_path = root / DIGESTS
    try:
        memo = json.loads(memo_path.read_text("utf-8"))
        memo = memo if isinstance(memo, dict) else {}
    except (OSError, ValueError):
        memo = {}
    now, fresh, out = time.time_ns(), {}, []
    for f in files:
        try:
            st = os.stat(f)
        except OSError:
            out.append("")
            continue
        if not stat.S_ISREG(st.st_mode):
            out.append("")
            continue
        sig = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
        entry = memo.get(str(f))
        if not (isinstance(entry, list) and len(entry) == 3 and entry[0] == sig and isinstance(entry[2], int)
                and st.st_ctime_ns + SETTLED_NS < entry[2] and isinstance(entry[1], str) and len(entry[1]) == 64):
            try:
                entry = [sig, hashlib.sha256(Path(f).read_bytes()).hexdigest(), now]
            except OSError:
                out.append("")
                continue
        fresh[str(f)] = entry
        out.append(entry[1])
    if fresh != memo:
        from ..load.markstore import write_cache_file

        write_cache_file(memo_path, json.dumps(fresh, separators=(",", ":")))
    return out


def _unchanged(out_dir: Path, previous: list, shown: str, key: str, variants) -> list | None:
    """The manifest entries of a handout whose inputs have not changed and whose PDFs are intact."""
    import hashlib

    mine = [e for e in previous if e.get("source") == shown]
    if not mine or any(e.get("inputs") != key for e in mine):
        return None
    if variants and not set(variants) <= {e.get("variant") for e in mine}:
        return None
    for e in mine:
        web = e.get("web_page") if isinstance(e.get("web_page"), dict) else {}
        for path, digest in ((e.get("path", ""), e.get("sha256")), (web.get("path", ""), web.get("sha256"))):
            file = out_dir / str(path)
            if not path or not file.is_file() or hashlib.sha256(file.read_bytes()).hexdigest() != digest:
                return None
        if not all((out_dir / str(a)).is_file() for a in web.get("assets", [])):
            return None  # a web page's fonts are gone: rebuilding copies them again
    return mine
