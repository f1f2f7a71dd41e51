"""The trends table: monthly counts plus rolling 12-month sums with their exact Poisson interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scoring_fixtures as f
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.scoring.pipeline import compute
from ivp_pipeline.scoring.result import TRENDS
from ivp_pipeline.scoring.stats import poisson_ci

CAT = f.one_theme_catalogue()
SCOPE = ("GM1774", "GM0168")
CFG = ScoringConfig(municipalities=SCOPE, draws=20)
POP = [f.population_row(a, y, 10_000 + y) for a in SCOPE for y in range(2016, 2026)]


@pytest.fixture(scope="module")
def trends() -> pd.DataFrame:
    # 30 months 2023-01..2025-06; Dinkelland's detail for 2023-09 is suppressed (the roll-up shows
    # the month was published), so its earlier window is incomplete and must not be summed.
    rows = []
    for area, shift in (("GM1774", 0), ("GM0168", 2)):
        rows += f.series(area, "1.1.1", [(i + shift) % 5 for i in range(30)], "2023-01-01")
        rows += f.series(area, "0.0.0", [9] * 30, "2023-01-01")
    rows[8] = f.police_row("GM1774", "1.1.1", rows[8]["period_start"], None, state="suppressed")
    return compute(f.inputs(rows, POP), CFG, CAT).trends


def rows_of(trends: pd.DataFrame, unit: str, kind: str) -> pd.DataFrame:
    return trends[(trends.municipality == unit) & (trends.theme == "a") & (trends.period_kind == kind)]


def test_columns_and_monthly_rows(trends: pd.DataFrame) -> None:
    assert list(trends.columns) == list(TRENDS)
    months = rows_of(trends, "GM0168", "month")
    assert len(months) == 30
    assert (months["period_end"] == months["period_start"]).all()


def test_year_rows_are_12_month_sums_with_the_garwood_interval(trends: pd.DataFrame) -> None:
    months = rows_of(trends, "GM0168", "month").set_index("period_start")
    years = rows_of(trends, "GM0168", "year")
    # windows end at the latest complete month (2025-06) and every 12 months before it
    assert [str(d.date()) for d in years["period_start"]] == ["2023-07-01", "2024-07-01"]
    assert [str(d.date()) for d in years["period_end"]] == ["2024-06-01", "2025-06-01"]
    for rec in years.itertuples():
        window = pd.date_range(rec.period_start, rec.period_end, freq="MS")
        assert len(window) == 12
        assert rec.count == months.loc[window, "count"].sum()
        lo, hi = poisson_ci(np.array([rec.count]))
        assert (rec.count_low, rec.count_high) == pytest.approx((lo[0], hi[0]))
        assert rec.inhabitants == 10_000 + rec.period_end.year
        assert rec.rate_per_1000 == pytest.approx(rec.count / rec.inhabitants * 1000)
    assert years["count"].tolist() == [27.0, 21.0]  # (i + 2) % 5 for i = 6..17 and 18..29
    assert (years["count_low"].iloc[0], years["count_high"].iloc[0]) == pytest.approx(
        (17.79, 39.28), abs=0.01
    )


def test_a_window_with_a_suppressed_month_is_left_out(trends: pd.DataFrame) -> None:
    months = rows_of(trends, "GM1774", "month")
    assert months.loc[months.period_start == "2023-09-01", "count"].isna().all()
    years = rows_of(trends, "GM1774", "year")
    assert [str(d.date()) for d in years["period_end"]] == ["2025-06-01"]  # not the one ending 2024-06


def test_yearly_figures_get_year_rows_only() -> None:
    rows = [
        f.police_row(area, "1.1.1", pd.Timestamp(year, 1, 1).date(), v, kind="year")
        for area in SCOPE
        for year, v in ((2022, 30), (2023, 20))
    ]
    tr = compute(f.inputs(rows, POP), CFG, CAT).trends
    mine = tr[tr.municipality == "GM1774"]
    assert set(tr["period_kind"]) == {"year"} and len(mine) == 2
    assert [str(d.date()) for d in mine["period_end"]] == ["2022-12-01", "2023-12-01"]
    assert mine["count"].tolist() == [30.0, 20.0]


def test_evaluation_reads_the_months_not_the_12_month_sums(trends: pd.DataFrame) -> None:
    from ivp_pipeline.scoring.evaluation import EvaluationConfig, evaluate

    cfg = EvaluationConfig(baseline_year=2024)
    with_years = evaluate(trends, cfg)
    months_only = evaluate(trends[trends.period_kind == "month"], cfg)
    pd.testing.assert_frame_equal(with_years, months_only)
    assert with_years["baseline_value"].notna().all()
