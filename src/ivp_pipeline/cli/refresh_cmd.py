"""`ivp refresh`: the monthly job: fetch (when configured) + ingest + score + what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ivp_pipeline.cli.common import WorkspaceOpt, err_echo, report_problems
from ivp_pipeline.cli.fetch_cmd import BaseUrlOpt, configure_logging
from ivp_pipeline.problems import IvpError


def refresh(
    workspace: WorkspaceOpt = Path("."),
    base_url: BaseUrlOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings and errors.")] = False,
) -> None:
    """Fetch new police figures (when ivp.toml has a fetch section or --base-url is given), ingest, score.

    All or nothing: when a step fails, data/processed and reports stay as they were (exit code 1).
    """
    from ivp_pipeline.cli.fetch_cmd import print_fetch
    from ivp_pipeline.cli.output import console, print_ingest_report
    from ivp_pipeline.steps.refresh import refresh as run_refresh
    from ivp_pipeline.workspace import Workspace

    configure_logging(quiet)
    ws = Workspace.at(workspace)
    try:
        report = run_refresh(ws, base_url=base_url)
    except IvpError as exc:
        report_problems(exc.problems)
        err_echo("Refresh failed: data/processed and reports are unchanged.")
        raise typer.Exit(1) from None
    out = console()
    if report.fetched:
        print_fetch(report.fetched, out)
    if report.ingest is not None:
        print_ingest_report(report.ingest, ws)
    counts = report.change_counts
    out.print("Wijzigingen: " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "geen"))
    for path in report.written:
        out.print(f"Geschreven: {ws.relative(path)}")


def register(app: typer.Typer) -> None:
    app.command("refresh")(refresh)
