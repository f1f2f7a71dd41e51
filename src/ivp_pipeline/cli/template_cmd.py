"""`ivp template`: write the workbooks to hand out (professional input, local survey results, local
figures)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ivp_pipeline.cli.common import Command, Group, WorkspaceOpt, err_echo, user_errors

template_app = typer.Typer(
    help="Schrijf een lege werkmap om uit te delen, met uitleg en keuzelijsten.",
    no_args_is_help=True,
    cls=Group,
)

OutOpt = Annotated[
    Path,
    typer.Option("--out", "-o", metavar="BESTAND", help="Waar de werkmap (.xlsx) komt.", dir_okay=False),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", metavar="", help="Overschrijf het bestand als het al bestaat.")
]
MkdirOpt = Annotated[
    bool,
    typer.Option("--mkdir", metavar="", help="Maak de map van --out als die nog niet bestaat."),
]


def _write(workspace: Path, kind: str, out: Path, force: bool, mkdir: bool) -> None:
    from ivp_pipeline.problems import IvpError, Problem
    from ivp_pipeline.steps.template import template
    from ivp_pipeline.workspace import Workspace

    with user_errors():
        folder = out.resolve().parent
        if not folder.is_dir() and not mkdir:
            raise IvpError(
                Problem(
                    "missing-folder",
                    "de map van dit bestand bestaat niet",
                    file=str(out),
                    column="--out",
                    hint="maak de map eerst, kies een bestaande map, of voeg --mkdir toe",
                )
            )
        template(Workspace.at(workspace), kind, out, force=force)
    err_echo(f"Geschreven: {out}")


@template_app.command("professional", cls=Command)
def professional(
    out: OutOpt = Path("inbreng_professionals.xlsx"),
    workspace: WorkspaceOpt = Path("."),
    force: ForceOpt = False,
    mkdir: MkdirOpt = False,
) -> None:
    """Werkmap voor professionals: oordelen 1-5 per gemeente en thema (de thema's van de catalogus)."""
    _write(workspace, "professional", out, force, mkdir)


@template_app.command("survey", cls=Command)
def survey(
    out: OutOpt = Path("lokale_enquete.xlsx"),
    workspace: WorkspaceOpt = Path("."),
    force: ForceOpt = False,
    mkdir: MkdirOpt = False,
) -> None:
    """Werkmap voor een lokale enquête: gebied, indicator, jaar, waarde, marge, respondenten."""
    _write(workspace, "survey", out, force, mkdir)


@template_app.command("lokaal", cls=Command)
def lokaal(
    out: OutOpt = Path("lokale_cijfers.xlsx"),
    workspace: WorkspaceOpt = Path("."),
    force: ForceOpt = False,
    mkdir: MkdirOpt = False,
) -> None:
    """Werkmap voor lokale cijfers: Halt, RIEC-signalen, Bibob, woonoverlast, jongerenwerk."""
    _write(workspace, "local_figures", out, force, mkdir)


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")
