"""`ivp ingest`: read what analysts download and receive, validate it, normalise to Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ivp_pipeline.cli.common import WorkspaceOpt, err_echo, report_problems, user_errors


def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to ingest (default: data/raw of the workspace)."),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    keep_going: Annotated[
        bool, typer.Option("--keep-going", help="Write the readable files even if some cannot be read.")
    ] = False,
) -> None:
    """Detect each file's kind from its content, read and validate it, write data/processed."""
    from ivp_pipeline.cli.output import print_ingest_report
    from ivp_pipeline.steps.ingest import ingest as run_ingest
    from ivp_pipeline.workspace import Workspace

    ws = Workspace.at(workspace)
    with user_errors():
        report = run_ingest(ws, [p.resolve() for p in paths] if paths else None, keep_going=keep_going)
    print_ingest_report(report, ws)
    if report.failed:
        report_problems([p for o in report.failed for p in o.problems])
        if not report.committed:
            err_echo("Nothing was written: fix or remove the files above (or use --keep-going).")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
