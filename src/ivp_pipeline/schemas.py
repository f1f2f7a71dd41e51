"""The processed contracts: one pinned Arrow schema per canonical dataset, and its key columns.

Every reader produces tables in exactly these schemas; the store refuses anything else. Column names
are referenced through these definitions, not retyped as string literals elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

# Vocabularies (English identifiers; Dutch only in labels).
AREA_LEVELS = (
    "land",
    "landsdeel",
    "provincie",
    "regionale_eenheid",
    "basisteam",
    "gemeente",
    "wijk",
    "buurt",
    "woonplaats",
)
MEASURES = ("crime", "overlast")
PERIOD_KINDS = ("month", "quarter", "year")
PERIOD_STATUSES = ("final", "provisional", "further_provisional", "unknown")
# StatLine marks provisional periods in labels: "2024*", "2024 januari**"; no marker is final.
STATUS_BY_MARKER = {"": "final", "*": "provisional", "**": "further_provisional"}
VALUE_STATES = ("observed", "zero", "suppressed", "not_applicable", "not_published")
ORGANISATION_TYPES = (
    "politie",
    "gemeente",
    "welzijn",
    "jongerenwerk",
    "woningcorporatie",
    "onderwijs",
    "zorg",
    "overig",
)
CRITERIA_PROFESSIONAL = ("size", "seriousness", "development", "urgency")
ROLLUP_CODE = "0.0.0"
# Partition value for rows that belong to no municipality (Nederland, provincie, regionale eenheid,
# basisteam): they are kept, in their own partition named after the area code.
NOT_REGION = "NOT"  # Noordoost Twente as a whole (professional input for the whole region)
# Schema metadata a reader may set on its table: rows unique by key and in key order (+source_row),
# so the store can skip a sort.
IN_KEY_ORDER = (b"ivp.order", b"key")


@dataclass(frozen=True)
class Dataset:
    """A canonical dataset: its name (folder), pinned schema, and the columns that identify a row."""

    name: str
    key: tuple[str, ...]

    @property
    def schema(self) -> pa.Schema:
        return _schemas()[self.name]

    def build(self, columns: Mapping[str, Sequence[Any]]) -> pa.Table:
        """A table in the pinned schema from plain column lists (a missing or extra column is a bug)."""
        schema = self.schema
        if set(columns) != set(schema.names):
            raise ValueError(f"{self.name}: columns {sorted(columns)} are not {schema.names}")
        return pa.table({n: pa.array(columns[n], schema.field(n).type) for n in schema.names}, schema=schema)


POLICE = Dataset(
    "police",
    key=("area_code", "measure", "offence_code", "period_start", "period_kind"),
)
SURVEY = Dataset("survey", key=("area_code", "indicator", "year", "source_kind"))
PROFESSIONAL = Dataset(
    "professional",
    key=("municipality", "respondent", "organisation_type", "theme", "criterion", "source_file"),
)
POPULATION = Dataset("population", key=("area_code", "year", "age_band"))
DATASETS = {d.name: d for d in (POLICE, SURVEY, PROFESSIONAL, POPULATION)}


def _schemas() -> dict[str, pa.Schema]:

    prov = [
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_sha256", pa.string(), nullable=False),
        pa.field("source_row", pa.int64(), nullable=False),
    ]
    return {
        "police": pa.schema(
            [
                pa.field("municipality", pa.string(), nullable=False),  # GMxxxx, or the area code
                pa.field("area_code", pa.string(), nullable=False),
                pa.field("area_level", pa.string(), nullable=False),
                pa.field("area_name", pa.string()),
                pa.field("table_id", pa.string()),  # e.g. 47013NED, null when the file does not say
                pa.field("measure", pa.string(), nullable=False),
                pa.field("offence_code", pa.string(), nullable=False),
                pa.field("offence_label", pa.string()),
                pa.field("is_rollup", pa.bool_(), nullable=False),
                pa.field("period_start", pa.date32(), nullable=False),
                pa.field("period_kind", pa.string(), nullable=False),
                pa.field("period_status", pa.string(), nullable=False),
                pa.field("value", pa.int64()),
                pa.field("value_state", pa.string(), nullable=False),
                *prov,
            ]
        ),
        "survey": pa.schema(
            [
                pa.field("municipality", pa.string(), nullable=False),
                pa.field("area_code", pa.string(), nullable=False),
                pa.field("area_level", pa.string(), nullable=False),
                pa.field("area_name", pa.string()),
                pa.field("table_id", pa.string()),
                pa.field("source_kind", pa.string(), nullable=False),  # veiligheidsmonitor | local
                pa.field("indicator", pa.string(), nullable=False),
                pa.field("indicator_label", pa.string(), nullable=False),
                pa.field("unit", pa.string(), nullable=False),  # percent | rapportcijfer | schaalscore
                pa.field("year", pa.int32(), nullable=False),
                pa.field("period_status", pa.string(), nullable=False),
                pa.field("value", pa.float64()),
                pa.field("value_state", pa.string(), nullable=False),
                pa.field("ci_low", pa.float64()),
                pa.field("ci_high", pa.float64()),
                pa.field("margin", pa.float64()),
                pa.field("respondents", pa.int64()),
                pa.field("comparison_area", pa.string()),
                pa.field("comparison_value", pa.float64()),
                *prov,
            ]
        ),
        "professional": pa.schema(
            [
                pa.field("municipality", pa.string(), nullable=False),  # GMxxxx or NOT
                pa.field("organisation_type", pa.string(), nullable=False),
                pa.field("respondent", pa.string(), nullable=False),  # keyed hash, never a name
                pa.field("theme", pa.string(), nullable=False),
                pa.field("criterion", pa.string(), nullable=False),
                pa.field("rating", pa.int8(), nullable=False),
                pa.field("remark", pa.string()),
                pa.field("source_sheet", pa.string()),
                *prov,
            ]
        ),
        "population": pa.schema(
            [
                pa.field("municipality", pa.string(), nullable=False),
                pa.field("area_code", pa.string(), nullable=False),
                pa.field("area_level", pa.string(), nullable=False),
                pa.field("year", pa.int32(), nullable=False),  # inhabitants on 1 January of year
                pa.field("age_band", pa.string(), nullable=False),  # "totaal" or e.g. "12-17"
                pa.field("inhabitants", pa.int64(), nullable=False),
                *prov,
            ]
        ),
    }
