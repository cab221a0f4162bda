"""Handout and clinic files: their declared schema and loading into the model."""
from __future__ import annotations

import difflib
from pathlib import Path

from ..errors import PublishError
from ..model import (BulletList, Callout, Checklist, Clinic, Contact, Figure, Glossary, Group, Handout,
                     KeepTogether, KeyMessages, ListItem, PageBreak, Paragraph, Place, Review, Section, Source,
                     Steps, Table, Term, Variant, citations, plain)
from ..text import LANG_TAG, MarkupError, parse_inline
from . import schema as s
from .yamlio import Doc, format_path, load

NAME = r"[a-z0-9][a-z0-9-]*"
LANG = r"[a-z]{2}(-[A-Z]{2})?"
STATUSES = ("draft", "in-review", "approved")
TABLE_KINDS = ("table", "grid")
MAX_NAME = 100  # an id or file_name, in characters: with the clinic, variant and temp-file parts it fits 255 bytes

AUDIENCES = s.ListOf(item=s.Text(pattern=NAME, hint="use lower-case words such as patient, family, clinician"),
                     doc="Only these audiences see this block (empty: everyone)", default=[])
BLOCK_ID = s.Text(pattern=NAME, doc="A stable name for this block, for reviewers' references", default="",
                  hint="use lower-case letters, digits and -")
INLINE = s.Text(doc="Text with optional **bold**, *italic*, [link](https://...), [@source] and "
                     "[passage]{lang=es} markup")
PART_LANG = s.Text(pattern=LANG_TAG, default="", doc="Language of this block when it is not the handout's "
                   "(a BCP 47 code: es, fr-CA); screen readers switch voice for it",
                   hint="use a BCP 47 code such as es, fr, pt-BR or zh-Hant (lower-case language first)")


def _block():
    return BLOCK


ITEM_TEXT = s.Text(doc=INLINE.doc, hint="write the item's text, or delete the empty '- ' line")
ITEM = s.Either(doc="A list item: text, or text with nested items", short=ITEM_TEXT, long=s.Obj(fields={
    "text": INLINE,
    "items": s.ListOf(item=s.Lazy(target=lambda: ITEM, name="item"), doc="Nested items", default=[]),
    "audiences": AUDIENCES, "lang": PART_LANG,
}))
CELL = s.Text(nonempty=False, nullable=True, doc="A cell: text with optional markup; \"\" or nothing for a blank "
              "cell to write in")
CHECK_ITEM = s.Either(doc="A checklist item: text, or text with audiences or a language", short=ITEM_TEXT,
                      long=s.Obj(fields={"text": INLINE, "audiences": AUDIENCES, "lang": PART_LANG}))
TERM = s.Obj(doc="A term and its definition", fields={
    "term": INLINE, "definition": INLINE, "audiences": AUDIENCES, "lang": PART_LANG})
