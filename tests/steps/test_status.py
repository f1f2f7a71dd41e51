"""`ivp status`: rows, periods, latest period, source files and their age per partition."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from ivp_pipeline.cli import app
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.steps.status import describe_periods, workspace_status
from ivp_pipeline.store import load_manifest
from ivp_pipeline.workspace import Workspace
from ops_reader import write_raw


@pytest.fixture(autouse=True)
def only_the_test_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ivp_pipeline.sources.detection.READERS", ("ops_reader",))


def test_describe_periods_per_kind_and_latest() -> None:
    text, latest = describe_periods(
        [date(2024, 1, 1), date(2024, 3, 1), date(2023, 1, 1), date(2024, 2, 1)],
        ["month", "month", "year", "month"],
    )
    assert text == "2024-01 t/m 2024-03 (3 mnd); 2023 (1 jr)" and latest == "2024-03"
    assert describe_periods([2019, 2023, 2021]) == ("2019 t/m 2023 (3 jr)", "2023")


def test_status_per_partition_with_age(ws: Workspace, runner) -> None:  # type: ignore[no-untyped-def]
    write_raw(
        ws,
        "a.json",
        [
            {"area": "GM1774", "code": "1.1.1", "period": "2024-01-01", "value": 5},
            {"area": "GM1774", "code": "1.1.1", "period": "2024-02-01", "value": 4},
            {"area": "GM0168", "code": "1.1.1", "period": "2024-01-01", "value": None},
        ],
    )
    write_raw(ws, "b.json", [{"area": "GM0168", "code": "1.4.5", "period": "2023-12-01", "value": 1}])
    ingest(ws)
    stamp = datetime.fromisoformat(
        load_manifest(ws.processed)["files"]["data/raw/police/b.json"]["ingested_at"]
    )
    entries = workspace_status(ws, now=stamp + timedelta(days=3, hours=1))
    by = {(e.dataset, e.municipality): e for e in entries}
    losser, dinkelland = by[("police", "GM0168")], by[("police", "GM1774")]
    assert (losser.rows, losser.periods, losser.latest_period) == (
        2,
        "2023-12 t/m 2024-01 (2 mnd)",
        "2024-01",
    )
    assert losser.source_files == ["data/raw/police/a.json", "data/raw/police/b.json"]
    assert losser.age_days == 3 and losser.last_ingested == stamp.isoformat()
    assert (dinkelland.rows, dinkelland.source_files) == (2, ["data/raw/police/a.json"])

    table = runner.invoke(app, ["status", "-w", str(ws.root)], env={"COLUMNS": "160"})
    assert table.exit_code == 0 and "Losser" in table.stdout and "2023-12 t/m 2024-01" in table.stdout
    assert "│ politie " in table.stdout and "police" not in table.stdout  # the JSON keeps the code
    as_json = runner.invoke(app, ["status", "-w", str(ws.root), "--json"])
    data = json.loads(as_json.stdout)
    assert data["not_ingested"] == []
    assert [(d["dataset"], d["municipality"], d["rows"]) for d in data["partitions"]] == [
        ("police", "GM0168", 2),
        ("police", "GM1774", 2),
    ]
    assert datetime.now(UTC) >= stamp
    write_raw(ws, "c.json", [{"area": "GM0168", "code": "1.4.5", "period": "2024-03-01", "value": 1}])
    later = runner.invoke(app, ["status", "-w", str(ws.root)], env={"COLUMNS": "160"})
    assert (
        "1 bestand in data/raw nog niet ingelezen" in later.stdout
        and "data/raw/police/c.json" in later.stdout
    )


def test_status_of_an_empty_workspace(ws: Workspace, runner) -> None:  # type: ignore[no-untyped-def]
    assert workspace_status(ws) == []
    result = runner.invoke(app, ["status", "-w", str(ws.root)])
    assert result.exit_code == 0 and "Nog niets ingelezen in data/processed" in result.stdout
