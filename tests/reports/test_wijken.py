"""Where it happens (reports/wijken.py): the wijk table with small counts, public suppression, and
choropleth maps from small boundary files made here (GeoJSON and GeoPackage, sources/geo.py)."""

from __future__ import annotations

import json
import sqlite3
import struct
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex, to_rgba

from ivp_pipeline.problems import IvpError
from ivp_pipeline.reports import figures as figs
from ivp_pipeline.reports import views
from ivp_pipeline.reports.chartset import PendingCharts, draw
from ivp_pipeline.reports.document import Figure, Table
from ivp_pipeline.reports.drawing import draw_map
from ivp_pipeline.reports.wijken import (
    CLASSES,
    HIDDEN,
    TOP,
    UNKNOWN,
    _top,
    colours,
    hidden_rows,
    map_chart,
    wijk_items,
)
from ivp_pipeline.scoring.result import ScoreResult
from ivp_pipeline.sources.geo import wijk_shapes
from outputs_fixtures import make_result

SQUARES = {
    "WK017301": [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)],
    "WK017302": [(10, 0), (20, 0), (20, 10), (10, 10), (10, 0)],
    "WK017303": [(0, 10), (20, 10), (20, 20), (0, 20), (0, 10)],
}
HOLE = [(3, 3), (6, 3), (6, 6), (3, 6), (3, 3)]  # inside WK017301


def wijk_frame() -> pd.DataFrame:
    rows = [
        ("WK017301", "Binnenstad", 12.0, 9.0),
        ("WK017302", "Glinde", 3.0, 4.0),
        ("WK017303", "Hooiland", np.nan, 2.0),
        ("WK017304", "Zonder grens", 30.0, 25.0),
    ]
    out = pd.DataFrame(rows, columns=["area_code", "area_name", "count", "previous_count"])
    lo = out["count"].fillna(0) * 0.5
    return out.assign(
        municipality="GM0173",
        theme="woninginbraak",
        period_start=pd.Timestamp("2025-01-01"),
        period_end=pd.Timestamp("2025-12-31"),
        period_kind="year",
        count_low=lo.where(out["count"].notna()),
        count_high=(out["count"] * 1.8),
        inhabitants=np.nan,
        rate_per_1000=np.nan,
        rate_low=np.nan,
        rate_high=np.nan,
    )


@pytest.fixture(scope="module")
def result() -> ScoreResult:
    base = make_result(n_themes=3, first_month="2024-01-01")
    return replace(base, extras={**base.extras, "wijken": wijk_frame()})


def write_geojson(path: Path) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"statcode": code, "statnaam": code},
            "geometry": {"type": "Polygon", "coordinates": [ring, HOLE] if code == "WK017301" else [ring]},
        }
        for code, ring in SQUARES.items()
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def gpkg_blob(rings: list[list[tuple[int, int]]], multi: bool = False) -> bytes:
    """A GeoPackage geometry: GP header (little-endian, with an xy envelope) and WKB (Multi)Polygon."""
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    header = b"GP" + bytes([0, 0b0000_0011]) + struct.pack("<i", 28992)
    header += struct.pack("<4d", min(xs), max(xs), min(ys), max(ys))
    poly = struct.pack("<BII", 1, 3, len(rings))
    for ring in rings:
        poly += struct.pack("<I", len(ring)) + b"".join(struct.pack("<2d", x, y) for x, y in ring)
    if multi:
        return header + struct.pack("<BII", 1, 6, 1) + poly
    return header + poly


def write_gpkg(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE gpkg_contents (table_name TEXT, data_type TEXT);"
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT);"
        "INSERT INTO gpkg_contents VALUES ('wijken', 'features');"
        "INSERT INTO gpkg_geometry_columns VALUES ('wijken', 'geom');"
        "CREATE TABLE wijken (fid INTEGER PRIMARY KEY, wijkcode TEXT, wijknaam TEXT, geom BLOB);"
    )
    for i, (code, ring) in enumerate(SQUARES.items()):
        rings = [ring, HOLE] if code == "WK017301" else [ring]
        db.execute("INSERT INTO wijken VALUES (?, ?, ?, ?)", (i, code, code, gpkg_blob(rings, multi=i == 2)))
    db.commit()
    db.close()
    return path


def test_table_with_small_counts_and_unknown(result: ScoreResult) -> None:
    items = wijk_items(result, "woninginbraak", "GM0173")
    sentence, table = items
    assert isinstance(table, Table)
    assert table.header == ["Wijk", "Aantal", "95%-interval", "Periode ervoor"]  # no population: counts
    assert table.rows[0] == ["Binnenstad", "12", "6,0-21,6", "9"]
    assert table.rows[2] == ["Hooiland", "onbekend", "", "2"]
    assert "alleen aantallen" in table.note
    assert sentence.startswith(
        "Woninginbraak in Oldenzaal, 2025: de meeste registraties in Zonder grens (30), "
    )


def test_public_mode_primary_and_secondary_suppression(result: ScoreResult) -> None:
    public = replace(result, method={**result.method, "public": True, "public_threshold": 5})
    frame = public.extras["wijken"]
    # one count under 5 (Glinde, 3) would follow from the municipality's total: the next smallest
    # known count (Binnenstad, 12) is hidden too; the unknown Hooiland is no help to anyone
    np.testing.assert_array_equal(hidden_rows(frame, "count", 5), [True, True, False, False])
    # previous: 4 and 2 are under 5, two hidden already, nothing more to hide
    np.testing.assert_array_equal(hidden_rows(frame, "previous_count", 5), [False, True, True, False])
    (_, table) = wijk_items(public, "woninginbraak", "GM0173")
    assert table.rows[0] == ["Binnenstad", "afgeschermd", "", "9"]
    assert table.rows[1] == ["Glinde", "<5", "", "<5"]
    assert "Openbare versie" in table.note


