"""Missing is never zero: suppressed, absent and unpublished figures, per-source windows, region
totals, missing criteria, ties and unscored themes (issue 10), in the real canonical shapes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import scoring_fixtures as f
from ivp_pipeline.catalogue import Catalogue, build_catalogue
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.scoring.evaluation import EvaluationConfig, evaluate
from ivp_pipeline.scoring.pipeline import compute
from ivp_pipeline.scoring.result import ScoreResult
from ivp_pipeline.scoring.summary import top_priorities

DK, LS = "GM1774", "GM0168"
SCOPE = (DK, LS)
CFG = ScoringConfig(municipalities=SCOPE, draws=200)
CAT = f.one_theme_catalogue()


def catalogue(themes: dict[str, dict]) -> Catalogue:
    return build_catalogue({"version": "t", "veiligheidsvelden": {"v": "V"}, "themes": themes}, {})


def pop() -> list[dict]:
    return [f.population_row(a, y, 10_000) for a in SCOPE for y in range(2016, 2026)]


def crime(area: str, values: list[int | None], code: str = "1.1.1", first: str = "2022-01-01") -> list[dict]:
    """A monthly series; None = suppressed (the roll-up 0.0.0 shows the month was published)."""
    rows = []
    for p, v in zip(f.months(first, len(values)), values, strict=True):
        if v is None:
            rows.append(f.police_row(area, code, p, None, state="suppressed"))
        else:
            rows.append(f.police_row(area, code, p, v))
    return rows + f.series(area, "0.0.0", [50] * len(values), first)


def latest(result: ScoreResult, unit: str, code: str = "1.1.1") -> pd.Series:
    ind = result.indicators
    sel = (ind.municipality == unit) & (ind.offence_code == code) & (ind.window == "latest")
    return ind[sel].iloc[0]


def crit(result: ScoreResult, unit: str, criterion: str, theme: str = "a") -> pd.Series:
    c = result.criteria
    return c[(c.municipality == unit) & (c.theme == theme) & (c.criterion == criterion)].iloc[0]


def score(result: ScoreResult, unit: str, theme: str = "a", profile: str = "evenwichtig") -> pd.Series:
    s = result.scores
    return s[(s.municipality == unit) & (s.theme == theme) & (s.profile == profile)].iloc[0]


def months_of(result: ScoreResult, unit: str, theme: str = "a") -> pd.Series:
    t = result.trends
    t = t[(t.municipality == unit) & (t.theme == theme) & (t.period_kind == "month")]
    return t.set_index("period_start")["count"]


def test_fully_suppressed_window_is_unknown_not_zero() -> None:
    rows = crime(DK, [2] * 24 + [None] * 12) + crime(LS, [1] * 36)
    result = compute(f.inputs(rows, pop()), CFG, CAT)
    row = latest(result, DK)
    assert (row.published_periods, row.window_periods, row["flags"]) == (0, 12, "incomplete_window")
    assert math.isnan(row["count"]) and math.isnan(row.rate_per_1000) and math.isnan(row.rate_high)
    # no volume, harm or trend "0 tegen 24": the police criteria are unknown
    for c in ("volume", "harm", "trend", "comparison"):
        assert math.isnan(crit(result, DK, c).raw)
    assert crit(result, DK, "volume").note == "onvolledig: 0 van 12 maanden met alle codes gepubliceerd"
    s = score(result, DK, "a", "feiten")
    assert math.isnan(s.score) and math.isnan(s["rank"]) and math.isnan(s.p_top3)
    assert "incomplete_window" in s["flags"].split(";") and "no_score" in s["flags"].split(";")
    # the 12 suppressed months are NaN in the trends, not 0; Losser is unaffected
    dk = months_of(result, DK)
    assert dk.loc["2024-01-01":"2024-12-01"].isna().sum() == 12 and dk.loc[:"2023-12-01"].eq(2).all()
    assert latest(result, LS)["count"] == 12


def test_half_suppressed_window_is_incomplete_and_ten_of_twelve_counts_ten_months() -> None:
    half = [3] * 24 + [3, None] * 6
    ten = [3] * 24 + [3] * 10 + [None, None]
    result = compute(f.inputs(crime(DK, half) + crime(LS, ten), pop()), CFG, CAT)
    dk = latest(result, DK)
    assert (dk.published_periods, dk.window_periods, dk["flags"]) == (6, 12, "incomplete_window")
    assert math.isnan(dk["count"]) and math.isnan(crit(result, DK, "volume").raw)
    ls = latest(result, LS)
    # 10 published months of 3: exposure is 10 months, not 12: 30 / (10/12 x 10,000) x 1,000 = 3.6
    assert (ls["count"], ls.published_periods, ls["flags"]) == (30, 10, "")
    assert ls.rate_per_1000 == pytest.approx(3.6)
    assert crit(result, LS, "volume").raw == pytest.approx(3.6)
    assert crit(result, LS, "volume").n == 30


def test_code_missing_from_some_months_of_a_download() -> None:
    # 1.1.1 has no row at all in four (Dinkelland) or two (Losser) of the latest months, while the
    # roll-up shows the table was published: those months are unknown, never 0
    dk = [
        r
        for r in crime(DK, [4] * 36)
        if not (
            r["offence_code"] == "1.1.1"
            and r["period_start"].month in (3, 5, 7, 9)
            and r["period_start"].year == 2024
        )
    ]
    ls = [
        r
        for r in crime(LS, [4] * 36)
        if not (
            r["offence_code"] == "1.1.1"
            and r["period_start"].month in (3, 5)
            and r["period_start"].year == 2024
        )
    ]
    result = compute(f.inputs(dk + ls, pop()), CFG, CAT)
    row = latest(result, DK)
    assert (row.published_periods, row["flags"]) == (8, "incomplete_window") and math.isnan(row["count"])
    row = latest(result, LS)
    assert (row["count"], row.published_periods) == (40, 10)
    assert row.rate_per_1000 == pytest.approx(40 / (10 / 12 * 10_000) * 1000)
    series = months_of(result, DK)
    assert len(series) == 36 and series.isna().sum() == 4  # the gaps are rows with an unknown count
    assert math.isnan(series.loc["2024-03-01"]) and series.loc["2024-04-01"] == 4
    # the 12-month sums that would span a gap do not exist
    t = result.trends
    years = t[(t.municipality == DK) & (t.period_kind == "year")]
    assert str(years.period_end.max().date()) == "2023-12-01"


def test_overlast_file_shorter_than_the_crime_file_keeps_each_window() -> None:
    cat = catalogue(
        {
            "a": {"label": "A", "veiligheidsveld": "v", "crime": ["1.1.1"]},
            "j": {"label": "J", "veiligheidsveld": "v", "overlast": ["E35"]},
        }
    )
    rows = []
    for area in SCOPE:
        rows += crime(area, [2] * 36)  # crime 2022-01 .. 2024-12
        rows += f.series(area, "E35", [5] * 24, "2022-01-01", measure="overlast")  # up to 2023-12
    result = compute(f.inputs(rows, pop()), CFG, cat)
    assert result.method["windows"] == {"crime": "2024-01 t/m 2024-12", "overlast": "2023-01 t/m 2023-12"}
    assert result.method["windows_apart"] is True
    a = latest(result, DK, "1.1.1")
    assert (str(a.period_start.date()), a["count"], a.published_periods) == ("2024-01-01", 24, 12)
    j = latest(result, DK, "E35")
    assert (str(j.period_start.date()), j["count"], j.published_periods) == ("2023-01-01", 60, 12)
    assert crit(result, DK, "volume", "a").n == 24 and crit(result, DK, "volume", "j").n == 60


def test_region_month_with_one_member_suppressed() -> None:
    dk = [2] * 36
    dk[30] = None  # 2024-07 suppressed in Dinkelland only
    result = compute(f.inputs(crime(DK, dk) + crime(LS, [3] * 36), pop()), CFG, CAT)
    region = months_of(result, "NOT")
    # NOT 2024-07 is unknown (not Losser's 3 alone); the other months are the sum 2 + 3
    assert math.isnan(region.loc["2024-07-01"]) and region.loc["2024-06-01"] == 5
    assert months_of(result, LS).loc["2024-07-01"] == 3
    # the NOT window counts the 11 months both published: 55 over 11 months of 20,000 inhabitants
    row = latest(result, "NOT")
    assert (row["count"], row.published_periods) == (55, 11)
    assert row.rate_per_1000 == pytest.approx(55 / (11 / 12 * 20_000) * 1000)
    # the voortgang baseline needs all 12 months of NOT 2024: unknown
    cfg = EvaluationConfig(baseline_year=2024, targets={"a": {"NOT": -10, LS: -10}})
    v = evaluate(result.trends, cfg).set_index("municipality")
    assert v.loc["NOT", "status_code"] == "no_data" and math.isnan(v.loc["NOT", "baseline_value"])
    assert v.loc[LS, "baseline_value"] == pytest.approx(36 / 10_000 * 1000)


def test_professionals_only_theme_below_another_does_not_outrank_it() -> None:
    cat = catalogue(
        {
            "p": {"label": "P", "veiligheidsveld": "v"},  # professionals only
            "q": {"label": "Q", "veiligheidsveld": "v", "crime": ["1.1.1"]},
        }
    )
    rows = crime(DK, [1] * 36) + crime(LS, [1] * 36)
    prof = []
    for i, org in enumerate(("politie", "welzijn", "politie", "welzijn")):
        prof.append(f.professional_row(DK, org, f"r{i}", "p", "size", 4))  # p: 4.0
        prof.append(f.professional_row(DK, org, f"r{i}", "q", "size", 4 + i // 2))  # q: 4.5
    result = compute(f.inputs(rows, pop(), professional=prof), CFG, cat)
    p, q = score(result, DK, "p"), score(result, DK, "q")
    # p: .3 x 75 + .7 x 50 (unknown criteria are neutral, not p's own 75) = 57.5
    assert p.score == pytest.approx(57.5) and p.coverage == pytest.approx(0.3)
    assert q.score > p.score and (q["rank"], p["rank"]) == (1, 2)
    # the missing evidence widens p's interval instead of narrowing it
    assert p.score_high - p.score_low > q.score_high - q.score_low
    assert 0 < p.p_top3 <= 1 and not math.isnan(q.p_top3)


def test_planted_tie_shares_the_rank_and_is_flagged() -> None:
    cat = catalogue(
        {
            "a": {"label": "A", "veiligheidsveld": "v", "crime": ["1.1.1"]},
            "b": {"label": "B", "veiligheidsveld": "v", "crime": ["1.1.1"]},
            "c": {"label": "C", "veiligheidsveld": "v", "crime": ["1.4.5"]},
        }
    )
    rows = []
    for area in SCOPE:
        rows += crime(area, [4] * 36) + [
            r for r in crime(area, [1] * 36, "1.4.5") if r["offence_code"] == "1.4.5"
        ]
    result = compute(f.inputs(rows, pop()), CFG, cat)
    a, b, c = (score(result, DK, t, "feiten") for t in "abc")
    assert a.score == b.score and (a["rank"], b["rank"], c["rank"]) == (1, 1, 3)
    assert "tied" in a["flags"].split(";") and "tied" in b["flags"].split(";")
    assert "tied" not in c["flags"].split(";")


def test_no_theme_can_be_scored() -> None:
    rows = crime(DK, [2] * 24 + [None] * 12) + crime(LS, [2] * 24 + [None] * 12)
    result = compute(f.inputs(rows, pop()), CFG, CAT)
    s = result.scores
    assert len(s) == 3 * 3  # units x profiles
    assert s["score"].isna().all() and s["rank"].isna().all() and s["p_top3"].isna().all()
    assert s["score_low"].isna().all() and (s["coverage"] == 0).all()
    assert all("no_score" in fl.split(";") for fl in s["flags"])
    assert result.rank_probabilities["probability"].isna().all()
    assert top_priorities(result, "evenwichtig") == []


def test_monte_carlo_stops_when_p_top3_is_precise() -> None:
    cat = catalogue(
        {t: {"label": t, "veiligheidsveld": "v", "crime": [c]} for t, c in (("a", "1.1.1"), ("b", "1.4.5"))}
    )
    rows = []
    for area in SCOPE:
        rows += crime(area, [4] * 36) + [
            r for r in crime(area, [3] * 36, "1.4.5") if r["offence_code"] == "1.4.5"
        ]
    cfg = ScoringConfig(municipalities=SCOPE, top_n=1)
    result = compute(f.inputs(rows, pop()), cfg, cat)
    # two themes, top 1: P(top 1) near 0.5 needs 0.25 / 0.002^2 = 62,500 draws, which make any P(top 1)
    # precise: batches of 10,000, the last one cut to 2,500, well below the cap of 100,000
    assert result.method["draws_max"] == 100_000
    assert result.method["draws"] in {20_000, 30_000, 40_000, 50_000, 60_000, 62_500}
    p = result.scores["p_top3"].dropna().to_numpy(float)
    assert len(p) == 2 * 3 * 2  # (2 units + NOT) x 2 themes, for the two profiles with police weight
    se = np.sqrt(p * (1 - p) / result.method["draws"])
    assert (se <= 0.002 + 1e-12).all()


def test_a_unit_stops_at_the_draws_that_make_any_p_top3_precise() -> None:
    # two themes with the same code: each P(top 1) is about 0.5 (one draw in two beats the other, a tie
    # ranks both first), whose standard error falls to 0.002 only at 0.25 / 0.002^2 = 62,500 draws;
    # those make every P(top 1) precise, whatever its value, so the cap of 100,000 is never reached
    cat = catalogue({t: {"label": t, "veiligheidsveld": "v", "crime": ["1.1.1"]} for t in ("a", "b")})
    rows = [r for area in SCOPE for r in crime(area, [4] * 36)]
    result = compute(f.inputs(rows, pop()), ScoringConfig(municipalities=SCOPE, top_n=1), cat)
    assert result.method["draws"] == 62_500 and result.method["draws_max"] == 100_000
    p = result.scores["p_top3"].dropna().to_numpy(float)
    assert len(p) == 2 * 3 * 2 and ((p > 0.4) & (p < 0.7)).all()
    capped = compute(f.inputs(rows, pop()), ScoringConfig(municipalities=SCOPE, top_n=1, draws=30_000), cat)
    assert capped.method["draws"] == 30_000
