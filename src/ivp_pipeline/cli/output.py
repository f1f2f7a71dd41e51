"""Terminal output helpers (rich tables); the only place besides commands that prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ivp_pipeline.steps.ingest import IngestReport
    from ivp_pipeline.workspace import Workspace


def console() -> Console:
    import sys

    from rich.console import Console

    # Logs and pipes get a wide fixed width so file names are not folded; a terminal uses its own.
    width = None if sys.stdout.isatty() else 160
    return Console(highlight=False, soft_wrap=True, width=width)


def print_ingest_report(report: IngestReport, ws: Workspace) -> None:
    from rich.table import Table

    table = Table(title="ivp ingest", title_justify="left")
    table.add_column("bestand", overflow="fold")
    table.add_column("soort", overflow="fold")
    table.add_column("status", overflow="fold")
    for col in ("gelezen", "geaccepteerd", "afgewezen", "vervangen"):
        table.add_column(col, justify="right", overflow="fold")
    for o in report.outcomes:
        table.add_row(
            o.file,
            o.kind,
            o.status,
            str(o.rows_read),
            str(o.accepted),
            str(o.rejected),
            str(o.replaced),
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
