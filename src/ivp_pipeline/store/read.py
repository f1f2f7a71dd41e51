"""Reading the processed store: whole datasets or some columns, rows and partitions; the manifest."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ivp_pipeline.schemas import DATASETS, Dataset
from ivp_pipeline.store.layout import MANIFEST, PARTITION_COLUMN, partition_files

# A parquet row filter in pyarrow's DNF form, e.g. [("area_level", "in", ["gemeente", "provincie"])].
Filters = Sequence[tuple[str, str, Any]]


def read_partition_file(
    path: Path,
    dataset: Dataset,
    municipality: str,
    columns: Sequence[str] | None = None,
    filters: Filters | None = None,
) -> pa.Table:
    """One partition file with its partition column, cast to the pinned types (checked on the way in)."""
    wanted = list(columns) if columns is not None else dataset.schema.names
    file_columns = [c for c in wanted if c != PARTITION_COLUMN]
    table = pq.read_table(path, columns=file_columns, filters=list(filters) if filters else None)
    if PARTITION_COLUMN in wanted:
        col = pa.array([municipality] * table.num_rows, pa.string())
        table = table.append_column(PARTITION_COLUMN, col)
    return _cast(table, dataset, wanted)


def read_dataset(
    processed: Path,
    dataset: Dataset,
    municipalities: Iterable[str] | None = None,
    *,
    columns: Sequence[str] | None = None,
    filters: Filters | None = None,
) -> pa.Table:
    """Rows of a dataset in its pinned schema (or the given columns), optionally filtered while reading.

    `filters` are pushed down into the Parquet reader (a national buurt file is large);
    `municipalities` limits the partitions read. Empty (with the right columns) when nothing is stored.
    """
    wanted = set(municipalities) if municipalities is not None else None
    tables = [
        read_partition_file(path, dataset, code, columns, filters)
        for code, path in partition_files(processed, dataset)
        if wanted is None or code in wanted
    ]
    if not tables:
        return _cast(dataset.schema.empty_table(), dataset, columns or dataset.schema.names)
    return pa.concat_tables(tables)


def has_data(processed: Path) -> bool:
    """True when any dataset has a partition."""
    return any(partition_files(processed, d) for d in DATASETS.values())


def load_manifest(processed: Path) -> dict[str, Any]:
    path = processed / MANIFEST
    if not path.exists():
        return {"version": 1, "files": {}}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _cast(table: pa.Table, dataset: Dataset, columns: Sequence[str]) -> pa.Table:
    schema = pa.schema([dataset.schema.field(c) for c in columns])
    if table.schema.equals(schema, check_metadata=True):
        return table
    return table.select(list(columns)).cast(schema)
