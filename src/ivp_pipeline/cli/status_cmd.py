"""`ivp status`: what is ingested per dataset and municipality, and how fresh it is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ivp_pipeline.cli.common import Command, WorkspaceOpt, user_errors


def status(
    workspace: WorkspaceOpt = Path("."),
    as_json: Annotated[
        bool, typer.Option("--json", metavar="", help="Schrijf JSON in plaats van een tabel.")
    ] = False,
) -> None:
    """Wat is ingelezen: rijen, perioden, laatste periode, bronbestanden en leeftijd per dataset en gebied."""
    import json

    from ivp_pipeline.cli.output import console
    from ivp_pipeline.regions import area_label
    from ivp_pipeline.steps.status import status as run_status
    from ivp_pipeline.workspace import Workspace

    ws = Workspace.at(workspace)
    with user_errors():
        found = run_status(ws)
    entries, pending = found.partitions, found.not_ingested
    if as_json:
        data = {"partitions": [e.as_dict() for e in entries], "not_ingested": pending}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out = console()
    if pending:
        files = "bestand" if len(pending) == 1 else "bestanden"
        raw = ws.relative(ws.raw)
        out.print(f"{len(pending)} {files} in {raw} nog niet ingelezen (voer `ivp ingest` uit):")
        for name in pending[:20]:
            out.print(f"  {name}", markup=False)
    if not out.is_terminal:  # logs and pipes: one line per partition rather than 80 columns
        out.width = max(out.width, 132)
    if not entries:
        out.print(f"Nog niets ingelezen in {ws.relative(ws.processed)}; voer eerst `ivp ingest` uit.")
        return
    from rich.table import Table

    table = Table(title="ivp status", title_justify="left")
    for col, justify in (
        ("dataset", "left"),
        ("gebied", "left"),
        ("rijen", "right"),
        ("perioden", "left"),
        ("laatste", "left"),
        ("bestanden", "right"),
        ("leeftijd", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for e in entries:
        age = "" if e.age_days is None else f"{e.age_days} d"
        table.add_row(
            DATASET_LABELS.get(e.dataset, e.dataset),
            area_label(e.municipality),
            str(e.rows),
            e.periods,
            e.latest_period,
            str(len(e.source_files)),
            age,
        )
    out.print(table)


# What the table shows for a dataset (the JSON and the manifest keep the codes).
DATASET_LABELS = {
    "police": "politie",
    "survey": "enquête",
    "professional": "professionals",
    "population": "bevolking",
    "local_figures": "lokale cijfers",
}


def register(app: typer.Typer) -> None:
    app.command("status", cls=Command)(status)
