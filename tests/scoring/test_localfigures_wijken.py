"""Local figures and wijk counts in scoring (scoring/localfigures.py, scoring/wijken.py), by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ivp_pipeline.scoring.localfigures import local_figures_table
from ivp_pipeline.scoring.stats import poisson_ci
from ivp_pipeline.scoring.wijken import wijk_table

POP = pd.DataFrame(
    [
        ("GM0173", 2025, "totaal", 32_000),
        ("GM0173", 2025, "12-17", 2_000),
        ("GM0168", 2025, "totaal", 23_000),
        ("WK017301", 2025, "totaal", 4_000),
    ],
    columns=["area_code", "year", "age_band", "inhabitants"],
)


def local(
    area: str, figure: str, value: int | None, state: str, kind: str = "year", theme: str = "jeugd"
) -> dict:
    return {
        "municipality": area,
        "area_code": area,
        "figure": figure,
        "figure_label": figure.capitalize(),
        "theme": "jeugd",
        "period_start": dt.date(2025, 1 if kind == "year" else 7, 1),
        "period_kind": kind,
        "value": value,
        "value_state": state,
        "supplier": "Halt" if figure == "halt" else None,
    }


def test_halt_per_10000_young_people_and_the_region_only_when_all_published() -> None:
    frame = pd.DataFrame(
        [
            local("GM0173", "halt", 40, "observed"),
            local("GM0168", "halt", None, "suppressed"),
            local("GM0173", "jongerenwerk", 64, "observed", kind="quarter"),
            local("GM0168", "jongerenwerk", 0, "zero", kind="quarter"),
        ]
    )
    units = {"GM0168": ("GM0168",), "GM0173": ("GM0173",), "NOT": ("GM0168", "GM0173")}
    t = local_figures_table(frame, POP, units).set_index(["municipality", "figure"])
    halt = t.loc[("GM0173", "halt")]
    assert (halt["per"], halt["denominator"]) == (10_000, "jongeren 12-17 jaar")
    assert halt["rate"] == pytest.approx(40 / 2_000 * 10_000)  # 200 per 10,000
    lo, hi = poisson_ci(np.array([40.0]))
    assert (halt["rate_low"], halt["rate_high"]) == (pytest.approx(lo[0] * 5), pytest.approx(hi[0] * 5))
    # Losser has no 12-17 figures: its (unknown) Halt count is per 1,000 inhabitants, and stays unknown
    losser = t.loc[("GM0168", "halt")]
    assert np.isnan(losser["value"]) and losser["value_state"] == "suppressed" and np.isnan(losser["rate"])
    region = t.loc[("NOT", "halt")]
    assert np.isnan(region["value"]) and (region["value_state"], region["members"]) == (
        "incomplete",
        "1 van 2",
    )
    # a quarter's rate is annualised: 64 in a quarter = 256 a year on 32,000 -> 8.0 per 1,000
    assert t.loc[("GM0173", "jongerenwerk"), "rate"] == pytest.approx(8.0)
    both = t.loc[("NOT", "jongerenwerk")]
    assert (both["value"], both["value_state"]) == (64.0, "observed")  # a true zero counts
    assert both["rate"] == pytest.approx(64 * 4 / 55_000 * 1000)


def test_no_local_figures_is_an_empty_table() -> None:
    t = local_figures_table(pd.DataFrame(), POP, {"GM0173": ("GM0173",)})
    assert t.empty and "rate" in t.columns


def wijk(code: str, name: str, offence: str, year: int, value: int | None, state: str = "observed") -> dict:
    return {
        "municipality": "GM0173",
        "area_code": code,
        "area_name": name,
        "measure": "crime",
        "offence_code": offence,
        "period_start": dt.date(year, 1, 1),
        "period_kind": "year",
        "value": value,
        "value_state": state,
    }


CODES = pd.DataFrame(
    [
        ("inbraak", "crime", "1.1.1", 1.0),
        ("inbraak", "crime", "1.1.2", 1.0),
        ("geweld", "crime", "1.4.5", 2.0),
    ],
    columns=["theme", "measure", "offence_code", "harm_weight"],
)


def test_wijk_counts_sum_the_theme_codes_and_unknown_stays_unknown() -> None:
    rows = pd.DataFrame(
        [
            wijk("WK017301", "Binnenstad", "1.1.1", 2025, 3),
            wijk("WK017301", "Binnenstad", "1.1.2", 2025, 2),
            wijk("WK017301", "Binnenstad", "1.1.1", 2024, 1),
            wijk("WK017301", "Binnenstad", "1.1.2", 2024, 0, "zero"),
            wijk("WK017302", "Glinde", "1.1.1", 2025, 4),
            wijk("WK017302", "Glinde", "1.1.2", 2025, None, "suppressed"),
            wijk("WK017302", "Glinde", "1.1.1", 2024, 2),
            wijk("WK017302", "Glinde", "1.1.2", 2024, 1),
        ]
    )
    t = wijk_table(rows, POP, CODES).set_index("area_code")
    assert list(t["theme"]) == ["inbraak", "inbraak"]  # no geweld rows in the wijk table: no row
    b = t.loc["WK017301"]
    assert (b["count"], b["previous_count"], b["period_start"].year, b["period_end"]) == (
        5.0,
        1.0,
        2025,
        pd.Timestamp("2025-12-31"),
    )
    lo, hi = poisson_ci(np.array([5.0]))
    assert (b["count_low"], b["count_high"]) == (pytest.approx(lo[0]), pytest.approx(hi[0]))
    assert b["rate_per_1000"] == pytest.approx(5 / 4_000 * 1000)  # the wijk's population is known
    g = t.loc["WK017302"]
    assert np.isnan(g["count"]) and np.isnan(g["count_low"]) and g["previous_count"] == 3.0
    assert np.isnan(g["inhabitants"]) and np.isnan(g["rate_per_1000"])  # no population: counts only
