"""The processed contract at the store: every rule of schemas.py holds, or ContractError names it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ivp_pipeline.regions import registry
from ivp_pipeline.schemas import (
    AREA_LEVELS,
    DATASETS,
    MISSING_STATES,
    POLICE,
    POPULATION,
    PROFESSIONAL,
    SURVEY,
    SURVEY_SOURCE_KINDS,
    VALUE_STATES,
    ZERO_STATE,
    Dataset,
    Matches,
    OneOf,
    StatedBy,
    Within,
    WithinPer,
)
from ivp_pipeline.sources.survey import local, statline
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.store import read_dataset
from ivp_pipeline.store.contract import SHOWN, STORED_DICTIONARY, ContractError, cast, conform, conform_stored
from ivp_pipeline.workspace import Workspace

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw"
PROV = {"source_file": "data/raw/x", "source_sha256": "0" * 64, "source_row": 2}
VALID: dict[Dataset, dict[str, Any]] = {
    POLICE: {
        "municipality": "GM1774",
        "area_code": "GM1774",
        "area_level": "gemeente",
        "area_name": "Dinkelland",
        "table_id": "47013NED",
        "measure": "crime",
        "offence_code": "1.1.1",
        "offence_label": "Diefstal/inbraak woning",
        "is_rollup": False,
        "period_start": dt.date(2024, 1, 1),
        "period_kind": "month",
        "period_status": "final",
        "value": 4,
        "value_state": "observed",
        **PROV,
    },
    SURVEY: {
        "municipality": "GM1774",
        "area_code": "GM1774",
        "area_level": "gemeente",
        "area_name": "Dinkelland",
        "table_id": None,
        "source_kind": "local",
        "indicator": "overlast_in_de_buurt.sociale_overlast.drugsoverlast",
        "indicator_label": "Drugsoverlast",
        "unit": "percent",
        "year": 2023,
        "period_status": "final",
        "value": 12.5,
        "value_state": "observed",
        "ci_low": 10.5,
        "ci_high": 14.5,
        "margin": 2.0,
        "respondents": 512,
        "comparison_area": "NL01",
        "comparison_value": 9.0,
        **PROV,
    },
    PROFESSIONAL: {
        "municipality": "GM1774",
        "organisation_type": "politie",
        "respondent": "r-0123456789abcdef",
        "theme": "jeugd",
        "criterion": "size",
        "rating": 4,
        "remark": None,
        "source_sheet": "Invoer",
        **PROV,
    },
    POPULATION: {
        "municipality": "GM1774",
        "area_code": "GM1774",
        "area_level": "gemeente",
        "year": 2024,
        "age_band": "totaal",
        "inhabitants": 26735,
        **PROV,
    },
}


def rows(dataset: Dataset, *changes: dict[str, Any]) -> pa.Table:
    """A valid row of the dataset, then one row per change (the valid row with those columns set)."""
    recs = [VALID[dataset], *({**VALID[dataset], **c} for c in changes)]
    return dataset.build({n: [r[n] for r in recs] for n in dataset.schema.names})


def broken(table: pa.Table, dataset: Dataset) -> ContractError:
    with pytest.raises(ContractError) as info:
        conform(table, dataset)
    return info.value


# --- valid tables pass, in the pinned schema ---------------------------------------------------


@pytest.mark.parametrize("dataset", list(VALID), ids=lambda d: d.name)
def test_a_valid_table_passes_and_comes_out_pinned(dataset: Dataset) -> None:
    table = rows(dataset, {"source_row": 3})
    out = conform(table.select(list(reversed(table.column_names))), dataset)
    assert out.schema.equals(dataset.schema)
    assert out.to_pylist() == table.to_pylist()
    assert cast(table, dataset).equals(out)


@pytest.mark.parametrize("dataset", list(VALID), ids=lambda d: d.name)
def test_an_empty_table_passes(dataset: Dataset) -> None:
    assert conform(dataset.schema.empty_table(), dataset).num_rows == 0


def test_the_states_of_unknown_values_and_zeros_pass() -> None:
    table = rows(
        POLICE,
        *(
            {"value": None, "value_state": s, "offence_code": f"1.1.{i}"}
            for i, s in enumerate(MISSING_STATES)
        ),
        {"value": 0, "value_state": ZERO_STATE},
        {"value": 0, "value_state": "observed"},  # a cell "0": observed, not the legend's nil "-"
    )
    assert conform(table, POLICE).num_rows == 6


def test_survey_values_of_other_units_have_no_range_and_age_bands_have_shapes() -> None:
    conform(rows(SURVEY, {"unit": "aantal", "value": 512.0, "comparison_value": None}), SURVEY)
    conform(rows(SURVEY, {"unit": "rapportcijfer", "value": 10.0, "comparison_value": 1.0}), SURVEY)
    conform(
        rows(SURVEY, {"value": None, "value_state": "suppressed", "ci_low": None, "ci_high": None}), SURVEY
    )
    conform(rows(POPULATION, {"age_band": "12-17"}, {"age_band": "65+"}), POPULATION)


# --- each rule rejects a hand-made bad table, naming the column ---------------------------------

CASES: list[tuple[Dataset, dict[str, Any], str, list[Any]]] = [
    # vocabularies
    (POLICE, {"area_level": "gemeenten"}, "area_level", ["gemeenten"]),
    (POLICE, {"measure": "misdrijven"}, "measure", ["misdrijven"]),
    (POLICE, {"period_kind": "week"}, "period_kind", ["week"]),
    (POLICE, {"period_status": "definitief"}, "period_status", ["definitief"]),
    (POLICE, {"value_state": "geheim", "value": None}, "value_state", ["geheim"]),
    (SURVEY, {"area_level": "regio"}, "area_level", ["regio"]),
    (SURVEY, {"source_kind": "enquete"}, "source_kind", ["enquete"]),
    (SURVEY, {"period_status": "unknown"}, "period_status", ["unknown"]),
    (SURVEY, {"value_state": "missing", "value": None}, "value_state", ["missing"]),
    (PROFESSIONAL, {"organisation_type": "brandweer"}, "organisation_type", ["brandweer"]),
    (PROFESSIONAL, {"criterion": "impact"}, "criterion", ["impact"]),
    (PROFESSIONAL, {"municipality": "Losser"}, "municipality", ["Losser"]),
    (POPULATION, {"area_level": "stad"}, "area_level", ["stad"]),
    (POPULATION, {"age_band": "12 tot 17"}, "age_band", ["12 tot 17"]),
    # ranges
    (POLICE, {"value": -3}, "value", [-3]),
    (SURVEY, {"respondents": -1}, "respondents", [-1]),
    (SURVEY, {"value": 100.5, "ci_high": 101.0}, "value", [(100.5, "percent")]),
    (
        SURVEY,
        {"unit": "rapportcijfer", "value": 0.5, "comparison_value": 6.0},
        "value",
        [(0.5, "rapportcijfer")],
    ),
    (SURVEY, {"comparison_value": -2.0}, "comparison_value", [(-2.0, "percent")]),
    (SURVEY, {"value": float("nan")}, "value", [float("nan")]),
    (PROFESSIONAL, {"rating": 0}, "rating", [0]),
    (PROFESSIONAL, {"rating": 6}, "rating", [6]),
    (POPULATION, {"inhabitants": -5}, "inhabitants", [-5]),
    # a value and its state
    (POLICE, {"value_state": "suppressed"}, "value", [(4, "suppressed")]),
    (POLICE, {"value_state": "not_published", "value": 0}, "value", [(0, "not_published")]),
    (POLICE, {"value": None}, "value", [(None, "observed")]),
    (POLICE, {"value": None, "value_state": ZERO_STATE}, "value", [(None, ZERO_STATE)]),
    (POLICE, {"value": 2, "value_state": ZERO_STATE}, "value", [(2, ZERO_STATE)]),
    (SURVEY, {"value_state": "not_applicable"}, "value", [(12.5, "not_applicable")]),
    (SURVEY, {"value": 1.0, "value_state": ZERO_STATE}, "value", [(1.0, ZERO_STATE)]),
    # required columns
    (POLICE, {"area_code": None}, "area_code", [None]),
    (SURVEY, {"indicator_label": None}, "indicator_label", [None]),
    (PROFESSIONAL, {"respondent": None}, "respondent", [None]),
    (POPULATION, {"inhabitants": None}, "inhabitants", [None]),
]


@pytest.mark.parametrize(
    ("dataset", "change", "column", "values"),
    CASES,
    ids=[f"{d.name}-{'-'.join(f'{k}={v}' for k, v in c.items())}" for d, c, _col, _v in CASES],
)
def test_each_rule_rejects_a_bad_row_naming_its_column(
    dataset: Dataset, change: dict[str, Any], column: str, values: list[Any]
) -> None:
    err = broken(rows(dataset, change), dataset)
    assert (err.dataset, err.column, err.rows) == (dataset.name, column, 1)
    assert repr(err.values) == repr(values)  # repr: nan == nan
    assert f"{dataset.name}.{column}: 1 row breaks the contract" in str(err)
    assert isinstance(err, ValueError)


def test_a_missing_or_extra_column_is_named() -> None:
    table = rows(POLICE)
    err = broken(table.drop_columns(["value_state"]).append_column("waarde", pa.array([1])), POLICE)
    assert err.column == "value_state, waarde"
    assert "missing ['value_state'], unexpected ['waarde']" in str(err)


def test_the_error_counts_rows_and_shows_a_few_distinct_values() -> None:
    bad = [{"area_level": f"level{i % 7}", "source_row": i} for i in range(40)]
    err = broken(rows(POLICE, *bad), POLICE)
    assert err.column == "area_level"
    assert err.rows == 40
    assert err.values == [f"level{i}" for i in range(SHOWN)]  # first seen first, each once
    assert "40 rows break the contract" in str(err)
    assert "'level0', 'level1'" in str(err)


# --- dictionary-encoded columns (the police readers' output) -----------------------------------


def _encoded(table: pa.Table, name: str, dictionary: list[str | None], indices: list[int]) -> pa.Table:
    column = pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(dictionary, pa.string()))
    return table.set_column(table.schema.get_field_index(name), name, column)


def test_dictionary_columns_are_checked_by_their_entries() -> None:
    table = rows(POLICE, {"offence_code": "1.1.2"}, {"offence_code": "1.1.3"})
    good = _encoded(table, "area_level", ["gemeente", "wijk"], [0, 0, 1])
    assert conform(good, POLICE)["area_level"].to_pylist() == ["gemeente", "gemeente", "wijk"]
    bad = _encoded(table, "area_level", ["gemeente", "wijken"], [1, 0, 1])
    err = broken(bad, POLICE)
    assert (err.column, err.values, err.rows) == ("area_level", ["wijken"], 2)


def test_an_unused_dictionary_entry_is_no_violation() -> None:
    # A slice of a reader's table keeps the whole dictionary; only the entries rows use count.
    table = rows(POLICE, {"offence_code": "1.1.2"}, {"offence_code": "1.1.3"})
    encoded = _encoded(table, "value_state", ["observed", "geheim", "suppressed"], [0, 0, 1])
    conform(encoded.slice(0, 2), POLICE)
    assert broken(encoded, POLICE).values == ["geheim"]


def test_a_value_and_its_dictionary_encoded_state() -> None:
    table = rows(POLICE, {"offence_code": "1.1.2", "value": None}, {"offence_code": "1.1.3", "value": 0})
    states = list(VALUE_STATES)
    ok = _encoded(table, "value_state", states, [0, states.index("suppressed"), states.index("zero")])
    conform(ok, POLICE)
    bad = _encoded(table, "value_state", states, [states.index("suppressed")] * 3)
    err = broken(bad, POLICE)
    assert (err.column, err.rows, err.values) == ("value", 2, [(4, "suppressed"), (0, "suppressed")])


def test_conform_stored_keeps_dictionary_text_and_checks_like_conform() -> None:
    table = rows(POLICE, {"offence_code": "1.1.2"}, {"offence_code": "1.1.3"})
    encoded = _encoded(table, "area_level", ["gemeente", "wijk"], [0, 0, 1])
    stored = conform_stored(encoded, POLICE)
    assert stored.schema.field("area_level").type == STORED_DICTIONARY
    assert not stored.schema.field("area_level").nullable
    assert stored.schema.field("area_code").type == pa.string()  # plain text stays plain
    assert stored.cast(POLICE.schema).equals(conform(encoded, POLICE))
    with pytest.raises(ContractError) as info:
        conform_stored(_encoded(table, "area_level", ["gemeente", "wijken"], [1, 0, 1]), POLICE)
    assert (info.value.column, info.value.values, info.value.rows) == ("area_level", ["wijken"], 2)


def test_conform_stored_turns_a_null_dictionary_entry_into_a_null_code() -> None:
    # The Parquet writer refuses null entries in a dictionary; the value is the same null.
    table = rows(POLICE, {"offence_code": "1.1.2"}, {"offence_code": "1.1.3"})
    stored = conform_stored(_encoded(table, "area_name", ["Losser", None], [0, 1, 1]), POLICE)
    chunk = stored["area_name"].chunk(0)
    assert chunk.dictionary.null_count == 0
    assert stored["area_name"].to_pylist() == ["Losser", None, None]
    with pytest.raises(ContractError) as info:  # a required column: the null counts, not hides
        conform_stored(_encoded(table, "area_code", ["GM0168", None], [0, 1, 0]), POLICE)
    assert (info.value.column, info.value.rows) == ("area_code", 1)


# --- the declarations themselves -----------------------------------------------------------------


@pytest.mark.parametrize("dataset", list(DATASETS.values()), ids=lambda d: d.name)
def test_every_rule_fits_the_columns_it_names(dataset: Dataset) -> None:
    schema = dataset.schema
    for name, rules in dataset.rules.items():
        field = schema.field(name)
        for rule in rules:
            if isinstance(rule, OneOf | Matches):
                assert pa.types.is_string(field.type), (name, rule)
            if isinstance(rule, Within | WithinPer):
                assert pa.types.is_integer(field.type) or pa.types.is_floating(field.type), (name, rule)
            if isinstance(rule, StatedBy):
                assert OneOf(VALUE_STATES) in dataset.rules[rule.state], (name, rule)
            if isinstance(rule, WithinPer):
                assert pa.types.is_string(schema.field(rule.by).type), (name, rule)


def test_vocabularies_cover_what_the_registry_and_readers_produce() -> None:
    assert {r.level for r in registry().regions} <= set(AREA_LEVELS)
    assert {statline.KIND, local.KIND} == set(SURVEY_SOURCE_KINDS)
    assert set(MISSING_STATES) | {ZERO_STATE, "observed"} == set(VALUE_STATES)


# --- the whole sample ingest -------------------------------------------------------------------


def test_the_sample_ingest_passes_the_contract(ws: Workspace) -> None:
    shutil.copytree(SAMPLE, ws.raw, dirs_exist_ok=True)
    report = ingest(ws)
    assert not report.failed, [p for o in report.failed for p in o.problems]
    assert report.committed
    for dataset in DATASETS.values():
        table = read_dataset(ws.processed, dataset)
        assert table.num_rows > 0, dataset.name
        conform(table, dataset)  # what was stored keeps every rule
