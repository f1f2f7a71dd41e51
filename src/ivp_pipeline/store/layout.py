"""Where the processed store keeps what: one folder per dataset, one folder per municipality.

data/processed/<dataset>/municipality=<code>/part-<n>.parquet, _manifest.json, _rejects.csv. The
partition column lives in the folder name only, so DuckDB, Spark, Dask and pyarrow read the tree as
a plain hive dataset. A partition is usually one file, part-0; an ingest whose rows cannot share a
key with the stored ones (a new month) adds part-1, part-2, ... beside it instead of rewriting it,
and the next merge that touches the partition folds them into part-0 again (store/transaction.py).
This is the only module that spells the layout.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ivp_pipeline.schemas import Dataset

MANIFEST = "_manifest.json"
REJECTS = "_rejects.csv"
PART = "part-0.parquet"
PARTITION_COLUMN = "municipality"
_PART_FILE = re.compile(r"^part-(\d+)\.parquet$")


def partition_dir(root: Path, dataset: Dataset, municipality: str) -> Path:
    return root / dataset.name / f"{PARTITION_COLUMN}={municipality}"


def partition_path(root: Path, dataset: Dataset, municipality: str, part: int = 0) -> Path:
    """The file `part` of a partition; part-0 is the one every partition has."""
    return partition_dir(root, dataset, municipality) / f"part-{part}.parquet"


def part_files(folder: Path) -> list[tuple[int, Path]]:
    """(number, file) of the part files of one partition folder, in number order."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    found = [(int(m.group(1)), folder / name) for name in names if (m := _PART_FILE.match(name))]
    return sorted(found)


def partition_files(root: Path, dataset: Dataset) -> list[tuple[str, Path]]:
    """(municipality code, file) of every file of every partition of a dataset, sorted by code and
    then by part number (a partition's later parts hold rows added later)."""
    base = root / dataset.name
    if not base.is_dir():
        return []
    prefix = f"{PARTITION_COLUMN}="
    found: list[tuple[str, Path]] = []
    for folder in sorted(p for p in base.iterdir() if p.name.startswith(prefix) and p.is_dir()):
        code = folder.name[len(prefix) :]
        found.extend((code, path) for _n, path in part_files(folder))
    return found


def partitions(root: Path, dataset: Dataset) -> list[str]:
    """The municipality codes that have a partition of this dataset."""
    return sorted({code for code, _ in partition_files(root, dataset)})