BLOCK = s.OneKey(doc="One content block", kinds={
    "paragraph": s.Either(doc="A paragraph", short=INLINE, long=s.Obj(fields={
        "text": INLINE, "audiences": AUDIENCES, "id": BLOCK_ID, "lang": PART_LANG})),
    "list": s.Either(doc="A bulleted list", short=s.ListOf(item=ITEM, min_items=1), long=s.Obj(fields={
        "items": s.ListOf(item=ITEM, min_items=1, doc="The list items"), "audiences": AUDIENCES, "id": BLOCK_ID,
        "lang": PART_LANG})),
    "table": s.Obj(doc="A table of text cells", fields={
        "kind": s.Text(choices=TABLE_KINDS, default="table",
                       doc="table: data under column headings (header: required); grid: items set out in rows "
                           "with no headings, read row by row (tagged as a list)"),
        "header": s.ListOf(item=INLINE, doc="Column headings (repeated on each page)", default=None),
        "rows": s.ListOf(item=s.ListOf(item=CELL, min_items=1), min_items=1, doc="Rows of cells"),
        "caption": s.Text(doc="A short title printed above the table (read first by screen readers)", default=""),
        "widths": s.ListOf(item=s.Share(), default=[], doc="Column widths, one per column, as fractions (0.4) or "
                           "percentages (\"40%\") adding up to 1 (100%); default: equal columns"),
        "row_height": s.Length(minimum=1, default=None, doc="Height of each body row (e.g. 0.4in): room to write "
                               "in blank cells"),
        "lines": s.Boolean(default=True, doc="Ruled writing lines in blank cells of rows taller than two lines of "
                           "text"),
        "audiences": AUDIENCES, "id": BLOCK_ID, "lang": PART_LANG}),
    "steps": s.Either(doc="Numbered steps, in the order to do them", short=s.ListOf(item=ITEM, min_items=1),
                      long=s.Obj(fields={
                          "items": s.ListOf(item=ITEM, min_items=1, doc="The steps (nested items: bullets under "
                                            "their step)"),
                          "audiences": AUDIENCES, "id": BLOCK_ID, "lang": PART_LANG})),
    "checklist": s.Either(doc="Items with a box to tick (real check boxes in variants with fillable fields)",
                          short=s.ListOf(item=CHECK_ITEM, min_items=1), long=s.Obj(fields={
                              "items": s.ListOf(item=CHECK_ITEM, min_items=1, doc="The items to tick"),
                              "audiences": AUDIENCES, "id": BLOCK_ID, "lang": PART_LANG})),
    "figure": s.Obj(doc="A picture: PNG, JPEG or SVG in the project, with alt text", fields={
        "image": s.Text(doc="The file, relative to the handout's folder or the project (e.g. images/pills.png)"),
        "alt": s.Text(default="", nonempty=False, doc="What the picture shows, for readers who cannot see it "
                      "(required unless decorative)"),
        "decorative": s.Boolean(default=False, doc="true: drawn for looks only, skipped by screen readers (no alt)"),
        "caption": s.Text(default="", doc="A caption printed under the picture"),
        "width": s.Share(default=None, doc="Width as a share of the text width (0.5 or \"50%\"); default: its own "
                         "size, at most the text width"),
        "audiences": AUDIENCES, "id": BLOCK_ID, "lang": PART_LANG}),
    "glossary": s.Either(doc="Terms and what they mean", short=s.ListOf(item=TERM, min_items=1), long=s.Obj(fields={
        "terms": s.ListOf(item=TERM, min_items=1, doc="The terms, in the order to print them"),
        "audiences": AUDIENCES, "id": BLOCK_ID, "lang": PART_LANG})),
    "key_messages": s.Obj(doc="A highlighted box: a heading and a short list of the points to remember", fields={
        "heading": INLINE,
        "items": s.ListOf(item=ITEM, min_items=1, doc="The points to remember"),
        "audiences": AUDIENCES, "id": BLOCK_ID, "lang": PART_LANG}),
    "page_break": s.Boolean(doc="true: what follows starts on a new page"),
    "keep_together": s.Either(doc="Blocks printed on one page when they fit on one",
                              short=s.ListOf(item=s.Lazy(target=_block), min_items=1), long=s.Obj(fields={
                                  "body": s.ListOf(item=s.Lazy(target=_block), min_items=1,
                                                   doc="Blocks kept on one page"),
                                  "audiences": AUDIENCES, "id": BLOCK_ID})),
    "callout": s.Obj(doc="A boxed group of blocks", fields={
        "heading": s.Text(doc="The box's heading", default=""),
        "tone": s.Text(choices=("note", "emergency"), doc="note, or emergency (the red-family style)",
                       default="note"),
        "body": s.ListOf(item=s.Lazy(target=_block), min_items=1, doc="Blocks inside the box"),
        "audiences": AUDIENCES, "id": BLOCK_ID, "lang": PART_LANG}),
    "group": s.Obj(doc="Blocks kept together for some audiences only (prints nothing itself)", fields={
        "audiences": AUDIENCES, "id": BLOCK_ID,
        "keep_together": s.Boolean(default=False, doc="true: on one page when it fits on one"),
        "body": s.ListOf(item=s.Lazy(target=_block), min_items=1, doc="Blocks in the group")}),
    "section": s.Obj(doc="A headed section", fields={
        "heading": INLINE,
        "body": s.ListOf(item=s.Lazy(target=_block), min_items=1, doc="Blocks in the section"),
        "keep_together": s.Boolean(default=False, doc="true: on one page when it fits on one"),
        "audiences": AUDIENCES, "id": BLOCK_ID, "lang": PART_LANG}),
})
CALLOUT = BLOCK.kinds["callout"]
REVIEW = s.Obj(doc="Review status", fields={
    "status": s.Text(choices=STATUSES, doc="draft, in-review or approved"),
    "reviewed": s.Date(doc="Date of the last clinical review", default=""),
    "reviewer": s.Text(doc="Who reviewed it", default="", nonempty=False),
    "credentials": s.Text(doc="The reviewer's credentials, e.g. MD, PMHNP", default="", nonempty=False),
})
SOURCE = s.Obj(doc="A cited source", fields={
    "key": s.Text(pattern=r"[A-Za-z0-9][A-Za-z0-9_.:-]*", doc="The key used in [@key] citations"),
    "authors": s.ListOf(item=s.Text(), doc="Authors as printed, e.g. 'Ashton H' (or the organisation)",
                        default=[]),
    "year": s.Text(pattern=r"\d{4}|n\.d\.", default="", doc="Year of publication, or n.d. for an undated source "
                   "(empty: printed as n.d.)", hint="write the year as four digits, e.g. 2024, or n.d. for a source "
                   "with no date"),
    "title": s.Text(doc="Title of the article or page"),
    "container": s.Text(doc="Journal or web site", default=""),
    "date": s.Text(doc="Publication date as printed, e.g. '1994 Nov'", default=""),
    "volume": s.Text(doc="Volume", default=""),
    "issue": s.Text(doc="Issue", default=""),
    "pages": s.Text(doc="Pages, e.g. 1535-41", default=""),
    "doi": s.Text(pattern=r"10\.\d{4,9}/\S+", doc="DOI, only when certain", default=""),
    "url": s.Text(pattern=r"https://\S+", doc="Web address, only when certain (printed after the accessed date of a web page)",
                  default="", hint="write the full address, starting https://"),
    "accessed": s.Date(doc="For a web page: the date it was read, printed as 'Accessed 2026 Nov 30.'", default=""),
})
HANDOUT_URL = s.Text(pattern=r"https://\S+", doc="Web address of this handout's pages: a folder ending in / or a "
                     "pattern with {variant} for each variant's name (default: the clinic's handout_url)", default="")
