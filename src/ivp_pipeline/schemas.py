"""The processed contracts: per canonical dataset a pinned Arrow schema, its key, and its rules.

Every reader produces tables in exactly these schemas; the store refuses anything else. Each column is
declared once below, with the rules its values keep (vocabulary, shape, range, the state that says
whether a value is known); store/contract.py checks them on every table that enters the store. Column
names are referenced through these definitions, not retyped as string literals elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
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
# States of an unknown value (null, never 0); a true zero has the value 0. An observed value is
# present and may be 0 too (a police cell "0" is observed, "-" is the CBS legend's nil).
MISSING_STATES = ("suppressed", "not_applicable", "not_published")
ZERO_STATE = "zero"
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
RATING_SCALE = (1, 5)  # professional ratings: 1 (zeer laag) .. 5 (zeer hoog)
SURVEY_SOURCE_KINDS = ("veiligheidsmonitor", "local")  # the KIND of each survey reader
# Valid range per survey unit: percent 0-100, rapportcijfer 1-10, VM schaalscores on a 0-10 scale.
# Other units (a StatLine header may name one) have no range.
SURVEY_UNIT_RANGES = {"percent": (0.0, 100.0), "rapportcijfer": (1.0, 10.0), "schaalscore": (0.0, 10.0)}
AGE_BAND_TOTAL = "totaal"  # population of all ages; otherwise "12-17" or "65+"
ROLLUP_CODE = "0.0.0"
# Schema metadata a reader may set on its table: rows unique by key and in key order (+source_row),
# so the store can skip a sort.
IN_KEY_ORDER = (b"ivp.order", b"key")


# The rules a column's values keep (declarations only; store/contract.py checks them). Nulls are
# governed by the field's nullability, so value rules look at the non-null values only.
@dataclass(frozen=True)
class OneOf:
    """The column takes values of this vocabulary."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class Matches:
    """Every value matches this regular expression as a whole; `shape` says it in words."""

    pattern: str
    shape: str


@dataclass(frozen=True)
class Within:
    """Numbers within [low, high], bounds included; None leaves that side open."""

    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class StatedBy:
    """A value whose state column says whether it is known: null exactly for MISSING_STATES, and 0
    (never null) for ZERO_STATE."""

    state: str


@dataclass(frozen=True, eq=False)
class WithinPer:
    """Numbers within the range that the row's value of column `by` has in `ranges` (survey unit)."""

    by: str
    ranges: Mapping[str, tuple[float, float]]


Rule = OneOf | Matches | Within | StatedBy | WithinPer


@dataclass(frozen=True)
class Dataset:
    """A canonical dataset: its name (folder), pinned schema, and the columns that identify a row."""

    name: str
    key: tuple[str, ...]

    @property
    def schema(self) -> pa.Schema:
        return _definitions()[self.name][0]

    @property
    def rules(self) -> Mapping[str, tuple[Rule, ...]]:
        """Column -> the rules its values keep (only columns that have any), in schema order."""
        return _definitions()[self.name][1]

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
# Local figures the police tables lack (Halt, RIEC signals, Bibob, woonoverlast, jongerenwerk): counts
# per area, figure and period (sources/local_figures.py, docs/inputs.md).
LOCAL_FIGURES = Dataset("local_figures", key=("area_code", "figure", "period_start", "period_kind"))
DATASETS = {d.name: d for d in (POLICE, SURVEY, PROFESSIONAL, POPULATION, LOCAL_FIGURES)}


Column = tuple[pa.Field, tuple[Rule, ...]]


def _col(name: str, type_: pa.DataType, nullable: bool = True, *rules: Rule) -> Column:
    return pa.field(name, type_, nullable=nullable), rules


