"""(handout, variant) -> the handout as that variant prints it. Pure: no I/O, no ReportLab."""
from __future__ import annotations

from dataclasses import replace

from .citations import number_sources
from .model import BulletList, Callout, Glossary, Group, Handout, KeepTogether, ListItem, Resolved, Section, Variant


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
                    sources=sources, numbers=numbers,
                    title_place=variant.place if variant.title else handout.places.get("title", variant.place))


def find_variant(handout: Handout, name: str) -> Variant | None:
    return next((v for v in handout.variants if v.name == name), None)


__all__ = ["resolve", "filter_blocks", "find_variant", "ListItem"]
