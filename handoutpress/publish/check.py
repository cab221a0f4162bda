"""`publish.py check`: every check `build` runs, on the chosen handouts, each variant rendered in memory."""
from __future__ import annotations

import datetime as _dt
from dataclasses import field
from pathlib import Path

from ..records import dataclass
from ..checks.clinic import clinic_problems
from ..checks.indentation import swallowed_items
from ..checks.sources import uncited_sources
from ..errors import Problem, PublishError
from ..model import plain


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


# ---- everything -------------------------------------------------------------------------------
def run(root: Path, names: list[str] | None = None, today: _dt.date | None = None) -> CheckResult:
    """Check the chosen handouts (default: all), rendering each variant in memory."""
    from ..load.content import load_handout
    from ..load.layout import list_layouts
    from .build import Caches, _check_name, _clash_problems, check_variant, render_variant
    from .inputs import _shown, select

    root = Path(root)
    today = today or _dt.date.today()
    result = CheckResult()
    from ..load.clinics import load_clinics

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
        result.problems += uncited_sources(handout) + swallowed_items(handout)
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
