"""Reading the processed store: whole datasets or some columns, rows and partitions; the manifest."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ivp_pipeline.schemas import DATASETS, Dataset
from ivp_pipeline.store.layout import MANIFEST, PARTITION_COLUMN, partition_files

# A parquet row filter in pyarrow's DNF form, e.g. [("area_level", "in", ["gemeente", "provincie"])].
Filters = Sequence[tuple[str, str, Any]]
# Partition files read at a time: pyarrow reads and decodes a file without the GIL, and a national
# score reads some 1,000 small files, which one at a time keep one core busy and the other idle. The
# tables are concatenated in partition order, so the result does not depend on it.
READ_THREADS = 4


def read_partition_file(
    path: Path,
    dataset: Dataset,
    municipality: str,
    columns: Sequence[str] | None = None,
    filters: Filters | None = None,
    *,
    dictionary: bool = False,
) -> pa.Table:
    """One partition file with its partition column, cast to the pinned types (checked on the way in).

    `dictionary`: text columns stay dictionary-encoded as Parquet stores them (each distinct value
    once), for a reader that wants the codes; the values are those of the pinned schema."""
    wanted = list(columns) if columns is not None else dataset.schema.names
    file_columns = [c for c in wanted if c != PARTITION_COLUMN]
    text = [c for c in file_columns if _is_text(dataset.schema.field(c).type)] if dictionary else None
    table = pq.read_table(
        path, columns=file_columns, filters=list(filters) if filters else None, read_dictionary=text
    )
    if PARTITION_COLUMN in wanted:
        if dictionary:
            indices = pa.array(np.zeros(table.num_rows, dtype=np.int32))
            col = pa.DictionaryArray.from_arrays(indices, pa.array([municipality], pa.string()))
        else:
            col = pa.array([municipality] * table.num_rows, pa.string())
        table = table.append_column(PARTITION_COLUMN, col)
    return _cast(table, dataset, wanted, dictionary=dictionary)


def read_dataset(
    processed: Path,
    dataset: Dataset,
    municipalities: Iterable[str] | None = None,
    *,
    columns: Sequence[str] | None = None,
    filters: Filters | None = None,
    dictionary: bool = False,
) -> pa.Table:
    """Rows of a dataset in its pinned schema (or the given columns), optionally filtered while reading.

    `filters` are pushed down into the Parquet reader (a national buurt file is large);
    `municipalities` limits the partitions read. Empty (with the right columns) when nothing is stored.
    `dictionary`: text columns dictionary-encoded (see read_partition_file), one dictionary per file.
    """
    wanted = set(municipalities) if municipalities is not None else None
    parts = [
        (code, path) for code, path in partition_files(processed, dataset) if wanted is None or code in wanted
    ]

    def read(part: tuple[str, Path]) -> pa.Table:
        return read_partition_file(part[1], dataset, part[0], columns, filters, dictionary=dictionary)

    if len(parts) > 1:
        with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
            tables = list(pool.map(read, parts))
    else:
        tables = [read(part) for part in parts]
    if not tables:
        empty = dataset.schema.empty_table()
        return _cast(empty, dataset, columns or dataset.schema.names, dictionary=dictionary)
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


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _cast(table: pa.Table, dataset: Dataset, columns: Sequence[str], *, dictionary: bool = False) -> pa.Table:
    fields = [dataset.schema.field(c) for c in columns]
    if dictionary:
        fields = [f.with_type(pa.dictionary(pa.int32(), f.type)) if _is_text(f.type) else f for f in fields]
    schema = pa.schema(fields)
    if table.schema.equals(schema, check_metadata=True):
        return table
    return table.select(list(columns)).cast(schema)
