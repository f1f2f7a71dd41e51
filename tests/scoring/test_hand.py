"""Two themes x two municipalities, every criterion worked out on paper (see the comments)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import scoring_fixtures as f
from ivp_pipeline.catalogue import build_catalogue
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.scoring.pipeline import compute
from ivp_pipeline.scoring.result import CRITERIA, SCORES

# Theme a = residential burglary (1.1.1, harm weight 8) with one survey indicator;
# theme b = assault (1.4.5, harm weight 6), police only.
CATALOGUE = build_catalogue(
    {
        "version": "test",
        "veiligheidsvelden": {"woon_leefomgeving": "Veilige woon- en leefomgeving"},
        "harm": {"1.1.1": 8, "1.4.5": 6},
        "themes": {
            "a": {
                "label": "Thema A",
                "veiligheidsveld": "woon_leefomgeving",
                "crime": ["1.1.1"],
                "survey": [{"match": "onveilig", "direction": "higher_worse"}],
            },
            "b": {"label": "Thema B", "veiligheidsveld": "woon_leefomgeving", "crime": ["1.4.5"]},
        },
    },
    {},
)
CFG = ScoringConfig(municipalities=("GM1774", "GM0168"), draws=400, seed=1)
DK, LS = "GM1774", "GM0168"


def spread(total: int, n: int) -> list[int]:
    """n monthly counts adding up to total (as even as possible)."""
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


def monthly(area: str, code: str, baseline: int, latest: int) -> list[dict]:
    """2021-01..2023-12 (36 months, the baseline) then 2024-01..2024-12 (the latest 12 months)."""
    return f.series(area, code, spread(baseline, 36) + spread(latest, 12), first="2021-01-01")


def build() -> pd.DataFrame:
    police = (
        monthly(DK, "1.1.1", 45, 20)
        + monthly(DK, "1.4.5", 6, 3)
        + monthly(LS, "1.1.1", 15, 5)
        + monthly(LS, "1.4.5", 0, 0)
        + monthly("PV23", "1.1.1", 3600, 1200)
        + monthly("PV23", "1.4.5", 720, 240)
    )
    pop = [
        f.population_row(a, y, n)
        for a, n in ((DK, 20_000), (LS, 10_000), ("PV23", 1_000_000))
        for y in range(2021, 2025)
    ]
    survey = [
        f.survey_row(
            DK,
            "onveilig_in_buurt",
            "Voelt zich wel eens onveilig in buurt",
            20.0,
            margin=4.0,
            comparison=14.0,
        )
    ]
    prof = [
        f.professional_row(DK, "politie", "r1", "a", "size", 4),
        f.professional_row(DK, "politie", "r1", "a", "seriousness", 4),
        f.professional_row(DK, "welzijn", "r2", "a", "size", 2),
        f.professional_row(DK, "welzijn", "r3", "a", "size", 3),
    ]
    return f.inputs(police, pop, survey, prof)


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return compute(build(), CFG, CATALOGUE)


def crit(result, unit: str, theme: str, criterion: str) -> pd.Series:  # type: ignore[no-untyped-def]
    c = result.criteria
    return c[(c.municipality == unit) & (c.theme == theme) & (c.criterion == criterion)].iloc[0]


def score(result, unit: str, theme: str, profile: str = "evenwichtig") -> pd.Series:  # type: ignore[no-untyped-def]
    s = result.scores
    return s[(s.municipality == unit) & (s.theme == theme) & (s.profile == profile)].iloc[0]


def test_windows(result) -> None:  # type: ignore[no-untyped-def]
    assert result.method["latest_window"] == "2024-01-01..2024-12-31"
    assert result.method["baseline_window"] == "2021-01-01..2023-12-31"
    assert result.method["reference_area"] == "PV23"
    assert list(result.scores.columns[: len(SCORES)]) == list(SCORES)
    assert list(result.criteria.columns) == list(CRITERIA)


def test_dinkelland_theme_a_every_criterion(result) -> None:  # type: ignore[no-untyped-def]
    # volume: 20 burglaries / 20,000 inhabitants x 1,000 = 1.0 per 1,000 per year.
    #   scale: (log10(1.0) - log10(0.01)) / 3 x 100 = 2/3 x 100 = 66.667
    #   exact interval of 20: [12.217, 30.889] -> [0.6108, 1.5444] per 1,000
    v = crit(result, DK, "a", "volume")
    assert v.raw == pytest.approx(1.0)
    assert v.raw_low == pytest.approx(0.61083, abs=1e-4)
    assert v.raw_high == pytest.approx(1.54445, abs=1e-4)
    assert v.scaled == pytest.approx(66.6667, abs=1e-3)
    # harm: 8 x 20 / 20,000 x 1,000 = 8.0; scale (log10(8) + 1) / 3 x 100 = 63.436
    h = crit(result, DK, "a", "harm")
    assert h.raw == pytest.approx(8.0)
    assert h.scaled == pytest.approx((math.log10(8) + 1) / 3 * 100)
    assert h.scaled == pytest.approx(63.4363, abs=1e-3)
    # trend: 20 in 20,000 person-years against 45 in 60,000 (36 months).
    #   one pseudo-event shared by exposure: +0.25 and +0.75
    #   ratio (20.25 / 20,000) / (45.75 / 60,000) = 60.75 / 45.75 = 1.32787
    #   scale 50 + 50 x log2(1.32787) = 50 + 50 x 0.409113 = 70.456
    t = crit(result, DK, "a", "trend")
    assert t.raw == pytest.approx(60.75 / 45.75)
    assert t.scaled == pytest.approx(70.4556, abs=1e-3)
    assert "p = " in t.note
    # comparison: reference PV23 has 1,200 in 1,000,000 -> 1.2 per 1,000.
    #   pseudo-event split 20,000 : 1,000,000 -> +0.019608 and +0.980392
    #   ratio (20.019608 / 20,000) / (1200.980392 / 1,000,000) = 1.000980 / 1.200980 = 0.833469;
    #   scale 50 + 50 x log2(0.833469) = 50 - 13.140 = 36.860
    c = crit(result, DK, "a", "comparison")
    assert c.raw == pytest.approx(0.833469, abs=1e-5)
    assert c.scaled == pytest.approx(36.8601, abs=1e-3)
    # perception: (20 - 14) / 4 = 1.5 margins worse; scale 50 + 25 x 1.5 = 87.5
    p = crit(result, DK, "a", "perception")
    assert p.raw == pytest.approx(1.5)
    assert p.scaled == pytest.approx(87.5)
    # professionals: politie r1 = mean(4, 4) = 4; welzijn r2 = 2, r3 = 3 -> 2.5;
    #   each organisation type weighs equally: (4 + 2.5) / 2 = 3.25; scale (3.25 - 1) / 4 x 100 = 56.25
    pr = crit(result, DK, "a", "professionals")
    assert pr.raw == pytest.approx(3.25)
    assert pr.scaled == pytest.approx(56.25)
    assert pr.n == 3
    # evenwichtig: .15 x 66.667 + .15 x 63.436 + .05 x 70.456 + .05 x 36.860 + .3 x 87.5 + .3 x 56.25
    #   = 10.000 + 9.515 + 3.523 + 1.843 + 26.25 + 16.875 = 68.006
    s = score(result, DK, "a")
    assert s.score == pytest.approx(68.0063, abs=1e-3)
    assert s.coverage == pytest.approx(1.0)
    assert s.score_low <= s.score <= s.score_high
    # feiten: .3 x 66.667 + .3 x 63.436 + .2 x 70.456 + .2 x 36.860 = 20 + 19.031 + 14.091 + 7.372 = 60.494
    assert score(result, DK, "a", "feiten").score == pytest.approx(60.4941, abs=1e-3)
    # beleving en professionals: .5 x 87.5 + .5 x 56.25 = 71.875
    assert score(result, DK, "a", "beleving_professionals").score == pytest.approx(71.875)


def test_dinkelland_theme_b_missing_criteria_are_neutral(result) -> None:  # type: ignore[no-untyped-def]
    # volume 3 / 20,000 x 1,000 = 0.15 -> (log10(0.15) + 2) / 3 x 100 = 39.203 (small number: 3 < 5)
    # harm 6 x 0.15 = 0.9 -> (log10(0.9) + 1) / 3 x 100 = 31.808
    # trend (3.25 / 20,000) / (6.75 / 60,000) = 1.44444 -> 50 + 50 x 0.530515 = 76.526
    # comparison (3.019608 / 20,000) / (240.980392 / 1,000,000) = 0.626526 -> 50 + 50 x (-0.674551) = 16.272
    assert crit(result, DK, "b", "volume").scaled == pytest.approx(39.2030, abs=1e-3)
    assert crit(result, DK, "b", "harm").scaled == pytest.approx(31.8081, abs=1e-3)
    assert crit(result, DK, "b", "trend").scaled == pytest.approx(76.5257, abs=1e-3)
    assert crit(result, DK, "b", "comparison").scaled == pytest.approx(16.2723, abs=1e-3)
    assert math.isnan(crit(result, DK, "b", "perception").scaled)
    # No perception, no professionals: unknown, so the neutral 50 in their weight .3 + .3 (not the
    #   average of the others): .15 x 39.203 + .15 x 31.808 + .05 x 76.526 + .05 x 16.272 + .6 x 50
    #   = 15.291 + 30 = 45.292
    s = score(result, DK, "b")
    assert s.coverage == pytest.approx(0.4)
    assert s.score == pytest.approx(45.2916, abs=1e-3)
    assert s["flags"].split(";") == ["partial_coverage", "low_coverage", "small_number"]
    # Dinkelland: a (68.0) above b (45.3)
    assert (score(result, DK, "a")["rank"], s["rank"]) == (1, 2)
    # beleving en professionals: b has neither -> no score, no rank, no P(top 3), flagged
    nb = score(result, DK, "b", "beleving_professionals")
    assert math.isnan(nb.score) and math.isnan(nb["rank"]) and math.isnan(nb.p_top3)
    assert math.isnan(nb.score_low) and math.isnan(nb.score_high)
    assert nb.coverage == 0 and "no_score" in nb["flags"]


def test_losser_zero_counts(result) -> None:  # type: ignore[no-untyped-def]
    # b: 0 in the latest 12 months and 0 in the baseline: volume 0 -> 0; trend 0 against 0 -> ratio 1 -> 50
    assert crit(result, LS, "b", "volume").raw == 0
    assert crit(result, LS, "b", "volume").raw_high == pytest.approx(3.68888 / 10_000 * 1000, abs=1e-5)
    assert crit(result, LS, "b", "volume").scaled == 0
    assert crit(result, LS, "b", "trend").scaled == pytest.approx(50.0)
    # a: 5 / 10,000 x 1,000 = 0.5 -> (log10(0.5) + 2) / 3 x 100 = 56.633
    assert crit(result, LS, "a", "volume").scaled == pytest.approx(56.6323, abs=1e-3)
    # Losser has no survey row of its own and no basisteam row: perception not available
    assert math.isnan(crit(result, LS, "a", "perception").scaled)


def test_region_sums_the_municipalities(result) -> None:  # type: ignore[no-untyped-def]
    # NOT = the two municipalities in scope: (20 + 5) / 30,000 x 1,000 = 0.8333 per 1,000
    v = crit(result, "NOT", "a", "volume")
    assert v.raw == pytest.approx(25 / 30_000 * 1000)
    assert v.n == 25
    # professionals given for Dinkelland do not count for Losser, but do count for NOT
    assert math.isnan(crit(result, LS, "a", "professionals").raw)
    assert crit(result, "NOT", "a", "professionals").raw == pytest.approx(3.25)


def test_indicators_rows(result) -> None:  # type: ignore[no-untyped-def]
    ind = result.indicators
    row = ind[(ind.municipality == DK) & (ind.offence_code == "1.1.1") & (ind.window == "latest")].iloc[0]
    assert (row["count"], row.inhabitants, row.rate_per_1000) == (20, 20_000, pytest.approx(1.0))
    assert str(row.period_start.date()) == "2024-01-01" and str(row.period_end.date()) == "2024-12-31"
    assert bool(row.small_number) is False
    small = ind[(ind.municipality == DK) & (ind.offence_code == "1.4.5") & (ind.window == "latest")].iloc[0]
    assert bool(small.small_number) is True
    survey = ind[(ind.municipality == DK) & (ind.source == "enquete")].iloc[0]
    assert (survey.indicator, survey.value) == ("onveilig_in_buurt", 20.0)
