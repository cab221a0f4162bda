"""Turn ReportLab's bytes plus the tag record into a tagged PDF 1.7, PDF/A-2a + PDF/UA-1 file (pikepdf)."""
from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .structure import CONTENT, AnnotRef, FieldRef, MarkRef, StructNode


def xml_escape(text: str) -> str:
    """&, < and > as entities, as xml.sax.saxutils.escape does (which would import urllib.request: 15 ms)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def finish(raw: bytes, tagger, root: StructNode, meta: dict) -> bytes:
    """Add the structure tree, document entries, XMP and output intent; save deterministically. tagger:
    the drawing's tagging.Tagger, or its record (render.pdf.Tags): mcids, annots and fields."""
    pdf = pikepdf.open(io.BytesIO(raw))
    pages = list(pdf.pages)
    page_objs = [p.obj for p in pages]  # Page.obj builds a new handle on each access
    roles: dict[str, Name] = {}
    struct_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    parent_tree: dict[int, object] = {}
    page_key = {}
    for index in sorted(tagger.mcids):
        page_key[index] = len(page_key)
    next_key = [len(page_key)]
    per_page: dict[int, list] = {i: [None] * len(tagger.mcids[i]) for i in tagger.mcids}
    annots = {i: list(page_objs[i].get("/Annots", [])) for i in tagger.annots}

    form = _acroform(pdf, meta["field_font"]) if tagger.fields else None

    def build(node: StructNode):
        """Children first, so each element is made in one call; then the children learn their parent."""
        kids, children, marks, keys = [], [], [], []
        first_page = None
        for kid in node.kids:
            if kid == CONTENT:
                continue
            if isinstance(kid, StructNode):
                built = build(kid)
                if built is not None:
                    kids.append(built)
                    children.append(built)
                continue
            first_page = kid.page if first_page is None else first_page
            if isinstance(kid, MarkRef):
                marks.append(kid)
                kids.append(kid.mcid if kid.page == first_page else
                            Dictionary(Type=Name.MCR, Pg=page_objs[kid.page], MCID=kid.mcid))
            elif isinstance(kid, FieldRef):
                widget = _widget(pdf, kid, page_objs[kid.page], form)
                key = next_key[0]
                next_key[0] += 1
                widget.StructParent = key
                keys.append(key)
                kids.append(Dictionary(Type=Name.OBJR, Obj=widget, Pg=page_objs[kid.page]))
            elif isinstance(kid, AnnotRef):
                annot = annots[kid.page][kid.index]
                key = next_key[0]
                next_key[0] += 1
                annot.StructParent = key
                annot.Contents = String(kid.contents)
                annot.F = 4  # printable, as PDF/A requires
                keys.append(key)
                kids.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=page_objs[kid.page]))
        if not kids:
            return None
        role = roles.get(node.role) or roles.setdefault(node.role, Name("/" + node.role))
        entries = {"/Type": Name.StructElem, "/S": role, "/K": Array(kids)}
        if first_page is not None:
            entries["/Pg"] = page_objs[first_page]
        if node.alt:
            entries["/Alt"] = String(node.alt)
        if node.actual:
            entries["/ActualText"] = String(node.actual)
        if node.lang:
            entries["/Lang"] = String(node.lang)
        if node.attrs:
            attrs = {"/O": _attribute_owner(node.attrs)}
            for k, v in node.attrs.items():
                attrs["/" + k] = Name("/" + v) if isinstance(v, str) else Array(v)
            entries["/A"] = Dictionary(attrs)
        elem = pdf.make_indirect(Dictionary(entries))
        for child in children:
            child.P = elem
        for mark in marks:
            per_page[mark.page][mark.mcid] = elem
        for key in keys:
            parent_tree[key] = elem
        return elem

    doc_elem = build(root)
    if doc_elem is not None:
        doc_elem.P = struct_root
    struct_root.K = Array([doc_elem]) if doc_elem is not None else Array()
    for index, elems in per_page.items():
        parent_tree[page_key[index]] = Array(elems)
        page_objs[index].StructParents = page_key[index]
    nums = Array()
    for key in sorted(parent_tree):
        nums.append(key)
        nums.append(parent_tree[key])
    struct_root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    struct_root.ParentTreeNextKey = next_key[0]
    pdf.Root.StructTreeRoot = struct_root
    pdf.Root.MarkInfo = Dictionary(Marked=True)  # /Suspects omitted: optional, and poppler 22 warns on it
    pdf.Root.Lang = String(meta["lang"])
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    for index in set(tagger.annots) | {f.page for f in tagger.fields}:
        page_objs[index].Tabs = Name.S
    _metadata(pdf, meta)
    _output_intent(pdf, meta["output_profile"])
    _clean_to_unicode(pdf)
    out = io.BytesIO()
    # streams are already compressed (ours below, ReportLab's by itself): copy them as they are
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable,
             compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
             fix_metadata_version=False, force_version="1.7")
    return out.getvalue()


