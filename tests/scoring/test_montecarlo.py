"""The Monte Carlo pieces: weight perturbation, the professionals' bootstrap, speed at full size."""

from __future__ import annotations

import time

import numpy as np
import pytest

import scoring_fixtures as f
from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.scoring.montecarlo import bootstrap_professionals, draw_weights, stream
from ivp_pipeline.scoring.pipeline import compute


def test_weights_stay_on_the_simplex_around_the_profile() -> None:
    w = np.array([0.15, 0.15, 0.05, 0.05, 0.3, 0.3])
    draws = draw_weights(w, 50.0, seed=1, profile="evenwichtig", draws=4000)
    assert draws.shape == (4000, 6)
    assert np.allclose(draws.sum(axis=1), 1.0)
    assert np.allclose(draws.mean(axis=0), w, atol=0.01)
    # Dirichlet(50 w): SD of a 0.3 weight = sqrt(0.3 x 0.7 / 51) = 0.064
    assert draws[:, 4].std() == pytest.approx(0.064, abs=0.005)
    zero = draw_weights(np.array([0.5, 0.5, 0, 0, 0, 0]), 50.0, 1, "x", 100)
    assert (zero[:, 2:] == 0).all()
    single = draw_weights(np.array([1.0, 0, 0, 0, 0, 0]), 50.0, 1, "y", 10)
    assert (single[:, 0] == 1).all()


def test_professionals_bootstrap_varies_with_one_respondent_per_type() -> None:
    rng = stream(1, "GM1774", "jeugd")
    groups = [np.array([4.5]), np.array([3.0]), np.array([4.0])]
    draws = bootstrap_professionals(groups, rng, 5000)
    assert draws.mean() == pytest.approx((4.5 + 3.0 + 4.0) / 3, abs=0.03)
    assert draws.min() < 3.5 < 4.2 < draws.max()  # types resampled: disagreement shows
    same = bootstrap_professionals([np.array([4.0]), np.array([4.0, 4.0])], rng, 100)
    assert (same == 4.0).all()  # full agreement: no spread


def test_two_thousand_draws_for_four_municipalities_and_not_take_seconds() -> None:
    police, pop = f.synthetic(n_months=60)
    prof = [
        f.professional_row("NOT", org, f"r{i}", theme, "size", 1 + (i * 7 + j) % 5)
        for i, org in enumerate(("politie", "welzijn", "zorg", "jongerenwerk"))
        for j, theme in enumerate(load_catalogue(None).themes)
    ]
    inputs = f.inputs(police, pop, professional=prof)
    start = time.perf_counter()
    result = compute(inputs, ScoringConfig(draws=2000), load_catalogue(None))
    elapsed = time.perf_counter() - start
    assert elapsed < 30  # typically 2-4 s; generous because the test machine is shared
    assert result.method["draws"] == 2000
    assert set(result.scores["municipality"]) == {"GM1774", "GM0168", "GM0173", "GM0183", "NOT"}
    rp = result.rank_probabilities
    probs = rp.groupby(["municipality", "profile", "theme"])["probability"].sum(min_count=1)
    # every scored, ranked theme has a full rank distribution; a theme without a score has none
    s = result.scores.set_index(["municipality", "profile", "theme"])
    has_rank = s["rank"].notna().reindex(probs.index)
    assert np.allclose(probs[has_rank], 1.0) and probs[~has_rank].isna().all()
    # the composite is never ranked against its parts: no rank distribution, no rank, no P(top 3)
    assert rp.loc[rp["theme"] == "high_impact_crime", "probability"].isna().all()
    hic = result.scores[result.scores["theme"] == "high_impact_crime"]
    assert hic["rank"].isna().all() and hic["p_top3"].isna().all() and hic["score"].notna().all()
    assert all("composite" in fl.split(";") for fl in hic["flags"])


