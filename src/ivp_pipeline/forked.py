"""One function run beside this process, in a forked child, while this process goes on with its own work.

Four things are computed this way, each beside work that needs nothing of it: the tables made from
the inputs alone (key figures, trends, funnel, wijken) and the Monte Carlo, both beside the model,
criteria and indicators (scoring/pipeline.py), the CSV tables and the workbook beside the analysis
and the documents (reports/outputs.py), and the charts (reports/chartset.py). On
two cores each then gets a core; threads would share one interpreter lock, which pandas and the
writers hold most of the time. The child is a copy of this process made by `os.fork` (no new
interpreter, nothing imported again, the input handed over by the copy of memory, not pickled); it
sends back only what the function returned or the error it raised, pickled over a pipe, and leaves
with `os._exit` (no clean-up of the parent's runs in it). `result()` waits and returns the value or
raises the error in this process, as if the function had run here. Where fork is missing or unsafe
(Windows; macOS, whose system libraries are not fork-safe with threads), or with `parallel=False`,
the function runs in this process when `result()` is first called, so the outcome is the same.

A `Standby` child is forked before this process has imported much (`ivp score` starts one for the
charts at start-up, cli/score_cmd.py): it imports the modules it will need meanwhile, on the other
core, and then runs the one call it is sent (pickled: a module function and its arguments) as a
`Forked` child would. A standby never sent a call ends when this process does (its request pipe
closes).

Threads at fork time: only the thread that forks goes on in the child. The threads this process
may have then (the progress display, pyarrow's and the BLAS library's idle pools) are not used by
the child's work, which prints nothing; pyarrow, jemalloc and OpenBLAS re-initialise themselves
in a forked child, and so do the interpreter's own locks.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import BinaryIO, Generic, TypeVar

from ivp_pipeline.loading import loading
from ivp_pipeline.problems import IvpError

T = TypeVar("T")

# Fork where it is safe to (a module constant, so that tests can run everything in one process).
FORK = sys.platform.startswith("linux") and hasattr(os, "fork")


class ChildFailed(RuntimeError):
    """The child ended without sending a result (killed, or its error could not be sent)."""


class RemoteTraceback(Exception):
    """The traceback of the child's error, as text: the `__cause__` of the error raised here."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


class Forked(Generic[T]):
    """`fn()` started now in a forked child (`parallel`), its outcome read back by `result()`."""

    def __init__(self, fn: Callable[[], T], *, parallel: bool = True) -> None:
        self._fn: Callable[[], T] | None = fn
        self._pid = 0
        self._read = -1
        if parallel and FORK:
            self._start(fn)

    @classmethod
    def _adopt(cls, pid: int, read: int) -> Forked[T]:
        """The handle of a child forked elsewhere (a Standby) that sends its outcome on `read`."""
        job: Forked[T] = cls.__new__(cls)
        job._pid, job._read, job._fn = pid, read, None
        return job

    def _start(self, fn: Callable[[], T]) -> None:
        read, write = os.pipe()  # not inherited by exec'd processes (PEP 446)
        pid = _fork(lambda: _write_all(write, _outcome(fn)), read)
        os.close(write)
        self._pid, self._read, self._fn = pid, read, None

    @property
    def forked(self) -> bool:
        """Whether the function runs in a child process (else `result()` runs it here)."""
        return self._pid != 0

    def result(self) -> T:
        """Wait for the child; its return value, or its error raised here. Once only."""
        if self._fn is not None:  # not forked: run here
            fn, self._fn = self._fn, None
            return fn()
        if not self._pid:
            raise RuntimeError("result() was already read")
        with os.fdopen(self._read, "rb") as pipe:
            self._read = -1
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if not data:
            raise ChildFailed(f"het hulpproces stopte zonder resultaat ({_status(status)})")
        kind, value, text = pickle.loads(data)
        if kind == "ok":
            return value
        error = IvpError(*value) if kind == "ivp" else value
        raise error from RemoteTraceback(text)

    def close(self) -> None:
        """Stop the child if it still runs (after an error in this process); harmless afterwards."""
        if self._read >= 0:
            os.close(self._read)
            self._read = -1
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0
        self._fn = None


