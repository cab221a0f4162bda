"""PNG previews of every page of a variant, rendered in memory: the designer's quick look.

Nothing is written to out/<handout>/ and the manifest is left alone: each variant is rendered
with build.render_variant (the same bytes `build` would write) and its pages are drawn with
PDFium (pypdfium2) into PNGs.
"""
from __future__ import annotations

import io
import re
from dataclasses import field
from pathlib import Path

from ..records import dataclass
from ..errors import Problem, PublishError

DEFAULT_DPI = 100
MIN_DPI, MAX_DPI = 10, 600  # 600 dpi is a letter page of 5100 x 6600 pixels; more is a typo


@dataclass
class Rendered:
    """One variant rendered in memory, or the problems that stopped it."""

    handout_id: str
    variant: str
    built: object = None  # build.Built, or None when the variant failed
    problems: list = field(default_factory=list)


@dataclass
class PreviewReport:
    written: list = field(default_factory=list)  # (handout id, variant, [Path of page 1, page 2, ...])
    problems: list = field(default_factory=list)


def page_images(data: bytes, dpi: float, pages=None) -> list:
    """PIL RGB images of the PDF's pages (all, or the 0-based page numbers given) at dpi."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for index in (range(len(pdf)) if pages is None else pages):
            page = pdf[index]
            try:
                image = page.render(scale=dpi / 72).to_pil().convert("RGB")
            finally:
                page.close()
            out.append(image)
        return out
    finally:
        pdf.close()


def png_bytes(image) -> bytes:
    """PNG of a PIL image; the same pixels always give the same bytes (no time stamp, no text chunks)."""
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def render_handout(root: Path, name: str, variant_names=()) -> list[Rendered]:
    """Render the chosen variants (default: every one) of one handout, in memory.

    A handout that cannot be loaded, or an unknown variant name, raises PublishError; a variant
    that fails (page budget, stale translation, ...) comes back with its problems, the others
    are still rendered.
    """
    from ..load.content import load_handout
    from ..load.layout import list_layouts
    from ..publish.build import Caches, render_variant
    from ..publish.inputs import _shown, select
    from ..resolve.variants import find_variant

    root = Path(root)
    files, unknown = select(root, [name])
    if unknown:
        raise PublishError(Problem(name, None, None, "", "no such handout",
                                   f"give a handout id (one of: {', '.join(p.stem for p in select(root, [])[0])}) "
                                   "or a path", code="handout-unknown"))
    from ..publish.build import repository_clinics

    caches = Caches()
    clinic = repository_clinics(root, caches).default
    handout = load_handout(files[0], clinic, _shown(files[0], root), layouts=list_layouts(root / "layouts"))
    chosen = list(handout.variants)
    if variant_names:
        missing = [n for n in variant_names if find_variant(handout, n) is None]
        if missing:
            raise PublishError(Problem(handout.file, None, None, "variants",
                                       f"no variant named {', '.join(missing)}",
                                       f"use one of: {', '.join(v.name for v in handout.variants)}",
                                       code="variant-unknown"))
        chosen = [find_variant(handout, n) for n in dict.fromkeys(variant_names)]
    out = []
    for variant in chosen:
        try:
            out.append(Rendered(handout.id, variant.name, render_variant(handout, variant, root, caches)))
        except PublishError as exc:
            out.append(Rendered(handout.id, variant.name, None, list(dict.fromkeys(exc.problems))))
    return out


_PAGE_FILE = re.compile(r"page-(\d+)\.png")


def write_pages(images, folder: Path) -> list[Path]:
    """page-1.png, page-2.png, ... in folder; pages left over from a longer earlier preview are removed."""
    from ..publish.output import write_atomic

    paths = []
    for n, image in enumerate(images, 1):
        path = folder / f"page-{n}.png"
        write_atomic(path, png_bytes(image))
        paths.append(path)
    for old in folder.glob("page-*.png"):
        m = _PAGE_FILE.fullmatch(old.name)
        if m and int(m.group(1)) > len(images):
            old.unlink()
    return paths


def preview(root: Path, name: str, variant_names=(), out_dir: Path | None = None,
            dpi: float = DEFAULT_DPI) -> PreviewReport:
    """PNGs of every page of the chosen variants in out_dir/<handout>/<variant>/page-<n>.png
    (default out_dir: out/preview)."""
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"dpi must be between {MIN_DPI} and {MAX_DPI}")
    root = Path(root)
    out_dir = Path(out_dir) if out_dir else root / "out" / "preview"
    report = PreviewReport()
    for item in render_handout(root, name, variant_names):
        if item.built is None:
            report.problems += item.problems
            continue
        images = page_images(item.built.data, dpi)
        folder = out_dir / item.handout_id / item.variant
        paths = write_pages(images, folder)
        if item.built.page:  # the web page too, its fonts beside the variants' folders (its ../_assets/)
            from ..publish.output import ASSETS, holds, write_atomic

            write_atomic(folder / "page.html", item.built.page)
            for font in item.built.fonts:
                data = Path(font).read_bytes()
                if not holds(folder.parent / ASSETS / Path(font).name, data):
                    write_atomic(folder.parent / ASSETS / Path(font).name, data)
            paths.append(folder / "page.html")
        report.written.append((item.handout_id, item.variant, paths))
    return report
