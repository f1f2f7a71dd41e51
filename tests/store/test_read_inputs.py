"""What `ivp score` reads: only the partitions and columns in scope, text as plain Python strings."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import scoring_fixtures as f
from ivp_pipeline.schemas import POLICE, POPULATION
from ivp_pipeline.scoring import WIJK_COLUMNS
from ivp_pipeline.steps.score import POLICE_UNUSED, read_inputs
from ivp_pipeline.store import read as store_read
from ivp_pipeline.workspace import Workspace


def _wijk(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "area_code": "WK177401", "area_level": "wijk", "area_name": "Denekamp-kern"}


def test_score_reads_only_its_partitions_and_columns_and_no_wijk_rows_as_police(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    may = dt.date(2026, 5, 1)
    police = [
        f.police_row("GM1774", "1.1.1", may, 4),
        f.police_row("GM1774", "1.2.1", may, 2),
        _wijk(f.police_row("GM1774", "1.1.1", may, 3)),
        f.police_row("GM0153", "1.1.1", may, 40),  # Enschede: stored, not in scope
        f.police_row("PV23", "1.1.1", may, 900),
    ]
    population = [f.population_row(a, 2026, n) for a, n in (("GM1774", 26000), ("GM0153", 160000))]
    f.write_workspace(ws, {POLICE: police, POPULATION: population})
    opened: list[Path] = []
    read_table = store_read.pq.read_table

    def spy(path: Path, **kwargs: Any) -> Any:
        opened.append(Path(path))
        return read_table(path, **kwargs)

    monkeypatch.setattr(store_read.pq, "read_table", spy)
    inputs = read_inputs(ws, ["GM1774", "PV23"])

    assert {p.parent.name for p in opened} == {"municipality=GM1774", "municipality=PV23"}
    assert sorted(inputs.police["area_code"]) == ["GM1774", "GM1774", "PV23"]  # the wijk row is not police
    assert inputs.police.sort_values(["area_code", "value"])["value"].tolist() == [2, 4, 900]
    assert not set(POLICE_UNUSED) & set(inputs.police.columns)
    assert list(inputs.wijken.columns) == list(WIJK_COLUMNS)
    assert inputs.wijken["area_code"].tolist() == ["WK177401"] and inputs.wijken["value"].tolist() == [3]
    assert inputs.population["area_code"].tolist() == ["GM1774"]
    # text comes as plain Python strings: the scoring walks these columns row by row
    for frame in (inputs.police, inputs.wijken, inputs.population):
        text = [c for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)]
        assert text and all(frame[c].dtype.storage == "python" for c in text)
        assert all(frame[c].dtype == "str" for c in text)
    assert type(inputs.police["area_code"].iloc[0]) is str
    # one object per distinct text of a file (a national table holds millions of rows of a few codes)
    ours = inputs.police[inputs.police["area_code"] == "GM1774"]
    assert (
        ours["measure"].tolist() == ["crime", "crime"] and ours["measure"].iloc[0] is ours["measure"].iloc[1]
    )
    assert ours["municipality"].iloc[0] is ours["municipality"].iloc[1]


def test_partitions_read_in_threads_come_in_partition_order(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    may = dt.date(2026, 5, 1)
    codes = ["GM0153", "GM0168", "GM0173", "GM0183", "GM1774", "PV23"]
    police = [f.police_row(c, "1.1.1", may, 10 + i) for i, c in enumerate(codes)]
    f.write_workspace(ws, {POLICE: police})
    monkeypatch.setattr(store_read, "READ_THREADS", 1)
    one = store_read.read_dataset(ws.processed, POLICE, dictionary=True)
    monkeypatch.setattr(store_read, "READ_THREADS", 4)
    read_table = store_read.pq.read_table
    threads: set[str] = set()

    def slow_first(path: Path, **kwargs: Any) -> Any:  # the first partition finishes last
        threads.add(threading.current_thread().name)
        if "GM0153" in str(path):
            time.sleep(0.2)
        return read_table(path, **kwargs)

    monkeypatch.setattr(store_read.pq, "read_table", slow_first)
    four = store_read.read_dataset(ws.processed, POLICE, dictionary=True)
    assert len(threads) > 1
    assert four.equals(one)
    assert four.column("municipality").to_pylist() == codes
    assert four.column("value").to_pylist() == [10, 11, 12, 13, 14, 15]
