"""Content and layout QA: the checks `publish.py check` reports and `build` runs first.

Each check is a small function returning Problems with a stable code, a severity and a place.
Checks that need the laid-out PDF (page budget, glyphs, blocks taller than a page, stale
translations) come from rendering the variant in memory, exactly as `build` does.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

from .content import block_texts, walk_blocks
from .errors import Problem, PublishError
from .labels import next_review
from .model import plain

PHONE = re.compile(r"^(\+1[ -])?(\(\d{3}\) |\d{3}[-. ])\d{3}[-. ]\d{4}$")
PLACEHOLDER_PHONE = re.compile(r"555[-. ]?01\d\d")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PRESS_3 = re.compile(r"\b(press|presione|oprima|marque)\s*(the\s+)?(number\s+)?3\b", re.I)
SCORED_LANGUAGES = ("en", "es")  # Flesch-Kincaid and SMOG in English; Fernández-Huerta and Szigriszt-Pazos in Spanish


@dataclass
class CheckResult:
    problems: list = field(default_factory=list)
    reading: dict = field(default_factory=dict)  # (handout id, variant) -> Reading, or None when not scored
    max_grade: dict = field(default_factory=dict)  # (handout id, variant) -> the variant's maximum
    min_inflesz: dict = field(default_factory=dict)  # (handout id, variant) -> a Spanish variant's minimum
    plain: dict = field(default_factory=dict)  # (handout id, variant) -> plainlanguage.Plain
    files: set = field(default_factory=set)

    @property
    def errors(self):
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self):
        return [p for p in self.problems if p.severity == "warning"]


PLACEHOLDER = "TODO"  # what `publish.py new` templates mark the author's text with; check warns while one is left

def _warn(problem: Problem) -> Problem:
    return replace(problem, severity="warning")


# ---- the clinic file ------------------------------------------------------------------------
def clinic_problems(clinic_path: Path, shown: str) -> list[Problem]:
    """Phone numbers, web and e-mail addresses well formed; placeholders reported."""
    from .yamlio import load

    doc = load(clinic_path, shown)
    data = doc.data if isinstance(doc.data, dict) else {}
    out = []
    for key in ("phone", "web", "email", "address", "handout_url"):
        entry = data.get(key)
        if not isinstance(entry, dict):
            continue
        value, link = str(entry.get("value", "")), str(entry.get("link", ""))
        at = (key, "value")
        if key == "phone":
            if not PHONE.match(value):
                out.append(doc.problem(at, f"'{value}' is not a phone number in the form (555) 555-0123",
                                       "write it as (NNN) NNN-NNNN", "clinic-phone"))
            digits = re.sub(r"\D", "", value)
            if link and re.sub(r"\D", "", link).removeprefix("1") != digits.removeprefix("1"):
                out.append(doc.problem((key, "link"), f"the link '{link}' does not dial {value}",
                                       f"write tel:+1-{digits[-10:-7]}-{digits[-7:-4]}-{digits[-4:]}",
                                       "clinic-phone"))
        if key in ("web", "handout_url"):
            url = urlparse(link or value)
            if url.scheme != "https" or "." not in url.netloc:
                out.append(doc.problem((key, "link") if link else at, f"'{link or value}' is not an https address",
                                       "write the full address, e.g. https://clinic.example.org/", "clinic-url"))
        if key == "email" and not EMAIL.match(value):
            out.append(doc.problem(at, f"'{value}' is not an e-mail address", "write it as name@domain.org",
                                   "clinic-email"))
        if entry.get("placeholder") or PLACEHOLDER_PHONE.search(value) or "example." in value:
            out.append(_warn(doc.problem(at, f"{key} '{value}' is a placeholder",
                                         "replace it with the clinic's real details and set placeholder: false",
                                         "clinic-placeholder")))
    return out


# ---- one handout, one variant -----------------------------------------------------------------
def _texts(resolved):
    blocks = resolved.blocks + ((resolved.call_to_action,) if resolved.call_to_action else ())
    for block in walk_blocks(blocks):
        for inline in block_texts(block):
            yield block.place, plain(inline)


def crisis_problems(resolved) -> list[Problem]:
    """The 988 Lifeline's 'press 3' option ended in July 2025: text offering it is wrong."""
    out = []
    for place, text in _texts(resolved):
        if "988" in text and PRESS_3.search(text):
            out.append(Problem(place.file, place.line, place.column, place.path,
                               "offers 'press 3' for the 988 Lifeline; that option ended in July 2025",
                               "remove it; say: call or text 988, or chat at 988lifeline.org", code="crisis-press-3"))
    return out


