"""One error type for every content, layout and font mistake: it knows its place."""
from __future__ import annotations

from .records import dataclass



@dataclass(frozen=True)
class Problem:
    """One mistake in one file: where it is, what is wrong, how to fix it."""

    file: str
    line: int | None
    column: int | None
    path: str  # YAML path such as "body[3].rows[2]"; "" for the whole file
    message: str
    fix: str = ""
    code: str = ""  # stable name of the rule, e.g. "schema-unknown-key", "citation-unknown"
    severity: str = "error"  # error | warning | info

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        text = f"{place}: "
        if self.path:
            text += f"{self.path}: "
        text += self.message
        if self.fix:
            text += f"; {self.fix}"
        return text


class PublishError(Exception):
    """Raised with every problem found, so an author fixes them all in one round."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def problem(file, line=None, column=None, path="", message="", fix="", code="") -> PublishError:
    """Shorthand for raising a single problem."""
    return PublishError(Problem(str(file), line, column, path, message, fix, code))
