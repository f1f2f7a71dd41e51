"""One run's changes to data/processed: merged by key in a staging copy, swapped in whole at commit.

All changes of one run happen in a staging copy beside data/processed (hard links to the live files,
see atomic.py) that is swapped in whole; the caller holds the workspace lock. Incoming tables are
checked against the processed contract once, here (store/contract.py), all partitions of a file in
one go, and the partitions are then written in threads (pyarrow releases the GIL while it encodes).

Rows that cannot share a key with a partition's stored rows (a new month, told from the min/max
statistics in the footers of its files, without reading them) are added as a new part file beside
the others, so adding a month costs what the month costs, not what the store holds. Any other change
merges by key and writes the partition anew as one file (part-0), which also folds the parts back
into one; so does the merge after COMPACT_AT parts.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ivp_pipeline import atomic
from ivp_pipeline.csvsafe import csv_rows
from ivp_pipeline.problems import Problem, problems_to_csv
from ivp_pipeline.schemas import IN_KEY_ORDER, Dataset
from ivp_pipeline.store.contract import cast, conform_stored
from ivp_pipeline.store.layout import (
    MANIFEST,
    PARTITION_COLUMN,
    REJECTS,
    part_files,
    partition_dir,
    partition_path,
    partitions,
)
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
PERIOD = "period_start"  # the key column that tells a new month apart
COMPACT_AT = 12  # part files in a partition before the next change folds them into one
# Writer threads, four on any machine: a writer also holds the GIL (pyarrow's Python glue, the paths)
# and waits in the kernel (a folder and a file per partition), so on two cores two threads left a
# core idle; four wrote a national file some 5 % sooner (interleaved runs), at the same CPU time.
THREADS = 4
# Values the Parquet writer encodes per step (its default is 1024): a partition of a national file
# (some 10,000 rows) in one step instead of ten costs a sixth less of the write, same bytes.
WRITE_BATCH = 1 << 16
PARALLEL_FROM = 8  # partitions in one upsert before writing them in threads pays


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
        if incoming.schema != existing.schema:  # dictionary-encoded text on its way in
            incoming = incoming.cast(existing.schema)
        keep = pc.invert(pc.is_in(_key_strings(existing, dataset.key), _key_strings(incoming, dataset.key)))
        kept = existing.filter(keep)
        replaced = existing.num_rows - kept.num_rows
        merged = pa.concat_tables([kept, incoming])
    return sort_by_key(merged, dataset), replaced


def sort_by_key(table: pa.Table, dataset: Dataset) -> pa.Table:
    """Rows in key order (then source row); sorts on the key columns only, so that dictionary-encoded
    text (which pyarrow cannot sort a table by) is fine elsewhere."""
    names = [*dataset.key, SOURCE_ROW]
    keys = pa.table(
        {n: table[n].cast(table[n].type.value_type) if pa.types.is_dictionary(table[n].type) else table[n]
         for n in names}
    )  # fmt: skip
    return table.take(pc.sort_indices(keys, sort_keys=[(n, "ascending") for n in names]))


class _KeyRanges:
    """The (min, max) of the incoming rows per key column, computed when first asked for (on the
    used entries of a dictionary column); a new month is told apart by its period alone."""

    ORDER = ("period_start", "year")  # the columns that tell appended rows apart, tried first

    def __init__(self, table: pa.Table, key: tuple[str, ...]) -> None:
        self.table = table
        self.names = sorted(key, key=lambda n: (n not in self.ORDER, key.index(n)))
        self._found: dict[str, tuple[Any, Any]] = {}

    def of(self, name: str) -> tuple[Any, Any]:
        if name not in self._found:
            column = self.table[name]
            if pa.types.is_dictionary(column.type):
                column = pa.chunked_array(
                    [c.dictionary.take(pc.unique(c.indices)) for c in column.chunks], column.type.value_type
                )
            low, high = pc.min_max(column).values()
            self._found[name] = (low.as_py(), high.as_py())
        return self._found[name]


def _after(incoming: pa.Table | list[pa.Table], stored_until: date | None) -> bool:
    """True when every incoming row's period lies after `stored_until` (no stored row shares its key);
    of a list of tables (the partitions of one file), in one pass over all of them."""
    if stored_until is None:
        return False
    tables = incoming if isinstance(incoming, list) else [incoming]
    if not tables or any(PERIOD not in t.schema.names for t in tables):
        return False
    column = pa.chunked_array(
        [c for t in tables for c in t[PERIOD].chunks], tables[0].schema.field(PERIOD).type
    )
    low = pc.min(column).as_py()
    return isinstance(low, date) and low > stored_until


def _cannot_share_a_key(path: Path, incoming: _KeyRanges) -> bool:
    """True when the footer statistics of a stored file prove that no incoming row has the key of
    one of its rows: for some key column, the incoming values and the file's do not overlap."""
    meta = pq.read_metadata(path)
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]
    for name in incoming.names:
        if name not in names:
            continue
        j = names.index(name)
        stats = [meta.row_group(g).column(j).statistics for g in range(meta.num_row_groups)]
        if not stats or any(s is None or not s.has_min_max for s in stats):
            continue
        low, high = incoming.of(name)
        file_low, file_high = min(s.min for s in stats), max(s.max for s in stats)
        if low is None or type(file_low) is not type(low):
            continue
        if high < file_low or low > file_high:
            return True
    return False


