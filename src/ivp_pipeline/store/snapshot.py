"""What `ivp refresh` compares before and after: the police figures and the years of the other datasets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from ivp_pipeline.schemas import POLICE, POPULATION, SURVEY
from ivp_pipeline.store.layout import PARTITION_COLUMN, partition_files
from ivp_pipeline.store.read import read_dataset, read_partition_file

POLICE_COLUMNS = (PARTITION_COLUMN, *POLICE.key, "value", "value_state")
YEAR_DATASETS = (SURVEY, POPULATION)
YEAR = "year"


@dataclass
class Snapshot:
    """The parts of data/processed that changes are computed from."""

    police: pa.Table  # POLICE_COLUMNS
    years: dict[str, set[tuple[str, int]]] = field(default_factory=dict)  # dataset -> {(muni, year)}


def snapshot(processed: Path) -> Snapshot:
    police = read_dataset(processed, POLICE, columns=POLICE_COLUMNS)
    years: dict[str, set[tuple[str, int]]] = {}
    for dataset in YEAR_DATASETS:
        found: set[tuple[str, int]] = set()
        for code, path in partition_files(processed, dataset):
            column = read_partition_file(path, dataset, code, columns=[YEAR])[YEAR]
            found.update((code, int(y)) for y in set(column.to_pylist()))
        years[dataset.name] = found
    return Snapshot(police, years)
