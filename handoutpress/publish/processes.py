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
