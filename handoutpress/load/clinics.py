"""The clinics of a repository: handouts/clinic.yaml (the default) and clinics/<id>.yaml, one file each.

A variant is published for the clinic it names (`clinic:`), else the one its layout names, else
the default clinic. Loading is pure file reading; choosing is a pure function."""
from __future__ import annotations

import difflib
import re
from dataclasses import field, replace
from pathlib import Path

from ..records import dataclass
from ..errors import Problem, PublishError

DEFAULT_FILE = "clinic.yaml"  # in handouts/: the one clinic of a single-clinic repository
FOLDER = "clinics"
ID = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Clinics:
    default: object = None  # model.Clinic from handouts/clinic.yaml, or None
    by_id: dict = field(default_factory=dict)  # id -> model.Clinic from clinics/<id>.yaml
    files: tuple = ()  # (path, shown) of every clinic file read


def clinic_files(root: Path) -> list[Path]:
    return sorted(p for p in (Path(root) / FOLDER).glob("*.yaml")) if (Path(root) / FOLDER).is_dir() else []


def load_clinics(root: Path, shown, clinic_problems=lambda path, data: []) -> tuple[Clinics, list[Problem]]:
    """Every clinic file, checked; problems come back together (errors and the contact warnings).

    shown(path) gives the name a file is reported under; clinic_problems(path, data), the checks of a
    clinic's details (given by the caller: checks come after loading). handouts/clinic.yaml may be
    missing when clinics/ holds at least one clinic."""
    from .content import load_clinic

    root = Path(root)
    problems, by_id, files, default = [], {}, [], None
    default_path = root / "handouts" / DEFAULT_FILE
    named = clinic_files(root)
    if default_path.exists() or default_path.is_symlink() or not named:
        try:
            default = load_clinic(default_path, shown(default_path))
            problems += clinic_problems(default_path, default.file)
            default, found = _with_logo(root, default)
            problems += found
            files.append((default_path, default.file))
        except PublishError as exc:
            problems += exc.problems
    for path in named:
        if not ID.fullmatch(path.stem):
            problems.append(Problem(shown(path), 1, None, "", f"'{path.name}' is not named by a clinic id",
                                    "name the file <id>.yaml with lower-case letters, digits and -, e.g. "
                                    "clinics/riverbend.yaml", code="clinic-name"))
            continue
        try:
            clinic = replace(load_clinic(path, shown(path)), id=path.stem)
        except PublishError as exc:
            problems += exc.problems
            continue
        problems += clinic_problems(path, clinic.file)
        clinic, found = _with_logo(root, clinic)
        problems += found
        by_id[path.stem] = clinic
        files.append((path, clinic.file))
    return Clinics(default, by_id, tuple(files)), problems


def _with_logo(root: Path, clinic):
    """The clinic with its own logo mark's file, checked as a layout's is; or the problems with it."""
    from .layout import _inside, _logo_problems

    if not clinic.logo:
        return clinic, []
    layouts = root / "layouts"
    path = layouts / clinic.logo
    if not _inside(path, layouts) or not path.is_file():
        p = clinic.logo_place
        return clinic, [Problem(p.file, p.line, p.column, p.path, f"logo file '{clinic.logo}' not found in layouts/",
                                "put the SVG in layouts/ (e.g. layouts/assets/logo.svg) and give its path from there",
                                code="logo-missing")]
    found = _logo_problems(path, root)
    return (clinic if found else replace(clinic, logo_path=str(path))), found


def choose(clinics: Clinics, variant, theme):
    """The clinic a variant is published for: its own `clinic:`, its layout's, or the default."""
    name, place = "", None
    if variant.clinic:
        name, place = variant.clinic, variant.clinic_place or variant.place
    elif getattr(theme, "clinic", ""):
        name, place = theme.clinic, theme.clinic_place
    if not name:
        if clinics.default is None:
            p = variant.place
            raise PublishError(Problem(p.file, p.line, p.column, p.path, "no clinic for this variant (there is no "
                                       f"handouts/{DEFAULT_FILE})", "add clinic: <id> to the variant or its layout, "
                                       f"one of: {', '.join(clinics.by_id) or 'none yet'}", code="clinic-unknown"))
        return clinics.default
    if name not in clinics.by_id:
        close = difflib.get_close_matches(name, list(clinics.by_id), n=1)
        raise PublishError(Problem(place.file, place.line, place.column, place.path,
                                   f"unknown clinic '{name}' (no {FOLDER}/{name}.yaml)",
                                   f"did you mean '{close[0]}'?" if close else
                                   f"add {FOLDER}/{name}.yaml, or use one of: {', '.join(clinics.by_id) or 'none yet'}",
                                   code="clinic-unknown"))
    return clinics.by_id[name]


def for_clinic(handout, clinic):
    """The handout as published for one clinic: its details, and its handout address unless the handout gives one."""
    if clinic is handout.clinic:
        return handout
    url = handout.own_url or (clinic.handout_url.value.replace("{id}", handout.id) if clinic.handout_url else "")
    return replace(handout, clinic=clinic, url=url)


def name_parts(clinic, variant_name: str) -> tuple[str, str]:
    """(prefix, variant part) of a PDF's file name: a named clinic's id (the default clinic's short name,
    as ever), and the variant's name without that id in front ("riverbend-patient" -> "patient")."""
    if clinic.id and variant_name.startswith(clinic.id + "-"):
        return clinic.id, variant_name[len(clinic.id) + 1:]
    return clinic.id or clinic.short_name, variant_name
