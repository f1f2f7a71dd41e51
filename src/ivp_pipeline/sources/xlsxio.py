"""Workbooks as people send them: size check before opening, cheap sniffing, merged cells, header search.

Nothing in a workbook is executed: openpyxl only parses XML, formulas are read as their cached values
(and reported when there is none), macros are never loaded.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ivp_pipeline.problems import IvpError, Problem

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a 16 MB xlsx that unpacks to 300 MB takes minutes to open
SNIFF_STRINGS_BYTES = 512 * 1024


def shared_strings(path: Path, limit: int = SNIFF_STRINGS_BYTES) -> set[str]:
    """The workbook's cell texts (first `limit` bytes of sharedStrings.xml, or inline strings of
    the sheets), folded to lower case: enough to recognise a layout by its header words."""
    texts: set[str] = set()
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            # Excel keeps texts in sharedStrings.xml; openpyxl and others write inline strings
            sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet"))[:8]
            sources = [n for n in ("xl/sharedStrings.xml",) if n in names] + sheets
            for name in sources:
                with zf.open(name) as fh:
                    data = fh.read(limit).decode("utf-8", errors="replace")
                for m in re.finditer(r"<t(?:\s[^>]*)?>([^<]*)</t>", data):
                    texts.add(" ".join(m.group(1).split()).casefold())
    except (zipfile.BadZipFile, OSError, KeyError):
        return set()
    return texts


def open_workbook(path: Path, file: str, *, data_only: bool = True) -> Workbook:
    """Load a workbook after checking its unpacked size; a damaged file is the user's to fix."""

    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise IvpError(
            Problem(
                "bad-workbook",
                "not a readable .xlsx workbook",
                file=file,
                hint="open it in Excel and save it again as .xlsx",
            )
        ) from exc
    if total > MAX_UNCOMPRESSED:
        raise IvpError(
            Problem(
                "too-large",
                f"the workbook unpacks to {total // 2**20} MB",
                file=file,
                value=str(total),
                hint="remove unused sheets or send the data as CSV",
            )
        )
    try:
        with warnings.catch_warnings():  # openpyxl warns about unsupported extensions it skips
            warnings.simplefilter("ignore")
            return load_workbook(path, data_only=data_only, keep_vba=False, keep_links=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IvpError(
            Problem(
                "bad-workbook",
                f"not a readable .xlsx workbook ({type(exc).__name__})",
                file=file,
                hint="open it in Excel and save it again as .xlsx",
            )
        ) from exc


def grid(ws: Worksheet, max_rows: int = 100_000) -> list[list[Any]]:
    """Cell values as a list of rows; every cell of a merged range carries the top-left value."""
    rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=min(ws.max_row, max_rows), values_only=True)]
    for rng in ws.merged_cells.ranges:
        top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(rows) else None
        for r in range(rng.min_row, min(rng.max_row, len(rows)) + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if c - 1 < len(rows[r - 1]):
                    rows[r - 1][c - 1] = top
    return rows


def text(value: Any) -> str:
    """A cell as trimmed text (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def column_letter(index: int) -> str:

    return get_column_letter(index + 1)


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # 0-based index into the grid
    columns: dict[str, int]  # canonical name -> 0-based column
    labels: dict[str, str]  # canonical name -> header text as written


def find_header(
    rows: list[list[Any]], classify: Callable[[str], str | None], required: set[str], scan: int = 30
) -> HeaderMatch | None:
    """The first row (of the first `scan`) whose cells name the most known columns, if it names any
    of `required`: title rows and respondent blocks above the table are skipped by content."""
    best: HeaderMatch | None = None
    for r, row in enumerate(rows[:scan]):
        cols: dict[str, int] = {}
        labels: dict[str, str] = {}
        for c, value in enumerate(row):
            name = classify(text(value)) if isinstance(value, str) else None
            if name and name not in cols:
                cols[name] = c
                labels[name] = text(value)
        if cols.keys() & required and len(cols) >= 2 and (best is None or len(cols) > len(best.columns)):
            best = HeaderMatch(r, cols, labels)
    return best
