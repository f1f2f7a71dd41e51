"""The `ivp` command: thin glue over the library. Each subcommand lives in its own module, the
command line itself (typer) in cli/application.py.

`main` loads nothing before it has looked at the command line: `ivp ingest` first has the ingest
start reading its first large new file in the background (steps/readahead.py), and only then loads
typer, pydantic and the rest, while that file is hashed, counted and parsed. `app` and
`help_screen` are loaded from cli/application.py when first asked for.

When the command is done, `main` leaves at once (`leave`): it runs the exit handlers and flushes
the standard streams, then ends the process without tearing down the 1,200 modules a score has
loaded, which takes some 0.4 s of the run. An error that is a bug still ends the normal way, with
its traceback.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ivp_pipeline.loading import lazy_names, loading, one_blas_thread

if TYPE_CHECKING:
    from ivp_pipeline.cli.application import app as app
    from ivp_pipeline.cli.application import help_screen as help_screen

# When the command started (as this package is first imported): `ivp score` counts its elapsed time
# from here, start-up included (cli/output.py StageProgress).
STARTED = time.perf_counter()

# `ivp ingest`'s options: those that take a value, and flags. Any other option (--help, a typo) and
# nothing is read ahead: typer then says what it says.
_INGEST_VALUES = {"--workspace", "-w"}
_INGEST_FLAGS = {"--keep-going", "--allow-shrink"}


def main() -> NoReturn:
    """The console script `ivp`: run the command line, then leave at once with its exit status."""
    leave(command(sys.argv[1:]))


def command(args: Sequence[str]) -> int | str | None:
    """Run the command line `args` (after `ivp`); its exit code (SystemExit's: None means 0)."""
    ahead = ingest_arguments(args)
    # No garbage collection while the program loads (loading.py): the imports make next to no
    # garbage, and for `ivp ingest` a full collection over what they made held the GIL for 50 ms
    # while the parse read ahead waited for it.
    with loading():
        if ahead is not None:
            with one_blas_thread():
                from ivp_pipeline.steps.readahead import read_first_file_ahead  # imports numpy

            read_first_file_ahead(*ahead)
        from ivp_pipeline.cli.application import run

    try:
        run(args)
    except SystemExit as stop:
        return stop.code  # click exits with an int (or None)
    return 0


def leave(code: int | str | None) -> NoReturn:
    """End the process with `code` as `sys.exit` would (a text is printed and means 1), but without
    the interpreter's teardown of every loaded module: the exit handlers run and the streams are
    flushed first, so nothing written is lost. While a thread of ours still runs it exits the normal
    way, so that Python waits for that thread as always."""
    this = threading.current_thread()
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not this):
        raise SystemExit(code)
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
    status = code if isinstance(code, int) else 0 if code is None else 1
    atexit._run_exitfuncs()  # first: what they write is flushed too
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`ivp status | head`): nothing more to say
            continue
    os._exit(status)


def ingest_arguments(args: Sequence[str]) -> tuple[Path, list[Path]] | None:
    """(workspace, paths) of an `ivp ingest` command line, or None for any other command line or
    one this reading is not sure of (typer parses it in full, as for any command)."""
    if not args or args[0] != "ingest":
        return None
    workspace, paths = Path("."), list[Path]()
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--":
            paths.extend(Path(p) for p in rest)
        elif arg in _INGEST_VALUES:
            value = next(rest, None)
            if value is None:
                return None
            workspace = Path(value)
        elif arg.startswith("--workspace="):
            workspace = Path(arg.split("=", 1)[1])
        elif arg in _INGEST_FLAGS:
            continue
        elif arg.startswith("-"):
            return None
        else:
            paths.append(Path(arg))
    return workspace, paths


__getattr__ = lazy_names(
    __name__, {"app": "ivp_pipeline.cli.application", "help_screen": "ivp_pipeline.cli.application"}
)
