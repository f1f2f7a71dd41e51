"""`ivp ingest`: read what analysts download and receive, validate it, normalise to Parquet."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import Annotated

import typer

from ivp_pipeline.cli.common import (
    EXIT_PROBLEM,
    EXIT_REJECTED,
    Command,
    WorkspaceOpt,
    err_echo,
    report_problems,
    user_errors,
)


def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PAD",
            help="Bestanden of mappen om in te lezen (standaard: data/raw van de werkruimte).",
        ),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    keep_going: Annotated[
        bool,
        typer.Option(
            "--keep-going",
            metavar="",
            help="Schrijf de leesbare bestanden ook als andere niet te lezen zijn.",
        ),
    ] = False,
    allow_shrink: Annotated[
        bool,
        typer.Option(
            "--allow-shrink",
            metavar="",
            help="Laat een ter plekke vervangen bestand waarnemingen van zijn vorige versie weghalen.",
        ),
    ] = False,
) -> None:
    """Lees de bestanden in data/raw in: soort herkennen, controleren, data/processed schrijven.

    Afsluitcode 0: alles ingelezen; 3: geschreven, maar sommige rijen afgewezen (zie
    data/processed/_rejects.csv), of met --keep-going een bestand overgeslagen; 1: een bestand is niet
    te lezen, niets geschreven.
    """
    from ivp_pipeline.cli.output import print_ingest_report
    from ivp_pipeline.steps.ingest import ingest as run_ingest
    from ivp_pipeline.workspace import Workspace

    load_report_meanwhile()
    ws = Workspace.at(workspace)
    with user_errors():
        report = run_ingest(
            ws,
            [p.resolve() for p in paths] if paths else None,
            keep_going=keep_going,
            allow_shrink=allow_shrink,
        )
    print_ingest_report(report, ws)
    for note in report.notes:
        err_echo(f"Let op: {note.line()}")
    if report.failed:
        report_problems([p for o in report.failed for p in o.problems])
        if not report.committed:
            hint = "" if keep_going else " (of gebruik --keep-going)"
            err_echo(f"Niets geschreven: herstel of verwijder de bestanden hierboven{hint}.")
            raise typer.Exit(EXIT_PROBLEM)
        raise typer.Exit(EXIT_REJECTED)  # --keep-going wrote the readable files
    if report.rejects:
        raise typer.Exit(EXIT_REJECTED)


# What the report at the end imports (rich's table and console, some 40 ms with its first table):
# loaded while the ingest runs, which spends most of a large file's time waiting for its parse or
# its writes, instead of after the work, when it is all that is left to do.
REPORT_MODULES = ("rich.console", "rich.table")


def load_report_meanwhile() -> threading.Thread:
    """Import REPORT_MODULES in a daemon thread (a run that ends early does not wait for it)."""

    def load() -> None:
        for name in REPORT_MODULES:
            importlib.import_module(name)

    thread = threading.Thread(target=load, name="ivp-report-modules", daemon=True)
    thread.start()
    return thread


def register(app: typer.Typer) -> None:
    app.command("ingest", cls=Command)(ingest)
