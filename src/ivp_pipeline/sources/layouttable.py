"""A table in one of ivp's own layouts (local survey, local figures): a CSV or the first visible sheet
with a recognisable header, its columns named by a `classify` function.

One reader of the header for every layout: columns found once, missing required columns reported all
at once (`missing-column`), a workbook without such a sheet refused (`missing-sheet`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.sources.base import missing_column
from ivp_pipeline.sources.officeformat import ZIP_MAGIC
from ivp_pipeline.sources.textio import (
    csv_records,
    detect_encoding,
    header_fields,
    open_text,
    read_head,
    sniff_delimiter,
)
from ivp_pipeline.sources.xlsxio import column_letter, find_header, grid, open_workbook, shared_strings

if TYPE_CHECKING:
    from ivp_pipeline.sources.base import Head, Source

# (sheet, data rows, 1-based row of the first data row, column name -> index, column name -> label)
Rows = tuple[str, list[list[Any]], int, dict[str, int], dict[str, str]]
# (worksheet, rows, index of the first data row, column name -> index): fixes cells in place
Prepare = Callable[[Any, list[list[Any]], int, dict[str, int]], None]


@dataclass(frozen=True)
class Layout:
    classify: Callable[[str], str | None]
    required: Sequence[str]
    labels: dict[str, str]  # required column -> its Dutch name
    anchor: str  # a column whose header marks the header row of a sheet
    template: str  # the `ivp template ...` command that makes the layout
    # Called with the header cells before the columns are checked (e.g. refuse respondent-level files).
    check_header: Callable[[list[Any], str, str, int], None] | None = None

    def found(self, head: Head) -> set[str | None]:
        """The columns the head of a file names (a workbook: any of its shared strings), for `sniff`."""
        if head.is_zip:
            return {self.classify(s) for s in shared_strings(head.source.path)}
        if head.text is not None:
            return {self.classify(h) for h in header_fields(head.text)}
        return set()

    def rows(self, source: Source, prepare: Prepare | None = None) -> Rows:
        """The table of a workbook (`xlsx_rows`) or of a CSV (`csv_rows`), told by the file's bytes."""
        if read_head(source.path, 4) == ZIP_MAGIC:
            return self.xlsx_rows(source, prepare)
        return self.csv_rows(source)

    def missing_columns(self, cols: dict[str, int], file: str, sheet: str, row: int) -> None:
        missing = [self.labels[c] for c in self.required if c not in cols]
        if missing:
            hint = f"zie docs/inputs.md of `{self.template}` voor de indeling"
            problems = [missing_column(m, file, hint, sheet, row) for m in missing]
            raise IvpError(problems[0], problems[1:])

    def csv_rows(self, source: Source) -> Rows:
        enc = detect_encoding(read_head(source.path), source.name)
        with open_text(source.path, enc, source.name) as fh:
            first = fh.readline()
            delim = sniff_delimiter(first)
            header = [h.strip() for h in next(csv.reader([first], delimiter=delim))]
            rows: list[list[Any]] = list(csv_records(fh, delim))
        cols: dict[str, int] = {}
        for i, h in enumerate(header):
            name = self.classify(h)
            if name and name not in cols:
                cols[name] = i
        if self.check_header is not None:
            self.check_header(list(header), source.name, "", 1)
        self.missing_columns(cols, source.name, "", 1)
        return "", rows, 2, cols, {n: header[i] for n, i in cols.items()}

    def xlsx_rows(
        self,
        source: Source,
        prepare: Prepare | None = None,
    ) -> Rows:
        """The first visible sheet with the layout's header; `prepare(ws, rows, first_data, cols)` may
        fix cell values in place before they are read (e.g. undo Excel's percent format)."""
        wb = open_workbook(source.path, source.name)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            rows = grid(ws, source.name)
            header = find_header(rows, self.classify, {self.anchor})
            if header is None:
                continue
            if self.check_header is not None:
                self.check_header(rows[header.row], source.name, ws.title, header.row + 1)
            self.missing_columns(header.columns, source.name, ws.title, header.row + 1)
            labels = {n: f"{column_letter(c)} ({header.labels[n]})" for n, c in header.columns.items()}
            if prepare is not None:
                prepare(ws, rows, header.row + 1, header.columns)
            return ws.title, rows[header.row + 1 :], header.row + 2, header.columns, labels
        raise IvpError(
            Problem(
                "missing-sheet",
                "geen blad met de kolommen " + ", ".join(self.labels[c] for c in self.required),
                file=source.name,
                value=", ".join(wb.sheetnames),
                hint=f"gebruik de werkmap van `{self.template}`",
            )
        )
