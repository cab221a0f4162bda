"""The content model: frozen values that every later stage reads and none mutates."""
from __future__ import annotations

from dataclasses import field

from .records import dataclass


# ---- inline text -------------------------------------------------------------------------
@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    children: tuple


@dataclass(frozen=True)
class Emph:
    children: tuple


@dataclass(frozen=True)
class Link:
    url: str
    children: tuple


@dataclass(frozen=True)
class Lang:
    """A passage in another language than the text around it (a BCP 47 code such as es or fr-CA)."""

    lang: str
    children: tuple


@dataclass(frozen=True)
class Cite:
    keys: tuple  # source keys, in the order written


Inline = tuple  # a sequence of Text/Strong/Emph/Link/Lang/Cite


def plain(inline: Inline) -> str:
    """The text a reader sees, without citation markers."""
    out = []
    for span in inline:
        if isinstance(span, Text):
            out.append(span.text)
        elif isinstance(span, (Strong, Emph, Link, Lang)):
            out.append(plain(span.children))
    return "".join(out)


def has_spans(inline: Inline) -> bool:
    """True when the text holds a link, a citation or a passage in another language (spans with
    their own structure element)."""
    return any(isinstance(span, (Link, Cite, Lang)) or isinstance(span, (Strong, Emph)) and has_spans(span.children)
               for span in inline)


def citations(inline: Inline):
    """Every cited key in reading order."""
    for span in inline:
        if isinstance(span, Cite):
            yield from span.keys
        elif isinstance(span, (Strong, Emph, Link, Lang)):
            yield from citations(span.children)


# ---- where a value came from -------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    file: str
    line: int | None
    column: int | None
    path: str


# ---- blocks ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Paragraph:
    text: Inline
    place: Place
    audiences: tuple = ()
    id: str = ""
    lang: str = ""  # language of this block when not the handout's


@dataclass(frozen=True)
class ListItem:
    text: Inline
    place: Place
    items: tuple = ()  # nested ListItems
    audiences: tuple = ()
    lang: str = ""  # language of this block when not the handout's


@dataclass(frozen=True)
class BulletList:
    items: tuple
    place: Place
    audiences: tuple = ()
    id: str = ""
    lang: str = ""  # language of this block when not the handout's


@dataclass(frozen=True)
class Steps(BulletList):
    """Numbered steps, done in order (1., 2., ...); nested items are bullets under their step."""


@dataclass(frozen=True)
class Checklist(BulletList):
    """Items with a box to tick (a real check box in variants with fillable fields)."""


@dataclass(frozen=True)
class Table:
    rows: tuple  # tuple of rows, each a tuple of Inline cells; () is a blank cell to write in
    place: Place
    header: tuple | None = None  # a tuple of Inline cells, or None
    caption: Inline = ()  # printed above the table
    audiences: tuple = ()
    id: str = ""
    kind: str = "table"  # "table": data under column headings; "grid": items set out in rows, read row by row
    lang: str = ""  # language of this block when not the handout's
    widths: tuple = ()  # column widths as fractions of the text width (adding up to 1); (): equal
    row_height: float | None = None  # minimum height of each body row in points: room to write
    lines: bool = True  # ruled writing lines in blank cells of rows tall enough for more than one line


@dataclass(frozen=True)
class Figure:
    """A picture from the project (PNG, JPEG or SVG), checked when loaded."""

    image: str  # absolute path of the file
    source: str  # the path as written, for messages and web pages
    format: str  # png | jpeg | svg
    size: tuple  # intrinsic (width, height): pixels, or SVG user units
    place: Place
    alt: str = ""  # what the picture shows, for readers who cannot see it; "" only when decorative
    decorative: bool = False  # drawn for looks only: an artifact, no alt text
    caption: Inline = ()
    width: float | None = None  # share of the text width; None: its own size, at most the text width
    audiences: tuple = ()
    id: str = ""
    lang: str = ""


@dataclass(frozen=True)
class Term:
    term: Inline
    definition: Inline
    place: Place
    audiences: tuple = ()
    lang: str = ""


@dataclass(frozen=True)
class Glossary:
    """Terms and what they mean."""

    terms: tuple  # Terms, in the order written
    place: Place
    audiences: tuple = ()
    id: str = ""
    lang: str = ""


@dataclass(frozen=True)
class PageBreak:
    """What follows starts on a new page."""

    place: Place
    audiences: tuple = ()


@dataclass(frozen=True)
class Callout:
    blocks: tuple
    place: Place
    heading: Inline = ()
    tone: str = "note"  # note | emergency
    audiences: tuple = ()
    id: str = ""
    lang: str = ""  # language of this block when not the handout's


@dataclass(frozen=True)
class KeyMessages(Callout):
    """A highlighted box with a heading and a short list of the points to remember (blocks: one list)."""

    tone: str = "key"


