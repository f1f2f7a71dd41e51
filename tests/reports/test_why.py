"""Why this priority (reports/why.py): contributions, the profiles side by side, the sensitivity view."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ivp_pipeline.reports.chartset import Chart, PendingCharts, draw
from ivp_pipeline.reports.document import Figure, Table
from ivp_pipeline.reports.why import contributions, contributions_chart, theme_sentence, why_items
from ivp_pipeline.scoring.result import ScoreResult
from outputs_fixtures import make_result


@pytest.fixture(scope="module")
def result() -> ScoreResult:
    return make_result(gaps=True)


def planned(result: ScoreResult, folder: Path) -> tuple[PendingCharts, list[Chart]]:
    """The chart set of the result (planned, nothing drawn yet) and its charts."""
    pending = PendingCharts(result, folder)
    return pending, pending.charts()


def draw_one(pending: PendingCharts, key: str, folder: Path) -> None:
    draw(next(p for p in pending.plans if p.key == key), folder)


def test_contributions_add_up_to_score_minus_50() -> None:
    w = np.array([0.2, 0.2, 0.1, 0.1, 0.2, 0.2])
    s = np.array([80.0, 50.0, 20.0, np.nan, 65.0, 40.0])
    points = contributions(w, s)
    np.testing.assert_allclose(points, [6.0, 0.0, -3.0, 0.0, 3.0, -2.0])
    score = float(np.sum(w * np.where(np.isnan(s), 50.0, s)))
    assert score - 50 == pytest.approx(points.sum())


def test_theme_sentence_names_what_lifts_and_what_is_unknown() -> None:
    w = np.array([0.2, 0.2, 0.1, 0.1, 0.2, 0.2])
    s = np.array([80.0, 50.0, 20.0, np.nan, 65.0, 40.0])
    text = theme_sentence("Woninginbraak", 1, 54.0, w, s, suppressed=False)
    assert text == (
        "Woninginbraak (rang 1, score 54,0): hoger door omvang (80; +6,0 punten) en "
        "beleving (65; +3,0 punten); lager door trend (20; -3,0 punten) en professionals (40; -2,0 punten). "
        "Onbekend: vergelijking; telt als neutraal 50 en maakt de score onzekerder."
    )


def test_why_items_for_losser(result: ScoreResult, tmp_path: Path) -> None:
    pending, charts = planned(result, tmp_path)
    items = why_items(result, "GM0168", charts)
    texts = [i for i in items if isinstance(i, str)]
    tables = [i for i in items if isinstance(i, Table)]
    figures = [i for i in items if isinstance(i, Figure)]
    # the fixture ties Losser's ranks 2 and 3: three themes are top three, two of them "2 (gelijk)"
    assert [t.split(" (rang")[0] for t in texts[1:4]] == [
        "Jeugdoverlast en -criminaliteit",
        "Verkeersveiligheid",
        "Zorg en veiligheid",
    ]
    assert "(rang 2, score 59,8)" in texts[2] and "(rang 2, score 59,8)" in texts[3]
    profiles, sens = tables
    assert profiles.header[:3] == ["Thema", "Evenwichtig: rang", "score"]
    assert profiles.header[-1] == "Rangbereik (Evenwichtig, ±0,10)"
    assert profiles.rows[1][:3] == ["Verkeersveiligheid", "2 (gelijk)", "59,8"]
    assert len(profiles.rows) == 12  # every theme, the unranked at the bottom
    assert [r[0] for r in sens.rows] == [
        "Omvang",
        "Ernst",
        "Trend",
        "Vergelijking",
        "Beleving",
        "Professionals",
    ]
    assert sens.rows[0][1:3] == ["0,20", "-0,05"]
    assert "0,02 hoger" in texts[-1]
    (fig,) = figures  # the chart set's "why" chart of Losser, drawn by the chart set
    assert fig.png == tmp_path / "waarom-losser.png" and fig.svg == tmp_path / "waarom-losser.svg"
    assert fig.caption == (
        "Wat de top 3 van Losser optilt: per criterium de punten boven of onder het neutrale midden, "
        "per thema"
    )
    assert not fig.png.exists()  # why.py only refers to it
    draw_one(pending, "waarom-losser", tmp_path)
    assert fig.png.read_bytes()[:4] == b"\x89PNG" and fig.svg.read_bytes().startswith(b"<?xml")


def test_contribution_chart_data(result: ScoreResult) -> None:
    made = contributions_chart(result, "GM0168")
    assert made is not None
    key, _caption, data = made
    assert key == "waarom-losser"
    assert data["themes"] == ["Jeugdoverlast en -criminaliteit", "Verkeersveiligheid", "Zorg en veiligheid"]
    assert data["criteria"] == ["Omvang", "Ernst", "Trend", "Vergelijking", "Beleving", "Professionals"]
    # per criterion weight x (scaled - 50), read here straight from the criteria and the profile
    weights = result.method["profiles"]["evenwichtig"]
    crit = result.criteria[result.criteria.municipality == "GM0168"]
    ids = dict(zip(result.scores["theme_label"], result.scores["theme"], strict=False))
    for label, points, unknown in zip(data["themes"], data["points"], data["unknown"], strict=True):
        rows = crit[crit.theme == ids[label]].set_index("criterion")["scaled"]
        expected = [
            0.0 if c not in rows or np.isnan(float(rows[c])) else weights[c] * (float(rows[c]) - 50)
            for c in ("volume", "harm", "trend", "comparison", "perception", "professionals")
        ]
        np.testing.assert_allclose(points, expected)
        assert not points[unknown].any()  # an unknown criterion adds nothing


def test_why_figure_is_the_same_twice(result: ScoreResult, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    pa, charts_a = planned(result, a)
    pb, charts_b = planned(result, b)
    items_a, items_b = why_items(result, "NOT", charts_a), why_items(result, "NOT", charts_b)
    assert [i for i in items_a if not isinstance(i, Figure)] == [
        i for i in items_b if not isinstance(i, Figure)
    ]
    draw_one(pa, "waarom-noordoost-twente", a)
    draw_one(pb, "waarom-noordoost-twente", b)
    for suffix in (".png", ".svg"):
        name = "waarom-noordoost-twente" + suffix
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_without_charts_no_figure(result: ScoreResult) -> None:
    assert not any(isinstance(i, Figure) for i in why_items(result, "GM1774"))


def test_public_version_leaves_out_sensitivity_when_suppressed(result: ScoreResult) -> None:
    # as reports/public.py leaves a criterion built on a small count: the marker, not a number
    crit = result.criteria.copy()
    small = (crit["municipality"] == "GM0183") & (crit["criterion"] == "volume")
    crit["scaled"] = crit["scaled"].astype(object)
    crit.loc[small, "scaled"] = "n<5"
    public = replace(result, criteria=crit, method={**result.method, "public": True})
    items = why_items(public, "GM0183")
    assert not any(isinstance(i, Table) and i.caption.startswith("Gevoeligheid") for i in items)
    assert any(isinstance(i, str) and "niet in deze openbare versie" in i for i in items)


def test_unit_without_scores_says_so(result: ScoreResult) -> None:
    empty = replace(result, scores=result.scores[result.scores["municipality"] != "GM0173"])
    assert why_items(empty, "GM0173") == ["Voor Oldenzaal is geen thema gescoord, dus er is geen rangorde."]
