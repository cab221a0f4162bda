"""The structure tree's values, drawn into by tagging.py and turned into /StructTreeRoot by finish.py:
plain data, with no ReportLab in sight, so a drawing can be finished in another process (publish's helper)."""
from __future__ import annotations

from dataclasses import field

from ...records import dataclass

CONTENT = "content"  # in StructNode.kids: where the node's own marked content goes when drawn


@dataclass(eq=False)
class StructNode:
    role: str
    kids: list = field(default_factory=list)  # StructNode | MarkRef | AnnotRef
    alt: str = ""
    lang: str = ""
    attrs: dict = field(default_factory=dict)  # e.g. {"Scope": "Column"} or {"BBox": [...]}
    title: str = ""
    actual: str = ""  # /ActualText: what a drawing (a checklist's empty box) reads as

    def add(self, role, **kw) -> "StructNode":
        node = StructNode(role, **kw)
        self.kids.append(node)
        return node

    def place(self, kid):
        """Add kid where this node's own text reads: before children made earlier (a nested list)."""
        if CONTENT in self.kids:
            self.kids.insert(self.kids.index(CONTENT), kid)
        else:
            self.kids.append(kid)


@dataclass(frozen=True)
class MarkRef:
    page: int  # 0-based page index
    mcid: int


@dataclass(frozen=True)
class AnnotRef:
    page: int
    index: int  # position in the page's /Annots, in creation order
    contents: str


@dataclass(frozen=True)
class FieldRef:
    page: int
    name: str
    tooltip: str
    rect: tuple
    kind: str = "text"  # text | check
