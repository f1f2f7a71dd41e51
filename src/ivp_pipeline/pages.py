"""Transparent huge pages, per process (Linux `prctl`; elsewhere nothing is done).

numpy asks the kernel for 2 MB pages for every array of 4 MB or more, and the kernel zeroes each
such page when it is first touched. A process that makes and drops arrays of millions of rows once
(reading a national file: `ivp ingest`; reading the store and building the tables: `ivp score`)
spends much of its system time zeroing them, and does better with ordinary pages: a national score
read its store in a quarter less CPU time without them. The Monte Carlo does the opposite: it sweeps
the same large arrays batch after batch, where 2 MB pages spare it misses of the address cache
(TLB), and took an eighth more CPU time without them. So `ivp score` turns them off and the
Monte Carlo turns them on again for itself (`huge_pages`). The setting is inherited by forked
children; it never changes a number.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_PR_SET_THP_DISABLE = 41  # linux/prctl.h
_PR_GET_THP_DISABLE = 42


def _prctl(option: int, value: int = 0) -> int | None:
    """prctl(option, value); None where that is not possible."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        result = libc.prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        return None
    return int(result) if result >= 0 else None


def enabled() -> bool | None:
    """Whether this process may get huge pages (None: unknown, not Linux)."""
    disabled = _prctl(_PR_GET_THP_DISABLE)
    return None if disabled is None else not disabled


def allow(on: bool) -> None:
    """Allow (or refuse) huge pages for this process from now on; a no-op where not possible."""
    _prctl(_PR_SET_THP_DISABLE, 0 if on else 1)


def without_huge_pages() -> None:
    """No transparent huge pages for this process (Linux); a no-op where that is not possible."""
    allow(False)


@contextmanager
def huge_pages(on: bool) -> Iterator[None]:
    """Huge pages allowed (or refused) while the block runs, then as before."""
    before = enabled()
    allow(on)
    try:
        yield
    finally:
        if before is not None:
            allow(before)
