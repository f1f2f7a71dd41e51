"""Read the processed datasets the scoring needs (the only scoring module that touches paths)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ivp_pipeline import store
from ivp_pipeline.schemas import POLICE, POPULATION, PROFESSIONAL, SURVEY

if TYPE_CHECKING:
    import pandas as pd

import pyarrow as pa
import pyarrow.parquet as pq

# Area levels read for police figures: gemeente and above. Wijk and buurt rows are never summed with
# the gemeente row of the same municipality (that would double count).
POLICE_LEVELS = ("land", "landsdeel", "provincie", "regionale_eenheid", "basisteam", "gemeente")


@dataclass
class Inputs:
    police: pd.DataFrame  # POLICE columns, gemeente level and above
    survey: pd.DataFrame
    professional: pd.DataFrame
    population: pd.DataFrame
    manifest: dict[str, Any]


def read_inputs(processed: Path) -> Inputs:
    """Every partition of the four datasets (police without wijk/buurt rows), as pandas frames."""
    return Inputs(
        police=read_police(processed),
        survey=store.read_dataset(processed, SURVEY).to_pandas(),
        professional=stable_respondents(store.read_dataset(processed, PROFESSIONAL).to_pandas()),
        population=store.read_dataset(processed, POPULATION).to_pandas(),
        manifest=store.load_manifest(processed),
    )


def stable_respondents(prof: pd.DataFrame) -> pd.DataFrame:
    """Replace pseudonyms by ordinals in order of first appearance (file, row), rows in that order.

    Pseudonyms are keyed hashes, and every workspace has its own key: ordering or resampling by them
    would make the same input give other bytes elsewhere (a fresh CI clone, a colleague's machine).
    """
    if prof.empty:
        return prof
    prof = prof.sort_values(["source_file", "source_row", "theme", "criterion"], kind="stable")
    first = prof.drop_duplicates("respondent")["respondent"].tolist()
    ordinal = {r: f"r{i:04d}" for i, r in enumerate(first, start=1)}
    return prof.assign(respondent=prof["respondent"].map(ordinal)).reset_index(drop=True)


def read_police(processed: Path) -> pd.DataFrame:
    """Police rows at gemeente level and above, filtered while reading (a national buurt file is big)."""

    base = processed / POLICE.name
    tables = []
    for part in sorted(base.glob(f"{store.PARTITION_COLUMN}=*/{store.PART}")):
        code = part.parent.name.split("=", 1)[1]
        table = pq.read_table(part, filters=[("area_level", "in", list(POLICE_LEVELS))])
        col = pa.array([code] * table.num_rows, pa.string())
        tables.append(store.conform(table.append_column(store.PARTITION_COLUMN, col), POLICE))
    if not tables:
        return POLICE.schema.empty_table().to_pandas()
    return pa.concat_tables(tables).to_pandas()
