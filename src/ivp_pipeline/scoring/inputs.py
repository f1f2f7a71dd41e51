"""What the scoring needs from the processed datasets, as pandas frames (read by steps/score.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

# Area levels read for police figures: gemeente and above. Wijk and buurt rows are never summed with
# the gemeente row of the same municipality (that would double count).
POLICE_LEVELS = ("land", "landsdeel", "provincie", "regionale_eenheid", "basisteam", "gemeente")
WIJK_COLUMNS = (
    "municipality",
    "area_code",
    "area_name",
    "measure",
    "offence_code",
    "period_start",
    "period_kind",
    "value",
    "value_state",
)


# Text as Python strings (pandas' python storage of `str`): the scoring compares, groups and walks
# these columns row by row, which Arrow-backed strings make slow (a conversion per element).
PLAIN_TEXT = pd.StringDtype("python", na_value=np.nan)


def as_frame(table: pa.Table) -> pd.DataFrame:
    """A table read from the store as the frame the scoring takes: text columns in PLAIN_TEXT.

    Each distinct text is one Python object shared by its rows (a column holds few distinct codes
    and names), so a national police table costs a pointer per value, not a string per value. Text
    may come dictionary-encoded (store.read_dataset(..., dictionary=True)) or plain.
    """
    text = [i for i, f in enumerate(table.schema) if _is_text(f.type)]
    frame = table.drop_columns([table.column_names[i] for i in text]).to_pandas()
    for i in text:
        column = table.column(i)
        if not pa.types.is_dictionary(column.type):
            column = column.dictionary_encode()
        column = column.unify_dictionaries()  # one dictionary for every file's chunk
        words = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
        codes = [c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in column.chunks]
        index = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
        # the distinct values as one small array, taken per row (-1: missing): no check per row
        frame[table.column_names[i]] = pd.array(words, dtype=PLAIN_TEXT).take(index, allow_fill=True)
    return frame[table.column_names]


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


@dataclass
class Inputs:
    police: pd.DataFrame  # POLICE columns, gemeente level and above
    survey: pd.DataFrame
    professional: pd.DataFrame  # respondents as ordinals (stable_respondents)
    population: pd.DataFrame
    manifest: dict[str, Any]
    # local figures (Halt, RIEC, ...): LOCAL_FIGURES columns of schemas.py; empty when none ingested
    local_figures: pd.DataFrame = field(default_factory=pd.DataFrame)
    # police rows at wijk level (WIJK_COLUMNS only) for "where it happens"; never summed with gemeente rows
    wijken: pd.DataFrame = field(default_factory=pd.DataFrame)


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
