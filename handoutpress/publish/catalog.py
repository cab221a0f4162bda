"""The staff catalog: out/index.html, every PDF in out/manifest.json with a page-1 thumbnail.

The page is built from the manifest alone (so it lists everything published, not only what the
last build rebuilt) with the Jinja2 template templates/catalog.html, autoescaped: titles are
content text. Every link is relative, and the page loads nothing from elsewhere, so it works
opened from disk (file://) and through `publish.py serve` alike. Thumbnails are PNGs written
beside their PDFs (out/<handout>/<file>.png); the same PDF always gives the same PNG bytes, and
a file whose bytes would not change is not rewritten.

Finding: the page carries its own search index (each row's title, subtitle, keywords, topics and
the words of its PDF, folded to lower case without accents) as inline JSON, so search works from
disk and through serve alike, with no request. "New" and "Updated" marks count back from the
catalog's own date, the newest review date in the manifest (never the clock: same manifest, same
page), and a web page (issue 15) is one more format in FORMATS.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import functools
import struct
import unicodedata
import zlib
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .output import MANIFEST, read_manifest, write_atomic

INDEX = "index.html"
MAX_ITEMS = 20  # handouts in one packet (a visit's); hundreds of entries are a mistake or an attack
TEMPLATES = Path(__file__).resolve().parent / "templates"
THUMB_PIXELS = 192  # width of the PNG: shown at 96 CSS pixels, sharp on high-density screens
THUMB_CSS = 96

AUDIENCES = {"patient": "Patients", "family": "Family and caregivers", "clinician": "Clinicians"}
AUDIENCE_ORDER = {"patient": 0, "family": 1, "clinician": 2}
# Language names in English (the page's language) and in their own, for the filter and the table.
LANGUAGES = {"en": "English", "es": "Spanish (español)", "fr": "French (français)", "pt": "Portuguese (português)",
             "zh": "Chinese (中文)", "vi": "Vietnamese (Tiếng Việt)", "ar": "Arabic (العربية)",
             "ko": "Korean (한국어)", "ru": "Russian (русский)", "ht": "Haitian Creole (kreyòl ayisyen)",
             "tl": "Tagalog"}
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
STATUS = {"approved": "Approved", "draft": "Draft", "in-review": "In review"}
# What a row is, for the format column and filter; "web" shows once the manifest lists web pages.
FORMATS = {"standard": "Standard print", "large-print": "Large print", "fillable": "Fillable", "web": "Web page"}
FORMAT_ORDER = list(FORMATS)
ROWS_SHOWN = 100  # rows a section lists before "Show all" (with JavaScript): layout, not search, costs at scale
MARK_DAYS = 60  # reviewed this many days before the catalog's date or less: marked New (version 1.x) or Updated
WORD = re.compile(r"[^\W_]+")


# ---------------------------------------------------------------- thumbnails


def png(width: int, height: int, rgb: bytes, stride: int | None = None) -> bytes:
    """A plain 8-bit RGB PNG: no timestamps or other chunks, so the same pixels give the same bytes."""
    stride = stride or width * 3
    rows = b"".join(b"\x00" + rgb[y * stride:y * stride + width * 3] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))  # 9: 5x the time, 3% smaller


def thumbnail(pdf: Path | bytes, width: int = THUMB_PIXELS) -> bytes:
    """Page 1 of a PDF (a file, or its bytes) as PNG bytes, width pixels wide, on white."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        page = doc[0]
        bitmap = page.render(scale=width / page.get_width(), rev_byteorder=True, fill_color=(255, 255, 255, 255),
                             draw_annots=False)
        return png(bitmap.width, bitmap.height, bytes(bitmap.buffer), bitmap.stride)
    finally:
        doc.close()


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


def thumbnail_path(pdf_path: str) -> str:
    """out/-relative path of the thumbnail of an out/-relative PDF path."""
    return str(PurePosixPath(pdf_path).with_suffix(".png"))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds exactly these bytes (its mtime then stays)."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def write_thumbnails(manifest: dict, out_dir: Path) -> dict[str, tuple[int, int]]:
    """A PNG beside every PDF in the manifest; returns pixel size by PDF path (none for a PDF it cannot read)."""
    sizes = {}
    for entry in _entries(manifest, out_dir):
        pdf, png_path = out_dir / entry["path"], out_dir / thumbnail_path(entry["path"])
        if png_path.is_file() and png_path.stat().st_mtime_ns >= pdf.stat().st_mtime_ns:
            with open(png_path, "rb") as f:
                sizes[entry["path"]] = png_size(f.read(24))  # the PDF has not changed since
            continue
        try:
            data = thumbnail(pdf)
        except Exception:  # pdfium's errors; a catalog without one preview beats no catalog
            continue
        write_if_changed(out_dir / thumbnail_path(entry["path"]), data)
        sizes[entry["path"]] = png_size(data)
    return sizes


