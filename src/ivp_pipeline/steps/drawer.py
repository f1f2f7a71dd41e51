"""`ivp score`'s chart drawer, forked at start-up (cli/score_cmd.py) once pandas is imported.

The child imports matplotlib, scipy and the drawing code on the other core while this process
imports the rest of its modules, reads the store and computes; reports/chartset.py then sends it the
charts to draw (forked.py `Standby`), so no drawer imports matplotlib after the scores are known.
The command starts it once it knows there is something to score (not for a score with nothing
new, which imports no pandas at all). It is forked after pandas (with numpy and pyarrow), which
both processes need: imported once, not twice. Unused (nothing to draw, an error), it is stopped,
or ends with this process.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from ivp_pipeline import forked
from ivp_pipeline.reports import DRAWER, DRAWER_MODULES


def start_drawer() -> None:
    """Fork the standby drawer (where fork is safe; once per process), after importing pandas."""
    if forked.FORK:
        importlib.import_module("pandas")  # both need it: imported here, before the fork
    forked.stand_by(DRAWER, DRAWER_MODULES)


def stop_drawer() -> None:
    """Stop the standby drawer if the run did not hand it charts (nothing new, nothing to draw, an
    error): it would otherwise go on importing after this process has ended."""
    forked.stop_standby(DRAWER)


@contextmanager
def stopped_at_end() -> Iterator[None]:
    """Stop the standby drawer when the block ends, however it ends."""
    try:
        yield
    finally:
        stop_drawer()
