"""Converted logo marks kept on disk (load/markstore.py): what a build draws from the store is what
it would draw from the SVG, a damaged or foreign store file is ignored, a mark's problems are found
in the SVG every time, and a cold build with the store filled imports neither svglib nor lxml."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.colors import HexColor, black, white
from reportlab.pdfgen.canvas import Canvas

from handoutpress.errors import PublishError
from handoutpress.load.logo import load_mark, mark_inks
from handoutpress.load.markstore import MarkStore, decode, encode
from project_copy import ROOT, copy_project

SVGS = {
    "shipped": (ROOT / "layouts" / "assets" / "maple-mountain-mark.svg").read_text(),
    "riverbend": (ROOT / "tests" / "fixtures" / "clinics" / "riverbend-mark.svg").read_text(),
    "two-colour": (ROOT / "tests" / "fixtures" / "check" / "logo-one-ink" / "layouts" / "assets"
                   / "two-colour-mark.svg").read_text(),
    "shapes": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 80">'
              '<rect x="5" y="5" width="30" height="20" rx="3" fill="#336699" stroke="#112233" stroke-width="2"/>'
              '<circle cx="60" cy="40" r="15" fill="none" stroke="#aa0000" stroke-dasharray="3 2"/>'
              '<ellipse cx="90" cy="20" rx="12" ry="6" fill="#ffffff" fill-opacity="0.5"/>'
              '<line x1="0" y1="79" x2="119" y2="79" stroke="#000000" stroke-linecap="round"/>'
              '<polygon points="100,70 110,50 119,70" fill="#008800"/>'
              '<g transform="rotate(15 60 40) translate(3 4)"><path d="M10 60 Q 20 40 30 60 T 50 60" '
              'fill="#444444" fill-rule="evenodd"/></g></svg>',
    "use": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 50 50">'
           '<defs><path id="p" d="M0 0 L10 0 L5 8 Z" fill="#225522"/></defs>'
           '<use xlink:href="#p" x="5" y="5"/><use xlink:href="#p" x="25" y="30" transform="scale(1.5)"/></svg>',
    "polyline": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40">'
                '<polyline points="2,2 20,30 38,2" fill="#cc8800" stroke="#000000"/></svg>',
    "clip": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><clipPath id="c">'
            '<rect width="20" height="20"/></clipPath><circle cx="20" cy="20" r="18" fill="#123456" '
            'clip-path="url(#c)"/></svg>',
}


def _drawn(mark) -> bytes:
    """The PDF content stream of mark drawn at (10, 10) on a page of its own."""
    from reportlab.graphics import renderPDF

    canvas = Canvas(None, pageCompression=0, invariant=1)
    renderPDF.draw(mark, canvas, 10, 10)
    canvas.showPage()
    return canvas.getpdfdata()


def _store(tmp_path) -> MarkStore:
    return MarkStore(tmp_path / "store", "test salt")


@pytest.mark.parametrize("name", sorted(SVGS))
@pytest.mark.parametrize("mode, ink", [("own", black), ("one-ink", HexColor("#1f4e5f")), ("auto", white)])
def test_a_mark_from_the_store_draws_the_same_as_one_parsed_from_its_svg(tmp_path, name, mode, ink):
    path = tmp_path / f"{name}.svg"
    path.write_text(SVGS[name])
    store = _store(tmp_path)
    options = dict(mode=mode, background=HexColor("#e8f1f2"))
    fresh = _drawn(load_mark(path, ink, 60, **options))
    first = _drawn(load_mark(path, ink, 60, store=store, **options))  # parsed, then kept
    kept = list((tmp_path / "store").glob("*.json"))
    again = _drawn(load_mark(path, ink, 60, store=store, **options))  # from the store
    assert first == fresh and again == fresh
    assert len(kept) == 1
    assert mark_inks(path, store) == mark_inks(path)


def _kept(tmp_path, svg: str):
    """A mark drawn once through a new store: its file, the store, the drawing, the store's file and text."""
    path = tmp_path / "mark.svg"
    path.write_text(svg)
    store = _store(tmp_path)
    want = _drawn(load_mark(path, black, 50, store=store))
    (kept,) = (tmp_path / "store").glob("*.json")
    return path, store, want, kept, kept.read_text()


