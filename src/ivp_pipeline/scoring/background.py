"""One function run beside this process: in a forked child on Linux, in a thread elsewhere.

The Monte Carlo and the tables that do not need it (key figures, indicators, trends, ...) are
computed at the same time. In a thread the two would share one interpreter lock, and the tables'
pandas code holds it most of the time; a forked child has its own, so each gets a core. The child
starts from this process's memory as it is (nothing is pickled on the way in), computes, sends its
result back pickled through a pipe and ends with `os._exit` (it flushes and closes nothing of the
parent's). Its standard streams point at /dev/null: a lock another thread of the parent held at the
fork (the progress display writes to the terminal) can then not stop it. An exception in the child
is raised again here with the child's traceback; a child that ends without a result (killed) is an
error too. Where fork is missing or unsafe (Windows, macOS) the function runs in a thread.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# Fork where it is safe to: Linux (macOS' system libraries are not fork-safe with threads).
FORK = sys.platform.startswith("linux") and hasattr(os, "fork")


class BackgroundError(RuntimeError):
    """The function failed in the child process (the message holds the child's traceback)."""


class Background(Generic[T]):
    """`fn(*args)` started now; `result()` waits for it. Use it as a context manager: leaving the
    block without `result()` (an error in the caller) stops the child and reaps it."""

    def __init__(self, fn: Callable[..., T], *args: Any) -> None:
        self._pid: int | None = None
        self._read: int | None = None
        self._thread: threading.Thread | None = None
        self._outcome: tuple[str, Any] | None = None
        if FORK:
            self._fork(fn, args)
        else:
            self._thread = threading.Thread(
                target=self._run, args=(fn, args), name="ivp-background", daemon=True
            )
            self._thread.start()

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...]) -> None:
        try:
            self._outcome = ("ok", fn(*args))
        except BaseException as err:  # handed to result(), in the caller's thread
            self._outcome = ("raised", err)

    def _fork(self, fn: Callable[..., T], args: tuple[Any, ...]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, end (never returns into the caller's code)
            code = 0
            try:
                os.close(read)
                sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (ends with the process)
                try:
                    data = pickle.dumps(("ok", fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:
                    data = pickle.dumps(("failed", traceback.format_exc()))
                with os.fdopen(write, "wb") as out:
                    out.write(data)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
        """The function's value; its exception raised again here."""
        if self._outcome is None:
            if self._thread is not None:
                self._thread.join()
            else:
                self._outcome = self._collect()
        assert self._outcome is not None
        kind, value = self._outcome
        if kind == "raised":
            raise value
        if kind == "failed":
            raise BackgroundError(f"the background computation failed:\n{value}")
        return value

    def _collect(self) -> tuple[str, Any]:
        assert self._read is not None and self._pid is not None
        with os.fdopen(self._read, "rb") as src:
            data = src.read()
        self._read = None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if not data:
            raise BackgroundError(f"the background process ended without a result (status {status})")
        outcome: tuple[str, Any] = pickle.loads(data)  # our own child's bytes
        return outcome

    def close(self) -> None:
        """Stop and reap a child whose result was not collected (a thread is left to finish)."""
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