def _attribute_owner(attrs: dict) -> Name:
    """The standard attribute owner (ISO 32000-1 14.8.5) of a node's attributes."""
    if "Scope" in attrs:
        return Name.Table
    if "ListNumbering" in attrs:
        return Name.List
    return Name.Layout


def _pdf_date(iso: str) -> str:
    y, mth, d = (iso or "2000-01-01").split("-")
    return f"D:{y}{mth}{d}000000Z"


def _xmp_date(iso: str) -> str:
    return f"{iso or '2000-01-01'}T00:00:00Z"


def _metadata(pdf, meta):
    """Info dictionary and XMP written from the same values, as PDF/A requires."""
    info = pdf.make_indirect(Dictionary(
        Title=String(meta["title"]), Author=String(meta["author"]), Subject=String(meta["subject"]),
        Keywords=String(meta["keywords"]), Creator=String("handoutpress"), Producer=String("handoutpress with ReportLab"),
        CreationDate=String(_pdf_date(meta["date"])), ModDate=String(_pdf_date(meta["date"]))))
    pdf.trailer.Info = info
    x = {k: xml_escape(str(v)) for k, v in meta.items()}
    date = _xmp_date(meta["date"])
    xmp = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{x['title']}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{x['author']}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{x['subject']}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{x['lang']}</rdf:li></rdf:Bag></dc:language>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Keywords>{x['keywords']}</pdf:Keywords>
<pdf:Producer>handoutpress with ReportLab</pdf:Producer>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>handoutpress</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>A</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    stream = pikepdf.Stream(pdf, xmp.encode("utf-8"))
    stream.Type = Name.Metadata
    stream.Subtype = Name.XML
    pdf.Root.Metadata = pdf.make_indirect(stream)


# values PDF/UA-1 and PDF/A-2 forbid in ToUnicode; ReportLab maps every unused subset code to U+0000
_BAD_UNICODE = re.compile(rb"<[0-9A-Fa-f]{2}> <(?:0000|FEFF|FFFE)>\r?\n", re.IGNORECASE)
_BFCHAR_COUNT = re.compile(rb"(\d+) beginbfchar")


def _clean_to_unicode(pdf):
    """Drop the ToUnicode entries of codes no glyph uses (mapped to U+0000), in every font."""
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.Font:
            continue
        cmap = obj.get("/ToUnicode")
        if not isinstance(cmap, pikepdf.Stream):
            continue
        data = cmap.read_bytes()
        cleaned, dropped = _BAD_UNICODE.subn(b"", data)
        if dropped:
            count = int(_BFCHAR_COUNT.search(cleaned).group(1)) - dropped
            cleaned = _BFCHAR_COUNT.sub(b"%d beginbfchar" % count, cleaned, count=1)
            cmap.write(zlib.compress(cleaned, 9), filter=Name.FlateDecode)


def _output_intent(pdf, icc: bytes):
    profile = pikepdf.Stream(pdf, icc)
    profile.Filter = Name.FlateDecode
    profile.N = 3
    pdf.Root.OutputIntents = Array([pdf.make_indirect(Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=String("sRGB IEC61966-2.1"),
        Info=String("sRGB IEC61966-2.1"), DestOutputProfile=pdf.make_indirect(profile)))])


FIELD_SIZE = 12


def _acroform(pdf, font_path):
    """The form dictionary, with the whole (not subset) field font: staff may type any character."""
    font = _field_font(pdf, font_path)
    form = Dictionary(Fields=Array(), DR=Dictionary(Font=Dictionary(FieldFont=font)),
                      DA=String(f"/FieldFont {FIELD_SIZE} Tf 0 g"))
    pdf.Root.AcroForm = pdf.make_indirect(form)
    return pdf.Root.AcroForm


def _widget(pdf, ref: FieldRef, page, form):
    """A text field and its widget in one dictionary, printable, with an (empty) appearance as PDF/A asks."""
    if ref.kind == "check":
        return _check_box(pdf, ref, page, form)
    x0, y0, x1, y1 = ref.rect
    appearance = pikepdf.Stream(pdf, b"/Tx BMC EMC")
    appearance.Type, appearance.Subtype = Name.XObject, Name.Form
    appearance.BBox = Array([0, 0, round(x1 - x0, 2), round(y1 - y0, 2)])
    appearance.Resources = Dictionary(Font=form.DR.Font)
    widget = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String(ref.name), TU=String(ref.tooltip),
        Rect=Array([x0, y0, x1, y1]), F=4, P=page, DA=String(f"/FieldFont {FIELD_SIZE} Tf 0 g"),
        MK=Dictionary(), AP=Dictionary(N=pdf.make_indirect(appearance))))
    if "/Annots" not in page:
        page.Annots = Array()
    page.Annots.append(widget)
    form.Fields.append(widget)
    return widget


