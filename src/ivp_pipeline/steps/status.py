"""`ivp status`: what is in data/processed per dataset and municipality, and how fresh it is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ivp_pipeline import store
from ivp_pipeline.schemas import DATASETS, Dataset
from ivp_pipeline.steps.rawfiles import expand, shown_name
from ivp_pipeline.workspace import Workspace

# The column that says which period a row is about, per dataset (professional input has none).
PERIOD_COLUMN = {"police": "period_start", "survey": "year", "population": "year"}


@dataclass(frozen=True)
class PartitionStatus:
    dataset: str
    municipality: str
    rows: int
    periods: str  # e.g. "2019-01 t/m 2024-12 (72 mnd); 2012 t/m 2023 (12 jr)"
    latest_period: str
    source_files: list[str] = field(default_factory=list)
    last_ingested: str = ""  # ISO time of the newest ingest of one of its source files
    age_days: int | None = None  # days since last_ingested

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Status:
    partitions: list[PartitionStatus]
    not_ingested: list[str]  # files in data/raw the manifest does not list yet


def status(ws: Workspace, now: datetime | None = None) -> Status:
    """What `ivp status` shows: every partition, and the files waiting to be ingested."""
    return Status(workspace_status(ws, now), pending_files(ws))


def workspace_status(ws: Workspace, now: datetime | None = None) -> list[PartitionStatus]:
    """One entry per dataset x municipality partition, sorted; empty when nothing is ingested."""
    now = now or datetime.now(UTC)
    files = store.load_manifest(ws.processed).get("files", {})
    out = []
    for name in sorted(DATASETS):
        for code in store.partitions(ws.processed, DATASETS[name]):
            out.append(_partition(ws.processed, DATASETS[name], code, files, now))
    return out


def _partition(
    processed: Path, dataset: Dataset, code: str, files: dict[str, Any], now: datetime
) -> PartitionStatus:
    period_col = PERIOD_COLUMN.get(dataset.name)
    columns = ["source_file"] + ([period_col] if period_col else [])
    if dataset.name == "police":
        columns.append("period_kind")
    table = store.read_dataset(processed, dataset, columns=columns, municipalities=[code])
    sources = sorted({s for s in table.column("source_file").to_pylist() if s})
    periods, latest = ("", "")
    if period_col:
        kinds = table.column("period_kind").to_pylist() if "period_kind" in columns else None
        periods, latest = describe_periods(table.column(period_col).to_pylist(), kinds)
    stamps = sorted(str(files[s]["ingested_at"]) for s in sources if files.get(s, {}).get("ingested_at"))
    last = stamps[-1] if stamps else ""
    age = (now - datetime.fromisoformat(last)).days if last else None
    return PartitionStatus(dataset.name, code, table.num_rows, periods, latest, sources, last, age)


def pending_files(ws: Workspace) -> list[str]:
    """Files in data/raw that the manifest does not list yet (fetched or received, not ingested)."""

    if not ws.raw.exists():
        return []
    known = store.load_manifest(ws.processed).get("files", {})
    return [name for name in (shown_name(ws, p) for p in expand([ws.raw])) if name not in known]


_KIND_LABEL = {"month": "mnd", "quarter": "kw", "year": "jr"}


def format_period(value: date | int, kind: str) -> str:
    if isinstance(value, int):
        return str(value)
    if kind == "month":
        return f"{value:%Y-%m}"
    if kind == "quarter":
        return f"{value.year}-K{(value.month - 1) // 3 + 1}"
    return str(value.year)


def describe_periods(values: Iterable[Any], kinds: Iterable[str] | None = None) -> tuple[str, str]:
    """('2019-01 t/m 2024-12 (72 mnd); 2012 t/m 2023 (12 jr)', latest period) for a column."""
    values = list(values)
    kind_list = list(kinds) if kinds is not None else ["year"] * len(values)
    by_kind: dict[str, set[Any]] = {}
    for v, k in zip(values, kind_list, strict=True):
        if v is not None:
            by_kind.setdefault(k, set()).add(v)
    parts = []
    latest: tuple[Any, str] | None = None
    for kind in ("month", "quarter", "year"):
        seen = sorted(by_kind.get(kind, ()))
        if not seen:
            continue
        first, last = format_period(seen[0], kind), format_period(seen[-1], kind)
        span = first if first == last else f"{first} t/m {last}"
        parts.append(f"{span} ({len(seen)} {_KIND_LABEL[kind]})")
        # The latest period is the one that ends last: a month in 2024 is later than the year 2023.
        end = _period_end(seen[-1], kind)
        if latest is None or end > latest[0]:
            latest = (end, format_period(seen[-1], kind))
    return "; ".join(parts), latest[1] if latest else ""


def _period_end(value: date | int, kind: str) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, 12)
    months = {"month": 0, "quarter": 2, "year": 11}[kind]
    return (value.year, value.month + months)
