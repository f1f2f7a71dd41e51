"""End to end with the real OData reader: a later download revises a provisional month."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest

from ivp_pipeline.schemas import POLICE
from ivp_pipeline.sources.police.fetch.config import FetchConfig
from ivp_pipeline.steps.refresh import refresh
from ivp_pipeline.store import read_dataset
from ivp_pipeline.workspace import Workspace
from ops_fixtures import FakeOData, Table, crime_rows
from ops_reader import fake_score


@pytest.fixture
def server() -> Iterator[FakeOData]:
    rows = crime_rows(areas=("GM1774", "PV23  "), periods=("2024MM01", "2024MM02"))
    fake = FakeOData(tables={"47013NED": Table("2024-03-15T02:00:00", rows, {"2024MM02": "Voorlopig"})})
    yield fake.start()
    fake.stop()


def test_revised_month_is_replaced_and_listed_in_the_changes(ws: Workspace, server: FakeOData) -> None:
    cfg = FetchConfig(base_url=server.base_url, tables=["47013NED"], backoff_seconds=0)
    first = refresh(ws, cfg, score=fake_score)
    assert [o.status for o in first.fetched] == ["downloaded"]

    # A month later the police revise February for Dinkelland (5 -> 7) and publish March.
    table = server.tables["47013NED"]
    for r in table.rows:
        if (r["RegioS"], r["SoortMisdrijf"], r["Perioden"]) == ("GM1774", "1.1.1 ", "2024MM02"):
            r["GeregistreerdeMisdrijven_1"] = 7
    table.rows.append(
        {
            "ID": 99,
            "SoortMisdrijf": "1.1.1 ",
            "RegioS": "GM1774",
            "Perioden": "2024MM03",
            "GeregistreerdeMisdrijven_1": 2,
        }
    )
    table.modified = "2024-04-15T02:00:00"
    second = refresh(ws, cfg, score=fake_score)
    assert [o.status for o in second.fetched] == ["downloaded"]

    with (ws.reports / "tables" / "wijzigingen.csv").open(encoding="utf-8") as fh:
        got = {
            (r["change"], r["area_code"], r["item"], r["period"], r["old"], r["new"])
            for r in csv.DictReader(fh)
        }
    assert ("revised", "GM1774", "1.1.1", "2024-02-01", "5", "7") in got
    assert ("new_period", "", "", "2024-03-01", "", "") in got
    assert not any(c == "revised" and a == "PV23" for c, a, *_ in got)  # unchanged rows are not revisions
    # The revised figure replaced the provisional one; nothing is duplicated.
    police = read_dataset(ws.processed, POLICE, ["GM1774"]).to_pylist()
    feb = [
        r["value"] for r in police if r["offence_code"] == "1.1.1" and str(r["period_start"]) == "2024-02-01"
    ]
    assert feb == [7]

    third = refresh(ws, cfg, score=fake_score)  # Modified unchanged: no download, no changes
    assert [o.status for o in third.fetched] == ["unchanged"]
    assert third.change_counts == {}
    assert len(list((ws.raw / "police").glob("47013NED_*[0-9].json"))) == 2


def test_cli_refresh_with_base_url_fetches_first(
    ws: Workspace, server: FakeOData, runner, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ivp_pipeline.cli import app

    monkeypatch.setattr("ivp_pipeline.steps.refresh.default_score", fake_score)
    (ws.root / "ivp.toml").write_text(
        '[fetch]\ntables = ["47013NED"]\nbackoff_seconds = 0\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["refresh", "-w", str(ws.root), "--base-url", server.base_url])
    assert result.exit_code == 0, result.stderr
    assert "47013NED: 8 rijen gedownload" in result.stderr
    assert "inlezen: ingelezen data/raw/police/47013NED_" in result.stderr
    assert "wijzigingen: first_ingest 2" in result.stderr  # GM1774 and PV23 crime series
    server.always = 503
    down = runner.invoke(app, ["refresh", "-w", str(ws.root), "--base-url", server.base_url])
    assert down.exit_code == 1 and "[service-unavailable]" in down.stderr
