"""Workbook mechanics: typed, sanitised cells, styled tables with filters and frozen headers, stable bytes.

The report workbook is written with XlsxWriter (docs/architecture.md): write-only, column by
column, with its formats made once per workbook. Row and column numbers here are those the sheet
shows (1-based); XlsxWriter counts from 0.
"""

from __future__ import annotations

import contextlib
import gc
import io
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xlsxwriter

from ivp_pipeline.reports.labels import column as column_label
from ivp_pipeline.reports.labels import is_missing
from ivp_pipeline.reports.sanitise import clean_text, looks_like_formula
from ivp_pipeline.reports.xlsxfast import FastWorksheet, quote

if TYPE_CHECKING:
    from xlsxwriter.format import Format

HEADER_ROW = 4  # rows 1-2 carry the title and a note, so a printed or pasted sheet explains itself
INT = "#,##0"
DEC1 = "0.0"
DEC2 = "0.00"
PCT = "0%"
PCT1 = "0.0%"
DATE = "dd-mm-yyyy"
DATETIME = "dd-mm-yyyy hh:mm"
TIED_RANK = '0" (gelijk)"'  # a shared rank stays a number (sorts and filters) but reads "2 (gelijk)"
# A date or time written without a format of its own (as openpyxl did).
DEFAULT_DATE = "yyyy-mm-dd h:mm:ss"
# The width of a column nothing set (Excel's default of this workbook, in characters).
DEFAULT_WIDTH = 13
# Styles of cells beside their number format (XlsxWriter format properties).
STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 13},
    "note": {"italic": True, "font_color": "#555555"},
    "header": {"bold": True, "pattern": 1, "bg_color": "#DDE6F0", "text_wrap": True, "valign": "top"},
    "bold": {"bold": True},
    "warning": {"bold": True, "font_color": "#B34700"},
}
PIXELS_PER_CHAR = 7  # Calibri 11's digit: XlsxWriter stores widths in pixels


@dataclass(frozen=True)
class Col:
    """One column of a sheet: the frame column, its Dutch header, number format and value mapping."""

    key: str
    header: str = ""  # default: the Dutch label of `key` in labels.COLUMNS
    fmt: str | None = None
    convert: Callable[[Any], Any] | None = None
    # per row: the number format of this cell (e.g. a shared rank shown as "2 (gelijk)"), else `fmt`
    fmt_of: Callable[[Mapping[str, Any]], str | None] | None = None
    # per row: the text written instead of a missing value ("geen score", "onbekend"); None = empty
    missing: Callable[[Mapping[str, Any]], str | None] | str | None = None

    def shown(self, rec: Mapping[str, Any]) -> tuple[Any, str | None]:
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
    """The value as the workbook stores it: text cleaned, NaN/NA empty, booleans ja/nee, timestamps
    naive, numpy scalars as Python numbers."""

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


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: a workbook is millions of small objects freed by their
    reference counts, and the collector's passes over them cost a fifth of writing it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Book:
    """One workbook in memory: its sheets, and each (style, number format) made into a format once."""

    def __init__(self, when: datetime) -> None:
        self._buffer = io.BytesIO()
        self._book = xlsxwriter.Workbook(
            self._buffer,
            {
                "in_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": DEFAULT_DATE,
            },
        )
        # fixed properties: the date comes from the data, so the same inputs give the same bytes
        # (XlsxWriter stamps every zip entry with 1980-01-01 itself)
        self._book.set_properties({"author": "ivp", "created": when})
        self._formats: dict[tuple[str | None, str | None, bool], Format] = {}
        self._sheets: list[Sheet] = []

    def sheet(self, title: str) -> Sheet:
        """A new sheet (`title` already valid and unique: sanitise.sheet_title)."""
        sheet = Sheet(self, self._book.add_worksheet(title, worksheet_class=FastWorksheet))
        self._sheets.append(sheet)
        return sheet

    def format(self, style: str | None, num: str | None, quote: bool = False) -> Format | None:
        """The format of a cell of this style and number format (None: the default format)."""
        if style is None and num is None and not quote:
            return None
        key = (style, num, quote)
        found = self._formats.get(key)
        if found is None:
            props = dict(STYLES[style]) if style else {}
            if num:
                props["num_format"] = num
            if quote:
                props["quote_prefix"] = True
            found = self._formats[key] = self._book.add_format(props)
        return found

    def bytes(self) -> bytes:
        """The finished workbook (the book cannot be written to after this)."""
        for sheet in self._sheets:
            sheet.finish()
        self._book.close()
        return self._buffer.getvalue()