class Slices(Mapping[str, pa.Table]):
    """One table's rows by partition, cut into consecutive slices in code order: `bounds` holds
    (code, first row, end row) of each, in that order, covering the table. `upsert_all` takes them
    for slices of `whole` without comparing the buffers of every column of every slice (some 5,800
    of a national file, a few hundredths of a second)."""

    def __init__(self, whole: pa.Table, bounds: Sequence[tuple[str, int, int]]) -> None:
        ends = [0, *(end for _code, _first, end in bounds)]
        if [first for _code, first, _end in bounds] != ends[:-1] or ends[-1] != whole.num_rows:
            raise ValueError("the slices do not cut the table in consecutive pieces")
        self.whole = whole
        self._parts = {code: whole.slice(first, end - first) for code, first, end in bounds}
        if len(self._parts) != len(bounds):
            raise ValueError("a partition comes twice")

    def __getitem__(self, code: str) -> pa.Table:
        return self._parts[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)


def _slices_of(whole: pa.Table, tables: list[pa.Table]) -> bool:
    """True when the tables are `whole`, one chunk per column, cut into consecutive slices in this
    order: every column of every table a view of the same buffers, at the next offset."""
    if any(column.num_chunks != 1 for column in whole.columns):
        return False
    firsts = [column.chunk(0) for column in whole.columns]
    buffers = [_addresses(first) for first in firsts]
    offsets = [first.offset for first in firsts]
    for table in tables:
        if not table.schema.equals(whole.schema) or any(c.num_chunks != 1 for c in table.columns):
            return False
        chunks = [column.chunk(0) for column in table.columns]
        for i, chunk in enumerate(chunks):
            if chunk.offset != offsets[i] or _addresses(chunk) != buffers[i]:
                return False
            offsets[i] += len(chunk)
    return all(offset == f.offset + len(f) for offset, f in zip(offsets, firsts, strict=True))


def _addresses(array: pa.Array) -> list[int | None]:
    return [None if b is None else b.address for b in array.buffers()]


def _presorted(table: pa.Table) -> bool:
    return (table.schema.metadata or {}).get(IN_KEY_ORDER[0]) == IN_KEY_ORDER[1]


