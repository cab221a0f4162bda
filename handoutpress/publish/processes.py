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
    from ..render import html  # noqa: F401 - Jinja
    from ..render.pdf import document, finish  # noqa: F401 - ReportLab, pikepdf
    from ..text import template_env

    readability._table(), word_list(), srgb_profile(), template_env()


def _prepare_finisher() -> None:
    """What a run's helper process imports while the build loads and draws: pikepdf (finish and syntax
    check), pypdfium2 (thumbnails), ReportLab through the tags' classes."""
    import pypdfium2  # noqa: F401

    from ..render.pdf import finish  # noqa: F401
    from .catalog import thumbnail  # noqa: F401


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


_UNREAPED: list[int] = []  # copies whose answers are in but which have not quite exited (reaped later)


def _reap(pid: int = 0) -> None:
    """Collect exited copies without waiting for any: a copy sends its answer, then exits; the build does
    not wait for the exit (the kernel freeing a copy of a whole process takes a few milliseconds)."""
    if pid:
        _UNREAPED.append(pid)
    for waiting in list(_UNREAPED):
        try:
            done, _ = os.waitpid(waiting, os.WNOHANG)
        except ChildProcessError:
            done = waiting
        if done:
            _UNREAPED.remove(waiting)


def _fork_ready() -> bool:
    """Whether forking a copy of this process is safe here: Linux, one thread (a live preview's server
    threads would be copied mid-step). ctypes is imported first, for the copy's _die_with."""
    import sys
    import threading

    if sys.platform != "linux" or threading.active_count() > 1:
        return False
    import ctypes  # noqa: F401

    _reap()
    return True


def _start_copy(parent: int) -> None:
    """In a copy just forked from parent: signals are the build's to decide (it stops its copies), and the
    copy dies with the build, which holds out/'s lock (the copy shares it)."""
    import signal

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    _die_with(parent)


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _framed(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def _read_framed(fd: int) -> bytes | None:
    size = _read_exactly(fd, 8)
    return _read_exactly(fd, int.from_bytes(size, "big")) if size else None


def _answer(fn, args) -> bytes:
    """What a copy sends back: b"+" and the pickled result, or b"-" when fn failed (done again by the build)."""
    import pickle

    try:
        return b"+" + pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001
        return b"-"


def _unpickled(data: bytes | None) -> tuple[bool, object]:
    if data and data[:1] == b"+":
        import pickle

        try:
            return True, pickle.loads(data[1:])
        except Exception:  # noqa: BLE001 - a damaged answer: the work is done again here
            pass
    return False, None


class Beside:
    """fn(*args) run in a forked copy of this process while this one goes on (see beside); result() waits
    for it. Whatever goes wrong over there (an exception, a signal, a result that cannot be pickled, no
    fork at all) makes result() run fn(*args) here instead, so the answer, or the exception, is the same."""

    def __init__(self, fn, args, pid=0, fd=-1):
        self.fn, self.args, self.pid, self.fd = fn, args, pid, fd

    def result(self):
        data = None
        if self.pid:
            try:
                data = _read_framed(self.fd)
            except OSError:
                pass
            self._let_go()
        ok, value = _unpickled(data)
        return value if ok else self.fn(*self.args)

    def _let_go(self) -> None:
        os.close(self.fd)
        _reap(self.pid)
        self.pid = 0

    def cancel(self) -> None:
        """Stop the copy (a build that stops has no use for its answer); result() would then work here."""
        if self.pid:
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self._let_go()

    __del__ = cancel  # an answer nobody asked for (a build stopped by an error): the copy does not linger


def beside(fn, *args) -> Beside:
    """Start fn(*args) in a forked copy of this process, which inherits everything loaded so far (no
    pickling on the way in; the answer comes back pickled through a pipe). For a build on two or more
    cores: the checks of a variant run while it is drawn. Where forking is not safe (_fork_ready), fn
    runs when result() is asked for."""
    if not _fork_ready():
        return Beside(fn, args)
    parent = os.getpid()
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read), os.close(write)
        return Beside(fn, args)
    if pid:
        os.close(write)
        return Beside(fn, args, pid, read)
    try:  # the copy: never returns into the build's code, never runs its exit handlers or flushes its files
        os.close(read)
        _start_copy(parent)
        _write_all(write, _framed(_answer(fn, args)))
        os.close(write)  # the answer is whole: the build reads on before this copy has quite exited
        os._exit(0)
    except BaseException:  # noqa: BLE001 - the build does the work itself
        os._exit(1)


