"""The processed contract, checked once on the way into the store: pinned schema, vocabularies, ranges."""

from __future__ import annotations

import pyarrow as pa

from ivp_pipeline.schemas import Dataset


def conform(table: pa.Table, dataset: Dataset) -> pa.Table:
    """Cast to the pinned schema (column order, types); raises on a missing or extra column (a bug)."""
    schema = dataset.schema
    missing = [n for n in schema.names if n not in table.column_names]
    extra = [n for n in table.column_names if n not in schema.names]
    if missing or extra:
        raise ValueError(f"{dataset.name}: columns missing {missing}, unexpected {extra}")
    if table.schema.equals(schema, check_metadata=True):  # e.g. merged rows on their way to disk
        return table
    return table.select(schema.names).cast(schema)