VARIANT = s.Obj(doc="One printed version of the handout", fields={
    "audience": s.Text(pattern=NAME, doc="Who it is for: patient, family, clinician...", default="patient"),
    "language": s.Text(pattern=LANG, doc="Language code (default: the handout's)", default=""),
    "layout": s.Text(pattern=NAME, doc="Layout name, a file in layouts/"),
    "review": s.Obj(doc="Review status of this variant (default: the handout's)", fields=REVIEW.fields,
                    default=None),
    "max_pages": s.Number(integer=True, minimum=1, doc="Page budget", default=None),
    "max_grade": s.Number(minimum=1, maximum=20, default=None,
                          doc="Highest reading grade (Flesch-Kincaid and SMOG) before check warns; empty: not checked"),
    "title": s.Text(doc="Title for this variant", default=""),
    "subtitle": s.Text(doc="Subtitle for this variant", default=""),
    "call_to_action": s.Obj(doc="Call to action for this variant", fields=CALLOUT.fields, default=None),
    "max_kb": s.Number(minimum=10, doc="Size budget in KB for e-mail; build warns above it", default=None),
    "min_inflesz": s.Number(minimum=0, maximum=100, default=None,
                            doc="Lowest Spanish reading ease (Szigriszt-Pazos, INFLESZ scale; 55 is normal) before "
                                "check warns; empty: not checked"),
    "accepted_words": s.ListOf(item=s.Text(), default=[], doc="Terms from the everyday-words list that this approved "
                                   "word-for-word text keeps; check reports them as accepted"),
    "appointment_fields": s.Boolean(doc="Add fillable appointment date, time and clinician fields for admissions "
                                        "staff to type in before sending", default=False),
    "file_name": s.Text(pattern=NAME, doc="PDF file name without .pdf (default: clinic-handout-variant-language)",
                        default="", max_length=MAX_NAME),
    "clinic": s.Text(pattern=NAME, default="", doc="The clinic this variant is for, a file clinics/<id>.yaml (default: "
                     "the layout's clinic, else handouts/clinic.yaml)", hint="use a clinic id: the name of a file in "
                     "clinics/ without .yaml"),
})
HANDOUT = s.Obj(doc="A patient handout", fields={
    "id": s.Text(pattern=NAME, doc="Short name used in file names, e.g. benzodiazepines", max_length=MAX_NAME),
    "title": s.Text(doc="The handout's title"),
    "subtitle": s.Text(doc="A one-line summary under the title", default=""),
    "language": s.Text(pattern=LANG, doc="Language code of the content", default="en"),
    "version": s.Text(doc="Content version in quotes, e.g. \"1.0\"", quoted=True),
    "keywords": s.ListOf(item=s.Text(), doc="Keywords for the PDF metadata", default=[]),
    "topics": s.ListOf(item=s.Text(), doc="Topics the staff catalog files it under and filters by, e.g. "
                       "[medicines, anxiety]", default=[]),
    "url": HANDOUT_URL,
    "review": REVIEW,
    "body": s.ListOf(item=BLOCK, min_items=1, doc="The content blocks, in reading order"),
    "call_to_action": s.Obj(doc="The closing boxed call to action", fields=CALLOUT.fields, default=None),
    "sources": s.ListOf(item=SOURCE, doc="Sources cited with [@key]", default=[]),
    "variants": s.MapOf(value=VARIANT, doc="Printed variants by name"),
    "accepted_words": s.ListOf(item=s.Text(), default=[], doc="Terms from the everyday-words list that this approved "
                                   "word-for-word text keeps; check reports them as accepted"),
})
CONTACT = s.Obj(doc="A contact detail", fields={
    "value": s.Text(doc="As printed, e.g. (555) 555-0142"),
    "link": s.Text(doc="Link target, e.g. tel:+15555550142", default=""),
    "placeholder": s.Boolean(doc="True while the value is a stand-in to be replaced", default=False),
})
CLINIC = s.Obj(doc="A clinic's details (handouts/clinic.yaml, or clinics/<id>.yaml for each of several clinics)", fields={
    "name": s.Text(doc="Full name"),
    "short_name": s.Text(doc="Short name for running heads"),
    "tagline": s.Text(doc="Second line of the wordmark", default=""),
    "phone": CONTACT, "web": CONTACT,
    "email": s.Obj(doc="Admissions e-mail", fields=CONTACT.fields, default=None),
    "address": s.Obj(doc="Street address", fields=CONTACT.fields, default=None),
    "handout_url": s.Obj(doc="Web address of each variant's web page, with {id} for the handout id and "
                            "{variant} for the variant's name (a folder ending in / holds <variant>.html); printed with "
                            "a QR code", fields=CONTACT.fields, default=None),
    "logo": s.Text(default="", doc="The clinic's logo mark, an SVG file in layouts/ (e.g. assets/riverbend-mark.svg), "
                   "printed instead of the layout's; empty: the layout's logo"),
})


