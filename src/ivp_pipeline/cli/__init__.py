"""The `ivp` command: thin glue over the library. Each subcommand lives in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

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


def main() -> None:
    app()
