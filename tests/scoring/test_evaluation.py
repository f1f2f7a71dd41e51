"""Evaluation against the baseline year and targets of ivp.toml (hand-computed examples)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from ivp_pipeline.problems import IvpError
from ivp_pipeline.scoring.evaluation import EvaluationConfig, evaluate
from ivp_pipeline.scoring.result import VOORTGANG
from ivp_pipeline.steps import settings
from ivp_pipeline.workspace import Workspace


def monthly(
    muni: str, theme: str, year: int, count: float, months: int = 12, inhabitants: int = 24_000
) -> list[dict[str, object]]:
    return [
        {
            "municipality": muni,
            "theme": theme,
            "period_start": date(year, m, 1),
            "count": count,
            "inhabitants": inhabitants,
        }
        for m in range(1, months + 1)
    ]


TRENDS = pd.DataFrame(
    monthly("GM1774", "woninginbraak", 2023, 2)
    + monthly("GM1774", "woninginbraak", 2025, 1)
    + monthly("GM0168", "woninginbraak", 2023, 2)
    + monthly("GM0168", "woninginbraak", 2025, 1)
    + monthly("GM0173", "woninginbraak", 2023, 2, months=11)
    + monthly("GM0173", "woninginbraak", 2025, 1)
)


def test_rates_targets_and_status_by_hand() -> None:
    cfg = EvaluationConfig(
        baseline_year=2023, targets={"woninginbraak": {"GM1774": -10, "GM0168": -60, "GM0173": -10}}
    )
    out = evaluate(TRENDS, cfg).set_index("municipality")
    assert tuple(out.reset_index().columns[: len(VOORTGANG)]) == VOORTGANG
    d = out.loc["GM1774"]
    # 2023: 24 / 24,000 * 1,000 = 1.0; latest 12 months (2025): 12 / 24,000 * 1,000 = 0.5.
    assert (d["baseline_value"], d["current_value"], d["target_value"]) == (1.0, 0.5, 0.9)
    assert (d["change_pct"], d["status_code"], d["status"]) == (-50.0, "on_track", "op koers")
    assert d["current_period"] == "2025-01 t/m 2025-12" and d["measure_code"] == "rate_per_1000"
    assert d["measure"] == "per 1.000 inwoners per jaar"
    assert out.loc["GM0168", "target_value"] == 0.4 and out.loc["GM0168", "status_code"] == "off_track"
    # 11 months of the baseline year only: no baseline, never a silent partial year.
    assert out.loc["GM0173", "status_code"] == "no_data" and math.isnan(out.loc["GM0173", "baseline_value"])


def test_latest_complete_month_bounds_the_current_window() -> None:
    cfg = EvaluationConfig(baseline_year=2023, targets={"woninginbraak": {"GM1774": -10}})
    out = evaluate(TRENDS, cfg, latest_complete=date(2025, 6, 1))
    # Window 2024-07 .. 2025-06 has only 6 known months: not enough for a 12-month rate.
    assert out.loc[0, "status_code"] == "no_data" and out.loc[0, "current_period"] == "2024-07 t/m 2025-06"


def test_without_targets_every_pair_is_shown_with_no_target() -> None:
    out = evaluate(TRENDS, EvaluationConfig(baseline_year=2023))
    assert list(out["municipality"]) == ["GM0168", "GM0173", "GM1774"]
    assert list(out["status_code"]) == ["no_target", "no_data", "no_target"]
    assert list(out["status"]) == ["geen doel", "onvoldoende gegevens", "geen doel"]


def test_yearly_trends_compare_whole_years() -> None:
    trends = pd.DataFrame(
        [
            {
                "municipality": "NOT",
                "theme": "geweld",
                "period_start": date(y, 1, 1),
                "count": c,
                "inhabitants": 100_000,
            }
            for y, c in ((2022, 300), (2023, 200), (2024, 150))
        ]
    )
    cfg = EvaluationConfig(baseline_year=2022, targets={"geweld": {"NOT": -25}})
    row = evaluate(trends, cfg).iloc[0]
    assert (row["baseline_value"], row["current_value"], row["target_value"]) == (3.0, 1.5, 2.25)
    assert (row["current_period"], row["status_code"]) == ("2024", "on_track")


def test_config_errors_name_the_key(ws: Workspace) -> None:
    (ws.root / "ivp.toml").write_text(
        "[evaluation]\nbaseline_year = 2023\n[evaluation.targets.inbraak]\nGM1774 = -10\n", encoding="utf-8"
    )
    with pytest.raises(IvpError) as exc:
        settings.evaluation(ws, themes={"woninginbraak"})
    assert (exc.value.problem.code, exc.value.problem.column) == ("bad-config", "evaluation.targets.inbraak")
    (ws.root / "ivp.toml").write_text(
        "[evaluation]\nbaseline_year = 2023\n[evaluation.targets.woninginbraak]\nDinkelland = -10\n",
        encoding="utf-8",
    )
    with pytest.raises(IvpError) as exc:
        settings.evaluation(ws, themes={"woninginbraak"})
    assert exc.value.problem.column.startswith("evaluation.targets.woninginbraak.Dinkelland")
    (ws.root / "ivp.toml").write_text("", encoding="utf-8")
    assert settings.evaluation(ws) is None
