"""records: takes a class written as a dataclass and gives it made, with methods compiled ahead of time."""
from __future__ import annotations

# dataclasses.dataclass writes each class's __init__, __repr__, __eq__, __hash__, __setattr__ and
# __delattr__ as Python source and compiles it while the class is made: half a millisecond a class,
# some 40 ms of every publish.py command's start for the package's 75 classes. methods.py holds the same
# sources, written out by `python -m handoutpress.records` and compiled into its .pyc like any module:
# making a class then finds each of its sources there and only binds the compiled function. A source
# that is not there (another Python, a class changed since the file was written) is compiled as
# dataclasses would, so the class is the same either way; tests/test_records.py keeps the file current.
import builtins
import dataclasses as _dataclasses
from types import FunctionType

_TABLE: list = []  # [methods.SOURCES], loaded with the first class
_MADE = {"found": 0, "compiled": 0}  # how each method was made in this process (tests/test_records.py)
_RECORDING: list | None = None  # sources seen, while `python -m handoutpress.records` writes methods.py


def dataclass(cls=None, /, **options):
    """dataclasses.dataclass(cls, **options), its methods taken from methods.py where it has them."""

    def make(cls):
        _dataclasses.exec = _exec  # read by dataclasses' _create_fn as a module global, ahead of builtins
        try:
            return _dataclasses.dataclass(cls, **options)
        finally:
            _dataclasses.__dict__.pop("exec", None)

    return make if cls is None else make(cls)


def _sources() -> dict:
    if not _TABLE:
        try:
            from . import methods

            _TABLE.append(methods.SOURCES if methods.PYTHON == _python() else {})
        except ImportError:  # no methods.py yet (python -m handoutpress.records writes it)
            _TABLE.append({})
    return _TABLE[0]


def _python() -> str:
    import sys

    return ".".join(map(str, sys.version_info[:2]))


def _exec(source, globals=None, locals=None):
    """exec, as dataclasses calls it: a source found in methods.py is bound, not compiled."""
    if _RECORDING is not None and isinstance(source, str):
        _RECORDING.append(source)
    made = _sources().get(source) if isinstance(source, str) and isinstance(globals, dict) and isinstance(locals, dict) else None
    if made is None:
        _MADE["compiled"] += 1
        return builtins.exec(source, globals, locals)
    _MADE["found"] += 1
    globals.setdefault("__builtins__", builtins.__dict__)  # as exec does
    locals["__create_fn__"] = FunctionType(made.__code__, globals, "__create_fn__")
