"""What the police readers share: dimension column names, the table id, and refusing other tables."""

from __future__ import annotations

import json
import re

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.sources.base import Source

OFFENCE_COLUMNS = {"SoortMisdrijf": "crime", "Overlast": "overlast"}
COLUMN_KINDS = {  # OData/bulk area column name -> area column kind (police/areas.py)
    "RegioS": "regios",
    "WijkenEnBuurten": "wijken",
    "Plaatsen": "plaatsen",
}
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


# The Perioden code list's Status, as `ivp fetch` records it beside a download.
_STATUS = {"definitief": "final", "voorlopig": "provisional", "nader voorlopig": "further_provisional"}


def _sidecar(source: Source) -> dict[str, object]:
    """What `ivp fetch` recorded beside a download (`<file>.provenance.json`); {} when absent or bad."""
    path = source.path.with_name(source.path.name + ".provenance.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def sidecar_table_id(source: Source) -> str | None:
    """The table id recorded beside a fetched file, if any."""
    value = _sidecar(source).get("table_id")
    return value if isinstance(value, str) and _TABLE_ID.fullmatch(value) else None


def sidecar_period_statuses(source: Source) -> dict[str, str]:
    """Period code -> final/provisional/further_provisional, from the Perioden Status of the table.

    Codes in bulk CSV and OData rows say nothing about provisional figures; the code list does.
    """
    raw = _sidecar(source).get("period_status")
    if not isinstance(raw, dict):
        return {}
    out = {}
    for key, status in raw.items():
        mapped = _STATUS.get(str(status).strip().casefold())
        if mapped:
            out[str(key).strip()] = mapped
    return out


def not_a_police_table(source: Source, why: str, value: str = "") -> IvpError:
    return IvpError(
        Problem(
            "not-a-police-table",
            f"dit is geen politietabel (47xxxNED): {why}",
            file=source.name,
            value=value,
            hint="de eigen criminaliteitstabellen van het CBS (83648NED, 83651NED, codes als "
            "CRI1122/T001540) tellen anders en worden nooit met politiecijfers gemengd; download de "
            "politietabel (data.politie.nl of de CBS-dataderdentabellen 47xxxNED)",
        )
    )
