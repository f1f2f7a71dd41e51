"""Local figures feed the volume criterion only where the catalogue names them (docs/method.md 7b)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

import scoring_fixtures as f
from ivp_pipeline.catalogue import build_catalogue
from ivp_pipeline.problems import IvpError
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.scoring.pipeline import compute
from ivp_pipeline.scoring.result import ScoreResult

DK, LS = "GM1774", "GM0168"
SCOPE = (DK, LS)
CFG = ScoringConfig(municipalities=SCOPE, draws=400)


def catalogue(local: list[str] | None = None):  # type: ignore[no-untyped-def]
    theme = {"label": "A", "veiligheidsveld": "v", "crime": ["1.1.1"]}
    if local is not None:
        theme["local_figures"] = local
    return build_catalogue({"version": "t", "veiligheidsvelden": {"v": "V"}, "themes": {"a": theme}}, {})


def local_row(area: str, value: int, row: int) -> dict:
    return {
        "municipality": area,
        "area_code": area,
        "figure": "halt",
        "figure_label": "Halt-verwijzingen",
        "theme": "a",
        "period_start": dt.date(2025, 1, 1),
        "period_kind": "year",
        "value": value,
        "value_state": "observed",
        "supplier": "Halt",
        "source_file": "lokale_cijfers.csv",
        "source_row": row,
    }


def run(local: list[dict], named: list[str] | None) -> ScoreResult:
    police = [r for a in SCOPE for r in f.series(a, "1.1.1", [2] * 36, "2022-01-01")]
    police += [r for a in SCOPE for r in f.series(a, "0.0.0", [50] * 36, "2022-01-01")]
    pop = [f.population_row(a, y, 10_000) for a in SCOPE for y in range(2016, 2026)]
    inputs = f.inputs(police, pop)
    inputs.local_figures = pd.DataFrame(local)
    return compute(inputs, CFG, catalogue(named))


def volume(result: ScoreResult, unit: str) -> pd.Series:
    c = result.criteria
    return c[(c.municipality == unit) & (c.theme == "a") & (c.criterion == "volume")].iloc[0]


def score(result: ScoreResult, unit: str) -> pd.Series:
    s = result.scores
    return s[(s.municipality == unit) & (s.theme == "a") & (s.profile == "evenwichtig")].iloc[0]


def scaled(rate: float) -> float:
    """The volume scale by hand: log10, 0.01 -> 0 and 10 -> 100 per 1,000 inhabitants."""
    return (math.log10(rate) + 2) / 3 * 100


def test_a_named_figure_feeds_the_volume_and_a_higher_figure_scores_higher() -> None:
    result = run([local_row(DK, 30, 2), local_row(LS, 10, 3)], ["halt"])
    police = scaled(24 / 10_000 * 1000)  # 24 in the latest 12 months on 10,000: 2.4 per 1,000
    dk, ls = volume(result, DK), volume(result, LS)
    assert dk.raw == pytest.approx(2.4)  # the raw value stays the police rate
    assert dk.scaled == pytest.approx((police + scaled(3.0)) / 2)  # 30 on 10,000 = 3.0 per 1,000
    assert ls.scaled == pytest.approx((police + scaled(1.0)) / 2)
    assert dk.scaled > ls.scaled and score(result, DK).score > score(result, LS).score
    # the criterion traces to the file and row of the local figure
    assert "lokaal cijfer halt 2025: 30 = 3.00 per 1.000" in dk.note
    assert "(lokale_cijfers.csv r2)" in dk.note and "(lokale_cijfers.csv r3)" in ls.note
    assert "local_figure_unknown" not in score(result, DK)["flags"]


def test_a_missing_figure_is_unknown_flagged_and_never_lifts_the_score() -> None:
    named = run([local_row(DK, 1, 2)], ["halt"])  # Losser supplied no Halt figure
    plain = run([local_row(DK, 1, 2)], None)  # the same data, the catalogue naming nothing
    ls, ls_plain = volume(named, LS), volume(plain, LS)
    assert ls.scaled == pytest.approx(ls_plain.scaled)  # never 0, never a lift: the police volume
    assert "lokaal cijfer halt 2025: onbekend" in ls.note
    s, p = score(named, LS), score(plain, LS)
    assert s.score == pytest.approx(p.score)
    assert "local_figure_unknown" in s["flags"].split(";")
    assert "local_figure_unknown" not in p["flags"]
    # the unknown input is drawn over 0-100 in the Monte Carlo: the interval does not narrow (beyond
    # the 1 point by which interval bounds may move between seeds, docs/method.md 6)
    assert s.score_high - s.score_low >= p.score_high - p.score_low - 1.0
    # the region misses a member's figure: unknown as well, never Dinkelland's count alone
    assert "onbekend" in volume(named, region_of(named)).note
    # Dinkelland's low figure (0.1 per 1,000) lowers its volume
    assert volume(named, DK).scaled < volume(plain, DK).scaled


def region_of(result: ScoreResult) -> str:
    units = set(result.scores["municipality"])
    (region,) = units - set(SCOPE)
    return str(region)


def test_the_default_catalogue_names_no_figure_and_the_figure_code_is_checked() -> None:
    from ivp_pipeline.catalogue import load_catalogue

    assert all(t.local_figures == () for t in load_catalogue().themes.values())
    with pytest.raises(IvpError) as err:
        catalogue(["Halt verwijzingen"])
    assert err.value.problem.column == "themes.a.local_figures"
    # a catalogue that names nothing leaves the volume exactly as before
    result = run([local_row(DK, 30, 2)], None)
    assert not np.isnan(volume(result, DK).scaled) and "lokaal" not in volume(result, DK).note
