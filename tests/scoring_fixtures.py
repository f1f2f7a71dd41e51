"""Canonical frames for scoring tests, built from readable Python (no files needed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa

from ivp_pipeline.catalogue import Catalogue, build_catalogue
from ivp_pipeline.schemas import POLICE, POPULATION, PROFESSIONAL, SURVEY, Dataset
from ivp_pipeline.scoring.inputs import Inputs
from ivp_pipeline.store import Transaction
from ivp_pipeline.workspace import Workspace

SCOPE = ("GM1774", "GM0168", "GM0173", "GM0183")
LEVEL = {"GM": "gemeente", "PV": "provincie", "NL": "land", "BT": "basisteam"}


def months(first: str, n: int) -> list[dt.date]:
    start = pd.Timestamp(first)
    return [(start + pd.DateOffset(months=i)).date() for i in range(n)]


def police_row(
    area: str,
    code: str,
    period: dt.date,
    value: int | None,
    *,
    state: str = "observed",
    measure: str = "crime",
    kind: str = "month",
) -> dict[str, Any]:
    if value == 0 and state == "observed":
        state = "zero"
    return {
        "municipality": area,
        "area_code": area,
        "area_level": LEVEL[area[:2]],
        "area_name": area,
        "table_id": "47013NED" if measure == "crime" else "47021NED",
        "measure": measure,
        "offence_code": code,
        "offence_label": code,
        "is_rollup": code == "0.0.0",
        "period_start": period,
        "period_kind": kind,
        "period_status": "final",
        "value": value if state in ("observed", "zero") else None,
        "value_state": state,
        "source_file": f"data/raw/police/{measure}.csv",
        "source_sha256": "0" * 64,
        "source_row": 1,
    }


def series(
    area: str, code: str, values: Iterable[int | None], first: str = "2019-01-01", measure: str = "crime"
) -> list[dict[str, Any]]:
    vals = list(values)
    return [
        police_row(area, code, p, v, measure=measure)
        for p, v in zip(months(first, len(vals)), vals, strict=True)
    ]


def population_row(area: str, year: int, inhabitants: int) -> dict[str, Any]:
    return {
        "municipality": area,
        "area_code": area,
        "area_level": LEVEL[area[:2]],
        "year": year,
        "age_band": "totaal",
        "inhabitants": inhabitants,
        "source_file": "data/raw/population/p.csv",
        "source_sha256": "1" * 64,
        "source_row": 1,
    }


def survey_row(
    area: str,
    indicator: str,
    label: str,
    value: float,
    *,
    year: int = 2023,
    margin: float | None = 2.0,
    comparison: float | None = None,
    unit: str = "percent",
    comparison_area: str | None = "NL01",
) -> dict[str, Any]:
    return {
        "municipality": area,
        "area_code": area,
        "area_level": LEVEL[area[:2]],
        "area_name": area,
        "table_id": None,
        "source_kind": "local",
        "indicator": indicator,
        "indicator_label": label,
        "unit": unit,
        "year": year,
        "period_status": "final",
        "value": value,
        "value_state": "observed",
        "ci_low": None,
        "ci_high": None,
        "margin": margin,
        "respondents": None,
        "comparison_area": comparison_area if comparison is not None else None,
        "comparison_value": comparison,
        "source_file": "data/raw/survey/s.csv",
        "source_sha256": "2" * 64,
        "source_row": 1,
    }


def professional_row(
    municipality: str, org: str, respondent: str, theme: str, criterion: str, rating: int
) -> dict[str, Any]:
    return {
        "municipality": municipality,
        "organisation_type": org,
        "respondent": respondent,
        "theme": theme,
        "criterion": criterion,
        "rating": rating,
        "remark": None,
        "source_sheet": "Themas",
        "source_file": "data/raw/professionals/p.xlsx",
        "source_sha256": "3" * 64,
        "source_row": 1,
    }


def frame(dataset: Dataset, rows: list[dict[str, Any]]) -> pd.DataFrame:
    return table(dataset, rows).to_pandas()


def table(dataset: Dataset, rows: list[dict[str, Any]]) -> pa.Table:
    if not rows:
        return dataset.schema.empty_table()
    return pa.Table.from_pylist(rows, schema=dataset.schema)


def inputs(
    police: list[dict[str, Any]],
    population: list[dict[str, Any]],
    survey: Sequence[dict[str, Any]] = (),
    professional: Sequence[dict[str, Any]] = (),
) -> Inputs:
    return Inputs(
        police=frame(POLICE, police),
        survey=frame(SURVEY, list(survey)),
        professional=frame(PROFESSIONAL, list(professional)),
        population=frame(POPULATION, population),
        manifest={"files": {}},
    )


def write_workspace(ws: Workspace, data: dict[Dataset, list[dict[str, Any]]]) -> None:
    """Write rows into data/processed through the store, one partition per municipality value."""
    tx = Transaction(ws.processed)
    try:
        for dataset, rows in data.items():
            by_part: dict[str, list[dict[str, Any]]] = {}
            for r in rows:
                by_part.setdefault(r["municipality"], []).append(r)
            for part, prows in sorted(by_part.items()):
                tx.upsert(dataset, part, table(dataset, prows))
        tx.commit()
    finally:
        tx.abort()


def synthetic(
    n_months: int = 60, first: str = "2020-01-01"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Police and population rows for the four municipalities and PV23: small, plausible counts."""
    import numpy as np

    rng = np.random.default_rng(7)
    rates = {
        "1.1.1": 0.12,
        "1.4.5": 0.2,
        "1.4.4": 0.1,
        "2.2.1": 0.35,
        "3.1.1": 0.05,
        "3.7.4": 0.04,
        "3.9.1": 0.2,
        "1.2.3": 0.3,
        "1.3.1": 0.05,
    }
    overlast = {"E35": 0.3, "E33": 0.15, "E38": 0.05}
    inh = {"GM1774": 26735, "GM0168": 23385, "GM0173": 31780, "GM0183": 21390, "PV23": 1_190_000}
    police: list[dict[str, Any]] = []
    pop: list[dict[str, Any]] = []
    for area, n in inh.items():
        for code, r in rates.items():
            police += series(area, code, rng.poisson(r * n / 1000, n_months).tolist(), first)
        for code, r in overlast.items():
            police += series(
                area, code, rng.poisson(r * n / 1000, n_months).tolist(), first, measure="overlast"
            )
        total = [
            int(
                sum(
                    p["value"]
                    for p in police
                    if p["area_code"] == area and p["period_start"] == d and p["measure"] == "crime"
                )
                * 2
            )
            for d in months(first, n_months)
        ]
        police += series(area, "0.0.0", total, first)
        for y in range(2019, 2026):
            pop.append(population_row(area, y, n))
    return police, pop


def one_theme_catalogue() -> Catalogue:
    """A catalogue with one theme 'a' measured by code 1.1.1 (for tests of windows and series)."""
    return build_catalogue(
        {
            "version": "t",
            "veiligheidsvelden": {"v": "V"},
            "themes": {"a": {"label": "A", "veiligheidsveld": "v", "crime": ["1.1.1"]}},
        },
        {},
    )
