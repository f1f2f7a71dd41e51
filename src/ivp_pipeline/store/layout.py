"""Where the processed store keeps what: one folder per dataset, one Parquet file per municipality.

data/processed/<dataset>/municipality=<code>/part-0.parquet, _manifest.json, _rejects.csv. The
partition column lives in the folder name only, so DuckDB, Spark, Dask and pyarrow read the tree as
a plain hive dataset. This is the only module that spells the layout.
"""

from __future__ import annotations

from pathlib import Path

from ivp_pipeline.schemas import Dataset

MANIFEST = "_manifest.json"
REJECTS = "_rejects.csv"
PART = "part-0.parquet"
PARTITION_COLUMN = "municipality"


def partition_path(root: Path, dataset: Dataset, municipality: str) -> Path:
    return root / dataset.name / f"{PARTITION_COLUMN}={municipality}" / PART


def partition_files(root: Path, dataset: Dataset) -> list[tuple[str, Path]]:
    """(municipality code, file) of every partition of a dataset, sorted by code."""
    base = root / dataset.name
    if not base.is_dir():
        return []
    found = [(p.parent.name.split("=", 1)[1], p) for p in base.glob(f"{PARTITION_COLUMN}=*/{PART}")]
    return sorted(found)


def partitions(root: Path, dataset: Dataset) -> list[str]:
    """The municipality codes that have a partition of this dataset."""
    return [code for code, _ in partition_files(root, dataset)]