def placeholder_problems(resolved) -> list[Problem]:
    """Text a template left for the author to write (TODO), at its line: a warning in a draft, an error once
    approved, so a placeholder never reaches a patient."""

    texts = [(resolved.title_place or resolved.variant.place, resolved.title),
             (resolved.handout.places.get("subtitle", resolved.variant.place), resolved.subtitle)]
    return [Problem(place.file, place.line, place.column, place.path, f"still holds the template's {PLACEHOLDER}",
                    "write the handout's own text in its place", code="content-placeholder",
                    severity="error" if resolved.variant.review.status == "approved" else "warning")
            for place, text in texts + [(p, t) for p, t in _texts(resolved)] if PLACEHOLDER in text.split()]


def review_problems(handout, variant, today: _dt.date) -> list[Problem]:
    """Approved variants name their reviewer and date, and are not past their next review."""
    review, place = variant.review, variant.place
    if review.status != "approved":
        return []
    if not review.reviewed or not review.reviewer:
        return [Problem(place.file, place.line, place.column, place.path + ".review",
                        "approved without a review date and reviewer",
                        "add reviewed: YYYY-MM-DD and reviewer: (with credentials) to the review",
                        code="review-incomplete")]
    due = next_review(review.reviewed)
    if _dt.date.fromisoformat(due) < today:
        return [Problem(place.file, place.line, place.column, place.path + ".review",
                        f"approved content is past its next review ({due}, 24 months after {review.reviewed})",
                        "have a clinician review it again and update reviewed:", code="review-overdue",
                        severity="warning")]
    return []


def reading_problems(resolved, reading) -> list[Problem]:
    """Above the variant's maximum grade: a warning naming what drives the score and quoting what raises it."""
    from .readability import Reading, sentences_of
    from .reading_advice import english

    limit = resolved.variant.max_grade
    if not isinstance(reading, Reading) or limit is None or max(reading.fk_grade, reading.smog) <= limit:
        return []
    p = resolved.variant.grade_place or resolved.variant.place
    message, fix = english(resolved.variant.name, reading, sentences_of(resolved), limit)
    return [Problem(p.file, p.line, p.column, p.path, message, fix, code="reading-level", severity="warning")]


def uncited_sources(handout) -> list[Problem]:
    """Sources that no variant cites: listed nowhere, probably a leftover or a missing citation."""
    from .variants import resolve

    cited = set()
    for variant in handout.variants:
        cited.update(resolve(handout, variant).numbers)
    return [Problem(s.place.file, s.place.line, s.place.column, s.place.path,
                    f"source '{s.key}' is cited by no variant", f"cite it with [@{s.key}] or remove it",
                    code="source-uncited", severity="warning")
            for s in handout.sources if s.key not in cited]


def swallowed_items(path: Path, shown: str) -> list[Problem]:
    """A line starting with '- ' that YAML folded into the text above it: a list item indented wrongly.

    (A plain scalar's style is None with PyYAML's parser, '' with libyaml's.) Read from the source, since only the source knows where the lines broke (the file loaded already)."""
    import yaml

    from .yamlio import format_path

    try:
        text = path.read_text("utf-8")
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 20x faster
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []  # the loader has said what is wrong with the file
    lines, out = text.splitlines(), []

    def walk(node, at):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, at + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, at + (i,))
        elif not node.style and node.end_mark.line > node.start_mark.line:  # plain text over several lines
            for n in range(node.start_mark.line + 1, min(node.end_mark.line, len(lines) - 1) + 1):
                stripped = lines[n].lstrip()
                if stripped.startswith("- "):
                    out.append(Problem(shown, n + 1, len(lines[n]) - len(stripped) + 1, format_path(at),
                                       f"this line starts with '- ' but YAML reads it as part of the text above "
                                       f"(\"{node.value[:60]}\"): a list item indented by a different amount is "
                                       "swallowed into the item before it",
                                       "indent the '- ' exactly like the items above it (for a nested list write "
                                       "text: and items:); to keep the dash as text, put the whole text in quotes",
                                       code="list-item-swallowed", severity="warning"))

    if root is not None:
        walk(root, ())
    return out


