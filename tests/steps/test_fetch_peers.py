"""`ivp fetch` downloads the peer group of `[region] peers` with the rest (loopback OData server)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from ivp_pipeline.sources.police.fetch.config import FetchConfig, fetch_config
from ivp_pipeline.sources.police.fetch.download import geo_filter
from ivp_pipeline.steps.fetch import fetch as fetch_tables
from ivp_pipeline.workspace import Workspace
from ops_fixtures import FakeOData, Table, crime_rows

AREAS = ("GM1774", "GM0168", "GM1735", "GM0189", "PV23  ", "NL01  ")


@pytest.fixture
def server() -> Iterator[FakeOData]:
    fake = FakeOData(tables={"47013NED": Table("2024-03-15T02:00:00", crime_rows(areas=AREAS))}).start()
    yield fake
    fake.stop()


def test_region_peers_are_fetched_in_the_gemeente_table(ws: Workspace, server: FakeOData) -> None:
    data = {
        "region": {"peers": ["Hof van Twente", "GM0189"]},
        "fetch": {"base_url": server.base_url, "tables": ["47013NED"], "municipalities": ["GM1774"]},
    }
    cfg = fetch_config(data)
    assert cfg.peers == ["GM1735", "GM0189"]  # names resolved to codes
    [outcome] = fetch_tables(ws, cfg.model_copy(update={"reference_areas": ["PV23"], "backoff_seconds": 0.0}))
    flt = server.paths("TypedDataSet")[0]["$filter"]
    assert (
        flt == "(RegioS eq 'GM1774') or (RegioS eq 'GM1735') or (RegioS eq 'GM0189') or (RegioS eq 'PV23  ')"
    )
    assert outcome.filter == flt
    [path] = [p for p in (ws.raw / "police").glob("*.json") if not p.name.endswith(".provenance.json")]
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert sorted({r["RegioS"] for r in doc["value"]}) == ["GM0189", "GM1735", "GM1774", "PV23  "]


def test_fetch_section_peers_win_over_region_peers() -> None:
    cfg = fetch_config({"region": {"peers": ["GM1735"]}, "fetch": {"peers": ["GM0158"]}})
    assert cfg.peers == ["GM0158"]
    assert fetch_config({}).peers == []


def test_peers_stay_out_of_the_wijk_tables() -> None:
    from ivp_pipeline.sources.police.fetch.download import _areas

    cfg = FetchConfig.model_validate({"municipalities": ["GM1774"], "peers": ["GM1735", "GM1774"]})
    assert _areas(cfg, "GeoDetail") == ["GM1774"]
    assert _areas(cfg, "GeoDimension") == ["GM1774", "GM1735"]  # a member listed as peer: once
    assert geo_filter("WijkenEnBuurten", "GeoDetail", _areas(cfg, "GeoDetail"), ["PV23"]) == (
        "(substring(WijkenEnBuurten,2,4) eq '1774')"
    )
