"""Properties: ranks are a permutation, monotone volume, order-free input, stable under added themes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring_fixtures as f
from ivp_pipeline.catalogue import build_catalogue
from ivp_pipeline.scoring import scales
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.scoring.model import ranks
from ivp_pipeline.scoring.pipeline import compute

SCOPE = ("GM1774", "GM0168")
THEMES = {
    "inbraak": {
        "label": "Inbraak",
        "veiligheidsveld": "v",
        "crime": ["1.1.1"],
        "survey": [{"match": "onveilig", "direction": "higher_worse"}],
    },
    "geweld": {"label": "Geweld", "veiligheidsveld": "v", "crime": ["1.4.5", "1.4.4"]},
    "jeugd": {"label": "Jeugd", "veiligheidsveld": "v", "overlast": ["E35"]},
    "fiets": {"label": "Fiets", "veiligheidsveld": "v", "crime": ["1.2.3"]},
}
CODES = [("crime", "1.1.1"), ("crime", "1.4.5"), ("crime", "1.4.4"), ("overlast", "E35"), ("crime", "1.2.3")]
CFG = ScoringConfig(municipalities=SCOPE, draws=30, seed=3)
SLOW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def catalogue(ids: list[str]):  # type: ignore[no-untyped-def]
    return build_catalogue(
        {"version": "t", "veiligheidsvelden": {"v": "V"}, "themes": {i: THEMES[i] for i in ids}}, {}
    )


# yearly totals per (municipality, code): baseline year then latest year (24 months)
counts = st.lists(
    st.integers(0, 40), min_size=2 * len(SCOPE) * len(CODES), max_size=2 * len(SCOPE) * len(CODES)
)


def build(values: list[int], ratings: list[int] | None = None):  # type: ignore[no-untyped-def]
    rows = []
    it = iter(values)
    for area in SCOPE:
        for measure, code in CODES:
            base, last = next(it), next(it)
            months = [base // 12 + (i < base % 12) for i in range(12)] + [
                last // 12 + (i < last % 12) for i in range(12)
            ]
            rows += f.series(area, code, months, first="2023-01-01", measure=measure)
    pop = [
        f.population_row(a, y, n) for a, n in zip(SCOPE, (20_000, 9_000), strict=True) for y in (2023, 2024)
    ]
    survey = [f.survey_row("GM1774", "onveilig", "Voelt zich onveilig", 18.0, comparison=15.0)]
    prof = []
    for i, r in enumerate(ratings or [3, 4, 2]):
        prof.append(f.professional_row("NOT", ("politie", "welzijn")[i % 2], f"r{i}", "geweld", "size", r))
    return f.inputs(rows, pop, survey, prof)


@given(st.lists(st.one_of(st.floats(0, 100), st.just(np.nan)), min_size=1, max_size=12), st.integers(1, 4))
@settings(max_examples=200)
def test_ranks_are_competition_ranks_of_the_scored(scores: list[float], n_draws: int) -> None:
    arr = np.tile(np.array(scores, dtype=float), (n_draws, 1))
    r = ranks(arr, [np.arange(len(scores))])
    scored = ~np.isnan(arr[0])
    for row in r:
        # no score, no rank; a scored theme's rank = 1 + the number of themes scoring higher
        assert np.isnan(row[~scored]).all()
        for i in np.flatnonzero(scored):
            assert row[i] == 1 + int(np.sum(np.round(arr[0][scored], 9) > np.round(arr[0][i], 9)))


@given(st.floats(0, 1000), st.floats(0, 1000))
def test_volume_scale_is_monotone(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert scales.volume(lo) <= scales.volume(hi)
    assert scales.harm(lo) <= scales.harm(hi)


@given(counts, st.integers(0, len(SCOPE) * len(CODES) - 1), st.integers(1, 30))
@SLOW
def test_more_crime_never_lowers_volume(values: list[int], which: int, extra: int) -> None:
    cat = catalogue(list(THEMES))
    before = compute(build(values), CFG, cat).criteria
    raised = list(values)
    raised[2 * which + 1] += extra  # the latest year of one municipality x code
    after = compute(build(raised), CFG, cat).criteria
    for crit in ("volume", "harm"):
        b = before[before.criterion == crit].set_index(["municipality", "theme"])["scaled"]
        a = after[after.criterion == crit].set_index(["municipality", "theme"])["scaled"]
        assert (a.fillna(-1) >= b.fillna(-1) - 1e-9).all()
        assert (a.fillna(-1) > b.fillna(-1) - 1e-9).sum() >= 1


@given(counts, st.randoms(use_true_random=False))
@SLOW
def test_row_order_does_not_matter(values: list[int], rnd) -> None:  # type: ignore[no-untyped-def]
    cat = catalogue(list(THEMES))
    inp = build(values)
    first = compute(inp, CFG, cat)
    shuffled = build(values)
    for name in ("police", "survey", "professional", "population"):
        frame = getattr(shuffled, name)
        order = list(range(len(frame)))
        rnd.shuffle(order)
        setattr(shuffled, name, frame.iloc[order].reset_index(drop=True))
    second = compute(shuffled, CFG, cat)
    pd.testing.assert_frame_equal(first.scores, second.scores)
    pd.testing.assert_frame_equal(first.criteria, second.criteria)


@given(counts, st.sampled_from(list(THEMES)))
@SLOW
def test_adding_a_theme_does_not_reorder_the_others(values: list[int], extra: str) -> None:
    others = [t for t in THEMES if t != extra]
    small = compute(build(values), CFG, catalogue(others)).scores
    full = compute(build(values), CFG, catalogue(list(THEMES))).scores
    full = full[full.theme != extra]
    key = ["municipality", "profile", "theme"]
    a = small.sort_values(key).reset_index(drop=True)
    b = full.sort_values(key).reset_index(drop=True)
    # The same scores and intervals (fixed scales, one random stream per theme) ...
    pd.testing.assert_series_equal(a["score"], b["score"])
    pd.testing.assert_series_equal(a["score_low"], b["score_low"])
    # ... and the same order among the other themes.
    for (_, _), g in b.groupby(["municipality", "profile"]):
        ga = a[(a.municipality == g.municipality.iloc[0]) & (a.profile == g.profile.iloc[0])]
        assert list(ga.sort_values("rank").theme) == list(g.sort_values("rank").theme)


@given(counts)
@settings(max_examples=5, deadline=None)
def test_same_seed_same_result(values: list[int]) -> None:
    cat = catalogue(list(THEMES))
    one = compute(build(values), CFG, cat)
    two = compute(build(values), CFG, cat)
    pd.testing.assert_frame_equal(one.scores, two.scores)
    pd.testing.assert_frame_equal(one.rank_probabilities, two.rank_probabilities)
    other = compute(build(values), CFG.model_copy(update={"seed": 4}), cat)
    assert not np.allclose(other.scores["score_low"].fillna(-1), one.scores["score_low"].fillna(-1))
    pd.testing.assert_series_equal(other.scores["score"], one.scores["score"])  # point estimate: no dice
