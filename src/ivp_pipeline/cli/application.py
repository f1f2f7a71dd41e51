"""The `ivp` command line (typer): the commands, each in its own module, and their help screens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from typer._click.utils import _detect_program_name

from ivp_pipeline.cli import (
    fetch_cmd,
    ingest_cmd,
    init_cmd,
    refresh_cmd,
    score_cmd,
    status_cmd,
    template_cmd,
)
from ivp_pipeline.cli.common import CONTEXT, Group, dutch_help_panels

dutch_help_panels()

app = typer.Typer(
    name="ivp",
    help=(
        "Onderbouwing van het Integraal Veiligheidsplan: cijfers van politie, enquêtes en professionals "
        "inlezen, kandidaat-prioriteiten scoren en rapporteren."
    ),
    epilog="Afsluitcodes: 0 alles geschreven, 3 geschreven maar rijen afgewezen, 1 niets geschreven, "
    "2 verkeerde opdrachtregel.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
    cls=Group,
)

for module in (init_cmd, ingest_cmd, fetch_cmd, refresh_cmd, status_cmd, template_cmd, score_cmd):
    module.register(app)


def _version(value: bool) -> None:
    if value:
        from ivp_pipeline import __version__

        typer.echo(f"ivp {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            metavar="",
            callback=_version,
            is_eager=True,
            help="Toon het versienummer en stop.",
        ),
    ] = False,
) -> None:
    """Onderbouwing van het Integraal Veiligheidsplan: inlezen, scoren, rapporteren."""


def run(args: Sequence[str]) -> None:
    """Run the command line `args` (the arguments after `ivp`)."""
    if not help_screen(args):
        app()


def help_screen(args: Sequence[str]) -> bool:
    """`ivp [COMMAND ...] --help`: draw that help screen without parsing the command line.

    The normal path runs every option of the command through typer's value checks first, which
    loads pydantic: half the time of a help screen (issue 13 wants it under 0.3 s). Only a plain
    `ivp`, `ivp COMMAND`, `ivp template SUB` followed by -h/--help takes this path; anything else
    (another option, an unknown command) goes the normal way. tests/cli/test_help.py checks that both
    paths draw the same screen for every command.
    """
    if not args or args[-1] not in CONTEXT["help_option_names"]:
        return False
    names = args[:-1]
    if any(name.startswith("-") for name in names):
        return False
    command = typer.main.get_command(app)
    ctx = command.context_class(command, info_name=_detect_program_name(), **command.context_settings)
    for name in names:
        sub = command.get_command(ctx, name) if isinstance(command, typer.core.TyperGroup) else None
        if sub is None:
            return False
        ctx = sub.context_class(sub, info_name=name, parent=ctx, **sub.context_settings)
        command = sub
    typer.echo(ctx.get_help(), color=ctx.color)
    return True
