"""`ivp score`: data/processed -> reports/ (scores, criteria, uncertainty, tables, charts, report)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ivp_pipeline.cli.common import Command, WorkspaceOpt, user_errors

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ivp_pipeline.topline import TopRow


def score(
    workspace: WorkspaceOpt = Path("."),
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            metavar="PROFIEL",
            help="Gewichtenprofiel dat de terminal toont (alle profielen worden geschreven); "
            "standaard default_profile uit ivp.toml.",
        ),
    ] = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            metavar="",
            help='Openbare versie in reports/openbaar/: kleine aantallen als "<5", en wat ze zou '
            'verraden als "x", in elke uitvoer; reports/ zelf blijft zoals het is.',
        ),
    ] = False,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", metavar="GETAL", help="Startwaarde van de Monte Carlo-simulatie (standaard: ivp.toml)."
        ),
    ] = None,
    draws: Annotated[
        int | None,
        typer.Option(
            "--draws",
            min=10,
            metavar="AANTAL",
            help="Aantal trekkingen van de Monte Carlo-simulatie (standaard: ivp.toml, 2000).",
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            "--top", min=1, metavar="AANTAL", help="Aantal prioriteiten per gemeente op het scherm."
        ),
    ] = 5,
    force: Annotated[
        bool,
        typer.Option("--force", help="Opnieuw rekenen en tekenen, ook als er niets veranderd is."),
    ] = False,
    weights: Annotated[
        list[str] | None,
        typer.Option(
            "--gewicht",
            metavar="CRITERIUM=GEWICHT",
            help="Wat-als-weging, herhaalbaar: bv. --gewicht beleving=0,5 --gewicht omvang=0,5 "
            "(omvang, ernst, trend, vergelijking, beleving, professionals; samen 1). Wordt het "
            "profiel 'watals', naast de andere.",
        ),
    ] = None,
) -> None:
    """Scoor elk thema per gemeente en voor de regio; schrijf tabellen, grafieken en rapport in reports/.

    Met --public komt de openbare versie in reports/openbaar/; de interne rapporten blijven staan.
    """
    from ivp_pipeline.steps.fingerprint import report_dir, unchanged_score
    from ivp_pipeline.workspace import Workspace

    ws = Workspace.at(workspace)
    folder = ws.relative(report_dir(ws, public=public))
    with user_errors():
        # Checked before the scoring and report code is imported: a no-op costs milliseconds.
        what_if = tuple(weights or ())
        stored = (
            None if force else unchanged_score(ws, public=public, seed=seed, draws=draws, weights=what_if)
        )
    shown = profile or ("watals" if what_if else None)
    if stored is not None and (shown or stored.default) in stored.profiles:
        print_top(stored.top(shown or stored.default, top), shown or stored.default)
        typer.echo(UNCHANGED.format(reports=folder))
        return
    from ivp_pipeline.cli.output import StageProgress
    from ivp_pipeline.loading import loading, one_blas_thread
    from ivp_pipeline.steps.drawer import start_drawer

    with loading(), one_blas_thread():  # without garbage collection (loading.py), one BLAS thread
        start_drawer()  # the child that will draw the charts imports matplotlib while this goes on
        from ivp_pipeline.steps.score import score as run_score

    with user_errors(), StageProgress() as progress:
        run = run_score(
            ws,
            public=public,
            seed=seed,
            draws=draws,
            profile=profile,
            force=force,
            progress=progress,
            weights=what_if,
        )
    print_top(run.top(top), run.profile)
    if run.unchanged:
        typer.echo(UNCHANGED.format(reports=folder))
    else:
        typer.echo(f"Geschreven naar {folder}/")
    progress.console.print(progress.elapsed())


UNCHANGED = (
    "Niets veranderd: {reports}/ is gemaakt met dezelfde verwerkte gegevens, configuratie, "
    "themacatalogus en programmaversie (opnieuw rekenen en tekenen: --force)."
)


def print_top(rows: Sequence[TopRow], profile: str) -> None:
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
                ("onderbouwing", "right"),
                ("let op", "left"),
            ):
                table.add_column(col, justify=justify)  # type: ignore[arg-type]
            tables[r.municipality] = table
        tables[r.municipality].add_row(
            _rank(r.rank, r.flags),
            r.theme_label,
            _num(r.score, "{:.0f}", "geen score"),
            f"{_num(r.score_low, '{:.0f}')}-{_num(r.score_high, '{:.0f}')}" if _known(r.score) else "",
            _num(r.p_top3, "{:.0%}"),
            _num(r.coverage, "{:.0%}"),
            _notes(r.flags, r.coverage),
        )
    for table in tables.values():
        out.print(table)


# The flags a reader of the terminal table must see; every flag is in reports/tables/scores.csv.
_NOTES = {
    "no_score": "geen score",
    "low_coverage": "lage onderbouwing",
    "small_number": "klein aantal",
    "rank_uncertain": "rang onzeker",
    "tied": "gedeelde rang",
}
LOW_COVERAGE = 0.5  # as reports.labels.LOW_COVERAGE: below half of the weight with evidence


def _known(value: object) -> bool:
    return isinstance(value, int | float) and not math.isnan(value)


def _num(value: object, fmt: str, missing: str = "") -> str:
    """A missing number is shown as `missing` (empty by default), never as "nan" or 0."""
    return fmt.format(value) if _known(value) else missing


def _rank(rank: object, flags: str) -> str:
    """3 -> "3"; a shared rank -> "2 (gelijk)"; no rank -> ""."""
    if not _known(rank):
        return ""
    text = f"{rank:.0f}"
    return f"{text} (gelijk)" if "tied" in flags.split(";") else text


def _notes(flags: str, coverage: float = math.nan) -> str:
    codes = [f for f in flags.split(";") if f in _NOTES]
    if _known(coverage) and coverage < LOW_COVERAGE and "low_coverage" not in codes:
        codes.append("low_coverage")
    return ", ".join(_NOTES[f] for f in codes)


def register(app: typer.Typer) -> None:
    app.command("score", cls=Command)(score)