def _check_box(pdf, ref: FieldRef, page, form):
    """A check box field and its widget: off (empty: the page draws the box) and on (a tick), no font."""
    x0, y0, x1, y1 = ref.rect
    w, h = round(x1 - x0, 2), round(y1 - y0, 2)
    tick = f"q 0 g 0 G {max(w / 9, 1.2):.2f} w 1 J 1 j {w * .2:.2f} {h * .5:.2f} m {w * .42:.2f} {h * .25:.2f} l " \
           f"{w * .82:.2f} {h * .78:.2f} l S Q"
    states = {}
    for state, code in (("Yes", tick.encode()), ("Off", b"")):
        stream = pikepdf.Stream(pdf, code)
        stream.Type, stream.Subtype = Name.XObject, Name.Form
        stream.BBox = Array([0, 0, w, h])
        states[state] = pdf.make_indirect(stream)
    widget = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Btn, T=String(ref.name), TU=String(ref.tooltip),
        Rect=Array([x0, y0, x1, y1]), F=4, P=page, V=Name.Off, AS=Name.Off, MK=Dictionary(),
        AP=Dictionary(N=Dictionary(Yes=states["Yes"], Off=states["Off"]))))
    if "/Annots" not in page:
        page.Annots = Array()
    page.Annots.append(widget)
    form.Fields.append(widget)
    return widget


def _field_font(pdf, font_path):
    """The body font, embedded whole, WinAnsi-encoded, with widths and a ToUnicode map."""
    from reportlab.pdfbase.ttfonts import TTFont

    face = TTFont("field-font", str(font_path)).face
    data = Path(font_path).read_bytes()
    codes = range(32, 256)
    chars = [bytes([c]).decode("cp1252", errors="ignore") for c in codes]
    widths = Array([face.charWidths.get(ord(ch), 0) if ch else 0 for ch in chars])
    fontfile = pikepdf.Stream(pdf, zlib.compress(data, 9))
    fontfile.Filter, fontfile.Length1 = Name.FlateDecode, len(data)
    descriptor = Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/" + Path(font_path).stem), Flags=32,
        FontBBox=Array(face.bbox), ItalicAngle=face.italicAngle, Ascent=face.ascent, Descent=face.descent,
        CapHeight=face.capHeight, StemV=face.stemV, FontFile2=pdf.make_indirect(fontfile))
    bfchars = "".join(f"<{c:02X}> <{ord(ch):04X}>\n" for c, ch in zip(codes, chars) if ch)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def "
            "1 begincodespacerange <00> <FF> endcodespacerange\n"
            f"{sum(1 for ch in chars if ch)} beginbfchar\n{bfchars}endbfchar endcmap "
            "CMapName currentdict /CMap defineresource pop end end")
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/" + Path(font_path).stem), FirstChar=32,
        LastChar=255, Widths=widths, Encoding=Name.WinAnsiEncoding, FontDescriptor=pdf.make_indirect(descriptor),
        ToUnicode=pdf.make_indirect(pikepdf.Stream(pdf, cmap.encode()))))


def syntax_problems(data: bytes) -> list[str]:
    """What `qpdf --check` would say about the finished bytes (libqpdf's own parser), repairs refused:
    a file that needs repairing to open is a problem, not something to fix quietly.

    The steps of qpdf --check (pikepdf's check_pdf_syntax) but one: the cross-reference table, the
    document structures, every object parsed, every page's content stream decoded and parsed. Not
    done: decompressing the other streams (embedded fonts, the ICC profile, images), which qpdf
    --check writes out decoded to nowhere. They come out of zlib here (ReportLab, finish) and pass
    through unchanged; that step was 40% of the check. The test suite runs qpdf --check itself."""
    problems: list[str] = []
    try:
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
            def warnings():
                problems.extend("WARNING: " + w for w in pdf.get_warnings())

            pdf._check_document_structures()
            len(pdf.objects)  # parses every object (in C++), warning of any that is broken
            if len(pdf.pages) == 0:
                warnings()
                problems.append("ERROR: file does not contain any pages")
            for number, page in enumerate(pdf.pages, start=1):
                try:  # parsed in C++; asking for an operator that never occurs returns nothing to Python
                    pikepdf.parse_content_stream(page, "EMCX")
                except (pikepdf.PdfError, TypeError) as exc:  # TypeError: its /Contents is not a stream
                    warnings()
                    problems.append(f"ERROR: page {number}: {exc}")
            warnings()
    except pikepdf.PdfError as exc:
        problems.append(f"ERROR: {exc}")
    return [_ADDRESS.sub("the PDF", f) for f in problems]  # the same words each run


_ADDRESS = re.compile(r"stream <_io\.BytesIO object at 0x[0-9a-f]+>")
