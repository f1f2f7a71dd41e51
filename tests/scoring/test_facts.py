"""Which figures count: suppressed values, unpublished months, roll-ups, wijken, the 2018 series break."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import scoring_fixtures as f
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.scoring.pipeline import compute

CAT = f.one_theme_catalogue()
SCOPE = ("GM1774", "GM0168")
CFG = ScoringConfig(municipalities=SCOPE, draws=20)


def pop() -> list[dict]:
    return [f.population_row(a, y, 10_000) for a in SCOPE for y in range(2016, 2026)]


def volume(result, unit: str = "GM1774") -> pd.Series:  # type: ignore[no-untyped-def]
    c = result.criteria
    return c[(c.municipality == unit) & (c.theme == "a") & (c.criterion == "volume")].iloc[0]


def test_suppressed_is_never_zero_and_is_flagged() -> None:
    rows = f.series("GM1774", "1.1.1", [1] * 24, "2023-01-01") + f.series(
        "GM0168", "1.1.1", [1] * 24, "2023-01-01"
    )
    # the roll-up shows that the months were published; only the detail is withheld
    rows += f.series("GM1774", "0.0.0", [5] * 24, "2023-01-01") + f.series(
        "GM0168", "0.0.0", [5] * 24, "2023-01-01"
    )
    rows[23] = f.police_row("GM1774", "1.1.1", rows[23]["period_start"], None, state="suppressed")
    rows[22] = f.police_row("GM1774", "1.1.1", rows[22]["period_start"], None, state="not_applicable")
    result = compute(f.inputs(rows, pop()), CFG, CAT)
    # 10 counted months of 1; the two months without a figure are left out, not read as 0 or 1
    assert volume(result).n == 10
    flags = result.scores.loc[
        (result.scores.municipality == "GM1774") & (result.scores.theme == "a"), "flags"
    ]
    assert all("missing_values" in fl for fl in flags)


def test_month_not_yet_published_for_one_municipality_ends_the_window_for_all() -> None:
    rows = f.series("GM1774", "1.1.1", [1] * 25, "2023-01-01") + f.series(
        "GM0168", "1.1.1", [2] * 24, "2023-01-01"
    )
    rows.append(f.police_row("GM0168", "1.1.1", rows[24]["period_start"], None, state="not_published"))
    result = compute(f.inputs(rows, pop()), CFG, CAT)
    assert result.method["latest_window"] == "2024-01-01..2024-12-31"
    assert volume(result, "GM0168").n == 24 and volume(result).n == 12


def test_rollup_and_wijk_rows_are_never_added() -> None:
    rows = f.series("GM1774", "1.1.1", [1] * 24, "2023-01-01") + f.series(
        "GM0168", "1.1.1", [1] * 24, "2023-01-01"
    )
    rows += f.series("GM1774", "0.0.0", [50] * 24, "2023-01-01")
    wijk = f.series("GM1774", "1.1.1", [1] * 24, "2023-01-01")
    for r in wijk:
        r.update(area_code="WK177410", area_level="wijk", area_name="Wijk 10 Denekamp")
    result = compute(f.inputs(rows + wijk, pop()), CFG, CAT)
    assert volume(result).n == 12
    assert volume(result).raw == pytest.approx(12 / 10_000 * 1000)


def test_baseline_never_spans_the_july_2018_break() -> None:
    # 2017-01 .. 2020-12: latest = 2020; the 3-year baseline 2017-2019 is cut to 2018-07 .. 2019-12
    rows = f.series("GM1774", "1.1.1", [9] * 18 + [1] * 30, "2017-01-01")
    rows += f.series("GM0168", "1.1.1", [1] * 48, "2017-01-01")
    result = compute(f.inputs(rows, pop()), CFG, CAT)
    assert result.method["latest_window"] == "2020-01-01..2020-12-31"
    assert result.method["baseline_window"] == "2018-07-01..2019-12-31"
    c = result.criteria
    trend = c[(c.municipality == "GM1774") & (c.theme == "a") & (c.criterion == "trend")].iloc[0]
    # 12 in 12 months against 18 in 18 months (the 9s before the break do not count): ratio 1
    assert trend.raw == 1.0
    assert trend.n == 30


def test_too_short_baseline_gives_no_trend() -> None:
    rows = f.series("GM1774", "1.1.1", [1] * 20, "2018-05-01") + f.series(
        "GM0168", "1.1.1", [1] * 20, "2018-05-01"
    )
    result = compute(f.inputs(rows, pop()), CFG, CAT)
    assert result.method["baseline_window"] == ""  # 2018-07 .. 2018-12: only 6 months
    c = result.criteria
    assert math.isnan(c[(c.municipality == "GM1774") & (c.criterion == "trend")].iloc[0].scaled)


def test_yearly_figures_when_no_months_exist() -> None:
    rows = []
    for area, values in (("GM1774", [30, 20, 10]), ("GM0168", [5, 5, 5])):
        for year, v in zip((2021, 2022, 2023), values, strict=True):
            rows.append(f.police_row(area, "1.1.1", pd.Timestamp(year, 1, 1).date(), v, kind="year"))
    result = compute(f.inputs(rows, pop()), CFG, CAT)
    assert result.method["period_kind"] == "year"
    assert result.method["latest_window"] == "2023-01-01..2023-12-31"
    assert volume(result).n == 10