def test_what_the_store_refuses_to_read_is_ignored_and_the_svg_parsed_again(tmp_path):
    path, store, want, kept, good = _kept(tmp_path, SVGS["shapes"])
    for damage in ["", "{", "[]", '{"format": "other"}', good.replace('"Rect"', '"Drawing"'),
                   good.replace('"shape":"Path"', '"shape":"String"'), good[: len(good) // 2],
                   good.replace('"attrs":{', '"attrs":{"__class__":1,', 1), "\xff".encode("latin-1").decode("latin-1")]:
        kept.write_text(damage, "utf-8")
        assert decode(store.get(path.read_bytes())) is None or damage == good
        assert _drawn(load_mark(path, black, 50, store=store)) == want
        assert decode(kept.read_text()) is not None  # parsed again and kept afresh


def test_a_mark_with_problems_is_reported_every_time(tmp_path):
    path = tmp_path / "mark.svg"
    store = _store(tmp_path)
    path.write_text(SVGS["shipped"])
    load_mark(path, black, 40, store=store)
    path.write_text(SVGS["shipped"].replace("</svg>", "<text>Maple</text></svg>"))  # other bytes, other key
    for _ in range(2):
        with pytest.raises(PublishError, match="<text>"):
            load_mark(path, black, 40, store=store)
    assert len(list((tmp_path / "store").glob("*.json"))) == 1


def test_a_store_that_cannot_be_written_changes_nothing(tmp_path):
    path = tmp_path / "mark.svg"
    path.write_text(SVGS["shapes"])
    (tmp_path / "file").write_text("in the way")
    store = MarkStore(tmp_path / "file" / "store", "salt")
    assert _drawn(load_mark(path, black, 50, store=store)) == _drawn(load_mark(path, black, 50))


def test_encode_keeps_only_plain_shapes_and_values():
    from reportlab.graphics.shapes import Drawing, Group, Rect, String

    drawing = Drawing(10, 10)
    drawing.add(Group(Rect(0, 0, 5, 5, fillColor=HexColor("#123456"))))
    assert decode(encode(drawing)) is not None
    drawing.add(String(0, 0, "text"))
    assert encode(drawing) is None


def test_a_cold_build_with_the_store_filled_reads_no_svg(tmp_path):
    """The second process finds the mark (for the PDF and for the web page) in root/.cache/marks: neither
    svglib nor lxml is imported, and its PDF and web page are the first one's, byte for byte."""
    root = copy_project(tmp_path / "project")
    script = ("import sys; from pathlib import Path; from handoutpress.publish.build import build; "
              f"r = build(Path({str(root)!r}), ['benzodiazepines'], ['patient'], out_dir=Path(sys.argv[1]), force=True); "
              "assert not r.problems, r.problems; "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('svglib', 'lxml')))")
    runs = [subprocess.run([sys.executable, "-c", script, str(tmp_path / f"out{n}")], capture_output=True,
                           text=True, check=True) for n in range(2)]
    assert "svglib" in runs[0].stdout and runs[1].stdout.strip() == "[]", [r.stdout for r in runs]
    assert list((root / ".cache" / "marks").glob("*.json"))
    for kind in ("*.pdf", "*.html"):
        first, second = (sorted((tmp_path / f"out{n}" / "benzodiazepines").glob(kind)) for n in range(2))
        assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second] and first


def test_the_web_pages_mark_from_the_store_is_the_one_made_from_the_svg_and_tampering_is_refused(tmp_path):
    from handoutpress.publish.webmark import web_mark
    from handoutpress.render.html.mark import inline_mark, mark_shapes

    path = tmp_path / "mark.svg"
    path.write_text(SVGS["shapes"])
    store = _store(tmp_path)
    fresh = mark_shapes(path.read_bytes())
    assert web_mark(path, store) == fresh and web_mark(path, store) == fresh  # made, then read back
    assert inline_mark(fresh, "Logo", "t") == inline_mark(path.read_bytes(), "Logo", "t") != ""
    (kept,) = (tmp_path / "store").glob("*.json")
    good = kept.read_text()
    for evil in ['["0 0 1 1", "<script>alert(1)</script>"]', '["0 0 1 1", "<path d=\\"M0 0\\" onload=\\"x()\\">"]',
                 '["0 0 1 1); x", "<path fill=\\"currentColor\\"></path>"]', '["0 0 1 1"]', "{}", "not json"]:
        kept.write_text(evil)
        assert web_mark(path, store) == fresh
    assert kept.read_text() == good  # made again from the SVG, and kept afresh


def test_the_store_keeps_the_newest_marks_only(tmp_path, monkeypatch):
    from handoutpress.load import markstore

    monkeypatch.setattr(markstore, "KEEP", 3)
    store = _store(tmp_path)
    for n in range(6):
        store.put(f"mark {n}".encode(), f'"{n}"')
    left = sorted(p.read_text() for p in (tmp_path / "store").glob("*.json"))
    assert len(left) == 3 and store.get(b"mark 5") == '"5"'


def test_a_store_entry_that_cannot_be_drawn_gives_way_to_the_svg(tmp_path):
    """An entry damaged into numbers no mark may have (JSON's 1e999 is infinity) is not reported as the
    mark's problem: the SVG is parsed again, drawn, and kept afresh."""
    path, store, want, kept, good = _kept(tmp_path, SVGS["shipped"])
    kept.write_text(good.replace('"width":75.0', '"width":1e999').replace('"points":[', '"points":[1e999,', 1))
    assert _drawn(load_mark(path, black, 50, store=store)) == want
    assert kept.read_text() == good