@cache
def _definitions() -> dict[str, tuple[pa.Schema, dict[str, tuple[Rule, ...]]]]:
    level = OneOf(AREA_LEVELS)
    count = Within(low=0)
    prov = [
        _col("source_file", pa.string(), False),
        _col("source_sha256", pa.string(), False),
        _col("source_row", pa.int64(), False),
    ]
    columns: dict[str, list[Column]] = {
        "police": [
            _col("municipality", pa.string(), False),  # GMxxxx, or the area code
            _col("area_code", pa.string(), False),
            _col("area_level", pa.string(), False, level),
            _col("area_name", pa.string()),
            _col("table_id", pa.string()),  # e.g. 47013NED, null when the file does not say
            _col("measure", pa.string(), False, OneOf(MEASURES)),
            _col("offence_code", pa.string(), False),
            _col("offence_label", pa.string()),
            _col("is_rollup", pa.bool_(), False),
            _col("period_start", pa.date32(), False),
            _col("period_kind", pa.string(), False, OneOf(PERIOD_KINDS)),
            _col("period_status", pa.string(), False, OneOf(PERIOD_STATUSES)),
            _col("value", pa.int64(), True, count, StatedBy("value_state")),
            _col("value_state", pa.string(), False, OneOf(VALUE_STATES)),
            *prov,
        ],
        "survey": [
            _col("municipality", pa.string(), False),
            _col("area_code", pa.string(), False),
            _col("area_level", pa.string(), False, level),
            _col("area_name", pa.string()),
            _col("table_id", pa.string()),
            _col("source_kind", pa.string(), False, OneOf(SURVEY_SOURCE_KINDS)),
            _col("indicator", pa.string(), False),
            _col("indicator_label", pa.string(), False),
            # percent | rapportcijfer | schaalscore; a StatLine header may name another unit
            _col("unit", pa.string(), False),
            _col("year", pa.int32(), False),
            # A survey year is "2023", "2025*" or "2025**": never of unknown status.
            _col("period_status", pa.string(), False, OneOf(tuple(STATUS_BY_MARKER.values()))),
            _col("value", pa.float64(), True, StatedBy("value_state"), WithinPer("unit", SURVEY_UNIT_RANGES)),
            _col("value_state", pa.string(), False, OneOf(VALUE_STATES)),
            # Not ranged: a local survey may give a margin that puts the interval outside the unit.
            _col("ci_low", pa.float64()),
            _col("ci_high", pa.float64()),
            _col("margin", pa.float64()),
            _col("respondents", pa.int64(), True, count),
            _col("comparison_area", pa.string()),
            _col("comparison_value", pa.float64(), True, WithinPer("unit", SURVEY_UNIT_RANGES)),
            *prov,
        ],
        "professional": [
            _col(
                "municipality",
                pa.string(),
                False,
                # a municipality, or the whole region by its [region] code (NOT for Noordoost Twente)
                Matches(r"GM[0-9]{4}|[A-Z][A-Z0-9]{1,9}", "GMxxxx or a region code"),
            ),
            _col("organisation_type", pa.string(), False, OneOf(ORGANISATION_TYPES)),
            _col("respondent", pa.string(), False),  # keyed hash, never a name
            _col("theme", pa.string(), False),  # an id of the theme catalogue (configurable)
            _col("criterion", pa.string(), False, OneOf(CRITERIA_PROFESSIONAL)),
            _col("rating", pa.int8(), False, Within(*RATING_SCALE)),
            _col("remark", pa.string()),
            _col("source_sheet", pa.string()),
            *prov,
        ],
        "population": [
            _col("municipality", pa.string(), False),
            _col("area_code", pa.string(), False),
            _col("area_level", pa.string(), False, level),
            _col("year", pa.int32(), False),  # inhabitants on 1 January of year
            _col(
                "age_band",
                pa.string(),
                False,
                Matches(
                    rf"{AGE_BAND_TOTAL}|[0-9]{{1,3}}-[0-9]{{1,3}}|[0-9]{{1,3}}\+",
                    f"{AGE_BAND_TOTAL}, 12-17 or 65+",
                ),
            ),
            _col("inhabitants", pa.int64(), False, count),
            *prov,
        ],
        "local_figures": [
            _col("municipality", pa.string(), False),
            _col("area_code", pa.string(), False),
            _col("area_level", pa.string(), False, level),
            _col("area_name", pa.string()),
            _col("figure", pa.string(), False),  # halt, riec, bibob, woonoverlast, jongerenwerk or own
            _col("figure_label", pa.string(), False),
            _col("theme", pa.string()),  # a theme id of the catalogue (null: shown under no theme)
            _col("period_start", pa.date32(), False),
            _col("period_kind", pa.string(), False, OneOf(PERIOD_KINDS)),
            # a count; unknown (suppressed, not published) is null, never 0
            _col("value", pa.int64(), True, count, StatedBy("value_state")),
            _col("value_state", pa.string(), False, OneOf(VALUE_STATES)),
            _col("supplier", pa.string()),  # who supplied it (Halt, RIEC Oost, the municipality)
            *prov,
        ],
    }
    return {
        name: (pa.schema([f for f, _ in cols]), {f.name: rules for f, rules in cols if rules})
        for name, cols in columns.items()
    }