# ---------------------------------------------------------------- search


def fold(text: str) -> str:
    """Lower case without accents: 'Benzodiazepinas Qué' -> 'benzodiazepinas que' (the page folds queries alike)."""
    if text.isascii():  # nothing to decompose (most English text): a C-speed lower()
        return text.lower()
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text.lower()))  # exactly what the page's fold() removes


_ACCENTS = re.compile("[\u0300-\u036f]")  # combining diacritical marks: the page's fold() drops this range


def words_of(text: str) -> list[str]:
    """The distinct folded words of a text, in first-seen order."""
    return list(dict.fromkeys(WORD.findall(fold(text))))


def search_words(text_layer: str) -> str:
    """Every distinct word a reader of the PDF gets, folded, space-separated, from its text layer as the
    renderer drew it (RenderedPDF.text: what a PDF reader extracts; tests/test_catalog.py reads the
    PDFs back with pdfium and finds the same words)."""
    return " ".join(words_of(text_layer))


def catalog_date(manifest: dict) -> str:
    """The catalog's 'today': the newest review date in the manifest (deterministic, unlike the clock)."""
    dates = [str(e.get("reviewed") or "") for e in _entries(manifest)]
    return max((d for d in dates if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)), default="")


def _mark(entry: dict, today: str) -> str:
    """'new' or 'updated' for an approved handout reviewed within MARK_DAYS of today, else ''."""
    reviewed = str(entry.get("reviewed") or "")
    if entry.get("status") != "approved" or not today or not reviewed:
        return ""
    try:
        age = (_dt.date.fromisoformat(today) - _dt.date.fromisoformat(reviewed)).days
    except ValueError:
        return ""
    if not 0 <= age <= MARK_DAYS:
        return ""
    return "new" if str(entry.get("version") or "").split(".")[0] in ("", "0", "1") else "updated"


def _haystack(entry: dict, title: str) -> str:
    """What search looks in: title, subtitle, keywords, topics, handout id and the PDF's words."""
    lists = [str(x) for k in ("keywords", "topics") for x in (entry.get(k) or []) if isinstance(x, str)]
    head = words_of(" ".join([title, str(entry.get("subtitle") or ""), str(entry.get("handout") or ""),
                              str(entry.get("variant") or ""), *lists]))
    return " ".join(dict.fromkeys(head + str(entry.get("words") or "").split()))


