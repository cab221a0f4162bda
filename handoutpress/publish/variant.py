"""A variant made ready to draw: its layout and clinic (loaded once a run), its content resolved and
translated, and every check that needs no drawing (which a build on two or more cores runs beside the
drawing, in a forked copy of itself)."""
from __future__ import annotations

from dataclasses import field, replace
from pathlib import Path

from ..records import dataclass
from ..errors import Problem, PublishError
from ..resolve.variants import resolve
from .inputs import _shown, load_translation_for

@dataclass
class Caches:
    """What one run loads once and shares between variants."""

    themes: dict = field(default_factory=dict)  # layout name -> Theme, or the PublishError it raised
    fonts: dict = field(default_factory=dict)  # layout name -> registered font names by role
    translations: dict = field(default_factory=dict)
    clinics: object = None  # clinics.Clinics of the repository, loaded once
    layout_clinics: dict = field(default_factory=dict)  # layout name -> the clinic id it names ("" none)
    marks: dict = field(default_factory=dict)  # logo file -> its SVG bytes, for the web pages
    title_marks: dict = field(default_factory=dict)  # logo file, size, time and inks -> its drawing (logo.title_mark)
    theme_checks: dict = field(default_factory=dict)  # layout name -> its contrast and type-size problems
    helper: object = None  # processes.Helper that finishes PDFs and makes thumbnails, on a second core


@dataclass
class Checked:
    """One variant resolved (and translated) with every check that needs no rendering. The checks may
    still be running beside the drawing (pending): problems, reading and plain wait for them when read."""

    resolved: object
    theme: object
    keywords: tuple
    found: list  # the problems found while resolving (a translation's), before the checks proper
    pending: object = None  # processes.Beside of _findings, until settled
    checks: tuple = ()  # _findings' answer: (problems, reading, plain)

    def settle(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            self.checks = pending.result()

    def cancel(self) -> None:
        """Stop checks still running beside (a build that stops has no use for them); read later, they
        run here."""
        if self.pending is not None:
            self.pending.cancel()

    @property
    def settled(self) -> bool:
        return self.pending is None

    @property
    def problems(self) -> list:  # errors and warnings
        self.settle()
        return self.found + self.checks[0]

    @problems.setter
    def problems(self, value: list) -> None:
        self.settle()
        self.found, self.checks = list(value), ([], *self.checks[1:])

    @property
    def reading(self):  # readability.Reading, or None when not scored
        self.settle()
        return self.checks[1]

    @property
    def plain(self):  # plainlanguage.Plain
        self.settle()
        return self.checks[2]

    @property
    def errors(self):
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self):
        return [p for p in self.problems if p.severity != "error"]


def _theme(root: Path, name: str, caches: Caches):
    from ..load.fonts import register_families
    from ..load.layout import load_theme

    if name not in caches.themes:
        try:
            theme = load_theme(root, name)
            caches.fonts[name] = register_families(theme)
        except PublishError as exc:
            caches.themes[name] = exc  # a broken layout is reported once, not once per variant
            raise
        caches.themes[name] = theme
    theme = caches.themes[name]
    if isinstance(theme, PublishError):
        raise PublishError([])
    return theme


def repository_clinics(root: Path, caches: Caches):
    """The repository's clinics, loaded once per run; a clinic file with errors raises them."""
    from ..checks.clinic import clinic_problems
    from ..load.clinics import load_clinics

    if caches.clinics is None:
        clinics, problems = load_clinics(root, lambda p: _shown(p, root), clinic_problems)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise PublishError(errors)
        caches.clinics = clinics
    return caches.clinics


def _clinic_id(root: Path, variant, caches: Caches) -> str:
    """The clinic a variant is for, by id ("" the default; "?" when its layout cannot be read). Reads only
    the layout chain's YAML: a broken layout is reported by its own variants, not by their siblings."""
    from ..load.layout import load_chain, merge_chain

    if variant.clinic:
        return variant.clinic
    if variant.layout not in caches.layout_clinics:
        try:
            data, _ = merge_chain(load_chain(root / "layouts", variant.layout, root))
            clinic = (data.get("clinic") or "") if isinstance(data, dict) else ""
            caches.layout_clinics[variant.layout] = clinic if isinstance(clinic, str) else "?"
        except PublishError:
            caches.layout_clinics[variant.layout] = "?"
    return caches.layout_clinics[variant.layout]


def check_variant(handout, variant, root: Path, caches: Caches, today=None, aside: bool = False) -> Checked:
    """Resolve one variant and run the checks that need no rendering (raises only for a broken layout).
    aside: run the checks in a forked copy of this process (processes.beside), for the caller to draw
    the variant meanwhile; they are waited for when their problems are first read."""
    import datetime as _dt

    from ..load.clinics import choose, for_clinic

    theme = _theme(root, variant.layout, caches)
    handout = for_clinic(handout, choose(repository_clinics(root, caches), variant, theme))  # its clinic's details
    resolved = resolve(handout, variant)
    problems, keywords = [], handout.keywords
    title_place = variant.place if variant.title else handout.places.get("title", variant.place)
    subtitle_place = variant.place if variant.subtitle else handout.places.get("subtitle", variant.place)
    if variant.language != handout.language:
        from ..load.translation import translate

        tr = load_translation_for(root, handout, variant, caches.translations)
        resolved, stale = translate(resolved, tr)
        problems += stale
        keywords = tr.keywords or keywords
        title_place = subtitle_place = tr.places["title"]
        if tr.source_version != handout.version:
            p = tr.places["source_version"]
            problems.append(Problem(p.file, p.line, p.column, p.path,
                                    f"translated from version {tr.source_version} of {handout.file}, which is now "
                                    f"version {handout.version}", "have the translation reviewed and update "
                                    "source_version", code="translation-version", severity="warning"))
    from ..resolve.variants import alternatives

    resolved = replace(resolved, offers=alternatives(handout, variant, lambda v: _clinic_id(root, v, caches)))
    work = (resolved, theme, caches.fonts[variant.layout], (title_place, subtitle_place), today or _dt.date.today(),
            root, caches.theme_checks)
    if aside:
        from .processes import beside

        return Checked(resolved, theme, keywords, problems, pending=beside(_findings, *work))
    return Checked(resolved, theme, keywords, problems, checks=_findings(*work))


def _findings(resolved, theme, fonts, places, today, root: Path, theme_checks: dict) -> tuple:
    """The checks proper of a resolved variant: (problems, reading level, plain language). The same answer
    in a forked copy as here (theme_checks: the layout's own problems by layout, kept once found here)."""
    from ..checks.contrast import logo_ink_problems, theme_problems
    from ..checks.glyphs import missing_in_content, missing_in_strings
    from ..checks.plain_language import plain_language
    from ..checks.runner import variant_problems
    from ..labels import availability
    from ..load.markstore import store_for
    from ..resolve.sources import format_source

    variant, clinic = resolved.variant, resolved.handout.clinic
    problems = missing_in_content(resolved, fonts)
    offer = availability(variant.language, *resolved.offers, "")  # the closing line's language names
    titles = [(resolved.title, places[0]), (resolved.subtitle, places[1]), (offer, variant.place)]
    problems += missing_in_strings(titles + [(format_source(s), s.place) for _, s in resolved.sources], fonts)
    more, reading = variant_problems(resolved, today)
    words, plain = plain_language(resolved)
    store = store_for(root)
    if variant.layout not in theme_checks:
        theme_checks[variant.layout] = theme_problems(theme, store)
    problems += more + words + theme_checks[variant.layout] + logo_ink_problems(theme, clinic, store)
    return problems, reading, plain