class Sheet:
    """One worksheet, and what the page setup reads back: last row, widths, headers, value lengths."""

    def __init__(self, book: Book, ws: FastWorksheet) -> None:
        self.book = book
        self.ws = ws
        self.max_row = 0
        self.widths: dict[int, float] = {}  # column -> width in characters
        self.heights: dict[int, float] = {}  # row -> height in points
        self.headers: dict[int, str] = {}  # column -> text of the header row
        # column -> the longest value below the header: len of a text, 10 for anything else
        self.longest: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, fmt: str | None = None, style: str | None = None) -> None:
        """Write one cell; text always stays text, so '=...' is never a formula."""
        self.max_row = max(self.max_row, row)
        v = cell_value(value)
        if row == HEADER_ROW:
            self.headers[col] = "" if v is None else str(v)
        elif row > HEADER_ROW and v is not None:
            shown = len(v) if isinstance(v, str) else 10
            self.longest[col] = max(self.longest.get(col, 0), shown)
        _write(self.book, self.ws, row - 1, col - 1, v, fmt, style)

    def width(self, col: int) -> float:
        return self.widths.get(col, DEFAULT_WIDTH)

    def finish(self) -> None:
        for col, width in sorted(self.widths.items()):
            self.ws.set_column_pixels(col - 1, col - 1, round(width * PIXELS_PER_CHAR))
        for row, height in sorted(self.heights.items()):
            self.ws.set_row(row - 1, height)


def _write(book: Book, ws: FastWorksheet, r: int, c: int, v: Any, fmt: str | None, style: str | None) -> None:
    """One cleaned value (cell_value) at 0-based (r, c)."""
    if isinstance(v, str) and v:
        ws.write_string(r, c, v, book.format(style, None, looks_like_formula(v)))
    elif v is None or v == "":
        if style is not None:
            ws.write_blank(r, c, None, book.format(style, None))
    elif isinstance(v, datetime | date):
        ws.write_datetime(r, c, v, book.format(style, fmt or DEFAULT_DATE))
    else:
        ws.write_number(r, c, v, book.format(style, fmt))


def put(ws: Sheet, row: int, col: int, value: Any, fmt: str | None = None) -> None:
    """Write one cell (Sheet.put)."""
    ws.put(row, col, value, fmt)


