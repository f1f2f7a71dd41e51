"""The one CSV writer: every table of reports/tables/ (and wijzigingen.csv), same bytes each run.

UTF-8, comma, LF, no index; floats with fixed decimals (whole numbers without), dates ISO, missing
values empty, every text cell made formula-safe (reports/sanitise.py).
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.regions import unit_order
from ivp_pipeline.reports.sanitise import csv_text
from ivp_pipeline.scoring.result import INDICATORS, SCORES
from ivp_pipeline.scoring.tables import INDICATOR_EXTRAS

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

DIGITS = 6  # decimals of every float in every CSV table (docs/outputs.md): small rates keep 3+ digits
SCORE_COLUMNS = [*SCORES, "profile_label"]
INDICATOR_COLUMNS = [*INDICATORS, *INDICATOR_EXTRAS]
# The other tables of the result, all their columns in the result's row order.
RESULT_TABLES = (
    "criteria",
    "trends",
    "professionals",
    "perception",
    "funnel",
    "rank_probabilities",
    "sources",
)
EXTRA_TABLES = ("voortgang",)  # only when the result has them (an [evaluation] is configured)


def cell(value: Any, digits: int = DIGITS) -> str:
    """One CSV cell: floats with fixed decimals (integers without), dates ISO, missing values empty."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | int):
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
    return "" if text in ("nan", "NaT", "<NA>") else csv_text(text)


def csv_bytes(frame: pd.DataFrame, columns: list[str] | None = None, digits: int = DIGITS) -> bytes:
    """The frame's rows in their order, the given columns (default: all; absent ones empty).

    Each column is formatted as a whole (`column_cells`), then the rows are joined in one pass: the
    bytes of the csv module (comma, LF, minimal quoting), whose quoting is applied to the few cells
    that need it (`_quoted_cells`)."""
    cols = list(frame.columns) if columns is None else list(columns)
    n = len(frame)
    empty = [""] * n
    cells = [column_cells(frame[c], digits) if c in frame.columns else empty for c in cols]
    if len(cols) < 2:  # a row of one empty field is written as "" by the csv module: let it
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows(zip(*cells, strict=True))
        return buf.getvalue().encode("utf-8")
    lines = [",".join(_quoted_cells(cols)), *map(",".join, zip(*map(_quoted_cells, cells), strict=True))]
    return ("\n".join(lines) + "\n").encode("utf-8")


# characters for which the csv module may quote a field (it quotes the delimiter, the quote
# character and the line ends); a field with one of them is quoted by the csv module itself
_MAY_QUOTE = (",", '"', "\n", "\r")


def _quoted_cells(cells: list[str]) -> list[str]:
    """The cells of one column as the csv module writes them (most need no quotes: the same list)."""
    joined = "\x00".join(cells)
    if not any(ch in joined for ch in _MAY_QUOTE):
        return cells
    return [_csv_field(v) if any(ch in v for ch in _MAY_QUOTE) else v for v in cells]


def _csv_field(text: str) -> str:
    """One field as the csv module writes it (in a row of more than one field)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([text, ""])
    return buf.getvalue()[: -len(",\n")]


def column_cells(series: pd.Series, digits: int = DIGITS) -> list[str]:
    """`cell` of every value of one column, with the common column types formatted without a call
    per value: floats and integers of numpy columns (each distinct value formatted once), booleans,
    and values seen before."""
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else ""
    if kind == "f":
        big = 1e15
        # counts and populations repeat a lot: each distinct value once (-1: NaN, shown empty)
        floats, distinct = pd.factorize(series.to_numpy(), use_na_sentinel=True)
        texts = [
            str(int(v)) if v.is_integer() and -big < v < big else f"{v:.{digits}f}" for v in distinct.tolist()
        ]
        return list(np.array([*texts, ""], dtype=object)[floats])
    if kind in "iu" and kind:
        ints, distinct = pd.factorize(series.to_numpy())
        return list(np.array([str(v) for v in distinct.tolist()], dtype=object)[ints])
    if kind == "b":
        return ["true" if v else "false" for v in series.tolist()]
    if kind == "M" or (not kind and series.dtype != object):
        # dates, and texts or categories of one type: each distinct value formatted once
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        shown = np.array([*(cell(u, digits) for u in uniques), ""], dtype=object)  # -1: missing
        return shown[codes].tolist()
    memo: dict[tuple[type, Any], str] = {}  # by type too: True == 1, yet "true" != "1"
    out: list[str] = []
    for v in series.tolist() if kind else series.astype(object).tolist():
        if v is None or type(v) is float:
            out.append(cell(v, digits))
            continue
        key = (type(v), v)
        try:
            text = memo.get(key)
        except TypeError:  # not hashable
            out.append(cell(v, digits))
            continue
        if text is None:
            text = memo[key] = cell(v, digits)
        out.append(text)
    return out


def write_csv(
    path: Path,
    frame: pd.DataFrame,
    columns: list[str] | None = None,
    digits: int = DIGITS,
    *,
    fsync: bool = True,
) -> Path:
    """Write one table atomically (see csv_bytes); `fsync=False` in a staging folder (swap_in syncs)."""
    write_bytes_atomic(path, csv_bytes(frame, columns, digits), fsync=fsync)
    return path


def write_tables(result: ScoreResult, tables_dir: Path) -> list[Path]:
    """Every CSV table of the result: scores, indicators, the RESULT_TABLES and voortgang when present.

    scores.csv and indicators.csv have their rows sorted (unit, profile, rank, theme / unit, theme,
    source, measure, code, indicator, period); the other tables keep the result's order. A voortgang.csv
    of an earlier run is removed when the result has none.
    """
    frames: list[tuple[str, pd.DataFrame, list[str] | None]] = [
        ("scores", _sorted_rows(result.scores, ["profile", "rank", "theme"]), SCORE_COLUMNS),
        (
            "indicators",
            _sorted_rows(
                result.indicators,
                ["theme", "source", "measure", "offence_code", "indicator", "period_start"],
            ),
            INDICATOR_COLUMNS,
        ),
    ]
    frames += [(name, getattr(result, name), None) for name in RESULT_TABLES]
    frames += [(name, result.extras[name], None) for name in EXTRA_TABLES if name in result.extras]
    # into the staging folder of reports/: swap_in makes it durable as a whole
    written = [
        write_csv(tables_dir / f"{name}.csv", frame, cols, fsync=False) for name, frame, cols in frames
    ]
    for name in EXTRA_TABLES:  # an extra that is gone must not leave last run's file behind
        stale = tables_dir / f"{name}.csv"
        if name not in result.extras and stale.exists():
            stale.unlink()
    return written


def _sorted_rows(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """File order of scores.csv and indicators.csv: the one unit order (regions.unit_order), then the
    keys there (NaN last)."""
    f = frame.copy()
    position = {code: i for i, code in enumerate(unit_order(f["municipality"]))}
    f["_u"] = f["municipality"].map(position)
    present = [k for k in keys if k in f.columns]
    f = f.sort_values(["_u", *present], kind="stable", na_position="last")
    return f.drop(columns="_u")
