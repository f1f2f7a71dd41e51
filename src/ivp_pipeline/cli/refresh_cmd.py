"""`ivp refresh`: the monthly job: fetch (when configured) + ingest + score + what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ivp_pipeline.cli.common import (
    EXIT_PROBLEM,
    EXIT_REJECTED,
    Command,
    QuietOpt,
    WorkspaceOpt,
    err_echo,
    report_problems,
)
from ivp_pipeline.cli.fetch_cmd import BaseUrlOpt, configure_logging
from ivp_pipeline.problems import IvpError


def refresh(
    workspace: WorkspaceOpt = Path("."),
    base_url: BaseUrlOpt = None,
    quiet: QuietOpt = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Alles opnieuw inlezen, rekenen en tekenen, ook zonder iets nieuws."),
    ] = False,
) -> None:
    """Maandelijkse verversing: nieuwe politiecijfers ophalen (sectie fetch of --base-url), inlezen, scoren.

    Alles of niets: als een stap mislukt, blijven data/processed en reports zoals ze waren
    (afsluitcode 1). Afsluitcode 3: geschreven, maar sommige rijen afgewezen.
    """
    from ivp_pipeline.cli.output import console
    from ivp_pipeline.steps.fingerprint import unchanged_refresh
    from ivp_pipeline.workspace import Workspace

    configure_logging(quiet)
    ws = Workspace.at(workspace)
    try:
        if not force and unchanged_refresh(ws, base_url=base_url):
            console().print(UNCHANGED.format(raw=ws.relative(ws.raw), reports=ws.relative(ws.reports)))
            return
        from ivp_pipeline.steps.refresh import refresh as run_refresh

        report = run_refresh(ws, base_url=base_url, force=force)
    except IvpError as exc:
        report_problems(exc.problems)
        err_echo("Refresh failed: data/processed and reports are unchanged.")
        raise typer.Exit(EXIT_PROBLEM) from None
    from ivp_pipeline.cli.fetch_cmd import print_fetch
    from ivp_pipeline.cli.output import print_ingest_report

    out = console()
    if report.fetched:
        print_fetch(report.fetched, out)
    if report.ingest is not None:
        print_ingest_report(report.ingest, ws)
    counts = report.change_counts
    out.print("Wijzigingen: " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "geen"))
    for path in report.written:
        out.print(f"Geschreven: {ws.relative(path)}")
    if report.ingest is not None and report.ingest.rejects:
        raise typer.Exit(EXIT_REJECTED)


UNCHANGED = (
    "Niets nieuw: {raw}/ is hetzelfde als bij de vorige verversing en {reports}/ is gemaakt met dezelfde "
    "verwerkte gegevens, configuratie, themacatalogus en programmaversie; niets opnieuw gedaan "
    "(toch alles opnieuw: --force)."
)


def register(app: typer.Typer) -> None:
    app.command("refresh", cls=Command)(refresh)
