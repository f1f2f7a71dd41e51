"""Which columns of a coded police table (bulk CSV or OData) hold what; refuses other tables."""

from __future__ import annotations

from dataclasses import dataclass

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.sources.base import Source
from ivp_pipeline.sources.police.common import (
    COLUMN_KINDS,
    COUNT_COLUMN,
    OFFENCE_COLUMNS,
    not_a_police_table,
)


@dataclass(frozen=True)
class CodedLayout:
    measure: str  # crime | overlast
    offence: str  # SoortMisdrijf | Overlast
    area: str  # RegioS | WijkenEnBuurten | Plaatsen
    area_kind: str  # regios | wijken | plaatsen
    period: str  # Perioden
    count: str  # GeregistreerdeMisdrijven_1 | GeregistreerdeOverlast_1

    @property
    def columns(self) -> list[str]:
        return [self.offence, self.area, self.period, self.count]


def coded_layout(names: list[str], source: Source, table_id: str | None = None) -> CodedLayout:
    """Map the OData column names of a police table; raises not-a-police-table or missing-column."""
    shown = ";".join(names)[:200]
    offence = [n for n in names if n in OFFENCE_COLUMNS]
    if table_id is not None and not table_id.startswith("47"):
        raise not_a_police_table(source, f"tabel {table_id} is een eigen tabel van het CBS", table_id)
    if not offence:
        dims = [n for n in names if n not in {"ID", "Perioden"} and "_" not in n]
        raise not_a_police_table(
            source,
            "er is geen kolom SoortMisdrijf of Overlast"
            + (f" (de dimensies zijn {', '.join(dims)})" if dims else ""),
            shown,
        )
    measure = OFFENCE_COLUMNS[offence[0]]
    areas = [n for n in names if n in COLUMN_KINDS]
    counts = [n for n in names if (m := COUNT_COLUMN.match(n)) and m.group(1).lower() == _word(measure)]
    missing = [
        what
        for what, found in (
            ("RegioS, WijkenEnBuurten of Plaatsen", areas),
            ("Perioden", ["Perioden"] if "Perioden" in names else []),
            (f"Geregistreerde{_word(measure).title()}_1", counts),
        )
        if not found
    ]
    if missing:
        raise IvpError(
            Problem(
                "missing-column",
                f"de politietabel heeft geen kolom {missing[0]}",
                file=source.name,
                column=missing[0],
                value=shown,
                hint="download de tabel opnieuw met alle dimensies en het geregistreerde aantal",
            )
        )
    return CodedLayout(measure, offence[0], areas[0], COLUMN_KINDS[areas[0]], "Perioden", counts[0])


def _word(measure: str) -> str:
    return "misdrijven" if measure == "crime" else "overlast"
