"""The build's worker processes and signals: workers die with the build, signals wait for C code and renames."""
from __future__ import annotations

import os
from contextlib import contextmanager


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux), even by SIGKILL: an orphaned
    worker would render on for nothing, holding out/'s lock."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _stop_workers(pool) -> None:
    """Kill a pool's workers at once (shutdown alone would wait for their current handouts)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # private, but the only handle
    for process in processes:
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(5)


@contextmanager
def _signals_held():
    """Hold SIGINT, SIGTERM and SIGHUP back (delivered when the block ends)."""
    import signal

    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _prepare_workers() -> None:
    """Import and load in this process what every worker needs, before the workers are forked: each then
    has it already (copied on write) instead of paying its own cold start (about half a second each)."""
    import pypdfium2  # noqa: F401 - the thumbnails

    from ..checks import pemat, plain_language, readability, runner  # noqa: F401
    from ..checks.plain_words import word_list
    from ..load import logo  # noqa: F401 - ReportLab's graphics (svglib only if a mark is not in the store)
    from ..load.profiles import srgb_profile
    from ..render import html, pdf  # noqa: F401 - ReportLab, pikepdf, Jinja
    from ..text import template_env

    readability._table(), word_list(), srgb_profile(), template_env()


YOUNG_THRESHOLD = 10_000  # objects allocated between collections of the youngest generation (CPython: 700)
_FROZEN = [False]  # gc.freeze() done once in this process


@contextmanager
def _fewer_collections():
    """Python's cycle collector, tuned for a build (about 9% of a catalog build went to it): the youngest
    generation is collected after 10,000 allocations instead of 700 (a few hundred KB more garbage at most).
    See _settled for the other half."""
    import gc

    before = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _settled() -> None:
    """Once a process has built its first handout (modules, fonts, layouts and tables loaded: the objects
    that live as long as it does), move them out of the collector's sight (gc.freeze), so its full
    collections no longer walk them again and again. Once a process: what a later build drops is still
    freed by reference counting; only cycles among these first objects would stay, once."""
    import gc

    if not _FROZEN[0]:
        _FROZEN[0] = True
        gc.freeze()
