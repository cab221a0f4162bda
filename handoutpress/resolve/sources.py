"""Source formatting: the printed entry of a source, the same in every output format."""
from __future__ import annotations



def format_source(source) -> str:
    """Vancouver-like entry as the clinic prints it: 'Ashton H. 1994. Title. Addiction. 1994 Nov;89(11):1535-41.'

    Every part is optional but the title: a missing one leaves no stray punctuation, an undated source
    says "n.d.", and a web page (a source with `accessed:`) ends with the date it was read and its address;
    a url without one (beside a journal's doi) is a reviewer's reference, not printed."""
    parts = [_end(", ".join(a.strip() for a in source.authors if a.strip()))] if any(
        a.strip() for a in source.authors) else []
    parts += [_end(source.year.strip() or "n.d."), _end(source.title.strip())]
    if source.container.strip():
        parts.append(_end(source.container.strip()))
    volume = source.volume.strip() + (f"({source.issue.strip()})" if source.issue.strip() else "")
    tail = ";".join(x for x in (source.date.strip(), volume) if x)
    if source.pages.strip():
        tail = f"{tail}:{source.pages.strip()}" if tail else source.pages.strip()
    if tail:
        parts.append(_end(tail))
    if source.accessed:  # a web page: the date it was read, then its address, last and bare (a full stop
        parts.append(f"Accessed {accessed_date(source.accessed)}.")  # after it would look part of the address)
        if source.url.strip():
            parts.append(source.url.strip())
    return " ".join(parts)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def accessed_date(iso: str) -> str:
    """'2026-11-30' as Vancouver dates are printed: '2026 Nov 30'."""
    year, month, day = iso.split("-")
    return f"{year} {MONTHS[int(month) - 1]} {int(day)}"


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."
