"""Terminal output helpers (rich tables); the only place besides commands that prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivp_pipeline.kinds import FILE_STATUS_LABELS, KIND_LABELS

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

    from ivp_pipeline.steps.ingest import IngestReport
    from ivp_pipeline.workspace import Workspace


def console(stderr: bool = False) -> Console:
    import sys

    from rich.console import Console

    # Logs and pipes get a wide fixed width so file names are not folded; a terminal uses its own.
    width = None if (sys.stderr if stderr else sys.stdout).isatty() else 160
    return Console(highlight=False, soft_wrap=True, width=width, stderr=stderr)


# What the terminal shows for a file's kind and status (the manifest keeps the codes).
STATUS_LABELS = FILE_STATUS_LABELS


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
            KIND_LABELS.get(o.kind, o.kind),
            STATUS_LABELS.get(o.status, o.status),
            str(o.rows_read),
            str(o.accepted),
            str(o.rejected),
            str(o.replaced),
        )
    out = console()
    out.print(table)
    print_rejects(report, ws, out)
    if report.committed:
        out.print(f"Geschreven naar {ws.relative(ws.processed)}/")
    elif not report.failed:
        out.print("Niets veranderd.")


def print_rejects(report: IngestReport, ws: Workspace, out: Console) -> None:
    """How many rows were rejected and the first ten (the full list is in _rejects.csv)."""
    rejects = report.rejects
    if rejects:
        rows = "rij" if len(rejects) == 1 else "rijen"
        out.print(
            f"{len(rejects)} {rows} afgewezen; de volledige lijst staat in "
            f"{ws.relative(ws.processed / '_rejects.csv')}. De eerste:"
        )
        for p in rejects[:10]:
            out.print(f"  {p.line()}", markup=False)


class StageProgress:
    """A rich progress display on stderr, one line per stage of a step, and the elapsed time at the end.

    Call it as the step's `progress(stage, done, total)`; on a terminal the lines move, in a log or
    pipe the final state is printed once when the step ends.
    """

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from ivp_pipeline.cli import STARTED

        self.started = STARTED  # the time the user waits: start-up included
        self.console = Console(stderr=True, highlight=False)
        self.display = Progress(
            TextColumn("{task.description:<32}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> StageProgress:
        self.display.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        for task in self.display.tasks:
            if not task.finished:
                self.display.stop_task(task.id)
        self.display.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            for task in self.display.tasks:  # stages run one after another
                if not task.finished:
                    self.display.update(task.id, completed=task.total)
                    self.display.stop_task(task.id)
            self.tasks[stage] = self.display.add_task(stage, total=total)
        self.display.update(self.tasks[stage], completed=done, total=total)
        if done >= total:
            self.display.stop_task(self.tasks[stage])

    def elapsed(self) -> str:
        """'Klaar in 2,4 s.' (Dutch decimal comma)."""
        import time

        seconds = time.perf_counter() - self.started
        return f"Klaar in {seconds:.1f} s.".replace(".", ",", 1)
