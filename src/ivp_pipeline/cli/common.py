"""What every command shares: the --workspace option, error reporting and exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from ivp_pipeline.problems import IvpError, Problem

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace",
        "-w",
        help="Project root with data/raw, data/processed and reports (default: current folder).",
        file_okay=False,
        resolve_path=True,
    ),
]


def err_echo(text: str) -> None:
    typer.echo(text, err=True)


def report_problems(problems: list[Problem], limit: int = 50) -> None:
    for p in problems[:limit]:
        err_echo(f"Error: {p.line()}")
    if len(problems) > limit:
        err_echo(f"... and {len(problems) - limit} more problems")


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the project's own errors into one line each on stderr and exit code 1; bugs propagate."""
    try:
        yield
    except IvpError as exc:
        report_problems(exc.problems)
        raise typer.Exit(1) from None