def search_index(rows: list[dict]) -> str:
    """The inline JSON index, safe inside <script>: the words all of a handout's rows share ("h": handout ->
    words) and each row's others ("r": row id -> words); variants share most words, so it is far smaller."""
    by_handout: dict[str, list[dict]] = {}
    for r in rows:
        by_handout.setdefault(r["handout"], []).append(r)
    shared, own = {}, {}
    for handout, group in by_handout.items():
        common = set.intersection(*(set(r["search"].split()) for r in group))
        shared[handout] = " ".join(w for w in group[0]["search"].split() if w in common)
        for r in group:
            own[r["item"]] = " ".join(w for w in r["search"].split() if w not in common)
    data = json.dumps({"h": shared, "r": own}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---------------------------------------------------------------- the page


def _entries(manifest: dict, out_dir: Path | None = None) -> list[dict]:
    """The manifest's outputs that are safe to link: relative paths inside out/ to a .pdf."""
    found = []
    for entry in manifest.get("outputs", []) if isinstance(manifest, dict) else []:
        path = str(entry.get("path", "")) if isinstance(entry, dict) else ""
        parts = PurePosixPath(path).parts
        if not path.endswith(".pdf") or path.startswith("/") or ".." in parts or "\\" in path:
            continue
        if out_dir is not None and not (out_dir / path).is_file():
            continue
        found.append(entry)
    return found


def _language(code: str) -> str:
    return LANGUAGES.get(code.split("-")[0], code) if code else "unknown"


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def _date(iso: str) -> str:
    """'2026-11-26' -> 'Nov 26, 2026' (the page is in English, for staff)."""
    import datetime as _dt

    try:
        d = _dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def _row(entry: dict, thumbs: dict, today: str = "") -> dict:
    from ..checks.plain_language import reading_label  # only when the page is made again

    path = entry["path"]
    audience, language, status = (str(entry.get(k) or "") for k in ("audience", "language", "status"))
    size = thumbs.get(path)
    title = str(entry.get("title") or entry.get("handout") or path)
    fmt = str(entry.get("format") or "standard")
    topics = [str(t) for t in entry.get("topics") or [] if isinstance(t, str)]
    mark = _mark(entry, today)
    return {
        "item": f"{entry.get('handout', '')}:{entry.get('variant', '')}", "search": _haystack(entry, title),
        "subtitle": str(entry.get("subtitle") or ""), "topics": topics, "topics_data": "|".join(topics),
        "format": fmt, "format_label": FORMATS.get(fmt, fmt.replace("-", " ").capitalize()),
        "mark": mark, "mark_label": {"new": "New", "updated": "Updated"}.get(mark, ""),
        "title": title,
        "handout": str(entry.get("handout", "")), "variant": str(entry.get("variant", "")),
        "clinic": str(entry.get("clinic") or ""),
        "audience": audience, "audience_label": AUDIENCES.get(audience, audience.replace("-", " ").capitalize()),
        "language": language, "language_label": _language(language),
        "status": status, "status_label": STATUS.get(status, status.replace("-", " ").capitalize() or "Unknown"),
        "approved": status == "approved",
        "pages": entry.get("pages"), "size": _size(int(entry.get("bytes") or 0)),
        "reviewed": str(entry.get("reviewed") or ""), "reviewed_label": _date(str(entry.get("reviewed") or "")),
        "reviewer": str(entry.get("reviewer") or ""),
        "next_review": str(entry.get("next_review") or ""), "next_review_label": _date(str(entry.get("next_review") or "")),
        "version": str(entry.get("version") or ""), "reading_label": reading_label(entry.get("reading")),
        "href": quote(path), "file_name": PurePosixPath(path).name, "web": _web_href(entry),
        "thumb": quote(thumbnail_path(path)) if size else "",
        "thumb_width": THUMB_CSS, "thumb_height": round(THUMB_CSS * size[1] / size[0]) if size else 0,
    }


def _web_href(entry: dict) -> str:
    """The variant's web page, when the manifest records a safe relative .html path for it."""
    web = entry.get("web_page")
    path = str(web.get("path", "")) if isinstance(web, dict) else ""
    if not path.endswith(".html") or path.startswith("/") or ".." in PurePosixPath(path).parts or "\\" in path:
        return ""
    return quote(path)


def _order(row: dict) -> tuple:
    return (row["handout"], AUDIENCE_ORDER.get(row["audience"], 9), row["audience"], row["language"] != "en",
            row["language"], row["variant"] != row["audience"], row["variant"])


@functools.lru_cache(maxsize=1)
def _environment():
    """One Jinja2 environment a process: it compiles the template once (~25 ms), not at every build."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


@functools.lru_cache(maxsize=1)
def _template():
    """templates/catalog.html as Jinja2 compiled it into catalog_template.py (Jinja2's own format for
    precompiled templates, as its ModuleLoader reads them: ~20 ms less for a build that remakes the page),
    or, when that file was made from another template, Jinja2 or environment, compiled here."""
    env = _environment()
    try:
        from . import catalog_template as compiled
    except ImportError:
        compiled = None
    if compiled is not None and getattr(compiled, "MADE_FROM", "") == _template_key(env):
        return env.template_class.from_module_dict(env, vars(compiled), env.make_globals(None))
    return env.get_template("catalog.html")


def _template_key(env) -> str:
    import hashlib

    import jinja2

    options = (jinja2.__version__, env.autoescape, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
               env.undefined.__name__)
    return hashlib.sha256(repr(options).encode() + (TEMPLATES / "catalog.html").read_bytes()).hexdigest()


def compiled_template() -> str:
    """The text of catalog_template.py: `python -m handoutpress.publish.catalog` writes it (--check: is it
    current?), tests/test_catalog.py checks it."""
    env = _environment()
    source = (TEMPLATES / "catalog.html").read_text("utf-8")
    code = env.compile(source, "catalog.html", "catalog.html", raw=True, defer_init=True)
    return ("# Generated by `python -m handoutpress.publish.catalog`: do not edit (run it again instead).\n"
            "# templates/catalog.html as Jinja2 compiles it (the format of its ModuleLoader); read by\n"
            "# catalog._template only while MADE_FROM is the template's, Jinja2's and the environment's key.\n"
            f'MADE_FROM = "{_template_key(env)}"\n' + code + ("" if code.endswith("\n") else "\n"))


def catalog_html(manifest: dict, thumbs: dict[str, tuple[int, int]] | None = None, clinic: str = "") -> str:
    """The catalog page for a manifest; thumbs gives the pixel size of each PDF's thumbnail (none: no image)."""
    thumbs = thumbs or {}
    today = catalog_date(manifest)
    rows = sorted((_row(e, thumbs, today) for e in _entries(manifest)), key=_order)
    clinics = sorted({r["clinic"] for r in rows})
    if len(clinics) > 1:  # several clinics: each clinic's PDFs together, the clinic named in its own column
        rows.sort(key=lambda r: r["clinic"])
        clinic = ""
    env = _environment()

    def options(key: str, label: str) -> list[tuple[str, str]]:
        return sorted({(r[key], r[label]) for r in rows}, key=lambda o: (AUDIENCE_ORDER.get(o[0], 9), o[1]))

    sections = [
        {"id": "approved", "heading": "Approved for patients",
         "intro": "Reviewed and approved: ready to print, hand out or attach to an e-mail.",
         "empty": "No handout is approved yet.", "rows": [r for r in rows if r["approved"]]},
        {"id": "drafts", "heading": "Drafts \N{EM DASH} not for distribution",
         "intro": "Not yet approved by a clinician (translations also by a qualified translator). Every page "
                  "is marked DRAFT. Do not give these to patients or families.",
         "empty": "No drafts.", "rows": [r for r in rows if not r["approved"]]},
    ]
    return _template().render(
        clinic=clinic, clinics=clinics, rows=rows, sections=sections, handouts=len({r["handout"] for r in rows}),
        audiences=options("audience", "audience_label"), languages=options("language", "language_label"),
        formats=sorted({(r["format"], r["format_label"]) for r in rows},
                       key=lambda o: (FORMAT_ORDER.index(o[0]) if o[0] in FORMAT_ORDER else 99, o[1])),
        topics=sorted({t for r in rows for t in r["topics"]}, key=str.lower), today=today,
        today_label=_date(today) if today else "", mark_days=MARK_DAYS, index=search_index(rows),
        max_items=MAX_ITEMS, rows_shown=ROWS_SHOWN)


def write_catalog(out_dir: Path, clinic: str = "") -> Path | None:
    """out_dir/index.html and the thumbnails, from out_dir/manifest.json; nothing when there is no manifest."""
    out_dir = Path(out_dir)
    if not (out_dir / MANIFEST).is_file():
        return None
    manifest = {"outputs": _entries({"outputs": read_manifest(out_dir)}, out_dir)}  # damaged entries are left out  # a PDF deleted by hand is not linked
    thumbs = write_thumbnails(manifest, out_dir)
    target = out_dir / INDEX
    key = _catalog_key(manifest, thumbs, clinic)
    if _made_from(target) == key:  # the same manifest, thumbnails and code: the page it would make is there
        return target
    write_if_changed(target, (catalog_html(manifest, thumbs, clinic) + KEY_MARK.format(key=key)).encode("utf-8"))
    return target


KEY_MARK = "<!-- catalog made from {key} -->\n"  # last line of index.html: what it was made from


def _catalog_key(manifest: dict, thumbs: dict, clinic: str) -> str:
    """Hash of everything the page is made from: the manifest's entries, the thumbnails' sizes, the
    clinic's name, and the package's code and templates (an edited template or module remakes it)."""
    import hashlib

    digest = hashlib.sha256(json.dumps([manifest, sorted(thumbs.items()), clinic], sort_keys=True).encode())
    digest.update(_code_digest())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _code_digest() -> bytes:
    import hashlib

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for f in sorted(package.rglob("*.py")) + sorted(TEMPLATES.rglob("*")):
        if f.is_file():
            digest.update(str(f.relative_to(package)).encode() + b"\0" + f.read_bytes())
    return digest.digest()


def _made_from(page: Path) -> str:
    """The key in an existing catalog page's last line, or "" (no page, or one made otherwise)."""
    try:
        with open(page, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 200))
            tail = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    found = re.search(r"<!-- catalog made from ([0-9a-f]{64}) -->\n$", tail)
    return found.group(1) if found else ""


if __name__ == "__main__":
    import sys

    _target = Path(__file__).with_name("catalog_template.py")
    _text = compiled_template()
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if _target.is_file() and _target.read_text("utf-8") == _text else
                 f"{_target} is not current: run python -m handoutpress.publish.catalog")
    _target.write_text(_text, "utf-8")
    print(f"wrote {_target}")
