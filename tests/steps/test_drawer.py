"""The chart drawer `ivp score` forks at start-up (steps/drawer.py) is stopped by a run that has no
charts for it: nothing new, or an error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import scoring_fixtures as f
from ivp_pipeline import forked
from ivp_pipeline.problems import IvpError
from ivp_pipeline.reports import DRAWER
from ivp_pipeline.schemas import POLICE, POPULATION
from ivp_pipeline.steps import drawer
from ivp_pipeline.steps import score as score_step
from ivp_pipeline.workspace import Workspace


def _tables_only(result, out: Path, **_options) -> list[Path]:  # type: ignore[no-untyped-def]
    path = out / "tables" / "scores.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    result.scores.to_csv(path, index=False)
    return [path]


def _started() -> int:
    drawer.start_drawer()
    standby = forked._STANDBY[DRAWER]
    assert standby.ready
    return standby._pid


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_a_score_with_nothing_new_stops_the_drawer(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(score_step, "write_outputs", _tables_only)
    police, pop = f.synthetic(n_months=24, first="2023-01-01")
    f.write_workspace(ws, {POLICE: police, POPULATION: pop})
    score_step.score(ws, draws=200)
    pid = _started()
    run = score_step.score(ws, draws=200)
    assert run.unchanged
    assert forked.take_standby(DRAWER) is None and _reaped(pid)


def test_a_score_that_fails_stops_the_drawer(ws: Workspace) -> None:
    pid = _started()
    with pytest.raises(IvpError):
        score_step.score(ws, profile="bestaat-niet")  # before the lock: the configuration is read first
    with pytest.raises(IvpError):
        score_step.score(ws)  # no processed police data
    assert forked.take_standby(DRAWER) is None and _reaped(pid)


def test_the_report_writers_are_not_imported_with_the_score_step() -> None:
    # steps/score.py loads them through `reports.load` while the Monte Carlo runs (compute's
    # `meanwhile`), not when it is imported
    import subprocess
    import sys

    code = (
        "import sys, ivp_pipeline.steps.score\n"
        "print('ivp_pipeline.reports.outputs' in sys.modules, 'docx' in sys.modules)\n"
        "from ivp_pipeline import reports; reports.load()\n"
        "print('ivp_pipeline.reports.outputs' in sys.modules, 'docx' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "True", "True"]


def test_the_drawer_loads_no_scipy() -> None:
    # the standby drawer imports the chart modules after pandas; a typical run copies its funnels
    # (the only charts that need scipy.special, through scoring.stats) from the last reports
    import subprocess
    import sys

    code = (
        "import sys, pandas\n"
        "from ivp_pipeline import reports\n"
        "for name in reports.DRAWER_MODULES: __import__(name)\n"
        "print(sorted(m for m in ('scipy', 'ivp_pipeline.scoring.stats', 'ivp_pipeline.scoring.montecarlo')"
        " if m in sys.modules))\n"
        "from ivp_pipeline.reports.charts.funnel import poisson_limits\n"
        "import numpy as np\n"
        "low, high = poisson_limits(np.array([10.0]), 0.95)\n"
        "print(round(float(low[0]), 3), round(float(high[0]), 3), 'scipy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "[]"
    assert lines[1] == "4.795 18.39 True"  # Garwood limits of 10: 4.795 and 18.390