LISTS = {"list": BulletList, "steps": Steps, "checklist": Checklist}
MAX_NESTING = 5  # sections and boxes inside each other: their headings run H2 to H6, the last PDF heading


class _Builder:
    """Turns checked data into model values, recording places and markup problems."""

    def __init__(self, doc: Doc, ck: s.Checker, folder: Path | None = None):
        self.doc, self.ck = doc, ck
        self.folder = folder  # the handout's folder, where figures' pictures are looked for first
        self.cited = []  # (key, path) of every citation, so an unknown key is placed at its own text
        self.depth = 0  # sections and boxes around the block being built
        self.boxed = 0  # boxes (callouts, key messages) around it

    def nested(self, path, make):
        """Build a section or box one level deeper, or refuse one nested past H6."""
        # A deeper heading would be tagged H7, which PDF does not have (pdfcheck: nonstandard-role).
        if self.depth >= MAX_NESTING:
            self.ck.add(path, f"sections and boxes are nested more than {MAX_NESTING} deep",
                        "move this block up a level, or split the section", code="content-too-deep")
            return None
        self.depth += 1
        try:
            return make()
        finally:
            self.depth -= 1

    def place(self, path) -> Place:
        line, col = self.doc.where(path)
        return Place(self.doc.file, line, col, format_path(path))

    def inline(self, text, path):
        try:
            spans = parse_inline(text or "")
            self.cited += [(key, path) for key in citations(spans)]
            return spans
        except MarkupError as exc:
            self.ck.add(path, str(exc), exc.fix, code="markup")
            return ()

    def blocks(self, items, path):
        return tuple(b for i, item in enumerate(items or []) if item and (b := self.block(item, path + (i,))))

    def block(self, item, path):
        kind, v = item["kind"], item["value"]
        path = path + (kind,)
        if v is None:
            return None
        long = isinstance(v, dict)
        aud = tuple(v.get("audiences", ())) if long else ()
        bid = v.get("id", "") if long else ""
        lang = v.get("lang") or "" if long else ""
        here = self.place(path)
        if kind == "paragraph":
            return Paragraph(self.inline(v["text"] if long else v, path + (("text",) if long else ())), here, aud, bid,
                             lang)
        if kind in ("list", "steps", "checklist"):
            items = v["items"] if long else v
            ipath = path + (("items",) if long else ())
            return LISTS[kind](self.items(items, ipath), here, aud, bid, lang)
        if kind == "table":
            return self.table(v, path, here)
        if kind == "figure":
            return self.figure(v, path, here)
        if kind == "glossary":
            terms = v["terms"] if long else v
            tpath = path + (("terms",) if long else ())
            return Glossary(tuple(Term(self.inline(t["term"], tpath + (i, "term")),
                                       self.inline(t["definition"], tpath + (i, "definition")), self.place(tpath + (i,)),
                                       tuple(t["audiences"]), t["lang"] or "") for i, t in enumerate(terms or []) if t),
                            here, aud, bid, lang)
        if kind == "key_messages":
            items = BulletList(self.items(v["items"], path + ("items",)), self.place(path + ("items",)))
            return self.nested(path, lambda: KeyMessages((items,), here, self.inline(v["heading"], path + ("heading",)),
                                                         audiences=aud, id=bid, lang=lang))
        if kind == "callout":
            self.boxed += 1
            try:
                return self.callout(v, path)
            finally:
                self.boxed -= 1
        if kind == "page_break":
            if v and self.boxed:
                self.ck.add(path, "a page break inside a box would split the box, not start a page",
                            "move page_break: true before or after the box", code="page-break-in-box")
                return None
            return PageBreak(here) if v else None
        if kind == "keep_together":
            body, bpath = (v["body"], path + ("body",)) if long else (v, path)
            return KeepTogether(self.blocks(body, bpath), here, aud, bid)
        if kind == "callout":
            return self.callout(v, path)
        if kind == "group":
            return Group(self.blocks(v["body"], path + ("body",)), here, aud, bid, keep_together=v["keep_together"])
        return self.nested(path, lambda: Section(self.inline(v["heading"], path + ("heading",)),
                                                 self.blocks(v["body"], path + ("body",)), here, aud, bid, lang,
                                                 keep_together=v["keep_together"]))

    def figure(self, v, path, here):
        """A figure whose picture is found and checked now, so a bad one never reaches the layout."""
        alt = (v["alt"] or "").strip()
        caption = self.inline(v["caption"], path + ("caption",))
        if v["decorative"] and alt:
            self.ck.add(path + ("alt",), "a decorative figure has no alt text (screen readers skip it)",
                        "remove alt:, or remove decorative: true if the picture tells the reader something",
                        code="figure-alt")
        elif not v["decorative"] and not alt:
            self.ck.add(path, "a figure without alt text: a reader who cannot see it misses what it shows",
                        "add alt: with a sentence saying what the picture shows, or decorative: true if it "
                        "shows nothing the text does not say", code="figure-alt")
        elif alt and " ".join(alt.lower().split()) == " ".join(plain(caption).lower().split()):
            self.ck.add(path + ("alt",), "the alt text repeats the caption, so a screen reader hears it twice",
                        "say in alt: what the picture shows; the caption is read as well", code="figure-alt")
        from . import images

        folder = self.folder or Path(".")
        root = folder.parent if folder.name == "handouts" else folder
        try:
            found = images.find(v["image"], folder, root)
            fmt, size = images.probe(found)
        except images.ImageProblem as exc:
            self.ck.add(path + ("image",), exc.message, exc.fix, code=exc.code)
            return None
        shown = found.relative_to(root.resolve()).as_posix()
        return Figure(str(found), shown, fmt, size, here, alt, v["decorative"], caption, v["width"],
                      tuple(v["audiences"]), v["id"], v["lang"] or "")

    def items(self, items, path):
        out = []
        for i, it in enumerate(items or []):
            p = path + (i,)
            if isinstance(it, dict):
                out.append(ListItem(self.inline(it["text"], p + ("text",)), self.place(p),
                                    self.items(it.get("items"), p + ("items",)), tuple(it["audiences"]), it["lang"] or ""))
            elif it is not None:
                out.append(ListItem(self.inline(it, p), self.place(p)))
        return tuple(out)

    def table(self, v, path, here):
        rows = tuple(tuple(self.inline(c, path + ("rows", r, c_i)) for c_i, c in enumerate(row or []))
                     for r, row in enumerate(v["rows"]))
        header = None
        if v["header"] is not None:
            header = tuple(self.inline(c, path + ("header", i)) for i, c in enumerate(v["header"]))
        widths = {len(r) for r in rows} | ({len(header)} if header else set())
        if len(widths) > 1:
            want = len(header) if header else len(rows[0])
            for r, row in enumerate(rows):
                if len(row) != want:
                    self.ck.add(path + ("rows", r), f"expected {want} cells, got {len(row)}",
                                "give every row the same number of cells (write \"\" for an empty one)", code="table-cells")
        self.table_header(v["kind"], header, path)
        columns = len(header) if header else max(len(r) for r in rows) if rows else 0
        shares = tuple(v["widths"] or ())
        if shares and None not in shares:
            self.table_widths(shares, columns, path + ("widths",))
        return Table(rows, here, header, self.inline(v["caption"], path + ("caption",)),
                     tuple(v["audiences"]), v["id"], kind=v["kind"], lang=v["lang"] or "",
                     widths=shares if None not in shares else (), row_height=v["row_height"], lines=v["lines"])

    def table_widths(self, shares, columns, path):
        """Column widths say how the text width is shared: one per column, the whole of it."""
        written = ", ".join(f"{w * 100:g}%" for w in shares)
        if len(shares) != columns:
            self.ck.add(path, f"{len(shares)} widths for {columns} columns", f"give one width per column "
                        f"({columns}), as fractions or percentages adding up to 100%", code="table-widths")
        elif abs(sum(shares) - 1) > 0.005:
            self.ck.add(path, f"the widths add up to {sum(shares) * 100:g}% ({written}), not 100%",
                        "make the column widths add up to 100% (or 1)", code="table-widths")

    def table_header(self, kind, header, path):
        """A data table needs column headings and a grid has none: what a screen reader announces depends on it."""
        if kind == "table" and not header:
            self.ck.add(path, "a table without column headings: a screen reader cannot tell what its cells mean",
                        "add header: [...] with a heading for each column, or, if the cells are a grid of items "
                        "with no headings (read row by row), add kind: grid", code="table-header")
        elif kind == "grid" and header:
            self.ck.add(path + ("header",), "a grid of items has no column headings",
                        "remove header:, or remove kind: grid if this is a table of data under those headings",
                        code="table-header")

    def callout(self, v, path):
        if v is None:
            return None
        return self.nested(path, lambda: Callout(self.blocks(v["body"], path + ("body",)), self.place(path),
                                                 self.inline(v["heading"], path + ("heading",)), v["tone"],
                                                 tuple(v["audiences"]), v["id"], v["lang"] or ""))


