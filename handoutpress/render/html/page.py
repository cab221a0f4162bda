"""One resolved handout -> its web page (UTF-8 bytes): the same blocks, sources and furniture
the PDF prints, as semantic HTML with the layout's brand. Pure: the caller supplies the links
(the PDF, the other variants, where the fonts are) and the logo's SVG bytes."""
from __future__ import annotations


from ...records import dataclass
from ... import model as m
from ...labels import labels_for
from ...page_text import review_line  # format-neutral; moves to resolve/ with the reorganisation
from ...resolve.sources import format_source
from . import blocks as b
from .blocks import esc
from .mark import inline_mark
from .style import stylesheet
from .words import autonym, words_for

BUDGET_KB = 80  # a page without its shared fonts; the patient page is about a third of it


@dataclass(frozen=True)
class Other:
    """Another variant of the same handout, as the page links to it."""

    href: str  # relative to this page
    title: str
    language: str
    variant: str
    audience: str


@dataclass(frozen=True)
class PageLinks:
    pdf: str  # this variant's PDF, relative to the page
    pages: int = 0
    assets: str = "../_assets/"  # the folder holding the font files, relative to the page
    others: tuple = ()  # Other, in a stable order


def render_page(resolved: m.Resolved, theme, clinic: m.Clinic, links: PageLinks,
                mark_svg: bytes | tuple | None = None) -> bytes:
    """The variant's web page. mark_svg: the logo's SVG bytes, or the (viewBox, shapes) that
    mark.mark_shapes() made of them."""
    v, h = resolved.variant, resolved.handout
    lab, words = labels_for(v.language), words_for(v.language)
    ctx = b.Ctx(resolved.numbers, words)
    draft = v.review.status != "approved"
    main = _appointment(lab) if v.appointment_fields else []
    main += b.build(resolved.blocks, ctx, 2)
    if resolved.call_to_action:
        main += b.callout(resolved.call_to_action, ctx, 2, extra=_contact_lines(clinic, lab, resolved.url))
    main += _sources(resolved, ctx, lab, words)
    title = (lab["draft_notice"] + ": " if draft else "") + resolved.title
    head = ['<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">']
    if draft:
        head.append('<meta name="robots" content="noindex">')  # drafts must not be found by search engines
    head += [f"<title>{esc(title)} · {esc(clinic.short_name)}</title>",
             f'<meta name="description" content="{esc(resolved.subtitle or resolved.title)}">',
             '<link rel="icon" href="data:,">',
             f'<link rel="alternate" type="application/pdf" href="{esc(links.pdf)}">']
    head += [f'<link rel="alternate" hreflang="{esc(o.language)}" href="{esc(o.href)}">'
             for o in links.others if o.language != v.language and o.audience == v.audience]
    head.append(f"<style>\n{stylesheet(theme, links.assets)}</style>")
    mark = inline_mark(mark_svg, lab["logo_alt"].format(name=clinic.name), "logo-title") if mark_svg else ""
    header = ["<header>"]
    if draft:
        header.append(f'<p class="draft">{esc(lab["draft_notice"])}</p>')  # the first thing anyone reads or hears
    header += ['<div class="band"><div class="wrap">',
               f'<p class="brand">{mark}<span class="wordmark">{esc(clinic.short_name)}'
               f'<span class="tagline">{esc(clinic.tagline)}</span></span></p>',
               f"<h1>{esc(resolved.title)}</h1>"]
    if resolved.subtitle:
        header.append(f'<p class="subtitle">{esc(resolved.subtitle)}</p>')
    header.append("</div></div></header>")
    body = header + _versions(links, v, words) + ['<main class="wrap" id="main">'] + main + ["</main>"] \
        + _footer(clinic, lab, words, v, h, resolved)
    page = (f'<!DOCTYPE html>\n<html lang="{esc(v.language)}">\n<head>\n' + "\n".join(head) + "\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
    return page.encode("utf-8")


def _versions(links: PageLinks, variant, words) -> list[str]:
    """The PDF of this variant, and the other variants (other formats, other languages)."""
    pages = f' ({words["pdf_pages"].format(pages=links.pages)})' if links.pages else ""
    items = [f'<li><a href="{esc(links.pdf)}" type="application/pdf">{esc(words["pdf"])}</a>{esc(pages)}</li>']
    for o in links.others:
        other_lang = o.language != variant.language
        attrs = f' hreflang="{esc(o.language)}" lang="{esc(o.language)}"' if other_lang else ""
        parts = [o.variant.replace("-", " ")] if o.variant != o.language else []  # "es" says only "español"
        label = ", ".join(parts + ([autonym(o.language)] if other_lang else []))
        items.append(f'<li><a href="{esc(o.href)}"{attrs}>{esc(o.title)} ({esc(label)})</a></li>')
    return ['<nav class="wrap versions" aria-labelledby="versions-heading">',
            f'<h2 id="versions-heading">{esc(words["versions"])}</h2>', "<ul>", *items, "</ul>", "</nav>"]


def _contact_lines(clinic, lab, url: str) -> list[str]:
    """How to reach admissions, as the PDF's call to action ends, and where the latest version lives."""
    lines = []
    for label, contact in ((lab["call"], clinic.phone), (lab["visit"], clinic.web), (lab["email"], clinic.email)):
        if contact:
            value = b.link(contact.link, esc(contact.value)) if contact.link else esc(contact.value)
            lines.append(f"<p><strong>{esc(label)}:</strong> {value}</p>")
    if url:
        shown = url.removeprefix("https://").rstrip("/")
        lines.append(f'<p><strong>{esc(lab["scan"])}</strong> {b.link(url, esc(shown))}</p>')
    return lines


def _appointment(lab) -> list[str]:
    """The admissions variant's fields, fillable on screen as in the PDF."""
    out = ['<section class="box note fields" aria-labelledby="appointment">',
           f'<h2 id="appointment">{esc(lab["appointment"])}</h2>']
    for name in ("appointment_date", "appointment_time", "clinician"):
        fid = name.replace("_", "-")
        out.append(f'<p><label for="{fid}">{esc(lab[name])}</label> <input id="{fid}" name="{name}" type="text"></p>')
    return out + ["</section>"]


def _sources(resolved, ctx, lab, words) -> list[str]:
    if not resolved.sources:
        return []
    # sources stay in the language they were published in: a screen reader switches voice for them
    lang = resolved.handout.language
    attr = f' lang="{esc(lang)}"' if lang != resolved.variant.language else ""
    out = ['<section class="sources" aria-labelledby="sources">', f'<h2 id="sources">{esc(lab["sources"])}</h2>', "<ol>"]
    for n, source in resolved.sources:
        back = ""
        if ctx.cites.get(n):
            back = (f' <a class="back" href="#{ctx.cites[n][0]}" aria-label="{esc(words["back"])} ({n})">'
                    f'↩\N{VARIATION SELECTOR-15}</a>')
        out.append(f'<li id="source-{n}" value="{n}"><span{attr}>{esc(format_source(source))}</span>{back}</li>')
    return out + ["</ol>", "</section>"]


def _footer(clinic, lab, words, variant, handout, resolved) -> list[str]:
    """Alternate formats (only those there are), the disclaimer, the review furniture and the clinic's contact block."""
    from ...labels import availability
    from ...resolve.variants import alternatives

    offers = resolved.offers if resolved.offers is not None else alternatives(handout, variant)
    texts = [t for t in (availability(variant.language, *offers, clinic.phone.value), lab["disclaimer"],
                         review_line(variant, handout, lab)) if t]
    out = ['<footer class="wrap">'] + [f"<p>{esc(t)}</p>" for t in texts]
    lines = [f"<strong>{esc(clinic.name)}</strong>"]
    if clinic.address:
        lines.append(esc(clinic.address.value))
    for contact in (clinic.phone, clinic.email, clinic.web):
        if contact:
            lines.append(b.link(contact.link, esc(contact.value)) if contact.link else esc(contact.value))
    out.append("<address>" + "<br>".join(lines) + "</address>")
    return out + ["</footer>"]
