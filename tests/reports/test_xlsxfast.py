"""reports/xlsxfast.py writes the bytes XlsxWriter's own worksheet writes for the same cells."""

from __future__ import annotations

import io
import math
from datetime import date, datetime

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ivp_pipeline.reports.xlsxfast import FastWorksheet

LONG = "x" * 20_000  # over half of Excel's cell limit: XlsxWriter's own check decides
COLUMN = [
    1.5,
    None,
    "tekst",
    "",
    3,
    "=SOM(A1)",
    date(2024, 1, 31),
    "tekst",
    datetime(2024, 2, 1, 9, 30),
    LONG,
    # met before: a text (the shared-string table counts each cell), a date, a long text, a formula
    "tekst",
    date(2024, 1, 31),
    datetime(2024, 1, 31),
    LONG,
    "=SOM(A1)",
]
# a column of numbers only (the texts of numbers are made once: never one for 0 and -0.0)
NUMBERS = [1.5, None, 3, -0.0, 1e-300, 2.0, None, 12345678.9, 0.0, -0.0, 1.5, 3.0, 0, 2.0]


def _book(sheet_class: type[Worksheet], fast: bool, column: list = COLUMN) -> bytes:  # type: ignore[type-arg]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    wb.set_properties({"author": "ivp", "created": datetime(2026, 1, 1)})
    number = wb.add_format({"num_format": "0.0"})
    when = wb.add_format({"num_format": "dd-mm-yyyy"})
    quoted = wb.add_format({"quote_prefix": True})
    header = wb.add_format({"bold": True, "bg_color": "#DDE6F0"})
    ws = wb.add_worksheet("Blad", worksheet_class=sheet_class)
    ws.write_string(0, 0, "Titel", header)
    ws.write_blank(3, 4, None, header)  # a blank cell with a format
    ws.set_row(3, 30)  # a row with a height of its own
    ws.set_column(6, 6, 12, number)  # a column with a format: its cells without one take it
    ws.write_number(5, 6, 7)
    ws.write_boolean(4, 1, True)  # kinds the fast path leaves to XlsxWriter
    ws.write_formula(4, 2, "=1+1", None, 2)
    for col in (1, 3):
        if fast:
            assert ws.put_column(col, 4, column, number, when, quoted)
        else:
            for i, v in enumerate(column):
                r = 4 + i
                if v is None or v == "":
                    continue
                if isinstance(v, float | int):
                    ws.write_number(r, col, v, number)
                elif isinstance(v, str):
                    ws.write_string(r, col, v, quoted if v.startswith("=") else None)
                else:
                    ws.write_datetime(r, col, v, when)
    ws.write_number(60, 0, math.pi)  # rows far apart: more than one block of 16 rows (spans)
    ws.write_string(3, 0, "later in the row, earlier column")
    ws.autofilter(3, 0, 13, 6)
    ws.freeze_panes(4, 1)
    wb.close()
    return buf.getvalue()


def test_fast_worksheet_writes_the_bytes_of_xlsxwriter() -> None:
    stock = _book(Worksheet, fast=False)
    assert _book(FastWorksheet, fast=False) == stock  # the sheet-data writer alone
    assert _book(FastWorksheet, fast=True) == stock  # and the column writer


def test_a_column_of_numbers_writes_the_bytes_of_xlsxwriter() -> None:
    stock = _book(Worksheet, fast=False, column=NUMBERS)
    assert _book(FastWorksheet, fast=True, column=NUMBERS) == stock
    assert stock != _book(Worksheet, fast=False)  # another column: other bytes


def test_a_column_beyond_the_last_row_is_left_to_xlsxwriter() -> None:
    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    ws = wb.add_worksheet("Blad", worksheet_class=FastWorksheet)
    assert ws.put_column(0, 1_048_575, [1.0, 2.0], None, None, None) is False
    assert ws.put_column(0, 0, [], None, None, None) is False
    assert ws.put_column(0, 1_048_575, [1.0], None, None, None) is True
    assert ws.dim_rowmax == 1_048_575 and ws.dim_colmin == 0
    wb.close()
