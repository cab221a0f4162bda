"""(handout, variant) -> the handout as that variant prints it. Pure: no I/O, no ReportLab."""
from __future__ import annotations

from dataclasses import replace

from ..model import (BulletList, Callout, Glossary, Group, Handout, KeepTogether, ListItem, Resolved, Section,
                     Variant)
from .citations import number_sources


def visible(block, audience: str) -> bool:
    return not block.audiences or audience in block.audiences


def filter_blocks(blocks, audience: str) -> tuple:
    """Drop blocks (and list items) limited to other audiences; drop containers left empty."""
    out = []
    for block in blocks:
        if not visible(block, audience):
            continue
        if isinstance(block, Group) and not block.keep_together:
            out.extend(filter_blocks(block.blocks, audience))  # a group only chooses; it leaves no trace
            continue
        if isinstance(block, Group):  # a group kept on one page leaves only that
            block = KeepTogether(block.blocks, block.place, block.audiences, block.id)
        if isinstance(block, (Section, Callout, KeepTogether)):
            inner = filter_blocks(block.blocks, audience)
            if not inner:
                continue
            block = replace(block, blocks=inner)
        elif isinstance(block, BulletList):
            items = _filter_items(block.items, audience)
            if not items:
                continue
            block = replace(block, items=items)
        elif isinstance(block, Glossary):
            terms = tuple(t for t in block.terms if visible(t, audience))
            if not terms:
                continue
            block = replace(block, terms=terms)
        out.append(block)
    return tuple(out)


def _filter_items(items, audience) -> tuple:
    return tuple(replace(i, items=_filter_items(i.items, audience)) for i in items if visible(i, audience))


def resolve(handout: Handout, variant: Variant) -> Resolved:
    """Filter by audience, apply the variant's overrides and number the sources."""
    blocks = filter_blocks(handout.blocks, variant.audience)
    cta = variant.call_to_action or handout.call_to_action
    if cta is not None:
        kept = filter_blocks((cta,), variant.audience)
        cta = kept[0] if kept else None
    sources, numbers = number_sources(blocks, cta, handout.sources)
    return Resolved(handout=handout, variant=variant, title=variant.title or handout.title,
                    subtitle=variant.subtitle or handout.subtitle, blocks=blocks, call_to_action=cta,
                    sources=sources, numbers=numbers, url=page_url(handout, variant),
                    title_place=variant.place if variant.title else handout.places.get("title", variant.place))


LARGE_PRINT = "large-print"  # a variant named so, or on a layout whose name holds it, is the large-print edition


def is_large_print(variant: Variant) -> bool:
    return LARGE_PRINT in variant.name or LARGE_PRINT in variant.layout


def alternatives(handout: Handout, variant: Variant, clinic_of=lambda v: v.clinic) -> tuple[bool, tuple]:
    """What else a reader of this variant can ask for: (large print in its language, other languages).

    Only approved variants count (a draft is not handed out), and only the same clinic's (clinic_of:
    variant -> its clinic, when the layouts choose it)."""
    others = [v for v in handout.variants if v.name != variant.name and v.review.status == "approved"
              and clinic_of(v) == clinic_of(variant)]
    large = not is_large_print(variant) and any(is_large_print(v) and v.language == variant.language for v in others)
    languages = tuple(dict.fromkeys(v.language for v in others if v.language != variant.language))
    return large, languages


def file_stem(handout: Handout, variant: Variant) -> str:
    """The variant's file name without extension: its .pdf and its .html share it."""
    from ..names import file_name  # pure string rules; moves with the reorganisation

    from ..load.clinics import name_parts

    if variant.file_name or not handout.clinic:
        return variant.file_name or file_name("", handout.id, variant.name, variant.language).removesuffix(".pdf")
    clinic_part, variant_part = name_parts(handout.clinic, variant.name)  # riverbend-visit-patient, not ...-riverbend-patient
    return file_name(clinic_part, handout.id, variant_part, variant.language).removesuffix(".pdf")


def page_name(variant: Variant) -> str:
    """The variant's web page in out/<handout>/: short, since its address is printed beside the QR code."""
    return variant.name + ".html"


def page_url(handout: Handout, variant: Variant) -> str:
    """The variant's web page: {variant} in the handout's address pattern is its variant name; an address
    ending in / is the folder of the handout's pages."""
    url = handout.url
    if url.endswith("/") and "{variant}" not in url:
        url += "{variant}.html"
    return url.replace("{variant}", variant.name)


def find_variant(handout: Handout, name: str) -> Variant | None:
    return next((v for v in handout.variants if v.name == name), None)


__all__ = ["resolve", "filter_blocks", "find_variant", "alternatives", "ListItem"]