def _review(v) -> Review:
    return Review(v["status"], v["reviewed"] or "", v["reviewer"] or "", v["credentials"] or "")


def load_handout(path: Path, clinic: Clinic | None = None, display: str | None = None,
                 layouts: list[str] | None = None) -> Handout:
    """Load, check and build one handout; every problem in the file is raised together.

    layouts: the layout names that exist (e.g. layout.list_layouts(root / "layouts")); when given, a
    variant naming another layout is a problem placed at its own `layout:` line."""
    doc = load(path, display)
    ck = s.Checker(doc)
    data = HANDOUT.check(doc.data, (), ck)
    if data is None:
        raise PublishError(ck.problems)
    try:
        return _build_handout(doc, ck, data, clinic, layouts, Path(path).parent)
    except (KeyError, TypeError, AttributeError):
        if ck.problems:  # a required key missing deep down: the schema problems already say which
            raise PublishError(ck.problems) from None
        raise


def _build_handout(doc, ck, data, clinic, layouts, folder=None) -> Handout:
    b = _Builder(doc, ck, folder)
    blocks = b.blocks(data.get("body"), ("body",))
    cta = b.callout(data.get("call_to_action"), ("call_to_action",))
    sources = tuple(_source(v, b.place(("sources", i))) for i, v in enumerate(data.get("sources") or []) if v)
    review = _review(data["review"]) if data.get("review") else Review("draft")
    variants = []
    for name, v in (data.get("variants") or {}).items():
        if not v:
            continue
        vpath = ("variants", name)
        variants.append(Variant(
            name=name, audience=v["audience"], language=v["language"] or data.get("language") or "en",
            layout=v["layout"], review=_review(v["review"]) if v.get("review") else review,
            place=b.place(vpath), budget_place=b.place(vpath + ("max_pages",)), max_pages=v["max_pages"],
            max_grade=v["max_grade"], grade_place=b.place(vpath + ("max_grade",)), max_kb=v["max_kb"],
            appointment_fields=v["appointment_fields"], title=v["title"], subtitle=v["subtitle"],
            min_inflesz=v["min_inflesz"], inflesz_place=b.place(vpath + ("min_inflesz",)),
            accepted_words=tuple(v["accepted_words"]),
            call_to_action=b.callout(v["call_to_action"], vpath + ("call_to_action",)), file_name=v["file_name"],
            clinic=v["clinic"] or "", clinic_place=b.place(vpath + ("clinic",))))
    if not variants and not ck.problems:
        ck.add(("variants",), "no variants declared", "add at least one, e.g. 'patient: {layout: maple-mountain}'", code="variants-missing")
    _check_sources(ck, data, b.cited)
    if layouts is not None:
        for v in variants:
            if v.layout not in layouts:
                close = difflib.get_close_matches(v.layout, layouts, n=1)
                ck.add(("variants", v.name, "layout"), f"unknown layout '{v.layout}' (no layouts/{v.layout}.yaml)",
                       f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(layouts) or 'none yet'}", code="layout-unknown")
    if ck.problems:
        raise PublishError(ck.problems)
    return Handout(id=data["id"], title=data["title"], subtitle=data["subtitle"], language=data["language"],
                   version=data["version"], review=review, blocks=blocks, sources=sources,
                   variants=tuple(variants), file=doc.file, keywords=tuple(data["keywords"]), topics=tuple(data["topics"]),
                   call_to_action=cta, clinic=clinic, url=data["url"] or (
                       clinic.handout_url.value.replace("{id}", data["id"]) if clinic and clinic.handout_url else ""),
                   places={key: b.place((key,)) for key in ("id", "title", "subtitle")},
                   accepted_words=tuple(data["accepted_words"]), own_url=data["url"] or "",
                   folded_dashes=tuple(doc.folded))


