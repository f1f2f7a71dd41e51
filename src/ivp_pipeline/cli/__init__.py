"""The `ivp` command: thin glue over the library. Each subcommand lives in its own module, the
command line itself (typer) in cli/application.py.

`main` loads nothing before it has looked at the command line: `ivp ingest` first has the ingest
start reading its first large new file in the background (steps/readahead.py), and only then loads
typer, pydantic and the rest, while that file is hashed, counted and parsed. `app` and
`help_screen` are loaded from cli/application.py when first asked for.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

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
    if ahead is not None:
        from ivp_pipeline.steps.readahead import read_first_file_ahead

        read_first_file_ahead(*ahead)
    from ivp_pipeline.cli.application import run

    run(args)


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
