"""Loading modules without the cyclic garbage collector: `loading()`.

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
from collections.abc import Iterator
from contextlib import contextmanager


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
