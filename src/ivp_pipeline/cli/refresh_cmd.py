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
    allow_shrink: Annotated[
        bool,
        typer.Option(
            "--allow-shrink",
            metavar="",
            help="Laat een vervangen bestand waarnemingen van zijn vorige versie weghalen (zie ivp ingest).",
        ),
    ] = False,
) -> None:
    """Maandelijkse verversing: nieuwe politiecijfers ophalen (sectie fetch of --base-url), inlezen, scoren.

    Alles of niets: als een stap mislukt, blijven data/processed en reports zoals ze waren
    (afsluitcode 1). Afsluitcode 3: geschreven, maar sommige rijen afgewezen. Bestaat
    reports/openbaar/, dan wordt ook de openbare versie opnieuw gemaakt.
    """
    from ivp_pipeline.cli.output import console
    from ivp_pipeline.steps.fingerprint import unchanged_refresh
    from ivp_pipeline.workspace import Workspace

    configure_logging(quiet)
    ws = Workspace.at(workspace)
    try:
        if not force and unchanged_refresh(ws, base_url=base_url):
            if not quiet:
                console().print(UNCHANGED.format(raw=ws.relative(ws.raw), reports=ws.relative(ws.reports)))
            return
        from ivp_pipeline.steps.refresh import refresh as run_refresh

        report = run_refresh(ws, base_url=base_url, force=force, allow_shrink=allow_shrink)
    except IvpError as exc:
        report_problems(exc.problems)
        err_echo("Verversen mislukt: data/processed en reports zijn niet veranderd.")
        raise typer.Exit(EXIT_PROBLEM) from None
    from ivp_pipeline.cli.fetch_cmd import print_fetch
    from ivp_pipeline.cli.output import print_ingest_report, print_rejects

    out = console()
    if report.fetched and not quiet:
        print_fetch(report.fetched, out)
    if report.ingest is not None:
        if not quiet:
            print_ingest_report(report.ingest, ws)
        else:  # --quiet: only the warnings and errors, on stderr
            print_rejects(report.ingest, ws, console(stderr=True))
        for note in report.ingest.notes:
            err_echo(f"Let op: {note.line()}")
    if not quiet:
        counts = report.change_counts
        changes = ", ".join(f"{CHANGE_LABELS.get(k, k)} {v}" for k, v in counts.items())
        out.print(f"Wijzigingen: {changes or 'geen'}")
        for path in report.written:
            out.print(f"Geschreven: {ws.relative(path)}")
    if report.ingest is not None and report.ingest.rejects:
        raise typer.Exit(EXIT_REJECTED)


UNCHANGED = (
    "Niets nieuw: {raw}/ is hetzelfde als bij de vorige verversing en {reports}/ is gemaakt met dezelfde "
    "verwerkte gegevens, configuratie, themacatalogus en programmaversie; niets opnieuw gedaan "
    "(toch alles opnieuw: --force)."
)


# What the terminal calls each kind of change (reports/tables/wijzigingen.csv keeps the codes).
CHANGE_LABELS = {
    "new_period": "nieuwe perioden",
    "first_ingest": "nieuw ingelezen reeksen",
    "revised": "herziene cijfers",
    "published": "nieuw gepubliceerde cijfers",
    "rank_changed": "andere rang",
    "p_top3_changed": "andere kans op de top 3",
    "new_theme": "nieuwe thema's",
    "removed_theme": "vervallen thema's",
}


def register(app: typer.Typer) -> None:
    app.command("refresh", cls=Command)(refresh)
