"""`ivp init`: start a workspace (ivp.toml, data/raw/<kind>/, .gitignore), optionally with sample data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ivp_pipeline.cli.common import Command, user_errors


def init(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="MAP",
            help="De map van de nieuwe werkruimte (wordt gemaakt als die er niet is).",
            file_okay=False,
        ),
    ] = Path("."),
    sample: Annotated[
        bool,
        typer.Option(
            "--sample",
            metavar="",
            help="Zet de fictieve voorbeelddata van Noordoost Twente erbij (om ivp uit te proberen).",
        ),
    ] = False,
    municipalities: Annotated[
        list[str] | None,
        typer.Option(
            "--municipalities",
            "-m",
            metavar="GEMEENTEN",
            help="De gemeenten van de regio: codes of namen, met komma's, bv. GM0141,Wierden,Twenterand "
            "(standaard: Dinkelland, Losser, Oldenzaal, Tubbergen).",
        ),
    ] = None,
    region_name: Annotated[
        str | None,
        typer.Option(
            "--region-name", metavar="NAAM", help='Naam van de regio, bv. "Twente-West" (in rapporten).'
        ),
    ] = None,
    region_code: Annotated[
        str | None,
        typer.Option(
            "--region-code",
            metavar="CODE",
            help="Korte code van het regiototaal, bv. TW (standaard: uit de beginletters van de naam).",
        ),
    ] = None,
    province: Annotated[
        str | None,
        typer.Option(
            "--province",
            metavar="PROVINCIE",
            help="De provincie van de gemeenten, bv. Overijssel of PV23: het vergelijkingsgebied naast "
            "Nederland (standaard: Overijssel voor Noordoost Twente, anders alleen Nederland).",
        ),
    ] = None,
) -> None:
    """Maak een nieuwe werkruimte: ivp.toml met alle instellingen, data/raw/<soort>/ en .gitignore."""
    from ivp_pipeline.steps.init import init as run_init

    with user_errors():
        result = run_init(
            folder.resolve(),
            sample=sample,
            municipalities=municipalities,
            region_name=region_name,
            region_code=region_code,
            province=province,
        )
    names = ", ".join(r.name for r in result.municipalities)
    typer.echo(f"Werkruimte gemaakt in {folder}: {result.region_name} ({result.region_code}): {names}")
    areas = ", ".join(r.name for r in result.comparison_areas)
    typer.echo(f"Vergelijkingsgebieden: {areas}")
    if result.province is None:
        typer.echo(
            "Geen provincie opgegeven: vul die in ivp.toml in bij [region] comparison_areas "
            "(of gebruik ivp init --province)."
        )
    shown = str(folder)
    if sample:
        typer.echo(f"Met fictieve voorbeelddata. Verder: ivp ingest -w {shown} && ivp score -w {shown}")
    else:
        typer.echo(
            f"Zet de downloads in {shown}/data/raw/<soort>/ en draai dan: ivp ingest -w {shown} && "
            f"ivp score -w {shown}"
        )


def register(app: typer.Typer) -> None:
    app.command("init", cls=Command)(init)
