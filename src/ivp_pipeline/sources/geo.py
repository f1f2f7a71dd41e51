"""Wijk boundaries from the CBS wijk- en buurtkaart (PDOK) in data/raw/geo/: GeoJSON or GeoPackage.

`wijk_shapes(folder, codes)` returns a frame with one row per polygon ring of the wanted wijken:
area_code, part (ring number), hole (an inner ring), x, y (tuples of coordinates in the file's own
system, RD New for PDOK). The map (reports/wijken.py) fills outer rings and paints holes over them in
the background colour, which is enough at the scale of a wijk map.

GeoPackage is read with the standard library (sqlite3 and the GPKG binary header + WKB, which is
small and fixed), so no GIS dependency is needed for a few hundred polygons; GeoJSON with json.
The wijk code is taken from the first of CODE_FIELDS a feature has (PDOK: statcode or wijkcode).
A file that cannot be read gives a Problem (code bad-geo-file) and no maps, never a traceback.
"""

from __future__ import annotations

import json
import sqlite3
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from ivp_pipeline.problems import IvpError, Problem

GEO_FOLDER = "geo"  # data/raw/geo/: read by `ivp score`, skipped by `ivp ingest`
CODE_FIELDS = ("statcode", "wijkcode", "code", "WK_CODE", "wijk_code")
SUFFIXES = (".geojson", ".json", ".gpkg")
COLUMNS = ("area_code", "part", "hole", "x", "y")
Ring = tuple[bool, tuple[float, ...], tuple[float, ...]]  # (hole, x, y)


def wijk_shapes(folder: Path, codes: Iterable[str], name: str = "data/raw/geo") -> pa.Table:
    """The rings of the wanted wijken from every boundary file in `folder` (empty without files).

    An Arrow table (COLUMNS; x and y as lists of coordinates), so the sources door loads no pandas."""
    wanted = set(codes)
    rows: list[tuple[str, int, bool, tuple[float, ...], tuple[float, ...]]] = []
    if not folder.is_dir():
        return _table([])
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES):
        shown = f"{name}/{path.name}"
        try:
            features = _gpkg(path) if path.suffix.lower() == ".gpkg" else _geojson(path)
            for code, rings in features:
                if code in wanted:
                    part0 = sum(1 for r in rows if r[0] == code)
                    rows += [(code, part0 + i, h, x, y) for i, (h, x, y) in enumerate(rings)]
        except (OSError, ValueError, KeyError, TypeError, IndexError, struct.error, sqlite3.Error) as exc:
            raise IvpError(
                Problem(
                    "bad-geo-file",
                    f"de wijkgrenzen zijn niet te lezen ({type(exc).__name__})",
                    file=shown,
                    hint="gebruik de wijk- en buurtkaart van het CBS (PDOK) als GeoJSON of GeoPackage",
                )
            ) from exc
    return _table(rows)


def _table(rows: list[tuple[str, int, bool, tuple[float, ...], tuple[float, ...]]]) -> pa.Table:
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    types = [pa.string(), pa.int64(), pa.bool_(), pa.list_(pa.float64()), pa.list_(pa.float64())]
    return pa.table(
        [pa.array(list(c), type=t) for c, t in zip(columns, types, strict=True)], names=list(COLUMNS)
    )


def _code(props: dict[str, Any]) -> str | None:
    for field in CODE_FIELDS:
        value = props.get(field)
        if value:
            return str(value).strip()
    return None


def _geojson(path: Path) -> Iterator[tuple[str, list[Ring]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data.get("features", []):
        code = _code(feature.get("properties") or {})
        geom = feature.get("geometry") or {}
        if code is None or not geom:
            continue
        if geom["type"] == "Polygon":
            polygons = [geom["coordinates"]]
        elif geom["type"] == "MultiPolygon":
            polygons = geom["coordinates"]
        else:
            continue
        yield code, [_ring(r, i > 0) for poly in polygons for i, r in enumerate(poly)]


def _ring(points: list[list[float]], hole: bool) -> Ring:
    return hole, tuple(float(p[0]) for p in points), tuple(float(p[1]) for p in points)


def _gpkg(path: Path) -> Iterator[tuple[str, list[Ring]]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        layers = db.execute(
            "SELECT c.table_name, g.column_name FROM gpkg_contents c "
            "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features'"
        ).fetchall()
        for table, geom_col in layers:
            names = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
            field = next((f for f in CODE_FIELDS if f in names), None)
            if field is None:
                continue
            for code, blob in db.execute(f'SELECT "{field}", "{geom_col}" FROM "{table}"'):
                if code and blob:
                    yield str(code).strip(), gpkg_rings(bytes(blob))


ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_rings(blob: bytes) -> list[Ring]:
    """The rings of a GeoPackage geometry blob (GP header, then WKB Polygon or MultiPolygon)."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    flags = blob[3]
    envelope = ENVELOPE_BYTES[(flags >> 1) & 0x07]
    rings, _end = _wkb(blob, 8 + envelope)
    return rings


def _wkb(blob: bytes, pos: int) -> tuple[list[Ring], int]:
    order = "<" if blob[pos] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", blob, pos + 1)
    pos += 5
    base, dims = kind % 1000, 2 + (1 if kind // 1000 in (1, 2) else 0) + (1 if kind // 1000 == 3 else 0)
    if kind & 0x80000000 or kind & 0x40000000:  # EWKB-style Z/M flags
        base = kind & 0xFF
        dims = 2 + bool(kind & 0x80000000) + bool(kind & 0x40000000)
    if base == 3:
        return _polygon(blob, pos, order, dims)
    if base == 6:
        (n,) = struct.unpack_from(order + "I", blob, pos)
        pos += 4
        rings: list[Ring] = []
        for _ in range(n):
            part, pos = _wkb(blob, pos)
            rings += part
        return rings, pos
    raise ValueError(f"geometry type {kind} is not a (multi)polygon")


def _polygon(blob: bytes, pos: int, order: str, dims: int) -> tuple[list[Ring], int]:
    (n_rings,) = struct.unpack_from(order + "I", blob, pos)
    pos += 4
    rings: list[Ring] = []
    for i in range(n_rings):
        (n,) = struct.unpack_from(order + "I", blob, pos)
        pos += 4
        values = struct.unpack_from(order + "d" * (n * dims), blob, pos)
        pos += 8 * n * dims
        rings.append((i > 0, tuple(values[0::dims]), tuple(values[1::dims])))
    return rings, pos
