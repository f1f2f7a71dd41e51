"""A test-only reader and score step, so refresh tests exercise orchestration, not parsing.

Files look like {"ops-police": [{"area": "GM1774", "code": "1.1.1", "period": "2024-01-01",
"value": 5, "status": "provisional"}, ...]}. The fake score ranks two themes by their counts.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from ivp_pipeline import atomic
from ivp_pipeline.schemas import POLICE
from ivp_pipeline.sources.base import Head, ReadContext, Source
from ivp_pipeline.store import conform, read_dataset
from ivp_pipeline.workspace import Workspace

KIND = "ops_police"
DATASET = POLICE
THEMES = {"1.1.1": "woninginbraak", "1.4.5": "geweld"}


def sniff(head: Head) -> bool:
    return (head.text or "").startswith('{"ops-police"')


def read(source: Source, ctx: ReadContext) -> Iterator[Any]:
    import pyarrow as pa

    recs = json.loads(source.path.read_text(encoding="utf-8"))["ops-police"]
    ctx.rows_read = len(recs)
    cols: dict[str, list[Any]] = {n: [] for n in POLICE.schema.names}
    for i, r in enumerate(recs, start=1):
        value = r.get("value")
        row = {
            "municipality": r["area"],
            "area_code": r["area"],
            "area_level": "gemeente",
            "area_name": r["area"],
            "table_id": "47013NED",
            "measure": "crime",
            "offence_code": r["code"],
            "offence_label": r["code"],
            "is_rollup": False,
            "period_start": date.fromisoformat(r["period"]),
            "period_kind": "month",
            "period_status": r.get("status", "final"),
            "value": value,
            "value_state": "observed" if value is not None else "not_published",
            "source_file": source.name,
            "source_sha256": source.sha256,
            "source_row": i,
        }
        for k, v in row.items():
            cols[k].append(v)
    yield conform(pa.table(cols), POLICE)


def write_raw(ws: Workspace, name: str, rows: list[dict[str, Any]]) -> None:
    path = ws.raw / "police" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"ops-police": rows}), encoding="utf-8")


def fake_score(ws: Workspace) -> None:
    """Rank the two themes per municipality by their total count; written like `ivp score` does."""
    police = read_dataset(ws.processed, POLICE).to_pylist()
    totals: dict[tuple[str, str], int] = {}
    for r in police:
        theme = THEMES.get(r["offence_code"])
        if theme and r["value"] is not None:
            key = (r["municipality"], theme)
            totals[key] = totals.get(key, 0) + r["value"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["municipality", "theme", "profile", "score", "rank", "p_top3"])
    for muni in sorted({m for m, _ in totals}):
        ranked = sorted(THEMES.values(), key=lambda t: (-totals.get((muni, t), 0), t))
        for rank, theme in enumerate(ranked, start=1):
            w.writerow([muni, theme, "evenwichtig", totals.get((muni, theme), 0), rank, 1.0])
    stage = atomic.staging_dir(ws.reports)
    atomic.write_bytes_atomic(stage / "tables" / "scores.csv", buf.getvalue().encode("utf-8"))
    atomic.swap_in(stage, ws.reports)
