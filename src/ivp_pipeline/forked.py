"""One function run beside this process, in a forked child, while this process goes on with its own work.

Three things are computed this way, each beside work that needs nothing of it: the Monte Carlo beside
the key figures, indicators and other tables (scoring/pipeline.py), the CSV tables and the workbook
beside the analysis and the documents (reports/outputs.py), and the charts (reports/chartset.py). On
two cores each then gets a core; threads would share one interpreter lock, which pandas and the
writers hold most of the time. The child is a copy of this process made by `os.fork` (no new
interpreter, nothing imported again, the input handed over by the copy of memory, not pickled); it
sends back only what the function returned or the error it raised, pickled over a pipe, and leaves
with `os._exit` (no clean-up of the parent's runs in it). `result()` waits and returns the value or
raises the error in this process, as if the function had run here. Where fork is missing or unsafe
(Windows; macOS, whose system libraries are not fork-safe with threads), or with `parallel=False`,
the function runs in this process when `result()` is first called, so the outcome is the same.

Threads at fork time: only the thread that forks goes on in the child. The threads this process
may have then (the progress display, pyarrow's and the BLAS library's idle pools) are not used by
the child's work, which prints nothing; pyarrow, jemalloc and OpenBLAS re-initialise themselves
in a forked child, and so do the interpreter's own locks.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import Generic, TypeVar

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

    def _start(self, fn: Callable[[], T]) -> None:
        read, write = os.pipe()  # not inherited by exec'd processes (PEP 446)
        sys.stdout.flush()  # nothing buffered twice
        sys.stderr.flush()
        with warnings.catch_warnings():
            # Python 3.12+ warns of fork with threads running; ours are idle (module docstring)
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: run, send the outcome, leave without the parent's clean-up
            code = 1
            try:
                os.close(read)
                # its own standard streams: a lock another thread of the parent held at the fork (the
                # progress display writing to the terminal) can then not stop a warning of the child
                sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (ends with the process)
                message = _outcome(fn)
                with os.fdopen(write, "wb") as out:
                    out.write(message)
                code = 0
            finally:
                os._exit(code)
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
