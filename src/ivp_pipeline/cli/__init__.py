"""The `ivp` command: thin glue over the library. Each subcommand lives in its own module, the
command line itself (typer) in cli/application.py.

`main` loads nothing before it has looked at the command line: `ivp ingest` first has the ingest
start reading its first large new file in the background (steps/readahead.py), and only then loads
typer, pydantic and the rest, while that file is hashed, counted and parsed. Once that command is
done, the process ends at once (`leave`) instead of tearing the interpreter down. `app` and
`help_screen` are loaded from cli/application.py when first asked for.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from ivp_pipeline.cli.application import app as app
    from ivp_pipeline.cli.application import help_screen as help_screen

# `ivp ingest`'s options: those that take a value, and flags. Any other option (--help, a typo) and
# nothing is read ahead: typer then says what it says.
_INGEST_VALUES = {"--workspace", "-w"}
_INGEST_FLAGS = {"--keep-going", "--allow-shrink"}


def main() -> None:
    args = sys.argv[1:]
    ahead = ingest_arguments(args)
    if ahead is None:
        from ivp_pipeline.cli.application import run

        run(args)
        return
    # No garbage collection while the program loads: the imports make next to no garbage, and a
    # full collection over what they made held the GIL for 50 ms while the parse read ahead waited
    # for it. Frozen, those objects are never looked at again; collections resume for the command.
    gc.disable()
    from ivp_pipeline.steps.readahead import read_first_file_ahead

    read_first_file_ahead(*ahead)
    from ivp_pipeline.cli.application import run

    gc.freeze()
    gc.enable()
    try:
        run(args)
    except SystemExit as done:  # typer ends every command so, with its exit code
        leave(done.code)
    leave(0)


def leave(code: object) -> NoReturn:
    """End the process now with the exit status of `code` (as `SystemExit(code)` would), skipping the
    interpreter's teardown: freeing every module and object one by one cost `ivp ingest` 0.1-0.2 s
    after its work was done and its output written. What a normal exit does first is done first:
    the `atexit` handlers run and stdout and stderr are flushed. While another thread still runs,
    or when a flush fails (a closed pipe), it exits normally, so that Python joins the thread or
    reports the failure as always; so it does for a code that is not a number."""
    if threading.active_count() > 1 or not (code is None or isinstance(code, int)):
        raise SystemExit(code)  # (a message as the code: Python prints it, as always)
    status = code or 0
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(status) from None
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


def __getattr__(name: str) -> object:
    if name in ("app", "help_screen"):
        from ivp_pipeline.cli import application

        value = getattr(application, name)
        globals()[name] = value  # asked once
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
