"""The workbook's tables also as CSV (canonical column names), for scripts and other tools."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.reports.sanitise import csv_text

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

import pandas as pd

# scores.csv and indicators.csv are written by `ivp score` itself; these are the other tables.
CSV_TABLES = ("criteria", "trends", "professionals", "perception", "funnel", "rank_probabilities", "sources")
EXTRA_TABLES = ("voortgang",)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8, comma, LF, no index; text cells made formula-safe; dates as ISO dates."""

    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%d")
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[col] = series.map(lambda v: csv_text(v) if isinstance(v, str) else v)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_csvs(result: ScoreResult, tables_dir: Path) -> list[Path]:
    written = []
    frames = {name: getattr(result, name) for name in CSV_TABLES}
    frames.update({name: result.extras[name] for name in EXTRA_TABLES if name in result.extras})
    for name, frame in frames.items():
        path = tables_dir / f"{name}.csv"
        write_bytes_atomic(path, csv_bytes(frame))
        written.append(path)
    for name in EXTRA_TABLES:  # an extra that is gone must not leave last run's file behind
        stale = tables_dir / f"{name}.csv"
        if name not in frames and stale.exists():
            stale.unlink()
    return written