def test_a_units_numbers_do_not_depend_on_the_units_simulated_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Units are simulated in chunks (bounded memory), each stopping on its own precision; every pair
    has its own stream and every unit the same weight draws, so chunks change no number."""
    from ivp_pipeline.scoring import montecarlo

    police, pop = f.synthetic(n_months=36)
    inputs = f.inputs(police, pop)
    cfg, cat = ScoringConfig(draws=300), load_catalogue(None)
    together = compute(inputs, cfg, cat)
    monkeypatch.setattr(montecarlo, "CHUNK_PAIRS", len(cat.themes) * 2)  # two units a chunk
    units = [(np.arange(len(cat.themes)), str(i)) for i in range(5)]
    assert [len(c) for c in montecarlo._chunks(units, montecarlo.CHUNK_PAIRS)] == [2, 2, 1]
    chunked = compute(inputs, cfg, cat)
    cols = ["municipality", "profile", "theme", "score", "score_low", "score_high", "rank", "p_top3"]
    assert chunked.scores[cols].equals(together.scores[cols])
    assert chunked.rank_probabilities.equals(together.rank_probabilities)
    assert chunked.method["draws"] == 300
    # two municipalities alone: their own numbers are those they had among four
    alone = compute(inputs, ScoringConfig(draws=300, municipalities=("GM1774", "GM0168")), cat)
    key, cols = ["municipality", "profile", "theme"], ["score_low", "score_high", "p_top3"]
    among, by_self = together.scores.set_index(key), alone.scores.set_index(key)
    for unit in ("GM1774", "GM0168"):
        assert by_self.loc[unit, cols].equals(among.loc[unit, cols])


@pytest.mark.parametrize("fork", [True, False], ids=["forked child", "in this process"])
def test_kept_units_are_not_simulated_again_and_give_the_same_numbers(
    monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    """In a forked child (Linux) or in this process, the memo comes back: the kept units are those
    of this run and a unit whose inputs did not change is not simulated again (seen by a spy when
    it runs in this process)."""
    from ivp_pipeline import forked
    from ivp_pipeline.scoring import montecarlo

    monkeypatch.setattr(forked, "FORK", fork and forked.FORK)
    police, pop = f.synthetic(n_months=36)
    cfg, cat = ScoringConfig(draws=2000), load_catalogue(None)
    memo: dict[str, montecarlo.UnitSimulation] = {}
    first = compute(f.inputs(police, pop), cfg, cat, memo=memo)
    assert len(memo) == 5  # four municipalities and the region
    keys = set(memo)
    simulated: list[list[str]] = []
    real = montecarlo._simulate

    def spy(m, *args, **kwargs):  # type: ignore[no-untyped-def]
        simulated.append(sorted(set(m.pairs["unit"])))
        return real(m, *args, **kwargs)

    monkeypatch.setattr(montecarlo, "_simulate", spy)
    again = compute(f.inputs(police, pop), cfg, cat, memo=memo)
    assert set(memo) == keys and again.scores.equals(first.scores)
    assert again.rank_probabilities.equals(first.rank_probabilities)
    # one more burglary in Losser: Losser and the region are simulated again, the others are kept
    changed = [dict(r) for r in police]
    burglary = [
        i for i, r in enumerate(changed) if (r["area_code"], r["offence_code"]) == ("GM0168", "1.1.1")
    ]
    changed[burglary[-1]]["value"] += 1
    changed[burglary[-1]]["value_state"] = "observed"
    kept = compute(f.inputs(changed, pop), cfg, cat, memo=memo)
    assert len(memo) == 5 and len(set(memo) - keys) == 2
    full = compute(f.inputs(changed, pop), cfg, cat)
    assert kept.scores.equals(full.scores) and kept.rank_probabilities.equals(full.rank_probabilities)
    assert kept.criteria.equals(full.criteria)
    assert not kept.scores.equals(first.scores)
    # other options are other keys: nothing kept is used, and the memo holds this run's units only
    compute(f.inputs(changed, pop), ScoringConfig(draws=2000, seed=7), cat, memo=memo)
    assert len(memo) == 5 and not set(memo) & keys
    if not fork:  # nothing for the unchanged run; then Losser and the region; the full run; seed 7
        every = ["GM0168", "GM0173", "GM0183", "GM1774", "NOT"]
        assert simulated == [["GM0168", "NOT"], every, every]
