"""`ivp fetch` against a loopback OData v3 server: paging, retries, outage, unchanged tables, filters."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ivp_pipeline.cli import app
from ivp_pipeline.problems import IvpError
from ivp_pipeline.sources.police.fetch.config import FetchConfig
from ivp_pipeline.sources.police.fetch.download import geo_filter
from ivp_pipeline.steps.fetch import fetch as fetch_tables
from ivp_pipeline.workspace import Workspace
from ops_fixtures import FakeOData, Table, crime_rows, overlast_rows


@pytest.fixture
def server() -> Iterator[FakeOData]:
    fake = FakeOData(tables={"47013NED": Table("2024-03-15T02:00:00", crime_rows())}).start()
    yield fake
    fake.stop()


def config(server: FakeOData, **kw: object) -> FetchConfig:
    base = {"base_url": server.base_url, "tables": ["47013NED"], "backoff_seconds": 0.0, "retries": 2}
    return FetchConfig.model_validate({**base, **kw})


def data_files(ws: Workspace) -> list[Path]:
    folder = ws.raw / "police"
    return (
        sorted(p for p in folder.glob("*.json") if not p.name.endswith(".provenance.json"))
        if folder.exists()
        else []
    )


def test_pages_follow_next_link_into_one_json_object(ws: Workspace, server: FakeOData) -> None:
    server.server_page = 5  # 16 matching rows -> 4 pages
    server.tables["47013NED"].status = {"2024MM02": "Voorlopig"}
    [outcome] = fetch_tables(ws, config(server))
    assert (outcome.status, outcome.rows) == ("downloaded", 16)
    [path] = data_files(ws)
    assert re.fullmatch(r"47013NED_\d{8}T\d{6}\.json", path.name)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["odata.metadata"].endswith("47013NED/$metadata#Cbs.OData.WebAPI.TypedDataSet")
    assert [r["ID"] for r in doc["value"]] == list(range(16))  # every page, in order, once
    assert len(server.paths("TypedDataSet")) == 4
    prov = json.loads(path.with_name(path.name + ".provenance.json").read_text(encoding="utf-8"))
    assert prov["table_id"] == "47013NED"  # the police reader's fallback when metadata lacks it
    assert (prov["table"], prov["rows"], prov["pages"], prov["modified"]) == (
        "47013NED",
        16,
        4,
        "2024-03-15T02:00:00",
    )
    assert prov["filter"] == outcome.filter
    assert prov["period_status"] == {"2024MM01": "Definitief", "2024MM02": "Voorlopig"}
    assert "%24filter=%28RegioS+eq+%27GM1774%27%29+or+" in prov["url"]


def test_top_skip_paging_when_the_service_caps_silently(ws: Workspace, server: FakeOData) -> None:
    server.next_links = False
    [outcome] = fetch_tables(ws, config(server, page_size=6))
    assert outcome.rows == 16
    assert [q["$skip"] for q in server.paths("TypedDataSet")] == ["0", "6", "12"]
    assert all(q["$top"] == "6" for q in server.paths("TypedDataSet"))


def test_filter_keeps_the_padding_of_the_keys(ws: Workspace, server: FakeOData) -> None:
    fetch_tables(ws, config(server, municipalities=["GM1774"], reference_areas=["PV23"]))
    flt = server.paths("TypedDataSet")[0]["$filter"]
    assert flt == "(RegioS eq 'GM1774') or (RegioS eq 'PV23  ')"
    doc = json.loads(data_files(ws)[0].read_text(encoding="utf-8"))
    # The server compares literally, like the real one: PV23 rows only come back padded.
    assert sorted({r["RegioS"] for r in doc["value"]}) == ["GM1774", "PV23  "]


def test_wijk_tables_select_every_area_of_a_gemeente_by_substring() -> None:
    flt = geo_filter("WijkenEnBuurten", "GeoDetail", ["GM1774", "GM0168"], ["PV23"])
    assert flt == "(substring(WijkenEnBuurten,2,4) eq '1774') or (substring(WijkenEnBuurten,2,4) eq '0168')"


def test_a_failure_is_retried_with_back_off(ws: Workspace, server: FakeOData) -> None:
    server.fail_next = [500, 503]
    waits: list[float] = []
    [outcome] = fetch_tables(ws, config(server, retries=3, backoff_seconds=0.01), sleep=waits.append)
    assert outcome.status == "downloaded" and outcome.rows == 16
    assert waits == [0.01, 0.02]  # exponential
    assert len(server.paths("TableInfos")) == 3


def test_outage_exits_1_with_one_line_and_writes_nothing(ws: Workspace, server: FakeOData, runner) -> None:  # type: ignore[no-untyped-def]
    server.always = 503
    (ws.root / "ivp.toml").write_text(
        f'[fetch]\nbase_url = "{server.base_url}"\nretries = 2\nbackoff_seconds = 0\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["fetch", "--workspace", str(ws.root)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Fout:")]
    assert len(errors) == 1 and "[service-unavailable]" in errors[0] and "na 3 pogingen" in errors[0]
    assert len(server.requests) == 3
    assert not (ws.raw / "police").exists() or not any((ws.raw / "police").iterdir())
    assert not (ws.state_dir / "fetch-state.json").exists()


def test_unchanged_table_is_not_downloaded_again(ws: Workspace, server: FakeOData) -> None:
    fetch_tables(ws, config(server))
    [again] = fetch_tables(ws, config(server))
    assert again.status == "unchanged" and len(data_files(ws)) == 1
    assert len(server.paths("TypedDataSet")) == 1  # only the first run downloaded
    server.tables["47013NED"].modified = "2024-04-15T02:00:00"
    [newer] = fetch_tables(ws, config(server))
    assert newer.status == "downloaded" and newer.modified == "2024-04-15T02:00:00"
    assert len(data_files(ws)) == 2


def test_unknown_table_is_a_clear_error(ws: Workspace, server: FakeOData) -> None:
    with pytest.raises(IvpError) as exc:
        fetch_tables(ws, config(server, tables=["99999NED"]))
    assert exc.value.problem.code == "fetch-failed" and "HTTP 404" in exc.value.problem.message


def test_cli_fetch_prints_a_table_and_logs_to_stderr(ws: Workspace, server: FakeOData, runner) -> None:  # type: ignore[no-untyped-def]
    server.tables["47021NED"] = Table("2024-03-01T02:00:00", overlast_rows())
    result = runner.invoke(app, ["fetch", "-w", str(ws.root), "--base-url", server.base_url, "-m", "GM1774"])
    assert result.exit_code == 0, result.stderr
    assert "47013NED" in result.stdout and "47021NED" in result.stdout and "gedownload" in result.stdout
    # Default tables; the reference areas PV23 and NL01 come along with the chosen gemeente.
    assert re.search(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S* INFO .*47013NED: 12 rijen gedownload in 1 pagina naar",
        result.stderr,
        re.M,
    )
    assert re.search(r"INFO .*47021NED: 4 rijen gedownload", result.stderr)


def test_bad_fetch_config_names_the_key(ws: Workspace, runner) -> None:  # type: ignore[no-untyped-def]
    (ws.root / "ivp.toml").write_text('[fetch]\ntables = ["47013"]\n', encoding="utf-8")
    result = runner.invoke(app, ["fetch", "-w", str(ws.root)])
    assert result.exit_code == 1
    assert "[bad-config]" in result.stderr and "'fetch.tables.0'" in result.stderr


def test_connection_refused_is_retried_then_service_unavailable(ws: Workspace) -> None:
    import socket

    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = FetchConfig(base_url=f"http://127.0.0.1:{port}/ODataApi/OData/", retries=2, backoff_seconds=0.5)
    waits: list[float] = []
    with pytest.raises(IvpError) as exc:
        fetch_tables(ws, cfg, sleep=waits.append)
    assert (
        exc.value.problem.code == "service-unavailable"
        and "geen verbinding (ConnectError)" in exc.value.problem.message
    )
    assert waits == [0.5, 1.0]
    assert data_files(ws) == []
