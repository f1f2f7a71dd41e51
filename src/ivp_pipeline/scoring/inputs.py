"""What the scoring needs from the processed datasets, as pandas frames (read by steps/score.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

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
