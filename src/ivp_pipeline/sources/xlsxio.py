"""Workbooks as people send them: size check before opening, cheap sniffing, merged cells, header search.

Nothing in a workbook is executed: openpyxl only parses XML, formulas are read as their cached values
(and reported when there is none), macros are never loaded.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.sources.officeformat import ZIP_ERRORS

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# Limits of a workbook (docs/inputs.md, "Limits"; the file size is officeformat.MAX_WORKBOOK_BYTES),
# checked before it is parsed. openpyxl needs about
# 0.4 s and 5 MB of memory per unpacked MB (a 16 MB xlsx that unpacks to 300 MB took 114 s to open);
# a filled-in template is about 20 KB, an agency's survey workbook a few MB.
MAX_UNCOMPRESSED = 32 * 1024 * 1024
MAX_SHEET_ROWS = 100_000  # rows read per sheet (grid)
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
    except ZIP_ERRORS:
        return set()
    return texts


def _bad_workbook(file: str, detail: str = "") -> IvpError:
    return IvpError(
        Problem(
            "bad-workbook",
            "geen leesbare .xlsx-werkmap" + (f" ({detail})" if detail else ""),
            file=file,
            hint="open het in Excel en sla het opnieuw op als .xlsx",
        )
    )


def open_workbook(path: Path, file: str, *, data_only: bool = True) -> Workbook:
    """Load a workbook after checking its unpacked size; a damaged file is the user's to fix.

    The file is passed as an open file, so openpyxl does not judge it by its name (an .xlsx saved
    as `.csv` is read by its content, like every other file).
    """

    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except ZIP_ERRORS as exc:
        raise _bad_workbook(file) from exc
    if total > MAX_UNCOMPRESSED:
        raise IvpError(
            Problem(
                "too-large",
                f"de werkmap is uitgepakt {total // 2**20} MB, meer dan de grens van "
                f"{MAX_UNCOMPRESSED // 2**20} MB",
                file=file,
                value=str(total),
                hint="verwijder ongebruikte bladen of lever de gegevens als CSV",
            )
        )
    try:
        with warnings.catch_warnings(), path.open("rb") as fh:
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions it skips
            return load_workbook(fh, data_only=data_only, keep_vba=False, keep_links=False)
    except (*ZIP_ERRORS, TypeError, AttributeError, IndexError, ET.ParseError, InvalidFileException) as exc:
        # Every one of these comes from parsing the user's bytes (XML errors such as a reference to
        # a control character, a missing part, a wrong type in an attribute).
        raise _bad_workbook(file, _parse_detail(exc)) from exc


def _parse_detail(exc: BaseException) -> str:
    if isinstance(exc, ET.ParseError):
        return f"onleesbare XML, regel {exc.position[0]}, teken {exc.position[1]}"
    return type(exc).__name__


def grid(ws: Worksheet, file: str = "", max_rows: int | None = None) -> list[list[Any]]:
    """Cell values as a list of rows; every cell of a merged range carries the top-left value.

    A sheet with more than `max_rows` (default MAX_SHEET_ROWS) rows is refused (too-large), never cut
    silently.
    """
    max_rows = MAX_SHEET_ROWS if max_rows is None else max_rows
    if ws.max_row > max_rows:
        raise IvpError(
            Problem(
                "too-large",
                f"het blad heeft {ws.max_row} rijen, meer dan de grens van {max_rows}",
                file=file,
                sheet=ws.title,
                hint="verwijder lege of overbodige rijen (ook opgemaakte lege rijen onderaan)",
            )
        )
    rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=ws.max_row, values_only=True)]
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
