"""records.dataclass: the package's classes made with methods compiled ahead of time (records/methods.py),
the same classes dataclasses would make, and the file kept current."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from handoutpress import records
from handoutpress.records import dataclass, methods

ROOT = Path(__file__).resolve().parents[1]
CURRENT = ".".join(map(str, sys.version_info[:2]))


def test_the_methods_file_is_current():
    done = subprocess.run([sys.executable, "-m", "handoutpress.records", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + "\n(the package's dataclasses changed: run python -m handoutpress.records)"


@pytest.mark.skipif(methods.PYTHON != CURRENT, reason=f"methods.py was written for Python {methods.PYTHON}")
def test_every_class_of_the_package_is_made_from_the_file():
    code = ("import importlib, pathlib, handoutpress\n"
            "from handoutpress import records\n"
            "from handoutpress.records.__main__ import PACKAGE\n"
            "for p in sorted(PACKAGE.rglob('*.py')):\n"
            "    if p.parent.name != 'records' and '@dataclass' in p.read_text('utf-8'):\n"
            "        parts = ('handoutpress',) + p.relative_to(PACKAGE).with_suffix('').parts\n"
            "        importlib.import_module('.'.join(parts[:-1] if parts[-1] == '__init__' else parts))\n"
            "print(records._MADE['found'], records._MADE['compiled'])\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    found, compiled = map(int, done.stdout.split())
    assert found > 300 and compiled == 0


def test_a_class_the_file_does_not_have_is_made_by_dataclasses_all_the_same():
    before = dict(records._MADE)

    @dataclass(frozen=True)
    class Unusual:
        first_of_its_kind: int
        tags: tuple = ()
        extra: list = dataclasses.field(default_factory=list, compare=False)

    assert records._MADE["compiled"] > before["compiled"]
    a, b = Unusual(1), Unusual(1, extra=[2])
    assert a == b and hash(a) == hash(b) and repr(a).endswith("Unusual(first_of_its_kind=1, tags=(), extra=[])")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.first_of_its_kind = 2
    assert dataclasses.replace(a, tags=("x",)).tags == ("x",) and a.extra is not Unusual(1).extra
    assert "exec" not in vars(dataclasses)  # dataclasses is left as it was


def test_a_class_from_the_file_behaves_as_dataclasses_makes_it():
    from handoutpress.errors import Problem
    from handoutpress.model import Link, Text

    twin = dataclasses.dataclass(frozen=True)(type("Text", (), {"__annotations__": {"text": "str"},
                                                                 "__module__": Text.__module__}))
    assert repr(Text("a<b")) == repr(twin("a<b")) and hash(Text("x")) == hash(twin("x"))
    assert Link("u", (Text("t"),)) == Link("u", (Text("t"),)) != Link("v", (Text("t"),))
    p = Problem("f.yaml", 3, 1, "a.b", "message")
    assert (p.fix, p.severity) == ("", "error") and dataclasses.asdict(p)["line"] == 3
    for cls in (Text, Link, Problem):
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
        assert cls.__init__.__code__.co_filename.endswith("methods.py")
