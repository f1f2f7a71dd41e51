"""The `ivp` command: thin glue over the library. Each subcommand lives in its own module."""

from __future__ import annotations

import typer

from ivp_pipeline.cli import fetch_cmd, ingest_cmd, refresh_cmd, score_cmd, status_cmd, template_cmd

app = typer.Typer(
    name="ivp",
    help="Evidence base for the Integraal Veiligheidsplan Noordoost Twente: ingest, score, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (ingest_cmd, fetch_cmd, refresh_cmd, status_cmd, template_cmd, score_cmd):
    module.register(app)


def main() -> None:
    app()