@dataclass(frozen=True)
class Section:
    heading: Inline
    blocks: tuple
    place: Place
    audiences: tuple = ()
    id: str = ""
    lang: str = ""  # language of this block when not the handout's
    keep_together: bool = False  # on one page when it fits on one


@dataclass(frozen=True)
class KeepTogether:
    """Blocks printed on one page when they fit on one (else they run on as usual)."""

    blocks: tuple
    place: Place
    audiences: tuple = ()
    id: str = ""


@dataclass(frozen=True)
class Group:
    """Blocks shown together to some audiences; prints nothing of its own."""

    blocks: tuple
    place: Place
    audiences: tuple = ()
    id: str = ""
    keep_together: bool = False  # shown as a KeepTogether when resolved


Block = (Paragraph | BulletList | Steps | Checklist | Table | Figure | Glossary | Callout | KeyMessages | Section
         | Group | KeepTogether | PageBreak)


# ---- sources, clinic, review, variants -----------------------------------------------------
@dataclass(frozen=True)
class Source:
    key: str
    authors: tuple
    year: str
    title: str
    place: Place
    container: str = ""  # journal or web site
    date: str = ""  # publication date as printed, e.g. "2010 Feb 11"
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    url: str = ""
    accessed: str = ""  # ISO date a web page was read; printed with its address


@dataclass(frozen=True)
class Review:
    status: str  # draft | in-review | approved
    reviewed: str = ""  # ISO date
    reviewer: str = ""
    credentials: str = ""


@dataclass(frozen=True)
class Variant:
    name: str
    audience: str
    language: str
    layout: str
    review: Review
    place: Place
    max_pages: int | None = None
    title: str = ""  # overrides, empty when not overridden
    subtitle: str = ""
    call_to_action: Callout | None = None
    file_name: str = ""  # file name (without .pdf) when the default does not suit, e.g. in Spanish
    budget_place: Place | None = None  # where max_pages is written, for the over-budget error
    max_grade: float | None = None  # highest reading grade before `check` warns; None: not checked
    grade_place: Place | None = None
    max_kb: float | None = None  # e-mail size budget
    appointment_fields: bool = False  # fillable fields for admissions staff
    min_inflesz: float | None = None  # lowest Spanish reading ease (Szigriszt-Pazos) before `check` warns
    inflesz_place: Place | None = None
    accepted_words: tuple = ()  # listed jargon approved in this variant's text (plainwords)
    closing: bool = True  # the closing notes (formats, disclaimer, review); a packet's cover has none
    clinic: str = ""  # id of the clinic (clinics/<id>.yaml) this variant is for; "": the layout's, or the default
    clinic_place: Place | None = None


@dataclass(frozen=True)
class Contact:
    value: str  # as printed
    link: str  # tel:, https: or mailto: target; empty for an address
    kind: str  # phone | web | email | address
    placeholder: bool = False


@dataclass(frozen=True)
class Clinic:
    name: str
    short_name: str
    tagline: str
    phone: Contact
    web: Contact
    email: Contact | None
    address: Contact | None
    file: str
    handout_url: Contact | None = None  # value holds {id}
    id: str = ""  # clinics/<id>.yaml; "" for the default clinic, handouts/clinic.yaml
    logo: str = ""  # the clinic's own mark, as written (a path in layouts/); "" to print the layout's
    logo_place: Place | None = None
    logo_path: str = ""  # the mark's file, once checked


@dataclass(frozen=True)
class Handout:
    id: str
    title: str
    subtitle: str
    language: str
    version: str
    review: Review
    blocks: tuple
    sources: tuple
    variants: tuple
    file: str
    keywords: tuple = ()
    topics: tuple = ()  # the staff catalog's topics for this handout
    call_to_action: Callout | None = None
    clinic: Clinic | None = None
    url: str = ""  # where the current version lives; printed with a QR code
    places: dict = field(default_factory=dict)  # "title", "subtitle" -> Place
    accepted_words: tuple = ()  # listed jargon approved in every variant's text (plainwords)
    own_url: str = ""  # the handout's own url:, which every clinic keeps; "" to use each clinic's handout_url
    folded_dashes: tuple = ()  # (path, line, column, text): '- ' lines YAML folded into plain text (yamlio)


@dataclass(frozen=True)
class Resolved:
    """One handout as one variant will print it: filtered, overridden, sources numbered."""

    handout: Handout
    variant: Variant
    title: str
    subtitle: str
    blocks: tuple
    call_to_action: Callout | None
    sources: tuple  # (number, Source) in first-citation order
    numbers: dict = field(default_factory=dict)  # source key -> number
    title_place: Place | None = None  # where the printed title is written (for errors about it)
    offers: tuple | None = None  # (large print?, other languages) the closing line offers; None: from the variants
    url: str = ""  # this variant's web page (the QR code and "Latest version" point at it); "" when none
