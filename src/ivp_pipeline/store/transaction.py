"""One run's changes to data/processed: merged by key in a staging copy, swapped in whole at commit.

All changes of one run happen in a staging copy beside data/processed (hard links to the live files,
see atomic.py) that is swapped in whole; the caller holds the workspace lock. Incoming tables are
checked against the processed contract once, here (store/contract.py).
"""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ivp_pipeline import atomic
from ivp_pipeline.csvsafe import csv_rows
from ivp_pipeline.problems import Problem, problems_to_csv
from ivp_pipeline.schemas import IN_KEY_ORDER, Dataset
from ivp_pipeline.store.contract import conform
from ivp_pipeline.store.layout import MANIFEST, PARTITION_COLUMN, REJECTS, partition_path, partitions
from ivp_pipeline.store.read import load_manifest, read_partition_file

SOURCE_FILE = "source_file"
SOURCE_SHA256 = "source_sha256"
SOURCE_ROW = "source_row"
# The table of revised cells: each run appends the old and new value of every observation whose
# value changed when a later file (or a new version of the same file) replaced it.
REVISIONS = "_revisions.csv"
REVISED_COLUMNS = {
    "police": ("value", "value_state", "period_status"),
    "survey": ("value", "value_state"),
    "professional": ("rating",),
    "population": ("inhabitants",),
}
REVISION_FIELDS = ["dataset", "municipality", "key", "column", "old", "new", "old_source", "new_source"]


def _key_strings(table: pa.Table, key: tuple[str, ...]) -> pa.Array:
    parts = [pc.fill_null(pc.cast(table[k], pa.string()), "\x00") for k in key]
    return pc.binary_join_element_wise(*parts, "\x1f")


