"""`ivp score` keeps each unit's Monte Carlo in .ivp/montecarlo.npz: after one input changed only the
units it touches are simulated again, with the numbers of a full run; a damaged or foreign file, or
--force, means simulating everything again."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring_fixtures as f
from ivp_pipeline import forked
from ivp_pipeline.schemas import POLICE, POPULATION
from ivp_pipeline.scoring import montecarlo
from ivp_pipeline.steps import fingerprint, simcache
from ivp_pipeline.steps import score as score_step
from ivp_pipeline.workspace import Workspace

DRAWS = 300
ALL = ["GM0168", "GM0173", "GM0183", "GM1774", "NOT"]


@pytest.fixture
def simulated(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The units of each call of the Monte Carlo (tables only: the charts have their own tests)."""
    calls: list[list[str]] = []
    real = montecarlo._simulate

    def spy(m, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(sorted(set(m.pairs["unit"])))
        return real(m, *args, **kwargs)

    def write(result, out: Path, **_options) -> list[Path]:  # type: ignore[no-untyped-def]
        path = out / "tables" / "scores.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        result.scores.to_csv(path, index=False)
        result.rank_probabilities.to_csv(out / "tables" / "rangkansen.csv", index=False)
        return [path, out / "tables" / "rangkansen.csv"]

    monkeypatch.setattr(forked, "FORK", False)  # in this process, so the spy sees the calls
    monkeypatch.setattr(montecarlo, "_simulate", spy)
    monkeypatch.setattr(score_step, "write_outputs", write)
    return calls


def _data(extra_burglary: int = 0) -> dict:
    police, pop = f.synthetic(n_months=36, first="2022-01-01")
    rows = [i for i, r in enumerate(police) if (r["area_code"], r["offence_code"]) == ("GM0173", "1.1.1")]
    police[rows[-1]]["value"] += extra_burglary
    police[rows[-1]]["value_state"] = "observed"
    return {POLICE: police, POPULATION: pop}


def _tables(ws: Workspace) -> tuple[bytes, bytes]:
    t = ws.reports / "tables"
    return (t / "scores.csv").read_bytes(), (t / "rangkansen.csv").read_bytes()


def test_after_one_input_changed_only_its_units_are_simulated_with_a_full_runs_numbers(
    ws: Workspace, simulated: list[list[str]]
) -> None:
    f.write_workspace(ws, _data())
    score_step.score(ws, draws=DRAWS)
    assert simulated == [ALL]
    kept = simcache.load(ws, fingerprint.program_digest())
    assert len(kept) == 5 and {s.draws for s in kept.values()} == {DRAWS}
    f.write_workspace(ws, _data(extra_burglary=3))  # Oldenzaal's latest month: Oldenzaal and the region
    score_step.score(ws, draws=DRAWS)
    assert simulated[1:] == [["GM0173", "NOT"]]
    partly = _tables(ws)
    score_step.score(ws, draws=DRAWS, force=True)  # --force: nothing kept is used
    assert simulated[2:] == [ALL]
    assert _tables(ws) == partly


def test_a_damaged_or_foreign_file_means_simulating_again(ws: Workspace, simulated: list[list[str]]) -> None:
    f.write_workspace(ws, _data())
    score_step.score(ws, draws=DRAWS)
    first = _tables(ws)
    kept = ws.state_dir / simcache.FILE
    whole = kept.read_bytes()
    for damage in (b"", whole[: len(whole) // 2], b"PK\x03\x04 not a zip", b"\x00" * 100):
        kept.write_bytes(damage)
        assert simcache.load(ws, fingerprint.program_digest()) == {}
        score_step.score(ws, draws=DRAWS, force=True)
        assert simulated[-1] == ALL and _tables(ws) == first
    # another program (code or library versions) never reads the numbers of this one
    assert simcache.load(ws, "another program") == {}
    assert len(simcache.load(ws, fingerprint.program_digest())) == 5
