"""`ivp fetch`: download the configured police tables from the CBS OData service into data/raw/police."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ivp_pipeline.cli.common import Command, QuietOpt, WorkspaceOpt, user_errors

if TYPE_CHECKING:
    from rich.console import Console

    from ivp_pipeline.steps.fetch import FetchOutcome

BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        metavar="URL",
        help="Adres van de OData v3-dienst (standaard: base_url in de sectie fetch van ivp.toml, "
        "anders het CBS).",
    ),
]
_HANDLER_NAME = "ivp-cli"


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time (the test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


def configure_logging(quiet: bool = False) -> None:
    """Timestamped log lines on stderr for the package's loggers; set up by commands only."""
    logger = logging.getLogger("ivp_pipeline")
    logger.handlers = [h for h in logger.handlers if h.get_name() != _HANDLER_NAME]
    handler = _StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%dT%H:%M:%S%z")
    )
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def fetch(
    workspace: WorkspaceOpt = Path("."),
    base_url: BaseUrlOpt = None,
    table: Annotated[
        list[str] | None,
        typer.Option(
            "--table", "-t", metavar="TABEL", help="Tabelnummer, bv. 47013NED (mag vaker worden gegeven)."
        ),
    ] = None,
    municipality: Annotated[
        list[str] | None,
        typer.Option(
            "--municipality",
            "-m",
            metavar="GEMEENTE",
            help="Gemeentecode, bv. GM1774 (mag vaker worden gegeven).",
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Download politietabellen van het CBS naar data/raw/police/ (alleen tabellen die zijn gewijzigd)."""
    from ivp_pipeline.cli.output import console
    from ivp_pipeline.steps.fetch import fetch as run_fetch
    from ivp_pipeline.workspace import Workspace

    configure_logging(quiet)
    ws = Workspace.at(workspace)
    with user_errors():
        outcomes = run_fetch(ws, base_url=base_url, tables=table, municipalities=municipality)
    if not quiet:  # --quiet: only the warnings and errors
        print_fetch(outcomes, console())


def print_fetch(outcomes: list[FetchOutcome], out: Console) -> None:
    from rich.table import Table

    table = Table(title="ivp fetch", title_justify="left")
    for col, justify in (
        ("tabel", "left"),
        ("status", "left"),
        ("rijen", "right"),
        ("gewijzigd (CBS)", "left"),
        ("bestand", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for o in outcomes:
        status = "gedownload" if o.status == "downloaded" else "ongewijzigd"
        table.add_row(o.table, status, str(o.rows), o.modified, o.file)
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("fetch", cls=Command)(fetch)
