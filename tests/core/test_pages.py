"""Huge pages per process: off while `ivp score` reads and builds tables, on for the Monte Carlo."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from ivp_pipeline import pages
from ivp_pipeline.scoring import montecarlo
from ivp_pipeline.scoring.model import Model

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")


@linux
def test_huge_pages_are_set_for_the_block_and_restored_after() -> None:
    start = pages.enabled()
    assert start is not None
    with pages.huge_pages(False):
        assert pages.enabled() is False
        with pages.huge_pages(True):
            assert pages.enabled() is True
        assert pages.enabled() is False
    assert pages.enabled() is start
    with pytest.raises(RuntimeError), pages.huge_pages(not start):
        raise RuntimeError("an error in the block")
    assert pages.enabled() is start  # restored however the block ends


@linux
def test_the_monte_carlo_runs_with_huge_pages_whatever_its_caller_has(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool | None] = []
    real = montecarlo._simulate_units

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(pages.enabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(montecarlo, "_simulate_units", spy)
    monkeypatch.setattr(montecarlo, "PROCESSES", 1)

    m = Model(
        pairs=pd.DataFrame({"unit": ["A", "A"], "theme": ["x", "y"]}),
        code_pair=np.array([0, 1]),
        code_x=np.array([12.0, 30.0]),
        code_w=np.array([1.0, 1.0]),
        x0=np.array([10.0, 28.0]),
        py1=np.array([10_000.0, 10_000.0]),
        py0=np.array([10_000.0, 10_000.0]),
        ref_x=np.array([np.nan, np.nan]),
        ref_py=np.array([np.nan, np.nan]),
        ind_pair=np.zeros(0, dtype=np.int64),
        ind_value=np.zeros(0),
        ind_comp=np.zeros(0),
        ind_margin=np.zeros(0),
        ind_sign=np.zeros(0),
    )
    profiles = {"p": np.array([0.5, 0.5, 0.0, 0.0, 0.0, 0.0])}
    with pages.huge_pages(False):
        sim = montecarlo.simulate(m, profiles, [np.array([0, 1])], 1, 2000, 50.0)
        assert pages.enabled() is False  # the caller's setting again afterwards
    assert seen == [True]
    assert sim.draws == 2000 and np.isfinite(sim.low["p"]).all()
