"""`compute` makes its side tables and the Monte Carlo in forked children (forked.py): the result is
the one a run in this process gives, frame for frame, on the bundled sample (every dataset)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from ivp_pipeline import forked
from ivp_pipeline.scoring import ScoreResult, compute
from ivp_pipeline.steps import ingest, settings
from ivp_pipeline.steps.score import read_inputs
from ivp_pipeline.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]


def _frames(result: ScoreResult) -> dict[str, pd.DataFrame]:
    out = {name: getattr(result, name) for name in ("scores", "criteria", "indicators", "trends", "funnel")}
    out.update({f"extras.{k}": v for k, v in result.extras.items() if isinstance(v, pd.DataFrame)})
    return out


def test_forked_and_in_process_compute_give_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPO / "data" / "raw", tmp_path / "data" / "raw")
    shutil.copy2(REPO / "ivp.toml", tmp_path / "ivp.toml")
    ws = Workspace.at(tmp_path)
    ingest.ingest(ws)
    inputs = read_inputs(ws)
    cfg = settings.scoring(ws).model_copy(update={"draws": 3000})
    args = (inputs, cfg, settings.catalogue(ws), settings.comparison(ws), settings.region(ws))
    assert forked.FORK
    apart = compute(*args)
    monkeypatch.setattr(forked, "FORK", False)
    here = compute(*args)
    a, b = _frames(apart), _frames(here)
    assert list(a) == list(b)
    assert {"extras.keyfigures", "extras.wijken", "extras.local_figures", "trends", "funnel"} <= set(a)
    assert len(a["extras.wijken"]) and len(a["extras.local_figures"]) and len(a["trends"])
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)
    assert list(apart.extras) == list(here.extras)  # the same tables, in the same order
    assert apart.method == here.method


def test_meanwhile_runs_once_while_the_children_compute(tmp_path: Path) -> None:
    import scoring_fixtures as f
    from ivp_pipeline.catalogue import load_catalogue
    from ivp_pipeline.scoring.config import ScoringConfig

    police, pop = f.synthetic(n_months=24, first="2023-01-01")
    calls: list[int] = []
    result = compute(
        f.inputs(police, pop),
        ScoringConfig(draws=500),
        load_catalogue(None),
        meanwhile=lambda: calls.append(1),
    )
    assert calls == [1] and len(result.scores)
