"""The processed store: hive-partitioned Parquet per dataset and municipality, plus a manifest.

Layout: data/processed/<dataset>/municipality=<code>/part-0.parquet, _manifest.json, _rejects.csv.
All changes of one run happen in a staging copy that is swapped in whole (see atomic.py), under the
workspace lock. The partition column lives in the folder name only, so DuckDB, Spark, Dask and
pyarrow read the tree as a plain hive dataset.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ivp_pipeline import atomic
from ivp_pipeline.problems import Problem, problems_to_csv
from ivp_pipeline.schemas import IN_KEY_ORDER, Dataset
from ivp_pipeline.store.contract import conform
from ivp_pipeline.workspace import Workspace

MANIFEST = "_manifest.json"
REJECTS = "_rejects.csv"
PART = "part-0.parquet"
PARTITION_COLUMN = "municipality"


def partition_path(root: Path, dataset: Dataset, municipality: str) -> Path:
    return root / dataset.name / f"{PARTITION_COLUMN}={municipality}" / PART


def read_partition_file(path: Path, dataset: Dataset, municipality: str) -> pa.Table:

    table = pq.read_table(path)
    col = pa.array([municipality] * table.num_rows, pa.string())
    return conform(table.append_column(PARTITION_COLUMN, col), dataset)


def read_dataset(processed: Path, dataset: Dataset, municipalities: Iterable[str] | None = None) -> pa.Table:
    """All rows of a dataset (optionally some partitions), in the pinned schema; empty if none."""

    base = processed / dataset.name
    wanted = set(municipalities) if municipalities is not None else None
    tables = []
    if base.exists():
        for part in sorted(base.glob(f"{PARTITION_COLUMN}=*/{PART}")):
            code = part.parent.name.split("=", 1)[1]
            if wanted is None or code in wanted:
                tables.append(read_partition_file(part, dataset, code))
    if not tables:
        return dataset.schema.empty_table()
    return pa.concat_tables(tables)


def load_manifest(processed: Path) -> dict[str, Any]:
    path = processed / MANIFEST
    if not path.exists():
        return {"version": 1, "files": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def _key_strings(table: pa.Table, key: tuple[str, ...]) -> pa.Array:

    parts = [pc.fill_null(pc.cast(table[k], pa.string()), "\x00") for k in key]
    return pc.binary_join_element_wise(*parts, "\x1f")


def merge(
    existing: pa.Table, incoming: pa.Table, dataset: Dataset, presorted: bool = False
) -> tuple[pa.Table, int]:
    """Incoming rows replace existing rows with the same key; returns (merged, rows replaced).

    `presorted`: the incoming rows are unique and already in key order (see IN_KEY_ORDER).
    """

    if existing.num_rows == 0:
        if presorted:  # a national file fills hundreds of empty partitions: skip their sorts
            return incoming, 0
        merged = incoming
        replaced = 0
    else:
        keep = pc.invert(pc.is_in(_key_strings(existing, dataset.key), _key_strings(incoming, dataset.key)))
        kept = existing.filter(keep)
        replaced = existing.num_rows - kept.num_rows
        merged = pa.concat_tables([kept, incoming])
    order = [(k, "ascending") for k in dataset.key] + [("source_row", "ascending")]
    return merged.sort_by(order), replaced


@dataclass
class Transaction:
    """One run's changes to data/processed, applied whole at commit (or not at all)."""

    workspace: Workspace
    stage: Path = field(init=False)
    manifest: dict[str, Any] = field(init=False)
    committed: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        atomic.recover(self.workspace.processed)
        self.stage = atomic.staging_dir(self.workspace.processed)
        self.manifest = load_manifest(self.stage)

    def read(self, dataset: Dataset, municipality: str) -> pa.Table:
        path = partition_path(self.stage, dataset, municipality)
        if not path.exists():
            return dataset.schema.empty_table()
        return read_partition_file(path, dataset, municipality)

    def write(self, dataset: Dataset, municipality: str, table: pa.Table) -> None:
        """Replace one partition in the staging copy (the partition column is dropped from the file)."""

        table = conform(table, dataset).drop_columns([PARTITION_COLUMN])
        path = partition_path(self.stage, dataset, municipality)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(".part-0.parquet.tmp")
        pq.write_table(table, tmp, compression="zstd", row_group_size=1_000_000)
        tmp.replace(path)

    def upsert(self, dataset: Dataset, municipality: str, incoming: pa.Table) -> int:
        presorted = (incoming.schema.metadata or {}).get(IN_KEY_ORDER[0]) == IN_KEY_ORDER[1]
        existing = self.read(dataset, municipality)
        merged, replaced = merge(existing, conform(incoming, dataset), dataset, presorted)
        self.write(dataset, municipality, merged)
        return replaced

    def partitions(self, dataset: Dataset) -> list[str]:
        base = self.stage / dataset.name
        return sorted(p.parent.name.split("=", 1)[1] for p in base.glob(f"{PARTITION_COLUMN}=*/{PART}"))

    def commit(self) -> None:
        files = self.manifest.get("files", {})
        self.manifest["files"] = dict(sorted(files.items()))
        text = json.dumps(self.manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        # Write anew (not in place): the staging copy's files are hard links to the live ones.
        atomic.write_bytes_atomic(self.stage / MANIFEST, text.encode("utf-8"))
        rejects: list[Problem] = []
        for entry in self.manifest["files"].values():
            rejects.extend(Problem(**p) for p in entry.get("rejects", []))
        atomic.write_bytes_atomic(self.stage / REJECTS, problems_to_csv(rejects).encode("utf-8"))
        atomic.swap_in(self.stage, self.workspace.processed)
        self.committed = True

    def abort(self) -> None:

        if not self.committed and self.stage.exists():
            shutil.rmtree(self.stage, ignore_errors=True)
