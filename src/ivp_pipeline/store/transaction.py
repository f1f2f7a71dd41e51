"""One run's changes to data/processed: merged by key in a staging copy, swapped in whole at commit.

All changes of one run happen in a staging copy beside data/processed (hard links to the live files,
see atomic.py) that is swapped in whole; the caller holds the workspace lock. Incoming tables are
checked against the processed contract once, here (store/contract.py).
"""

from __future__ import annotations

import json
import shutil
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
from ivp_pipeline.store.layout import MANIFEST, PARTITION_COLUMN, REJECTS, partition_path, partitions
from ivp_pipeline.store.read import load_manifest, read_partition_file

SOURCE_FILE = "source_file"
SOURCE_ROW = "source_row"


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
    order = [(k, "ascending") for k in dataset.key] + [(SOURCE_ROW, "ascending")]
    return merged.sort_by(order), replaced


@dataclass
class Transaction:
    """One run's changes to data/processed (the folder given), applied whole at commit or not at all."""

    processed: Path
    stage: Path = field(init=False)
    manifest: dict[str, Any] = field(init=False)
    committed: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        atomic.recover(self.processed)
        self.stage = atomic.staging_dir(self.processed)
        self.manifest = load_manifest(self.stage)

    def read(self, dataset: Dataset, municipality: str) -> pa.Table:
        path = partition_path(self.stage, dataset, municipality)
        if not path.exists():
            return dataset.schema.empty_table()
        return read_partition_file(path, dataset, municipality)

    def _write(self, dataset: Dataset, municipality: str, table: pa.Table) -> None:
        """Replace one partition in the staging copy (the partition column is dropped from the file).

        `table` is in the pinned schema already: checked by upsert, or read back from the store.
        """
        table = table.drop_columns([PARTITION_COLUMN])
        path = partition_path(self.stage, dataset, municipality)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(".part-0.parquet.tmp")
        pq.write_table(table, tmp, compression="zstd", row_group_size=1_000_000)
        tmp.replace(path)

    def upsert(self, dataset: Dataset, municipality: str, incoming: pa.Table) -> int:
        """Check incoming rows against the contract, merge them by key into one partition; rows replaced."""
        presorted = (incoming.schema.metadata or {}).get(IN_KEY_ORDER[0]) == IN_KEY_ORDER[1]
        existing = self.read(dataset, municipality)
        merged, replaced = merge(existing, conform(incoming, dataset), dataset, presorted)
        self._write(dataset, municipality, merged)
        return replaced

    def drop_source(self, dataset: Dataset, source_file: str) -> int:
        """Remove every row that came from one source file (it changed or went); rows removed."""
        removed = 0
        for code in partitions(self.stage, dataset):
            table = self.read(dataset, code)
            keep = pc.not_equal(table[SOURCE_FILE], source_file)
            kept = table.filter(keep)
            if kept.num_rows != table.num_rows:
                removed += table.num_rows - kept.num_rows
                self._write(dataset, code, kept)
        return removed

    def partitions(self, dataset: Dataset) -> list[str]:
        return partitions(self.stage, dataset)

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
        atomic.swap_in(self.stage, self.processed)
        self.committed = True

    def abort(self) -> None:
        if not self.committed and self.stage.exists():
            shutil.rmtree(self.stage, ignore_errors=True)
