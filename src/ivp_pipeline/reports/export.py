"""reports/tables/scores.csv and indicators.csv: sorted rows, fixed float format, LF, same bytes each run."""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ivp_pipeline import atomic
from ivp_pipeline.scoring.result import INDICATORS, SCORES
from ivp_pipeline.scoring.tables import INDICATOR_EXTRAS

if TYPE_CHECKING:
    import pandas as pd

    from ivp_pipeline.scoring.result import ScoreResult

SCORE_COLUMNS = [*SCORES, "profile_label"]
INDICATOR_COLUMNS = [*INDICATORS, *INDICATOR_EXTRAS]


def cell(value: Any, digits: int = 4) -> str:
    """One CSV cell: floats with fixed decimals (integers without), dates ISO, missing values empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | int) and not isinstance(value, bool):
        f = float(value)
        if math.isnan(f):
            return ""
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        if f.is_integer() and abs(f) < 1e15:
            return str(int(f))
        return f"{f:.{digits}f}"
    if hasattr(value, "item"):  # numpy scalars
        return cell(value.item(), digits)
    text = str(value)
    return "" if text in ("nan", "NaT", "<NA>") else text


def csv_bytes(frame: pd.DataFrame, columns: list[str], digits: int = 4) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    present = [c for c in columns if c in frame.columns]
    for row in frame[present].itertuples(index=False, name=None):
        values = dict(zip(present, row, strict=True))
        writer.writerow([cell(values.get(c), digits) for c in columns])
    return buf.getvalue().encode("utf-8")


def write_tables(result: ScoreResult, tables_dir: Path) -> list[Path]:
    """Write scores.csv and indicators.csv (rows already in a fixed order: unit, profile, rank, theme)."""
    scores = result.scores.sort_values(["municipality", "profile", "theme"], kind="stable")
    scores = _unit_first(scores, ["profile", "rank", "theme"])
    ind = _unit_first(
        result.indicators, ["theme", "source", "measure", "offence_code", "indicator", "period_start"]
    )
    out = []
    for name, frame, cols in (
        ("scores.csv", scores, SCORE_COLUMNS),
        ("indicators.csv", ind, INDICATOR_COLUMNS),
    ):
        path = tables_dir / name
        atomic.write_bytes_atomic(path, csv_bytes(frame, cols))
        out.append(path)
    return out


def _unit_first(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The four municipalities in code order, then NOT; within them the given keys (NaN last)."""
    f = frame.copy()
    f["_u"] = (f["municipality"] == "NOT").astype(int)
    f = f.sort_values(["_u", "municipality", *keys], kind="stable", na_position="last")
    return f.drop(columns="_u")