class _Row(Mapping[str, Any]):
    """Row `i` of the table's columns, as the per-row callables of a Col read it."""

    __slots__ = ("_data", "_i")

    def __init__(self, data: Mapping[str, list[Any]], i: int) -> None:
        self._data, self._i = data, i

    def __getitem__(self, key: str) -> Any:
        return self._data[key][self._i]

    def get(self, key: str, default: Any = None) -> Any:
        values = self._data.get(key)
        return default if values is None else values[self._i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class _Columns(Mapping[str, list[Any]]):
    """The columns of a table as lists of Python values (_values), each made when first read: a
    sheet shows some of a frame's columns, and its per-row callables read a few more. `extra`
    columns (lists as long as the frame) come before the frame's own."""

    __slots__ = ("_frame", "_made", "_names")

    def __init__(self, frame: pd.DataFrame, extra: Mapping[str, list[Any]] | None = None) -> None:
        self._frame = frame
        self._made: dict[str, list[Any]] = dict(extra or {})
        self._names = {str(k): k for k in frame.columns if str(k) not in self._made}

    def __getitem__(self, key: str) -> list[Any]:
        found = self._made.get(key)
        if found is None:
            if key not in self._names:
                raise KeyError(key)
            found = self._made[key] = _values(self._frame[self._names[key]])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter([*self._names, *(k for k in self._made if k not in self._names)])

    def __len__(self) -> int:
        return len(set(self._names) | set(self._made))


def write_table(
    ws: Sheet,
    frame: pd.DataFrame,
    cols: Sequence[Col],
    *,
    title: str,
    note: str = "",
    freeze_cols: int = 0,
    extra: Mapping[str, list[Any]] | None = None,
) -> None:
    """Title, note, a header row with filter and frozen panes, then one row per frame row; `extra`
    columns (lists of values, one per row) are read as if they were columns of the frame."""

    ws.put(1, 1, title, style="title")
    if note:
        ws.put(2, 1, note, style="note")
    for j, col in enumerate(cols, start=1):
        ws.put(HEADER_ROW, j, col.title, style="header")
    n = len(frame)
    # every column once as a list; a row is read through _Row only where a Col needs the whole row
    data: Mapping[str, list[Any]] = _Columns(frame, extra) if n else {}
    for j, col in enumerate(cols, start=1):
        width = _write_column(ws, j, col, data, n)
        ws.widths[j] = min(max(max(len(col.title), width) + 2, 8), 60)
    ws.max_row = max(ws.max_row, HEADER_ROW + n)
    last_row = HEADER_ROW + max(n, 1)
    ws.ws.autofilter(HEADER_ROW - 1, 0, last_row - 1, len(cols) - 1)
    ws.ws.freeze_panes(HEADER_ROW, freeze_cols)


def _values(series: pd.Series) -> list[Any]:
    """A column as Python values: numbers as float/int, missing values as None/NaN/NA."""
    if len(series) >= _LONG and (series.dtype.kind == "M" or isinstance(series.dtype, pd.StringDtype)):
        # dates and texts of a long column repeat: each distinct value made a Python value once
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        boxed = np.empty(len(uniques) + 1, dtype=object)
        for i, value in enumerate(_plain_values(pd.Series(uniques))):
            boxed[i] = value
        boxed[-1] = pd.NaT if series.dtype.kind == "M" else getattr(series.dtype, "na_value", None)
        return list(boxed[codes])
    return _plain_values(series)


def _plain_values(series: pd.Series) -> list[Any]:
    if series.dtype == object or isinstance(series.dtype, np.dtype):
        return series.tolist()
    return list(series.astype(object))  # extension types: their own scalars, NA as pd.NA


_LONG = 10_000  # rows from which a column of dates or texts is made from its distinct values


def _write_column(ws: Sheet, j: int, col: Col, data: Mapping[str, list[Any]], n: int) -> int:
    """The cells of one column below the header; returns the width its values need."""
    values = data.get(col.key, [None] * n)
    if col.fmt_of is not None or callable(col.missing):  # the format or text depends on the row
        shown = [col.shown(_Row(data, i)) for i in range(n)]
        cells = [_fast(v) for v, _ in shown]
        fmts: list[str | None] | None = [f for _, f in shown]
    else:
        cells, fmts = _cells(col, values), None
    return _emit(ws, j, cells, col.fmt, fmts)


def _cells(col: Col, values: list[Any]) -> list[Any]:
    """The stored values of a column whose cells do not depend on their row (Col.shown, cell_value).

    A value met before is looked up, not converted again: labels, dates and codes repeat a lot."""
    convert, missing = col.convert, col.missing or None
    memo: dict[tuple[type, Any], Any] = {}  # by type too: True == 1, yet "ja" != 1
    out: list[Any] = []
    for raw in values:
        if type(raw) is float and convert is None:
            out.append(raw if math.isfinite(raw) else missing if raw != raw else None)
            continue
        key = (type(raw), raw)
        try:
            out.append(memo[key])
            continue
        except (KeyError, TypeError):  # new, or not hashable
            pass
        v = _fast(missing) if _missing(raw) else _fast(raw if convert is None else convert(raw))
        with contextlib.suppress(TypeError):
            memo[key] = v
        out.append(v)
    return out


def _emit(ws: Sheet, j: int, cells: list[Any], fmt: str | None, fmts: list[str | None] | None) -> int:
    """Write stored values below the header of column j (fmts: per cell, else `fmt`); returns the
    widest value as shown."""
    book, c = ws.book, j - 1
    number = book.format(None, fmt)
    when = book.format(None, fmt or DEFAULT_DATE)
    quoted = book.format(None, None, True)
    per_row = None
    if fmts is not None:  # made in the order of the cells (the order of the formats is in the bytes)
        per_row = [
            (book.format(None, f), book.format(None, f or DEFAULT_DATE))
            if not (v is None or v == "")
            else _NONE
            for f, v in zip(fmts, cells, strict=True)
        ]
    if not ws.ws.put_column(c, HEADER_ROW, cells, number, when, quoted, per_row):
        _emit_cells(ws, c, cells, number, when, quoted, per_row)
    if fmts is None:
        found = _column_width(cells, fmt)
        if found is not None:
            widest, longest = found
            if longest:
                ws.longest[j] = max(ws.longest.get(j, 0), longest)
            return widest
    widest = longest = 0
    for i, v in enumerate(cells):
        if v is None or v == "":  # an empty text is no cell, as a missing value
            continue
        if fmts is not None:
            fmt = fmts[i]
        t = type(v)
        if t is float:
            shown = len(f"{v} (gelijk)") if fmt == TIED_RANK else len(f"{v:,.2f}")
            longest = 10 if longest < 10 else longest
        elif t is str:
            shown = max(map(len, v.splitlines()), default=0)
            longest = max(longest, len(v))
        elif t is int:
            shown = len(f"{v} (gelijk)") if fmt == TIED_RANK else len(str(v))
            longest = 10 if longest < 10 else longest
        else:  # a date or time
            shown = 16 if fmt == DATETIME else 10
            longest = 10 if longest < 10 else longest
        if shown > widest:
            widest = shown
    if longest:
        ws.longest[j] = max(ws.longest.get(j, 0), longest)
    return widest


_NONE: tuple[None, None] = (None, None)
_PLAIN = frozenset({float, int, str, type(None), datetime, date, pd.Timestamp})


def _column_width(cells: list[Any], fmt: str | None) -> tuple[int, int] | None:
    """(widest value as shown, longest value) of a column of one number format, as _emit's loop
    finds them, by kind of value: the widest of the numbers shown as 1,234.56 is that of the
    largest or the most negative one. None: a kind of value the loop must see one by one."""
    kinds = set(map(type, cells))
    if not kinds <= _PLAIN:
        return None
    widest = longest = 0
    if float in kinds:
        floats = [v for v in cells if type(v) is float]
        if fmt == TIED_RANK:
            widest = max(len(f"{v} (gelijk)") for v in floats)
        else:
            # the shown length grows with the size of the number; a minus sign (also of -0.0) adds one
            positive = [v for v in floats if v > 0 or (v == 0 and math.copysign(1.0, v) > 0)]
            negative = [v for v in floats if v < 0 or (v == 0 and math.copysign(1.0, v) < 0)]
            for pick in (max(positive, default=None), min(negative, default=None)):
                if pick is not None:
                    widest = max(widest, len(f"{pick:,.2f}"))
        longest = 10
    if int in kinds:
        ints = [v for v in cells if type(v) is int]
        if fmt == TIED_RANK:
            widest = max(widest, *(len(f"{v} (gelijk)") for v in ints))
        else:
            widest = max(widest, *(len(str(v)) for v in ints))
        longest = 10
    if kinds & {datetime, date, pd.Timestamp}:
        widest = max(widest, 16 if fmt == DATETIME else 10)
        longest = 10
    if str in kinds:
        texts = {v for v in cells if type(v) is str and v}  # labels and codes repeat: each once
        if texts:
            widest = max(widest, *(max(map(len, v.splitlines()), default=0) for v in texts))
            longest = max(longest, *map(len, texts))
    return widest, longest


def _emit_cells(
    ws: Sheet,
    c: int,
    cells: list[Any],
    number: Format | None,
    when: Format | None,
    quoted: Format | None,
    per_row: list[tuple[Format | None, Format | None]] | None,
) -> None:
    """The cells of a column one by one through XlsxWriter's write methods (a column that does not
    fit in a sheet: XlsxWriter leaves out the cells beyond its last row)."""
    sheet = ws.ws
    r = HEADER_ROW - 1
    for i, v in enumerate(cells):
        r += 1
        if v is None or v == "":
            continue
        if per_row is not None:
            number, when = per_row[i]
        t = type(v)
        if t is float or t is int:
            sheet.write_number(r, c, v, number)
        elif t is str:
            sheet.write_string(r, c, v, quoted if quote(v) else None)
        else:
            sheet.write_datetime(r, c, v, when)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return False
    return is_missing(value)


def _fast(value: Any) -> Any:
    """cell_value, with the common Python types first."""
    if type(value) is float:
        return value if math.isfinite(value) else None
    if type(value) is str:
        return clean_text(value)
    if type(value) is int:
        return value
    return cell_value(value)
