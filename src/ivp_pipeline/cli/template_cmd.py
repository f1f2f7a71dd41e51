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


@template_app.command("professional")
def professional(
    out: OutOpt = Path("inbreng_professionals.xlsx"),
    workspace: WorkspaceOpt = Path("."),
    force: ForceOpt = False,
) -> None:
    """Workbook for professionals: ratings 1-5 per municipality and theme (themes of the catalogue)."""
    from ivp_pipeline.steps.template import template
    from ivp_pipeline.workspace import Workspace

    with user_errors():
        template(Workspace.at(workspace), "professional", out, force=force)
    err_echo(f"Written {out}")


@template_app.command("survey")
def survey(out: OutOpt = Path("lokale_enquete.xlsx"), force: ForceOpt = False) -> None:
    """Workbook for local survey results (area, indicator, year, value, margin, respondents)."""
    from ivp_pipeline.steps.template import template
    from ivp_pipeline.workspace import Workspace

    with user_errors():
        template(Workspace.at(Path(".")), "survey", out, force=force)
    err_echo(f"Written {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")