class Standby:
    """A child forked now that imports `modules` and then waits for the one call `send` gives it.

    Where fork is missing or unsafe (`FORK`) nothing is started: `send` then returns None and the
    caller does the work its usual way.
    """

    def __init__(self, modules: Sequence[str]) -> None:
        self._pid, self._send, self._reply = 0, -1, -1
        if not FORK:
            return
        request, self._send = os.pipe()
        self._reply, reply_w = os.pipe()

        def child() -> None:
            with loading():
                for name in modules:
                    with contextlib.suppress(Exception):  # its call raises it again, to the parent
                        importlib.import_module(name)
            with os.fdopen(request, "rb") as incoming:
                data = _message(incoming)
            if data:  # else the parent ended (or closed the standby) without a call
                _write_all(reply_w, _outcome(lambda: _call(data)))

        pid = _fork(child, self._send, self._reply)
        os.close(request)
        os.close(reply_w)
        self._pid = pid

    @property
    def ready(self) -> bool:
        """Whether a child waits for a call (not yet sent one, not closed)."""
        return self._pid != 0 and self._send >= 0

    def send(self, fn: Callable[..., T], *args: object) -> Forked[T] | None:
        """`fn(*args)` run by the standby child (fn a module-level function; fn and args are
        pickled); its handle, or None when no child waits (then run it another way)."""
        if not self.ready:
            return None
        data = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        send, self._send = self._send, -1

        message = len(data).to_bytes(8, "little") + data
        # in a thread: a large call must not wait for the child's imports
        threading.Thread(target=_write_all, args=(send, message), name="standby-send", daemon=True).start()
        job: Forked[T] = Forked._adopt(self._pid, self._reply)
        self._pid, self._reply = 0, -1
        return job

    def close(self) -> None:
        """Stop an unused child (it may still be importing) and reap it."""
        if self._send >= 0:
            os.close(self._send)
            os.close(self._reply)
            self._send = self._reply = -1
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0


def _fork(child: Callable[[], None], *parents_ends: int) -> int:
    """Fork this process; the child's pid here. The child closes `parents_ends` (this process's ends
    of their pipes), points its standard streams at /dev/null (a lock another thread of the parent
    held at the fork, the progress display writing to the terminal, can then not stop a warning of
    the child), runs `child` and leaves with `os._exit`, without the parent's clean-up: 0 when
    `child` returned, 1 when it raised."""
    sys.stdout.flush()  # nothing buffered twice
    sys.stderr.flush()
    with warnings.catch_warnings():
        # Python 3.12+ warns of fork with threads running; ours are idle (module docstring)
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            for fd in parents_ends:
                os.close(fd)
            sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (ends with the process)
            child()
            code = 0
        finally:
            os._exit(code)
    return pid


def _write_all(fd: int, data: bytes) -> None:
    """`data` into the pipe end `fd`, which is closed afterwards."""
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _message(incoming: BinaryIO) -> bytes:
    """One length-prefixed message, or b"" at the end of the pipe. The length, not the end of the
    pipe, ends it: children forked after the standby hold copies of the pipe's writing end."""
    head = incoming.read(8)
    if len(head) < 8:
        return b""
    size = int.from_bytes(head, "little")
    data = incoming.read(size)
    return data if len(data) == size else b""


def _call(data: bytes) -> object:
    fn, args = pickle.loads(data)
    return fn(*args)


# The standby of this process (`ivp score` starts one for the charts; reports/chartset.py takes it).
_STANDBY: dict[str, Standby] = {}


def stand_by(name: str, modules: Sequence[str]) -> None:
    """Start the standby child `name`, importing `modules` (where fork is safe; once)."""
    if FORK and name not in _STANDBY:
        _STANDBY[name] = Standby(modules)


def take_standby(name: str) -> Standby | None:
    """The standby child `name` if one was started and not taken yet (taken once)."""
    return _STANDBY.pop(name, None)


def stop_standby(name: str) -> None:
    """Stop the standby child `name` if it was not taken (a run that has nothing for it)."""
    standby = take_standby(name)
    if standby is not None:
        standby.close()


def _outcome(fn: Callable[[], object]) -> bytes:
    """The pickled ("ok", value, "") or (kind, error, traceback text) of one call of `fn`."""
    try:
        return pickle.dumps(("ok", fn(), ""), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as err:  # sent to the parent, which raises it
        text = "".join(traceback.format_exception(err))
        if isinstance(err, IvpError):  # its pickled form does not rebuild it: send its problems
            return pickle.dumps(("ivp", err.problems, text), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            data = pickle.dumps(("error", err, text), protocol=pickle.HIGHEST_PROTOCOL)
            pickle.loads(data)
        except Exception:  # an error that does not survive pickling: its text survives
            failed = ChildFailed(f"{type(err).__name__}: {err}")
            data = pickle.dumps(("error", failed, text), protocol=pickle.HIGHEST_PROTOCOL)
        return data


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signaal {os.WTERMSIG(status)}"
    return f"afsluitcode {os.waitstatus_to_exitcode(status)}"