def revised(existing: pa.Table, incoming: pa.Table, dataset: Dataset, municipality: str) -> list[list[Any]]:
    """Rows of the revisions table: per replaced observation and revised column, old and new value."""
    columns = REVISED_COLUMNS.get(dataset.name, ())
    if not columns or existing.num_rows == 0:
        return []
    keys = list(dataset.key)
    old = existing.select([*keys, *columns, SOURCE_FILE]).append_column(
        "_k", _key_strings(existing, dataset.key)
    )
    new = incoming.select([*columns, SOURCE_FILE]).append_column("_k", _key_strings(incoming, dataset.key))
    old = old.filter(pc.is_in(old["_k"], new["_k"]))
    if old.num_rows == 0:
        return []
    new = new.filter(pc.is_in(new["_k"], old["_k"]))
    old = old.sort_by("_k")
    new = new.sort_by("_k")  # both hold each key once: the same order
    out: list[list[Any]] = []
    for col in columns:
        a, b = pc.cast(old[col], pa.string()), pc.cast(new[col], pa.string())
        differs = pc.fill_null(pc.not_equal(a, b), True)
        differs = pc.and_(differs, pc.invert(pc.and_(pc.is_null(a), pc.is_null(b))))
        idx = pc.indices_nonzero(differs)
        if len(idx) == 0:
            continue
        for k, o, n, os_, ns in zip(
            old["_k"].take(idx).to_pylist(),
            a.take(idx).to_pylist(),
            b.take(idx).to_pylist(),
            pc.cast(old[SOURCE_FILE], pa.string()).take(idx).to_pylist(),
            pc.cast(new[SOURCE_FILE], pa.string()).take(idx).to_pylist(),
            strict=True,
        ):
            out.append(
                [dataset.name, municipality, k.replace("\x1f", " ").replace("\x00", ""), col, o, n, os_, ns]
            )
    return out


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
    manifest: dict[str, Any] = field(init=False)
    committed: bool = field(default=False, init=False)
    revisions: list[list[Any]] = field(default_factory=list, init=False)  # REVISION_FIELDS, this run

    _stage: Path | None = field(default=None, init=False, repr=False)
    _stage_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        atomic.recover(self.processed)
        self.manifest = load_manifest(self.processed)

    @property
    def stage(self) -> Path:
        """The staging copy, made at the first change: a run that changes nothing copies nothing
        (a national store's hard-linked copy is most of a no-change ingest)."""
        with self._stage_lock:  # upserts of one dataset run in threads
            if self._stage is None:
                self._stage = atomic.staging_dir(self.processed)
            return self._stage

    @property
    def _current(self) -> Path:
        """Where this run's view of the store is: the staging copy once made, else the live folder."""
        return self._stage if self._stage is not None else self.processed

    def read(self, dataset: Dataset, municipality: str) -> pa.Table:
        path = partition_path(self._current, dataset, municipality)
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
        # Statistics (min/max per row group) only where a reader filters: the key and the area level;
        # on names, labels and sources they cost a sixth of the write and prune nothing.
        stats = [c for c in (*dataset.key, "area_level") if c in table.schema.names]
        pq.write_table(table, tmp, compression="zstd", row_group_size=1_000_000, write_statistics=stats)
        tmp.replace(path)

    def upsert(self, dataset: Dataset, municipality: str, incoming: pa.Table) -> int:
        """Check incoming rows against the contract, merge them by key into one partition; rows replaced."""
        presorted = (incoming.schema.metadata or {}).get(IN_KEY_ORDER[0]) == IN_KEY_ORDER[1]
        existing = self.read(dataset, municipality)
        incoming = conform(incoming, dataset)
        merged, replaced = merge(existing, incoming, dataset, presorted)
        if replaced:
            self.revisions.extend(revised(existing, incoming, dataset, municipality))
        self._write(dataset, municipality, merged)
        return replaced

    def drop_source(self, dataset: Dataset, source_file: str, sha256: str | None = None) -> int:
        """Remove every row that came from one source file (it changed or went), or only those of one
        version of it (`sha256`: what its new version did not replace); rows removed."""
        removed = 0
        for code in partitions(self._current, dataset):
            table = self.read(dataset, code)
            gone = pc.equal(table[SOURCE_FILE], source_file)
            if sha256 is not None:
                gone = pc.and_(gone, pc.equal(table[SOURCE_SHA256], sha256))
            keep = pc.invert(gone)
            kept = table.filter(keep)
            if kept.num_rows != table.num_rows:
                removed += table.num_rows - kept.num_rows
                self._write(dataset, code, kept)
        return removed

    def lost_rows(
        self, dataset: Dataset, source_file: str, incoming: dict[str, pa.Table]
    ) -> dict[str, pa.Table]:
        """Per partition, the key columns of the rows that came from `source_file` and whose key the
        incoming tables (its new version, by partition, same dataset or not) lack: what replacing the
        file would remove."""
        out: dict[str, pa.Table] = {}
        for code in partitions(self._current, dataset):
            table = self.read(dataset, code)
            rows = table.filter(pc.equal(table[SOURCE_FILE], source_file)).select(list(dataset.key))
            if not rows.num_rows:
                continue
            new = incoming.get(code)
            if new is not None and new.schema.names and set(dataset.key) <= set(new.schema.names):
                rows = rows.filter(
                    pc.invert(pc.is_in(_key_strings(rows, dataset.key), _key_strings(new, dataset.key)))
                )
            if rows.num_rows:
                out[code] = rows
        return out

    def partitions(self, dataset: Dataset) -> list[str]:
        return partitions(self._current, dataset)

    def commit(self) -> None:
        files = self.manifest.get("files", {})
        self.manifest["files"] = dict(sorted(files.items()))
        text = json.dumps(self.manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        # Write anew (not in place): the staging copy's files are hard links to the live ones. No fsync
        # per file: swap_in makes the whole staging copy durable at once.
        atomic.write_bytes_atomic(self.stage / MANIFEST, text.encode("utf-8"), fsync=False)
        rejects: list[Problem] = []
        for entry in self.manifest["files"].values():
            rejects.extend(Problem(**p) for p in entry.get("rejects", []))
        atomic.write_bytes_atomic(self.stage / REJECTS, problems_to_csv(rejects).encode("utf-8"), fsync=False)
        if self.revisions:
            self._append_revisions()
        atomic.swap_in(self.stage, self.processed)
        self.committed = True

    def _append_revisions(self) -> None:
        path = self.stage / REVISIONS
        before = path.read_bytes() if path.exists() else b""
        rows = sorted(self.revisions, key=lambda r: [str(v) for v in r])
        text = csv_rows(REVISION_FIELDS, rows)
        if before:
            text = text.split("\n", 1)[1]  # the header is there already
        atomic.write_bytes_atomic(path, before + text.encode("utf-8"))

    def abort(self) -> None:
        if not self.committed and self._stage is not None and self._stage.exists():
            shutil.rmtree(self._stage, ignore_errors=True)
