"""`publish.py new`: a new handout file from a template in data/templates/ (YAML text, not code)."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..checks.runner import PLACEHOLDER
from ..errors import Problem, PublishError

TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "templates"
ID = re.compile(r"[a-z0-9][a-z0-9-]*")
DEFAULT = "information-sheet"


def template_names() -> list[str]:
    return sorted(p.stem for p in TEMPLATES.glob("*.yaml"))


def new_handout(root: Path, handout_id: str, template: str = DEFAULT) -> Path:
    """Write handouts/<id>.yaml from the template; a bad or taken id, or an unknown template, is a usage error."""
    path = Path(root) / "handouts" / f"{handout_id}.yaml"
    if not ID.fullmatch(handout_id):
        suggestion = re.sub(r"[^a-z0-9]+", "-", handout_id.lower()).strip("-")
        raise PublishError(Problem(handout_id, None, None, "", "is not a handout id (lower-case letters, digits "
                                   "and -, starting with a letter or digit)",
                                   f"try '{suggestion}'" if ID.fullmatch(suggestion) else "e.g. sleep-diary",
                                   code="handout-id"))
    if path.exists() or path.is_symlink():
        raise PublishError(Problem(f"handouts/{path.name}", None, None, "", "a handout with this id exists",
                                   "choose another id, or edit the file", code="handout-exists"))
    if template not in template_names():
        close = difflib.get_close_matches(template, template_names(), n=1)
        raise PublishError(Problem(template, None, None, "", "no such template",
                                   (f"did you mean '{close[0]}'? " if close else "") +
                                   f"templates: {', '.join(template_names())}", code="template-unknown"))
    text = (TEMPLATES / f"{template}.yaml").read_text("utf-8")
    text = text.replace("__ID__", handout_id).replace("__TITLE__", handout_id.replace("-", " ").capitalize())
    from .output import write_atomic

    write_atomic(path, text.encode("utf-8"))
    return path
