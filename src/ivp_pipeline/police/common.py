"""What the police readers share: dimension column names, the table id, and refusing other tables."""

from __future__ import annotations

import json
import re

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.readers.base import Source

OFFENCE_COLUMNS = {"SoortMisdrijf": "crime", "Overlast": "overlast"}
COUNT_COLUMN = re.compile(r"^Geregistr?eerde(Misdrijven|Overlast)_\d+$")
_TABLE_ID = re.compile(r"(?<![0-9A-Za-z])(\d{5}[A-Z]{3})(?![0-9A-Za-z])")
# Column names that mark a crime table of CBS's own (83648NED, 83651NED...), not of the police.
CRIME_WORDS = re.compile(r"geregistr?eerd|misdrij|diefstal|criminal", re.IGNORECASE)


def table_id_in(text: str) -> str | None:
    """'https://.../ODataApi/OData/47013NED/TypedDataSet' -> '47013NED'."""
    m = _TABLE_ID.search(text)
    return m.group(1) if m else None


def is_police_table_id(table_id: str | None) -> bool:
    return table_id is None or table_id.startswith("47")


def sidecar_table_id(source: Source) -> str | None:
    """The table id recorded beside a fetched file (`<file>.provenance.json`), if any."""
    path = source.path.with_name(source.path.name + ".provenance.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("table_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and _TABLE_ID.fullmatch(value) else None


def not_a_police_table(source: Source, why: str, value: str = "") -> IvpError:
    return IvpError(
        Problem(
            "not-a-police-table",
            f"this is not a police table (47xxxNED): {why}",
            file=source.name,
            value=value,
            hint="CBS's own crime tables (83648NED, 83651NED, codes like CRI1122/T001540) count "
            "differently and are never mixed with police figures; download the police table "
            "(data.politie.nl or the CBS dataderden 47xxxNED tables)",
        )
    )
