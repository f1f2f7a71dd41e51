"""A faster XlsxWriter worksheet for the report workbook: the same bytes, a fraction of the time.

XlsxWriter spends most of a large workbook in two per-cell loops: `write_number` and friends
(argument conversion, NaN and bounds checks, one call each) and `_write_rows`, which builds the
XML of every cell through a few method calls. `FastWorksheet` keeps XlsxWriter's data model (the
`table` of cell tuples, the shared-string table, the dimensions) and its XML, and only shortens
those two loops:

- `put_column` stores a whole column of plain values (finite numbers, texts, dates) as the cell
  tuples the write methods would store, in the same order (so every text gets the same index in
  the shared-string table), and updates the dimensions once;
- `_write_rows` / `_calculate_spans` write the cells of the common kinds (number, date, shared
  string, blank) as the same text XlsxWriter's own code writes, one string per row; any other
  kind of cell (formula, boolean, rich text, ...), a row with comments or a workbook for Excel 2010
  goes through XlsxWriter's own code.

These use XlsxWriter's internal structures (checked with 3.2 and 3.3): tests/reports/test_xlsxfast.py
writes the same content through a stock worksheet and through this one and compares the bytes, so
a change in XlsxWriter shows up there, not in a user's workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import (
    CellBlankTuple,
    CellDatetimeTuple,
    CellNumberTuple,
    CellStringTuple,
    Worksheet,
)

from ivp_pipeline.reports.sanitise import looks_like_formula

if TYPE_CHECKING:
    from xlsxwriter.format import Format


_new = tuple.__new__


class FastWorksheet(Worksheet):
    """An XlsxWriter worksheet with a bulk column writer and a faster sheet-data writer."""

    def put_column(
        self,
        col: int,
        first_row: int,
        values: Sequence[Any],
        number: Format | None,
        when: Format | None,
        quoted: Format | None,
        formats: Sequence[tuple[Format | None, Format | None]] | None = None,
    ) -> bool:
        """Store `values` (0-based rows from `first_row`) in column `col`; None and "" are no cell.

        Numbers (finite int/float) get `number`, dates and times `when` (or the sheet's default date
        format), texts none, or `quoted` when they could read as a formula (`quote`). With `formats`,
        row i uses formats[i] = (number, when) instead. Returns False, storing nothing, when the
        column does not fit in a sheet (the stock write methods then decide what happens)."""
        last = first_row + len(values) - 1
        if not values or first_row < 0 or col < 0 or last >= self.xls_rowmax or col >= self.xls_colmax:
            return False
        table = self.table
        shared = self.str_table._get_shared_string_index
        half = self.xls_strmax // 2
        default_date = self.default_date_format
        top = bottom = -1
        if formats is None and all(type(v) is float or type(v) is int or v is None for v in values):
            # a column of numbers (the most common kind): the same cells, with less to check per cell
            rows = [r for r, v in enumerate(values, first_row) if v is not None]
            for r in rows:  # the namedtuple's own __new__ is a Python function: tuple's is not
                table[r][col] = _new(CellNumberTuple, (values[r - first_row], number))
            if rows:
                self._check_dimensions(rows[0], col)
                self._check_dimensions(rows[-1], col)
            return True
        strings = self.str_table
        texts: dict[str, CellStringTuple] = {}  # a text met before in this column -> its cell
        dates: dict[tuple[Any, ...], float] = {}  # a date or time -> its Excel serial number
        r = first_row - 1
        for i, v in enumerate(values):
            r += 1
            if v is None or v == "":
                continue
            if formats is not None:
                number, when = formats[i]
            t = type(v)
            if t is float or t is int:
                table[r][col] = _new(CellNumberTuple, (v, number))
            elif t is str:
                cell = texts.get(v)
                if cell is not None:  # the same cell again: the shared-string table counts it
                    strings.count += 1
                    table[r][col] = cell
                elif len(v) > half:  # possibly over Excel's limit: XlsxWriter truncates it
                    self._write_string(r, col, v, quoted if quote(v) else None)
                else:
                    cell = texts[v] = _new(CellStringTuple, (shared(v), quoted if quote(v) else None))
                    table[r][col] = cell
            elif isinstance(v, datetime | date):
                fmt = when if when is not None else default_date
                key = (t, v, getattr(v, "tzinfo", None))  # equal times in two zones are two dates
                serial = dates.get(key)
                if serial is None:
                    serial = dates[key] = self._convert_date_time(v)
                table[r][col] = _new(CellDatetimeTuple, (serial, fmt))
            else:
                raise TypeError(f"not a cell value: {v!r}")
            if top < 0:
                top = r
            bottom = r
        if top >= 0:
            self._check_dimensions(top, col)
            self._check_dimensions(bottom, col)
        return True

    def _calculate_spans(self) -> None:
        if self.comments:
            super()._calculate_spans()
            return
        spans = {}
        table = self.table
        lo = hi = None
        last = self.dim_rowmax
        for row_num in range(self.dim_rowmin, last + 1):
            cells = table.get(row_num)
            if cells:
                a, b = min(cells), max(cells)
                lo = a if lo is None or a < lo else lo
                hi = b if hi is None or b > hi else hi
            if ((row_num + 1) % 16 == 0 or row_num == last) and lo is not None and hi is not None:
                spans[row_num // 16] = f"{lo + 1}:{hi + 1}"
                lo = hi = None
        self.row_spans = spans

    def _write_rows(self) -> None:
        if self.comments or self.excel_version == 2010:
            super()._write_rows()
            return
        self._calculate_spans()
        fh = self.fh
        table, row_info, col_info, spans = self.table, self.row_info, self.col_info, self.row_spans
        plain_rows = self.default_row_height == self.original_row_height
        names = [xl_col_to_name(c) for c in range(self.dim_colmax + 1)]
        xf: dict[int, str] = {}  # id of a format -> ' s="<its xf index>"'

        def style(fmt: Any) -> str:
            found = xf.get(id(fmt))
            if found is None:
                found = xf[id(fmt)] = f' s="{fmt._get_xf_index()}"'
            return found

        xf_get = xf.get
        numbers: dict[float, str] = {}  # a number -> its text in the cell (XlsxWriter's %.16G)
        shown = numbers.get
        col_styles: dict[int, str] = {}
        for c, info in col_info.items():
            if info.column_format is not None:
                col_styles[c] = style(info.column_format)
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table[row_num]  # as XlsxWriter reads it (a defaultdict: the row is added)
            info = row_info.get(row_num)
            if not cells:
                if info is not None:
                    self._write_empty_row(row_num, spans.get(row_num // 16), info)
                continue
            span = spans.get(row_num // 16)
            if info is None and plain_rows:
                fh.write(f'<row r="{row_num + 1}" spans="{span}">' if span else f'<row r="{row_num + 1}">')
            else:
                self._write_row(row_num, span, info)
            row_style = style(info.row_format) if info is not None and info.row_format else ""
            number = str(row_num + 1)
            parts = []
            for col in sorted(cells):
                cell = cells[col]
                kind = type(cell)
                if kind is CellNumberTuple or kind is CellDatetimeTuple:
                    value, fmt = cell
                    text = shown(value)
                    if text is None:  # each number once (not zero: 0 and -0.0 are one key)
                        text = f"{value:.16G}"
                        if value:
                            numbers[value] = text
                    s = (xf_get(id(fmt)) or style(fmt)) if fmt else row_style or col_styles.get(col, "")
                    parts.append(f'<c r="{names[col]}{number}"{s}><v>{text}</v></c>')
                elif kind is CellStringTuple:
                    fmt = cell.format
                    s = (xf_get(id(fmt)) or style(fmt)) if fmt else row_style or col_styles.get(col, "")
                    parts.append(f'<c r="{names[col]}{number}"{s} t="s"><v>{cell.string}</v></c>')
                elif kind is CellBlankTuple:
                    fmt = cell.format
                    s = (xf_get(id(fmt)) or style(fmt)) if fmt else row_style or col_styles.get(col, "")
                    parts.append(f'<c r="{names[col]}{number}"{s}/>')
                else:  # any other kind of cell: XlsxWriter's own code, in place
                    fh.write("".join(parts))
                    parts = []
                    self._write_cell(row_num, col, cell)
            parts.append("</row>")
            fh.write("".join(parts))


# first characters after which a text may read as a formula (looks_like_formula strips blanks first)
RISKY = frozenset("=+-@ \t")


def quote(text: str) -> bool:
    """Whether a text is stored with a quote prefix, so that it never reads as a formula."""
    return text[:1] in RISKY and looks_like_formula(text)
