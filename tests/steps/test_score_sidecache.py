"""`ivp score` keeps the tables made from the inputs alone (key figures, voices, local figures,
wijken, trends, funnel) in .ivp/side-tables.zip: after a survey figure changed they are taken from
there, with the bytes a full run writes; any other input, --force, or a damaged or foreign file
means making them again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scoring_fixtures as f
from ivp_pipeline import forked
from ivp_pipeline.schemas import POLICE, POPULATION, SURVEY
from ivp_pipeline.scoring import pipeline
from ivp_pipeline.steps import fingerprint, sidecache
from ivp_pipeline.steps import score as score_step
from ivp_pipeline.workspace import Workspace

DRAWS = 300


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per time the side tables are made; the run writes them (and the scores) as CSV."""
    calls: list[int] = []
    real = pipeline._side_tables

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    def write(result, out: Path, **_options) -> list[Path]:  # type: ignore[no-untyped-def]
        frames = {**result.extras, "trends": result.trends, "funnel": result.funnel, "scores": result.scores}
        (out / "tables").mkdir(parents=True, exist_ok=True)
        paths = []
        for name, frame in frames.items():
            path = out / "tables" / f"{name}.csv"
            frame.to_csv(path, index=False)
            paths.append(path)
        return paths

    monkeypatch.setattr(forked, "FORK", False)  # in this process, so the spy sees the calls
    monkeypatch.setattr(pipeline, "_side_tables", spy)
    monkeypatch.setattr(score_step, "write_outputs", write)
    return calls


def _data(safety: float = 18.0, extra_burglary: int = 0) -> dict:
    police, pop = f.synthetic(n_months=36, first="2022-01-01")
    rows = [i for i, r in enumerate(police) if (r["area_code"], r["offence_code"]) == ("GM0173", "1.1.1")]
    police[rows[-1]]["value"] += extra_burglary
    survey = [
        f.survey_row(a, "onveilig", "Voelt zich onveilig", safety, comparison=15.0)
        for a in ("GM1774", "GM0168")
    ]
    return {POLICE: police, POPULATION: pop, SURVEY: survey}


def _tables(ws: Workspace) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((ws.reports / "tables").iterdir())}


def test_after_a_survey_figure_changed_the_side_tables_are_kept_ones_with_a_full_runs_bytes(
    ws: Workspace, made: list[int]
) -> None:
    f.write_workspace(ws, _data())
    score_step.score(ws, draws=DRAWS)
    assert made == [1] and (ws.state_dir / sidecache.FILE).is_file()
    before = _tables(ws)
    f.write_workspace(ws, _data(safety=31.0))  # only the survey changed
    run = score_step.score(ws, draws=DRAWS)
    assert not run.unchanged and run.result is not None  # scored again, not a run with nothing new
    assert made == [1]  # taken from .ivp/side-tables.zip
    kept = _tables(ws)
    assert len(kept) == 10 and kept["trends.csv"].count(b"\n") > 100
    assert kept == before
    score_step.score(ws, draws=DRAWS, force=True)  # --force: made again, the same bytes
    assert made == [1, 1] and _tables(ws) == kept
    f.write_workspace(ws, _data(safety=31.0, extra_burglary=5))  # a police figure: made again
    score_step.score(ws, draws=DRAWS)
    assert made == [1, 1, 1]
    assert _tables(ws)["funnel.csv"] != kept["funnel.csv"] or _tables(ws)["trends.csv"] != kept["trends.csv"]


def test_a_damaged_or_foreign_file_means_making_them_again(ws: Workspace, made: list[int]) -> None:
    f.write_workspace(ws, _data())
    score_step.score(ws, draws=DRAWS)
    first = _tables(ws)
    key = fingerprint.side_key(ws, without=[SURVEY.name])
    assert sidecache.load(ws, key) is not None and sidecache.load(ws, "another key") is None
    path = ws.state_dir / sidecache.FILE
    whole = path.read_bytes()
    for damage in (b"", whole[: len(whole) // 2], b"PK\x03\x04 not a zip", b"\x00" * 100):
        path.write_bytes(damage)
        assert sidecache.load(ws, key) is None
    path.write_bytes(whole.replace(b"ARROW1", b"ARROW2"))  # a broken Arrow file inside a good zip
    assert sidecache.load(ws, key) is None
    score_step.score(ws, draws=DRAWS, force=True)
    assert made == [1, 1] and _tables(ws) == first


def test_tables_that_would_not_read_back_as_they_are_are_not_kept(ws: Workspace) -> None:
    ws.state_dir.mkdir(parents=True, exist_ok=True)
    plain = pd.DataFrame(
        {"theme": pd.array(["jeugd", None], dtype=pd.StringDtype("python", na_value=np.nan))}
    )
    trends = pd.DataFrame(
        {"period_start": pd.to_datetime(["2024-01-01"]).astype("datetime64[s]"), "count": [4.0]}
    )
    sidecache.save(ws, "k", ({"plain": plain}, trends, plain))
    back = sidecache.load(ws, "k")
    assert back is not None
    extras, t, _ = back
    assert repr(extras["plain"]["theme"].dtype) == repr(plain["theme"].dtype) and extras["plain"].equals(
        plain
    )
    assert t["period_start"].dtype == np.dtype("datetime64[s]") and t.equals(trends)
    # an object column of None and text comes back as text with NaN: not the same frame, nothing kept
    odd = pd.DataFrame({"note": pd.Series([None, "x"], dtype=object)})
    (ws.state_dir / sidecache.FILE).unlink()
    sidecache.save(ws, "k", ({"odd": odd}, trends, plain))
    assert not (ws.state_dir / sidecache.FILE).exists()


def test_a_score_reads_each_processed_folder_once_for_both_keys(
    ws: Workspace, made: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    f.write_workspace(ws, _data())
    hashed: list[str] = []
    real = fingerprint._hash_tree

    def spy(h, root: Path, **kwargs):  # type: ignore[no-untyped-def]
        if root.parent == ws.processed:
            hashed.append(root.name)
        return real(h, root, **kwargs)

    monkeypatch.setattr(fingerprint, "_hash_tree", spy)
    score_step.score(ws, draws=DRAWS)
    assert sorted(hashed) == [
        "police",
        "population",
        "survey",
    ]  # once each, for the fingerprint and the side key
    assert fingerprint.side_key(ws, without=[SURVEY.name]) == fingerprint.side_key(
        ws, without=[SURVEY.name], processed=fingerprint.processed_digests(ws)
    )
