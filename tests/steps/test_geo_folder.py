"""data/raw/geo (wijk boundaries) is read by `ivp score`, not by `ivp ingest`, and counts for the
score fingerprint (a new boundary file redraws the maps)."""

from __future__ import annotations

from inputs_fixtures import write
from ivp_pipeline.steps import fingerprint
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.workspace import Workspace

GEOJSON = '{"type": "FeatureCollection", "features": []}'


def test_ingest_skips_the_geo_folder(ws: Workspace) -> None:
    write(ws.raw / "local_figures" / "cijfers.csv", "gebied;cijfer;periode;aantal\nLosser;halt;2025;3\n")
    write(ws.raw / "geo" / "wijken.geojson", GEOJSON)
    report = ingest(ws)
    assert [o.file for o in report.outcomes] == ["data/raw/local_figures/cijfers.csv"]
    assert report.failed == [] and report.rejects == []


def test_a_boundary_file_changes_the_score_fingerprint(ws: Workspace) -> None:
    before = fingerprint.score_fingerprint(ws)
    write(ws.raw / "geo" / "wijken.geojson", GEOJSON)
    with_geo = fingerprint.score_fingerprint(ws)
    assert with_geo != before
    assert fingerprint.score_fingerprint(ws) == with_geo
    # what-if weights are part of it too, and only when given
    assert fingerprint.score_fingerprint(ws, weights=("beleving=1",)) != with_geo
    assert fingerprint.score_fingerprint(ws, weights=()) == with_geo
