"""Sources that no variant cites."""
from __future__ import annotations

from ..errors import Problem


def uncited_sources(handout) -> list[Problem]:
    """Sources that no variant cites: listed nowhere, probably a leftover or a missing citation."""
    from ..resolve.variants import resolve

    cited = set()
    for variant in handout.variants:
        cited.update(resolve(handout, variant).numbers)
    return [Problem(s.place.file, s.place.line, s.place.column, s.place.path,
                    f"source '{s.key}' is cited by no variant", f"cite it with [@{s.key}] or remove it",
                    code="source-uncited", severity="warning")
            for s in handout.sources if s.key not in cited]
