"""`ivp status`: what is ingested per dataset and municipality, and how fresh it is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ivp_pipeline.cli.common import WorkspaceOpt, user_errors


def status(
    workspace: WorkspaceOpt = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Rows, periods covered, latest period, source files and their age, per dataset and municipality."""
    import json

    from ivp_pipeline.changes_md import area_label
    from ivp_pipeline.cli.output import console
    from ivp_pipeline.status import workspace_status
    from ivp_pipeline.workspace import Workspace

    ws = Workspace.at(workspace)
    with user_errors():
        entries = workspace_status(ws)
    if as_json:
        typer.echo(json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    out = console()
    if not entries:
        out.print(f"Nothing ingested yet in {ws.relative(ws.processed)}; run `ivp ingest` first.")
        return
    from rich.table import Table

    table = Table(title="ivp status", title_justify="left")
    for col, justify in (
        ("dataset", "left"),
        ("gemeente/gebied", "left"),
        ("rijen", "right"),
        ("perioden", "left"),
        ("laatste periode", "left"),
        ("bronbestanden", "right"),
        ("ingelezen", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for e in entries:
        age = "" if e.age_days is None else f"{e.last_ingested[:10]} ({e.age_days} d geleden)"
        table.add_row(
            e.dataset,
            area_label(e.municipality),
            str(e.rows),
            e.periods,
            e.latest_period,
            str(len(e.source_files)),
            age,
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
