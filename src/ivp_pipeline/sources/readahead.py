"""Reading a large download ahead, while the rest of the program starts: its parse, hash and lines.

`ivp ingest` of a national police file spends its first half second importing libraries and reading
settings with one core, and then hashed, counted and parsed the file, in three reads of it. A reader
that can (the bulk CSV reader, `bulk.read_ahead`) starts its parse here instead, in a thread, as
soon as its sniffer has recognised the file, on a stream (`_Counted`) that hashes the bytes and
counts the lines as the parser reads them: one read of the file, while the main thread imports. The
ingest takes the results where it would otherwise compute them (`digest`, the reader's parse), if
the file is still the one that was read (same inode, size and modification time) and the reader asks
for the same parse (same options); otherwise it does the work itself, as without a read-ahead.

So a read-ahead changes when work is done, never what is done or checked: the row limit is checked
while reading (the stream stops the parse as soon as the file has more lines, and detection then
refuses the file as before, having counted them itself); the hash is used only when the parse read
the whole file; a parse that failed raises its error when taken.

Only the first file a run will read is read ahead (steps/readahead.py), so at most one file's parse
is held in memory, as without a read-ahead. The thread is not a daemon: a process that ends early
(a usage error) waits for it instead of stopping it in the middle of a parse.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

NEWLINE = 10
# How long the main thread may hold the GIL while the read-ahead waits for it (between its reads,
# hashes and counts, which let go of it), while the read-ahead runs; Python's default (5 ms) made the
# parse wait for the main thread's imports. Restored when the read-ahead is done.
SWITCH_INTERVAL = 0.0005

Identity = tuple[str, int, int, int, int]


def identity(path: Path) -> Identity:
    """What tells a file apart from a changed one: its resolved path, device, inode, size, mtime."""
    st = os.stat(path)
    return str(Path(path).resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


class TooManyLines(Exception):
    """Raised by a read of `_Counted` past the line limit: the parse stops there."""


class _Counted(io.RawIOBase):
    """The file as the parser reads it, hashed and its newlines counted on the way (numpy and
    hashlib let go of the GIL); `complete` once the parser has read it to the end."""

    def __init__(self, path: Path, line_limit: int) -> None:
        super().__init__()
        self._file = path.open("rb", buffering=0)
        self.sha256 = hashlib.sha256()
        self.lines = 0
        self.limit = line_limit
        self.complete = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        if not data:
            self.complete = True
            return b""
        self.sha256.update(data)
        self.lines += int(np.count_nonzero(np.frombuffer(data, np.uint8) == NEWLINE))
        if self.lines > self.limit:
            raise TooManyLines(self.lines)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


@dataclass
class _Job:
    ident: Identity
    token: Hashable  # what the reader asks for: the parse options
    parsed: Future[Any] = field(default_factory=Future)
    digest: tuple[str, int] | None = None  # (sha256, newlines) when the parse read the whole file
    thread: threading.Thread | None = None


_lock = threading.Lock()
_jobs: dict[str, _Job] = {}
_running: list[float] = []  # per running read-ahead, the switch interval before the first of them


def _quick_switches(on: bool) -> None:
    """SWITCH_INTERVAL while any read-ahead runs; the interval from before once none does."""
    with _lock:
        if on:
            _running.append(_running[0] if _running else sys.getswitchinterval())
            sys.setswitchinterval(min(SWITCH_INTERVAL, _running[0]))
        else:
            before = _running.pop()
            if not _running:
                sys.setswitchinterval(before)


def start(path: Path, token: Hashable, parse: Callable[[BinaryIO], Any], line_limit: int) -> None:
    """Parse the file in a thread, with `parse(stream)`; its result or exception is what `take` gives
    back, and the stream's hash and lines what `digest_of` does."""
    ident = identity(path)
    job = _Job(ident, token)
    with _lock:
        if ident[0] in _jobs:
            return
        _jobs[ident[0]] = job

    def run() -> None:
        _quick_switches(True)
        try:
            with _Counted(Path(ident[0]), line_limit) as stream:
                try:
                    result = parse(stream)  # type: ignore[arg-type]  # a raw binary stream
                except BaseException as exc:  # handed to whoever takes the result
                    job.parsed.set_exception(exc)
                    return
                if stream.complete:
                    job.digest = stream.sha256.hexdigest(), stream.lines
                job.parsed.set_result(result)
        except OSError as exc:
            if not job.parsed.done():
                job.parsed.set_exception(exc)
        finally:
            _quick_switches(False)

    job.thread = threading.Thread(target=run, name="ivp-read-ahead")
    job.thread.start()


def _job(path: Path) -> _Job | None:
    """The job for this file if it is still the file that was read ahead."""
    try:
        ident = identity(path)
    except OSError:
        return None
    with _lock:
        job = _jobs.get(ident[0])
    return job if job is not None and job.ident == ident else None


def digest_of(path: Path) -> tuple[str, int] | None:
    """(sha256, newlines) of a file read ahead, waiting for its parse; None when it was not read
    ahead (or changed), or its parse did not read it to the end (an error, too many lines): the
    caller then hashes and counts it itself."""
    job = _job(path)
    if job is None:
        return None
    job.parsed.exception()  # waits
    return job.digest


def take(path: Path, token: Hashable) -> Any:
    """The parse of a file read ahead with these options, waiting for it (its exception is raised
    here), and forgotten; None when there is none (not read ahead, changed, other options, stopped
    at the line limit: detection has counted the lines since, and let the file pass)."""
    job = _job(path)
    if job is None or job.token != token:
        return None
    with _lock:
        _jobs.pop(job.ident[0], None)
    if isinstance(job.parsed.exception(), TooManyLines):
        return None
    return job.parsed.result()


def discard() -> None:
    """Forget every read-ahead (waiting for its thread): what a run did not take is not kept."""
    with _lock:
        jobs = list(_jobs.values())
        _jobs.clear()
    for job in jobs:
        if job.thread is not None:
            job.thread.join()