class Helper:
    """A forked copy of this process that does the jobs sent to it, one after another (helper()). ask()
    sends one and returns at once (once the one before is answered); the Answer's result() waits for it. A helper that cannot take a job,
    or dies, or fails at it, makes result() do that job here: the answer, or the exception, is the same."""

    def __init__(self, pid=0, to_helper=-1, from_helper=-1):
        self.pid, self.to_helper, self.from_helper = pid, to_helper, from_helper
        self.waiting = []  # Answers asked for and not yet read, oldest first

    def ask(self, fn, *args) -> Answer:
        answer = Answer(fn, args)
        if self.pid:
            import pickle

            try:
                job = _framed(pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL))
            except Exception:  # noqa: BLE001 - a job that cannot be sent (a lambda) is done here
                return answer
            while self.waiting:  # one job out at a time: the helper never writes an answer while this writes a job
                self._read_next()
            if not self.pid:  # it died meanwhile
                return answer
            try:
                _write_all(self.to_helper, job)
            except OSError:  # the helper is gone
                self.stop()
                return answer
            answer.helper = self
            self.waiting.append(answer)
        return answer

    def _read_next(self) -> None:
        answer = self.waiting.pop(0)
        answer.helper = None
        try:
            data = _read_framed(self.from_helper)
        except OSError:
            data = None
        answer.done, answer.value = _unpickled(data)
        if data is None:  # the helper is gone: every job still out is done here
            self.stop()

    def stop(self) -> None:
        """End the helper: it exits when it sees its jobs' pipe closed (jobs not yet read are done here
        when asked for)."""
        for answer in self.waiting:
            answer.helper = None
        self.waiting = []
        if self.pid:
            for fd in (self.to_helper, self.from_helper):
                os.close(fd)
            _reap(self.pid)
            self.pid = 0

    __del__ = stop


class Answer:
    def __init__(self, fn, args):
        self.fn, self.args, self.helper, self.done, self.value = fn, args, None, False, None

    def result(self):
        while self.helper is not None:
            self.helper._read_next()
        if not self.done:
            self.value, self.done = self.fn(*self.args), True
        return self.value


def helper(prepare=None) -> Helper:
    """A forked copy of this process for jobs sent to it (Helper.ask), which first runs prepare() (imports
    what its jobs need, while this process goes on). Where forking is not safe (_fork_ready), or the
    copy cannot be started, every job is done here when its answer is asked for."""
    if not _fork_ready():
        return Helper()
    parent = os.getpid()
    jobs_in, jobs_out = os.pipe()
    answers_in, answers_out = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (jobs_in, jobs_out, answers_in, answers_out):
            os.close(fd)
        return Helper()
    if pid:
        os.close(jobs_in), os.close(answers_out)
        try:  # a job (a PDF) fits in the pipe while the helper is still importing: the build need not wait
            import fcntl

            fcntl.fcntl(jobs_out, 1031, 1 << 20)  # F_SETPIPE_SZ
        except (OSError, ImportError):
            pass
        return Helper(pid, jobs_out, answers_in)
    try:  # the copy: never returns into the build's code, never runs its exit handlers or flushes its files
        import pickle

        os.close(jobs_out), os.close(answers_in)
        _start_copy(parent)
        if prepare:
            try:
                prepare()
            except Exception:  # noqa: BLE001 - a job that needs what failed fails, and is done by the build
                pass
        while (job := _read_framed(jobs_in)) is not None:
            try:
                fn, args = pickle.loads(job)
            except Exception:  # noqa: BLE001
                _write_all(answers_out, _framed(b"-"))
                continue
            _write_all(answers_out, _framed(_answer(fn, args)))
        os._exit(0)
    except BaseException:  # noqa: BLE001
        os._exit(1)