def variant_problems(resolved, today) -> tuple[list, object]:
    """Every check of one resolved variant that needs no rendering; and its reading level."""
    from .plainlanguage import ease_problems, reading_for

    reading = reading_for(resolved) if resolved.variant.language.split("-")[0] in SCORED_LANGUAGES else None
    problems = crisis_problems(resolved) + review_problems(resolved.handout, resolved.variant, today)
    problems += placeholder_problems(resolved)
    problems += reading_problems(resolved, reading) + ease_problems(resolved, reading)
    return problems, reading


def theme_problems(theme) -> list[Problem]:
    """Contrast, grayscale and type sizes of a layout, and a logo whose colours one ink loses, as Problems."""
    from .contrast import check_theme

    return [Problem(f.file, f.line, f.column, f.path, f.message, f.fix, code=f.code, severity=f.severity)
            for f in check_theme(theme)] + logo_ink_problems(theme)


def logo_ink_problems(theme, clinic=None) -> list[Problem]:
    """A mark of several colours (the layout's, or the clinic's own) that the layout asks to print in one
    ink: say what is lost, once, at the layout's logo_colours line."""
    from .logo import mark_inks

    band = theme.settings["title_band"]
    mark = (clinic.logo_path if clinic else "") or band.get("logo_path")
    if not mark or band["logo_colours"] != "one-ink" or (clinic is not None and not clinic.logo_path):
        return []
    colours = mark_inks(mark)
    if len(colours) <= 1:
        return []
    file, line, column = theme.origins.get(("title_band", "logo_colours"), (theme.files[0], None, None))
    ink = band["foreground"].hexval().replace("0x", "#")
    return [Problem(file, line, column, "title_band.logo_colours",
                    f"the logo mark {Path(mark).name} has {len(colours)} colours ({', '.join(colours)}); "
                    "logo_colours: one-ink prints "
                    f"them all in {ink}, so its parts run together",
                    "use logo_colours: own (or auto) to print the mark in its colours, or give a one-colour "
                    "version of the mark", code="logo-one-ink", severity="warning")]


# ---- everything -------------------------------------------------------------------------------
def run(root: Path, names: list[str] | None = None, today: _dt.date | None = None) -> CheckResult:
    """Check the chosen handouts (default: all), rendering each variant in memory."""
    from .build import Caches, _check_name, _clash_problems, _shown, check_variant, render_variant, select
    from .content import load_handout
    from .layout import list_layouts

    root = Path(root)
    today = today or _dt.date.today()
    result = CheckResult()
    from .clinics import load_clinics

    clinics, found = load_clinics(root, lambda p: _shown(p, root), clinic_problems)
    result.problems += found
    result.files.update(shown for _, shown in clinics.files)
    if any(p.severity == "error" for p in found):
        return result
    clinic = clinics.default
    files, unknown = select(root, names or [])
    for name in unknown:
        result.problems.append(Problem(name, None, None, "", "no such handout",
                                       "give a handout id from handouts/", code="handout-unknown"))
    caches, ids = Caches(clinics=clinics), {}
    for path in files:
        shown = _shown(path, root)
        result.files.add(shown)
        try:
            handout = load_handout(path, clinic, shown, layouts=list_layouts(root / "layouts"))
        except PublishError as exc:
            result.problems += exc.problems
            continue
        result.problems += uncited_sources(handout) + swallowed_items(path, shown)
        ids.setdefault(handout.id, []).append((shown, handout.places.get("id")))
        for variant in handout.variants:
            key = (handout.id, variant.name)
            try:
                _check_name(handout, variant)
                checked = check_variant(handout, variant, root, caches, today)
                result.problems += checked.problems
                result.reading[key] = checked.reading
                result.max_grade[key] = variant.max_grade
                result.min_inflesz[key] = variant.min_inflesz
                result.plain[key] = checked.plain
                result.problems += list(checked.plain.notes if checked.plain else ())  # accepted terms
                if not checked.errors:  # page budget, size budget, blocks taller than a page
                    built = render_variant(handout, variant, root, caches, checked)
                    result.problems += [w for w in built.warnings if w.code == "size-budget"]
            except PublishError as exc:
                result.problems += exc.problems
    for handout_id, owners in ids.items():
        if len(owners) > 1:  # their PDFs would overwrite each other
            result.problems += _clash_problems(handout_id, owners)
    result.problems = list(dict.fromkeys(result.problems))
    for p in result.problems:
        result.files.add(p.file)
    return result
