"""`ivp template`: write the workbooks to hand out (professional input, local survey results)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ivp_pipeline.cli.common import WorkspaceOpt, err_echo, user_errors

template_app = typer.Typer(
    help="Write an empty workbook to hand out, with instructions in Dutch and drop-down lists.",
    no_args_is_help=True,
)

OutOpt = Annotated[
    Path, typer.Option("--out", "-o", help="Where to write the .xlsx workbook.", dir_okay=False)
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")]


def _write(out: Path, data: bytes, force: bool) -> None:
    from ivp_pipeline.atomic import write_bytes_atomic
    from ivp_pipeline.problems import IvpError, Problem

    if out.exists() and not force:
        raise IvpError(
            Problem(
                "file-exists",
                "the file already exists",
                file=str(out),
                hint="choose another --out or add --force to overwrite it",
            )
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(out, data)


@template_app.command("professional")
def professional(
    out: OutOpt = Path("inbreng_professionals.xlsx"),
    workspace: WorkspaceOpt = Path("."),
    force: ForceOpt = False,
) -> None:
    """Workbook for professionals: ratings 1-5 per municipality and theme (themes of the catalogue)."""
    from ivp_pipeline.catalogue import load_catalogue
    from ivp_pipeline.sources.professional.template import template_bytes
    from ivp_pipeline.workspace import Workspace

    with user_errors():
        _write(out, template_bytes(load_catalogue(Workspace.at(workspace))), force)
    err_echo(f"Written {out}")


@template_app.command("survey")
def survey(out: OutOpt = Path("lokale_enquete.xlsx"), force: ForceOpt = False) -> None:
    """Workbook for local survey results (area, indicator, year, value, margin, respondents)."""
    from ivp_pipeline.sources.survey.template import template_bytes

    with user_errors():
        _write(out, template_bytes(), force)
    err_echo(f"Written {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")
