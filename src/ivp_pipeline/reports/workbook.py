"""Workbook mechanics: typed, sanitised cells, styled tables with filters and frozen headers, stable bytes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ivp_pipeline.reports.labels import column as column_label
from ivp_pipeline.reports.labels import is_missing
from ivp_pipeline.reports.sanitise import clean_text, looks_like_formula
from ivp_pipeline.xlsxsave import deterministic_bytes

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

HEADER_ROW = 4  # rows 1-2 carry the title and a note, so a printed or pasted sheet explains itself
INT = "#,##0"
DEC1 = "0.0"
DEC2 = "0.00"
PCT = "0%"
PCT1 = "0.0%"
DATE = "dd-mm-yyyy"
DATETIME = "dd-mm-yyyy hh:mm"
TIED_RANK = '0" (gelijk)"'  # a shared rank stays a number (sorts and filters) but reads "2 (gelijk)"


@dataclass(frozen=True)
class Col:
    """One column of a sheet: the frame column, its Dutch header, number format and value mapping."""

    key: str
    header: str = ""  # default: the Dutch label of `key` in labels.COLUMNS
    fmt: str | None = None
    convert: Callable[[Any], Any] | None = None
    # per row: the number format of this cell (e.g. a shared rank shown as "2 (gelijk)"), else `fmt`
    fmt_of: Callable[[dict[str, Any]], str | None] | None = None
    # per row: the text written instead of a missing value ("geen score", "onbekend"); None = empty
    missing: Callable[[dict[str, Any]], str | None] | str | None = None

    def shown(self, rec: dict[str, Any]) -> tuple[Any, str | None]:
        """The value and number format of this column's cell for one row."""
        value = rec.get(self.key)
        if is_missing(value):
            text = self.missing(rec) if callable(self.missing) else self.missing
            return (text or None), None
        if self.convert is not None:
            value = self.convert(value)
        fmt = self.fmt_of(rec) if self.fmt_of is not None else None
        return value, fmt or self.fmt

    @property
    def title(self) -> str:
        return self.header or column_label(self.key)


def cell_value(value: Any) -> Any:
    """A value openpyxl writes as the right type: text cleaned, NaN/NA empty, timestamps naive."""

    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool | np.bool_):
        return "ja" if value else "nee"
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC").tz_localize(None)
        return value.to_pydatetime()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, int):
        return value
    return clean_text(str(value))


def put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None) -> None:
    """Write one cell; text always stays text (data_type 's'), so '=...' is never a formula."""
    cell = ws.cell(row=row, column=col)
    v = cell_value(value)
    cell.value = v
    if isinstance(v, str):
        cell.data_type = "s"
        if looks_like_formula(v):
            cell.quotePrefix = True  # Excel keeps it text even when the user edits the cell
    elif fmt and v is not None:
        cell.number_format = fmt


def write_table(
    ws: Worksheet,
    frame: pd.DataFrame,
    cols: Sequence[Col],
    *,
    title: str,
    note: str = "",
    freeze_cols: int = 0,
) -> None:
    """Title, note, a header row with filter and frozen panes, then one row per frame row."""

    put(ws, 1, 1, title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    if note:
        put(ws, 2, 1, note)
        ws.cell(row=2, column=1).font = Font(italic=True, color="555555")
    fill = PatternFill("solid", fgColor="DDE6F0")
    for j, col in enumerate(cols, start=1):
        put(ws, HEADER_ROW, j, col.title)
        cell = ws.cell(row=HEADER_ROW, column=j)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(c.title) for c in cols]
    # column names are str: a cast, not a copy of every row
    records = cast("list[dict[str, Any]]", frame.to_dict("records")) if len(frame) else []
    for i, rec in enumerate(records, start=HEADER_ROW + 1):
        for j, col in enumerate(cols, start=1):
            value, fmt = col.shown(rec)
            put(ws, i, j, value, fmt)
            widths[j - 1] = max(widths[j - 1], _shown_width(ws.cell(row=i, column=j).value, fmt))
    last_row = HEADER_ROW + max(len(records), 1)
    last_col = get_column_letter(len(cols))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{last_row}"
    ws.freeze_panes = f"{get_column_letter(freeze_cols + 1)}{HEADER_ROW + 1}"
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(w + 2, 8), 60)
    ws.sheet_view.zoomScale = 100


def _shown_width(value: Any, fmt: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime | date):
        return 16 if fmt == DATETIME else 10
    if fmt == TIED_RANK:
        return len(f"{value} (gelijk)")
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def stable_bytes(wb: Workbook, when: datetime) -> bytes:
    """Save with fixed properties and zip timestamps (`when`, derived from the data)."""

    return deterministic_bytes(wb, when)
