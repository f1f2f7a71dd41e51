"""`ivp score`: data/processed -> reports/ (scores, criteria, uncertainty, tables, charts, report)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ivp_pipeline.cli.common import WorkspaceOpt, user_errors

if TYPE_CHECKING:
    from ivp_pipeline.steps.score import TopRow


def score(
    workspace: WorkspaceOpt = Path("."),
    profile: Annotated[
        str | None, typer.Option("--profile", help="Weight profile shown in the terminal (all are written).")
    ] = None,
    public: Annotated[
        bool, typer.Option("--public", help="Public mode: suppress small numbers in every output.")
    ] = False,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed of the Monte Carlo (default: ivp.toml).")
    ] = None,
    draws: Annotated[
        int | None, typer.Option("--draws", min=10, help="Monte Carlo draws (default: ivp.toml, 2000).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Priorities shown per municipality.")] = 5,
) -> None:
    """Score every theme per municipality and for Noordoost Twente; write reports/."""
    from ivp_pipeline.steps.score import score as run_score
    from ivp_pipeline.workspace import Workspace

    ws = Workspace.at(workspace)
    with user_errors():
        run = run_score(ws, public=public, seed=seed, draws=draws, profile=profile)
    print_top(run.top(top), run.profile)
    typer.echo(f"Written to {ws.relative(ws.reports)}/")


def print_top(rows: list[TopRow], profile: str) -> None:
    from rich.table import Table

    from ivp_pipeline.cli.output import console

    out = console()
    tables: dict[str, Table] = {}
    for r in rows:
        if r.municipality not in tables:
            table = Table(
                title=f"{r.municipality_label} ({r.municipality}), profiel {profile}", title_justify="left"
            )
            for col, justify in (
                ("rang", "right"),
                ("thema", "left"),
                ("score", "right"),
                ("interval", "right"),
                ("kans top 3", "right"),
                ("dekking", "right"),
                ("let op", "left"),
            ):
                table.add_column(col, justify=justify)  # type: ignore[arg-type]
            tables[r.municipality] = table
        tables[r.municipality].add_row(
            str(r.rank),
            r.theme_label,
            f"{r.score:.0f}",
            f"{r.score_low:.0f}-{r.score_high:.0f}",
            f"{r.p_top3:.0%}",
            f"{r.coverage:.0%}",
            _notes(r.flags),
        )
    for table in tables.values():
        out.print(table)


# The flags a reader of the terminal table must see; every flag is in reports/tables/scores.csv.
_NOTES = {
    "low_coverage": "lage dekking",
    "small_number": "klein aantal",
    "rank_uncertain": "rang onzeker",
}


def _notes(flags: str) -> str:
    return ", ".join(_NOTES[f] for f in flags.split(";") if f in _NOTES)


def register(app: typer.Typer) -> None:
    app.command("score")(score)