def _source(v, place) -> Source:
    return Source(key=v["key"], authors=tuple(v["authors"]), year=v["year"], title=v["title"], place=place,
                  container=v["container"], date=v["date"], volume=v["volume"], issue=v["issue"],
                  pages=v["pages"], doi=v["doi"], url=v["url"], accessed=v["accessed"] or "")


def _check_sources(ck, data, cited):
    """Unknown citation keys and duplicate source keys, each at its own line."""
    keys = {}
    for i, src in enumerate(data.get("sources") or []):
        if not src or not src.get("key"):
            continue
        if src["key"] in keys:
            ck.add(("sources", i, "key"), f"duplicate source key '{src['key']}'", "give each source its own key", code="source-duplicate")
        keys.setdefault(src["key"], i)
    for key, path in cited:
        if key not in keys:
            ck.add(path, f"unknown source key '{key}'",
                   f"add a source with key: {key}, or use one of: {', '.join(keys)}", code="citation-unknown")


def walk_blocks(blocks):
    """Every block and list item, depth first, in reading order."""
    for block in blocks:
        yield block
        if isinstance(block, (Section, Callout, Group, KeepTogether)):
            yield from walk_blocks(block.blocks)
        elif isinstance(block, BulletList):
            yield from _walk_items(block.items)
        elif isinstance(block, Glossary):
            yield from block.terms


