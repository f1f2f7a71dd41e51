"""How the program loads its modules: without the cyclic garbage collector (`loading`), numpy with
one BLAS thread (`one_blas_thread`), and a package's names when first used (`lazy_names`).

Importing pandas, scipy, matplotlib and the report writers creates a few million objects (functions,
classes, their dictionaries) that live as long as the process and are not garbage. While they load,
each of Python's collections looks at them again: an `ivp score` spent 0.3-0.9 s in 390 collections
(two of them full ones, over everything loaded so far), although they found next to nothing to free.
Inside `loading()` the collector is off; at its end what exists is frozen (`gc.freeze`): moved to a
generation no later collection looks at. Collections then resume as before for the work itself,
whose cycles (pandas makes some) are freed as usual. Forked children inherit the frozen objects, and
those pages stay shared with the parent, since no collection writes to them.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any


@contextmanager
def loading() -> Iterator[None]:
    """No garbage collection inside; at the end, everything that exists is frozen and the collector
    is on again if it was on before (nested uses freeze at each end)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


_ONE_BLAS_THREAD = "OPENBLAS_NUM_THREADS"


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """numpy imported within starts OpenBLAS with one thread (unless the user chose a number);
    the environment is as before afterwards, for any process this one starts.

    OpenBLAS otherwise starts a thread per core on import that spins a while waiting for work: the
    import took some 40 ms longer and the thread competed with an ingest's parse. An ingest
    multiplies no matrices, and a score only the small ones of the public mode's checks."""
    chosen = _ONE_BLAS_THREAD in os.environ
    if not chosen:
        os.environ[_ONE_BLAS_THREAD] = "1"
    try:
        yield
    finally:
        if not chosen:
            os.environ.pop(_ONE_BLAS_THREAD, None)


def lazy_names(package: str, names: Mapping[str, str | tuple[str, str]]) -> Callable[[str], Any]:
    """The `__getattr__` of a package (a layer's door) whose names are imported when first asked
    for: `names` maps each to its module, or to (module, its name there). Once loaded, a name is an
    ordinary attribute of the package; any other name is an AttributeError, as usual."""

    def load(name: str) -> Any:
        where = names.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = (where, name) if isinstance(where, str) else where
        value = getattr(importlib.import_module(module), attribute)
        setattr(sys.modules[package], name, value)  # asked once
        return value

    return load