@pytest.mark.parametrize("kind", ["geojson", "gpkg"])
def test_map_from_a_small_boundary_file(result: ScoreResult, tmp_path: Path, kind: str) -> None:
    geo = tmp_path / "raw" / "geo"
    write_geojson(geo / "wijken.geojson") if kind == "geojson" else write_gpkg(geo / "wijken.gpkg")
    shapes = wijk_shapes(geo, ["WK017301", "WK017302", "WK017303", "WK017304"]).to_pandas()
    assert sorted(set(shapes["area_code"])) == ["WK017301", "WK017302", "WK017303"]
    assert list(shapes["hole"]) == [False, True, False, False]  # Binnenstad has a hole
    assert tuple(shapes.iloc[0]["x"]) == (0.0, 10.0, 10.0, 0.0, 0.0)

    fill, legend, what = colours(wijk_frame().assign(hidden=False))
    # counts 3, 12, 30 in five equal classes over 3-30: 3 -> first, 12 -> second, 30 -> last; unknown grey
    assert fill == {
        "WK017301": CLASSES[1],
        "WK017302": CLASSES[0],
        "WK017303": UNKNOWN,
        "WK017304": CLASSES[4],
    }
    assert what == "aantal" and legend[-1] == (UNKNOWN, "onbekend")
    with_shapes = replace(result, extras={**result.extras, "wijk_shapes": shapes})
    made = map_chart(with_shapes, "woninginbraak", "GM0173")
    assert made is not None
    key, title, _caption, data = made
    assert key == "wijken-woninginbraak-oldenzaal" and title == "Woninginbraak, Oldenzaal (aantal)"
    assert data["faces"] == [CLASSES[1], CLASSES[0], UNKNOWN]  # the outer rings, in file order
    assert len(data["holes"]) == 1 and data["holes"][0].tolist()[0] == [3.0, 3.0]
    with figs.style():
        _fig, axes = figs.new_figure()
        main, holes = draw_map(axes[0, 0], data["outer"], data["faces"], data["holes"])
    assert len(main.get_paths()) == 3 and len(holes.get_paths()) == 1
    assert [to_hex(c) for c in main.get_facecolors()] == [CLASSES[1], CLASSES[0], UNKNOWN]
    assert to_hex(holes.get_facecolors()[0]) == "#ffffff"

    # the map is a chart of the chart set: wijk_items refers to it, the chart set draws it
    pending = PendingCharts(with_shapes, tmp_path / "figures")
    items = wijk_items(with_shapes, "woninginbraak", "GM0173", pending.charts())
    (chart,) = [i for i in items if isinstance(i, Figure)]
    assert chart.png == tmp_path / "figures" / "wijken-woninginbraak-oldenzaal.png"
    assert "1 wijk(en) zonder grens" in chart.caption
    assert [p.key for p in pending.plans if p.kind == "wijken"] == ["wijken-woninginbraak-oldenzaal"]
    draw(next(p for p in pending.plans if p.kind == "wijken"), tmp_path / "figures")
    image = figs_png_colours(chart.png)
    assert to_rgba(CLASSES[1])[:3] in image and to_rgba(UNKNOWN)[:3] in image


def figs_png_colours(path: Path) -> set[tuple[float, float, float]]:
    """The colours in a PNG (rounded to 8 bits)."""
    from matplotlib.image import imread

    pixels = imread(path)[:, :, :3].reshape(-1, 3)
    return {tuple(round(v * 255) / 255 for v in p) for p in np.unique(pixels, axis=0)}


def test_hidden_wijk_is_grey_on_the_map() -> None:
    frame = wijk_frame().assign(hidden=[False, True, False, False])
    fill, legend, _ = colours(frame)
    assert fill["WK017302"] == HIDDEN and legend[-1] == (HIDDEN, "afgeschermd (klein aantal)")


def test_unreadable_boundary_file_is_a_problem(tmp_path: Path) -> None:
    geo = tmp_path / "geo"
    geo.mkdir()
    (geo / "kapot.gpkg").write_bytes(b"not a database at all")
    with pytest.raises(IvpError) as err:
        wijk_shapes(geo, ["WK017301"], "data/raw/geo")
    assert err.value.problem.code == "bad-geo-file" and err.value.problem.file == "data/raw/geo/kapot.gpkg"


def test_no_wijk_rows_no_items(result: ScoreResult) -> None:
    assert wijk_items(result, "geweld", "GM0173") == []


def test_top_wijken_are_those_of_a_stable_sort_by_value_then_name() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 9))
        frame = pd.DataFrame(
            {
                "area_name": rng.choice(["Centrum", "Noord", "Oost", "Zuid"], n),
                "value": rng.choice([1.0, 2.0, 2.0, 3.5, np.nan], n),
                "row": range(n),
            }
        )
        want = frame.sort_values(["value", "area_name"], ascending=[False, True], kind="stable").head(TOP)
        got = _top(views.records(frame), frame["value"].to_numpy(float))
        assert [r["row"] for r in got] == want["row"].tolist()