@dataclass
class Transaction:
    """One run's changes to data/processed (the folder given), applied whole at commit or not at all."""

    processed: Path
    manifest: dict[str, Any] = field(init=False)
    committed: bool = field(default=False, init=False)
    revisions: list[list[Any]] = field(default_factory=list, init=False)  # REVISION_FIELDS, this run

    _stage: Path | None = field(default=None, init=False, repr=False)
    _stage_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    # (dataset, partition) -> the part file this run wrote there: later files of the run merge into it
    _own: dict[tuple[str, str], int] = field(default_factory=dict, init=False, repr=False)

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
        """One partition, every part file of it, in the pinned schema."""
        files = part_files(partition_dir(self._current, dataset, municipality))
        return self._read_files(dataset, municipality, [path for _n, path in files])

    @staticmethod
    def _read_files(dataset: Dataset, municipality: str, files: list[Path]) -> pa.Table:
        if not files:
            return dataset.schema.empty_table()
        tables = [read_partition_file(path, dataset, municipality) for path in files]
        return tables[0] if len(tables) == 1 else pa.concat_tables(tables)

    def _write(
        self, dataset: Dataset, municipality: str, table: pa.Table, part: int = 0, fresh: bool = False
    ) -> None:
        """Write one part file of a partition in the staging copy (the partition column is dropped
        from the file); part 0 replaces the partition whole, so its other part files go. `fresh`:
        the partition has no files yet.

        `table` is checked already (by upsert), or read back from the store.
        """
        table = table.drop_columns([PARTITION_COLUMN])
        path = partition_path(self.stage, dataset, municipality, part)
        try:
            os.mkdir(path.parent)
        except FileExistsError:
            pass
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        # Statistics (min/max per row group) only where a reader filters or an append is decided:
        # the key and the area level; on names, labels and sources they cost and prune nothing.
        # No Arrow schema in the file: dictionary-encoded text reads back as the plain strings of the
        # pinned schema, and every Parquet reader sees the same, standard file. Snappy: every Parquet
        # reader has it, and it costs half of zstd's time on the small files of a partition (the
        # files are about three times larger; a national police store is some 30 MB).
        names = table.schema.names
        stats = [c for c in (*dataset.key, "area_level") if c in names]
        # Source rows are unique and ascending within a file: deltas, not a dictionary.
        deltas = {SOURCE_ROW: "DELTA_BINARY_PACKED"} if SOURCE_ROW in names else None
        buffer = pa.BufferOutputStream()  # one write of the whole file: cheaper than pyarrow's file output
        pq.write_table(
            table, buffer, compression="snappy", row_group_size=1_000_000, write_statistics=stats,
            use_dictionary=[c for c in names if c != SOURCE_ROW], column_encoding=deltas, store_schema=False,
            write_batch_size=WRITE_BATCH,
        )  # fmt: skip
        data = buffer.getvalue()
        try:
            # A new name is written in place (a new partition, a new part): the staging copy is not
            # published until the swap. An existing one is a hard link to the live file: replaced.
            with open(path, "xb") as fh:
                fh.write(data)
        except FileExistsError:
            with open(tmp, "wb") as fh:
                fh.write(data)
            tmp.replace(path)
        self._own[(dataset.name, municipality)] = part
        if part == 0 and not fresh:
            for n, other in part_files(path.parent):
                if n:
                    other.unlink()

    def upsert(self, dataset: Dataset, municipality: str, incoming: pa.Table) -> int:
        """Check incoming rows against the contract, merge them by key into one partition; rows replaced."""
        return self.upsert_all(dataset, {municipality: incoming})

    def upsert_all(
        self, dataset: Dataset, parts: Mapping[str, pa.Table], whole: pa.Table | None = None
    ) -> int:
        """`upsert` for many partitions at once (one file's rows by partition): one contract check for
        all of them, then the partitions in threads; rows replaced. `whole`: the table the parts are
        consecutive slices of, in code order (as `ivp ingest` groups a file, as `Slices`), checked in
        one piece."""
        items = sorted(parts.items())
        if not items:
            return 0
        presorted = [_presorted(table) for _code, table in items]
        cut = isinstance(parts, Slices) and parts.whole is whole and list(parts) == [c for c, _t in items]
        checked = self._conform([table for _code, table in items], dataset, whole, cut=cut)
        _ = self.stage  # the staging copy, made once before the threads share it
        until = self._stored_until(dataset)
        # A new month: every row of the file after the store's last period, seen in one pass over the
        # file instead of one per partition (a month of every municipality is 344 partitions).
        after = True if _after(checked, until) else None
        work = [
            (code, table, ordered, until, after)
            for (code, _), table, ordered in zip(items, checked, presorted, strict=True)
        ]
        if len(work) < PARALLEL_FROM:
            results = [self._upsert_one(dataset, *w) for w in work]
        else:
            with ThreadPoolExecutor(max_workers=THREADS) as pool:
                results = list(pool.map(lambda w: self._upsert_one(dataset, *w), work))
        for _replaced, revisions in results:
            self.revisions.extend(revisions)
        return sum(replaced for replaced, _revisions in results)

    @staticmethod
    def _conform(
        tables: list[pa.Table], dataset: Dataset, whole: pa.Table | None = None, *, cut: bool = False
    ) -> list[pa.Table]:
        """Each table checked and in the stored form; tables of one schema (the partitions of one file)
        are checked together, which costs one check instead of hundreds: as `whole` when they are
        slices of it (`cut`: they are `Slices` of it, in this order), else concatenated."""
        if whole is None or not (cut or _slices_of(whole, tables)):
            if len(tables) < 2 or not all(t.schema.equals(tables[0].schema) for t in tables[1:]):
                return [conform_stored(table, dataset) for table in tables]
            whole = pa.concat_tables(tables)
        stored, out, offset = conform_stored(whole, dataset), [], 0
        for table in tables:
            out.append(stored.slice(offset, table.num_rows))
            offset += table.num_rows
        return out

    def _stored_until(self, dataset: Dataset) -> date | None:
        """The latest period of any row of the dataset in the store, from the manifest (the last
        period of every file ingested into it), or None when the manifest does not say. A new month
        lies after it, so the footers of hundreds of partitions need not be read to see so."""
        if PERIOD not in dataset.key:
            return None
        lasts = [e.get("period_last") for e in self.manifest.get("files", {}).values()
                 if e.get("dataset") == dataset.name]  # fmt: skip
        if not lasts or not all(isinstance(last, str) for last in lasts):
            return None
        try:
            return max(date.fromisoformat(last) for last in lasts)
        except ValueError:
            return None

    @staticmethod
    def _apart(dataset: Dataset, files: list[tuple[int, Path]], incoming: pa.Table) -> bool:
        ranges = _KeyRanges(incoming, dataset.key)
        return all(_cannot_share_a_key(path, ranges) for _n, path in files)

    def _upsert_one(
        self,
        dataset: Dataset,
        municipality: str,
        incoming: pa.Table,
        presorted: bool,
        stored_until: date | None,
        after: bool | None = None,
    ) -> tuple[int, list[list[Any]]]:
        """Merge into one partition. Into the part this run wrote already, if any (a run leaves at
        most one new part per partition), else as a new part when no stored row can share a key with
        an incoming one (all incoming rows lie after `stored_until`, or the footers say so); else
        into the whole partition, written anew as part-0. `after`: True when the caller has seen
        already that every incoming row lies after `stored_until`; None: see here."""
        files = part_files(partition_dir(self.stage, dataset, municipality))
        own = self._own.get((dataset.name, municipality))
        others = [(n, path) for n, path in files if n != own]
        if not others or (
            len(files) < COMPACT_AT
            and incoming.num_rows
            and (after or _after(incoming, stored_until) or self._apart(dataset, others, incoming))
        ):
            part = own if own is not None else (files[-1][0] + 1 if files else 0)
            targets = [path for n, path in files if n == part]
        else:
            part, targets = 0, [path for _n, path in files]
        if not targets:
            ordered = incoming if presorted else sort_by_key(incoming, dataset)
            self._write(dataset, municipality, ordered, part, fresh=not files)
            return 0, []
        existing = self._read_files(dataset, municipality, targets)
        incoming = cast(incoming, dataset)
        merged, replaced = merge(existing, incoming, dataset)
        revisions = revised(existing, incoming, dataset, municipality) if replaced else []
        self._write(dataset, municipality, merged, part)
        return replaced, revisions

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
        atomic.swap_in(self.stage, self.processed, keep=True)
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
