"""A lean start for a process that reads downloads (`ivp ingest`): no pandas, no huge pages.

pyarrow without pandas. The first time pyarrow converts Python or numpy values (any `pa.array`,
`to_numpy`, `to_pylist`) it looks for pandas and imports it when it is installed: some 0.3-0.45 s, a
tenth of a national ingest, for a library no reader uses. `without_pandas()` lets that first look
find none. Should something import pandas later in the same process (`ivp refresh` scores after it
ingests; a test), pyarrow is made to look again right after pandas has loaded, so pandas objects
convert as they always do.

No transparent huge pages (core pages.py). numpy asks the kernel for 2 MB pages for every array of
4 MB or more, and the kernel zeroes each such page when it is first touched: a national ingest,
which makes and drops arrays of millions of rows, spent a quarter of its CPU time (half a second)
zeroing them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import ModuleType

import pyarrow as pa
import pyarrow.lib

from ivp_pipeline import importhook
from ivp_pipeline.pages import without_huge_pages

PANDAS = "pandas"


class _NoPandas:
    """A meta path finder that says pandas is not installed (while pyarrow takes its first look)."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> None:
        if name == PANDAS:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def _look_again(_pandas: ModuleType) -> None:
    """pyarrow's import check again, right after pandas has loaded: it finds pandas now."""
    _ = pyarrow.lib._pandas_api.pd


def lean_start() -> None:
    """Both of the above, for the process that calls it (from then on)."""
    without_huge_pages()
    without_pandas()


def without_pandas() -> None:
    """Let pyarrow start without pandas, unless pandas is imported already (then it costs nothing)."""
    if PANDAS in sys.modules or importhook.waiting(PANDAS):
        return
    blocker = _NoPandas()
    sys.meta_path.insert(0, blocker)
    try:
        pa.array([0])  # pyarrow's first conversion: it looks for pandas now, and finds none
    finally:
        sys.meta_path.remove(blocker)
    importhook.after_import(PANDAS, _look_again)