def _walk_items(items):
    for item in items:
        yield item
        yield from _walk_items(item.items)


def block_texts(block):
    """The inline texts a block holds itself (not its children)."""
    if isinstance(block, (Paragraph, ListItem)):
        return [block.text]
    if isinstance(block, Section):
        return [block.heading]
    if isinstance(block, Callout):
        return [block.heading]
    if isinstance(block, Table):
        return [c for row in ((block.header or ()),) + block.rows for c in row] + [block.caption]
    if isinstance(block, Term):
        return [block.term, block.definition]
    if isinstance(block, Figure):
        return [block.caption]
    return []


def load_clinic(path: Path, display: str | None = None) -> Clinic:
    doc = load(path, display)
    ck = s.Checker(doc)
    data = CLINIC.check(doc.data, (), ck)
    if ck.problems or data is None:
        raise PublishError(ck.problems)

    def contact(key, kind):
        v = data.get(key)
        if not v:
            return None
        return Contact(v["value"], v["link"], kind, v["placeholder"])

    return Clinic(name=data["name"], short_name=data["short_name"], tagline=data["tagline"],
                  phone=contact("phone", "phone"), web=contact("web", "web"), email=contact("email", "email"),
                  address=contact("address", "address"), handout_url=contact("handout_url", "web"), file=doc.file,
                  logo=data["logo"] or "", logo_place=Place(doc.file, *doc.where(("logo",)), "logo"))
