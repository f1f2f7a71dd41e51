"""Terminal output helpers (rich tables); the only place besides commands that prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ivp_pipeline.ingest import IngestReport
    from ivp_pipeline.workspace import Workspace


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def print_ingest_report(report: IngestReport, ws: Workspace) -> None:
    from rich.table import Table

    table = Table(title="ivp ingest", title_justify="left")
    for col, justify in (
        ("bestand", "left"),
        ("soort", "left"),
        ("status", "left"),
        ("gelezen", "right"),
        ("geaccepteerd", "right"),
        ("afgewezen", "right"),
        ("vervangen", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for o in report.outcomes:
        table.add_row(
            o.file, o.kind, o.status, str(o.rows_read), str(o.accepted), str(o.rejected), str(o.replaced)
        )
    out = console()
    out.print(table)
    rejects = report.rejects
    if rejects:
        out.print(
            f"{len(rejects)} rows rejected; the full list is in "
            f"{ws.relative(ws.processed / '_rejects.csv')}. First ones:"
        )
        for p in rejects[:10]:
            out.print(f"  {p.line()}", markup=False)
    if report.committed:
        out.print(f"Written to {ws.relative(ws.processed)}/")
    elif not report.failed:
        out.print("Nothing changed.")
