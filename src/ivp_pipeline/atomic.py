"""Whole-directory replacement that survives kill -9, and the workspace lock.

A run builds the next state of a directory (data/processed, reports) in a staging folder beside it,
then swaps it in. On Linux the swap is one `renameat2(RENAME_EXCHANGE)`; elsewhere two renames with a
recovery step run at the next lock acquisition. Readers therefore see the old or the new state, never
a mix.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from ivp_pipeline.problems import IvpError, Problem

log = logging.getLogger(__name__)

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_local = threading.local()


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library: the one this process runs on already (no search of the system's libraries,
    which costs a subprocess), else the one ctypes finds; None without renameat2 (not Linux)."""
    try:
        lib = ctypes.CDLL(None, use_errno=True)
        if hasattr(lib, "renameat2"):
            return lib
    except OSError:
        pass
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
    return lib if hasattr(lib, "renameat2") else None


def _exchange(a: Path, b: Path) -> bool:
    lib = _libc()
    if lib is None:
        return False
    rc = lib.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def spare_dir(target: Path) -> Path:
    """Where the state before the last swap is kept as the next staging copy (`swap_in(keep=True)`)."""
    return target.parent / f".{target.name}.spare"


def staging_dir(target: Path) -> Path:
    """A fresh staging folder beside `target`, pre-filled with hard links to its current files.

    Made from the spare left by the last swap when there is one: it differs from `target` only in
    what that run changed, so bringing it up to date costs that, not a folder per partition (on a
    file system mounted with `discard`, removing a folder costs milliseconds: the old state of a
    national store took over a second to delete).
    """
    stage = target.parent / f".{target.name}-staging-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    spare = spare_dir(target)
    if target.exists() and spare.is_dir():
        os.replace(spare, stage)
        try:
            _mirror(target, stage)
            return stage
        except OSError:
            shutil.rmtree(stage, ignore_errors=True)
    if target.exists():
        # Files are never modified in place (always written anew and renamed), so links are safe.
        _link_tree(target, stage)
    else:
        stage.mkdir(parents=True)
    return stage


def _mirror(source: Path, dest: Path) -> None:
    """Make `dest`, an older hard-linked copy of `source`, equal to it: a file that is the same inode
    in both stays, anything else is linked anew or removed."""
    with os.scandir(dest) as entries:
        have = {entry.name: entry for entry in entries}
    with os.scandir(source) as entries:
        for entry in entries:
            old = have.pop(entry.name, None)
            is_dir = entry.is_dir(follow_symlinks=False)
            if old is not None and is_dir and old.is_dir(follow_symlinks=False):
                _mirror(Path(entry.path), Path(old.path))
                continue
            same_file = old is not None and not is_dir and not old.is_dir(follow_symlinks=False)
            if same_file and old is not None and old.inode() == entry.inode():
                continue
            if old is not None:
                _remove(old)
            if is_dir:
                _link_tree(Path(entry.path), dest / entry.name)
            else:
                os.link(entry.path, dest / entry.name, follow_symlinks=False)
    for old in have.values():
        _remove(old)


def _remove(entry: os.DirEntry[str]) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


def _link_tree(source: Path, dest: Path) -> None:
    """`shutil.copytree(source, dest, copy_function=os.link)` without its per-file Python work (a
    national store has hundreds of partition folders; what a run changes is often a few)."""
    os.mkdir(dest)
    with os.scandir(source) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _link_tree(Path(entry.path), dest / entry.name)
            else:
                os.link(entry.path, dest / entry.name, follow_symlinks=False)


def swap_in(stage: Path, target: Path, *, keep: bool = False) -> None:
    """Make `stage` the new `target` atomically and remove the previous state, or with `keep` leave
    it as the spare from which the next `staging_dir` is made (it is not part of what is published)."""
    _fsync_tree(stage)
    if target.exists() and _exchange(stage, target):
        # stage now holds the old state
        spare = spare_dir(target)
        if keep and not spare.exists():
            os.replace(stage, spare)
        else:
            shutil.rmtree(stage)
    else:
        old = target.parent / f".{target.name}-old-{os.getpid()}"
        if target.exists():
            os.replace(target, old)
        os.replace(stage, target)
        if old.exists():
            shutil.rmtree(old)
    _fsync_dir(target.parent)


def recover(target: Path) -> None:
    """Undo what a killed run left: restore a moved-away state, drop half-built staging folders."""
    parent = target.parent
    if not parent.exists():
        return
    olds = sorted(parent.glob(f".{target.name}-old-*"))
    if not target.exists() and olds:
        os.replace(olds[-1], target)
        olds = olds[:-1]
    for leftover in [*olds, *parent.glob(f".{target.name}-staging-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _syncfs(root: Path) -> bool:
    """One syncfs(2) for the file system holding root: every dirty file of it, in one call (Linux)."""
    lib = _libc()
    if lib is None or not hasattr(lib, "syncfs"):
        return False
    fd = os.open(root, os.O_RDONLY)
    try:
        return bool(lib.syncfs(fd) == 0)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Make every file and folder under root durable: one syncfs on Linux (hundreds of serial fsyncs
    cost a third of a national ingest), else an fsync per file and folder."""
    if _syncfs(root):
        return
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            fd = os.open(os.path.join(dirpath, f), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes, *, fsync: bool = True) -> None:
    """Write a file so that readers see the old or the new content, never half of it.

    `fsync=False` for files in a staging folder: `swap_in` makes the whole folder durable at once.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        if fsync:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


@contextmanager
def workspace_lock(lock_file: Path, timeout: float = 600.0) -> Iterator[None]:
    """The one lock that guards data/processed and reports; re-entrant within a process.

    `ivp refresh` holds it across fetch, ingest and score; the steps take it again without waiting.
    """

    depth = getattr(_local, "depth", 0)
    if depth:
        _local.depth = depth + 1
        try:
            yield
        finally:
            _local.depth -= 1
        return
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_file), timeout=timeout)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            # Said once, so a scheduled run that waits behind another one does not look hung.
            since = datetime.now().astimezone().strftime("%H:%M:%S")
            log.warning(
                "wacht op %s sinds %s: een andere ivp-run is bezig (hoogstens %.0f s)",
                lock_file,
                since,
                timeout,
            )
            lock.acquire()
    except Timeout as exc:
        raise IvpError(
            Problem(
                "workspace-locked",
                f"een andere ivp-run houdt de werkruimte al meer dan {timeout:.0f} s bezet",
                file=str(lock_file),
                hint="wacht tot die klaar is, of verwijder het slotbestand als er geen ivp meer draait",
            )
        ) from exc
    _local.depth = 1
    try:
        yield
    finally:
        _local.depth = 0
        lock.release()
