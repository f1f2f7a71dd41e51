"""Key figures against hand-computed values: counts, rates, exact intervals, tests, peers, unknowns."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ivp_pipeline.scoring.keyfigures import BBV, PEERS, Comparison, key_figures, window_count
from keyfigure_fixtures import CATALOGUE, INHABITANTS, MONTHS, OLDENZAAL, WINDOWS, compute, police, population


def row(frame: pd.DataFrame, unit: str, theme: str = "woninginbraak") -> dict[str, object]:
    [rec] = frame[(frame["unit"] == unit) & (frame["theme"] == theme)].to_dict("records")
    return rec


def test_counts_rates_intervals_and_the_test_by_hand() -> None:
    out = compute(Comparison(province="PV23", baseline_year=2025))
    old = row(out["keyfigures"], "GM0173")
    assert (old["count"], old["prev_count"], old["inhabitants"]) == (24.0, 12.0, 10_000.0)
    assert old["rate_per_1000"] == pytest.approx(2.4)
    # Garwood interval of 24 (chi-square table): 15.3773 .. 35.7101, per 10,000 person-years
    assert old["rate_low"] == pytest.approx(1.53773, abs=1e-4)
    assert old["rate_high"] == pytest.approx(3.57101, abs=1e-4)
    # 24 against 12 with equal exposure: k = 24 of n = 36 at p = 1/2, two-sided
    # 2 * sum_{k>=24} C(36, k) / 2^36 = 0.06525: not significant, no "meer"
    assert old["prev_ratio"] == pytest.approx(2.0)
    assert old["prev_p"] == pytest.approx(0.06525, abs=1e-5)
    assert old["prev_verdict"] == "no_clear_change"
    # baseline year 2025: January-October 1 a month, November-December 2 = 14 -> 1.4 per 1,000
    assert (old["base_label"], old["base_count"]) == ("2025", 14.0)
    assert old["base_rate"] == pytest.approx(1.4)
    assert (old["period_start"], old["period_end"]) == ("2025-11-01", "2026-10-31")
    assert out["keyfigures"]["role"].tolist() == ["municipality", "municipality", "region", "province"]


def test_a_significant_rise_and_an_exact_tie() -> None:
    rise = [1.0] * 12 + [4.0] * 12  # 48 against 12: p far below 0.05
    tie = [2.0] * 24
    out = compute(Comparison(), {"GM0173": rise, "GM0168": tie})
    assert row(out["keyfigures"], "GM0173")["prev_verdict"] == "higher"
    assert row(out["keyfigures"], "GM0173")["prev_p"] < 1e-4
    same = row(out["keyfigures"], "GM0168")
    assert (same["count"], same["prev_count"], same["prev_verdict"], same["prev_p"]) == (
        24.0,
        24.0,
        "same",
        1.0,
    )


def test_a_suppressed_month_makes_the_window_unknown_never_a_partial_sum() -> None:
    out = compute(Comparison())
    losser = row(out["keyfigures"], "GM0168")
    assert math.isnan(losser["count"]) and math.isnan(losser["rate_per_1000"])
    assert losser["prev_count"] == 12.0  # the previous window is complete
    assert losser["prev_verdict"] == "unknown"
    region = row(out["keyfigures"], "NOT")
    assert math.isnan(region["count"]) and region["prev_count"] == 24.0  # 12 + 12, both published
    assert math.isnan(window_count({}, "GM0173", [("crime", "1.1.1")], {"crime": list(MONTHS)}))  # not 0


def test_peer_group_is_the_sum_of_its_municipalities() -> None:
    peers = {"GM1735": [3.0] * 24, "GM0189": [3.0] * 24}
    out = compute(Comparison(peers=("GM1735", "GM0189")), peers)
    group = row(out["keyfigures"], PEERS)
    assert group["role"] == "peers"
    assert (group["count"], group["inhabitants"]) == (72.0, 50_000.0)
    assert group["rate_per_1000"] == pytest.approx(1.44)
    assert "GM1735" not in set(out["keyfigures"]["unit"])  # never a unit of its own, never scored


def test_peer_group_without_data_is_unknown() -> None:
    out = compute(Comparison(peers=("GM1735", "GM0189")), {"GM1735": [3.0] * 24})  # GM0189 not fetched
    group = row(out["keyfigures"], PEERS)
    assert math.isnan(group["count"]) and group["prev_verdict"] == "unknown"


def test_bbv_indicators_and_age_bands() -> None:
    frame = pd.concat([police({"GM0173": OLDENZAAL}, "2.5.2"), police({"GM0173": [0.0] * 24}, "1.1.1")])
    out = key_figures(
        frame, population(INHABITANTS), CATALOGUE, {"GM0173": ("GM0173",)}, WINDOWS, "month", Comparison()
    )
    bbv = out["bbv"]
    assert bbv["theme"].tolist() == list(BBV)
    assert row(bbv, "GM0173", "winkeldiefstal")["count"] == 24.0
    assert row(bbv, "GM0173", "woninginbraak")["count"] == 0.0  # a true zero stays 0
    assert math.isnan(row(bbv, "GM0173", "vernieling")["count"])  # no figures: unknown
    areas = out["areas"].set_index("unit")
    assert areas.loc["GM0173", "age_12_17"] == 700.0 and math.isnan(areas.loc["GM0173", "age_65_plus"])
