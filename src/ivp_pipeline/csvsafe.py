"""Text from inputs made safe for cells (core: used by reports/ and by the store's _rejects.csv).

A cell never becomes a formula when the file is opened in Excel or LibreOffice (OWASP CSV
injection), holds no control characters, and stays within Excel's cell limit. True numbers are
written by the callers as numbers and never pass through here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

MAX_CELL_CHARS = 32_767  # Excel's hard limit for one cell
FORMULA_STARTS = ("=", "+", "-", "@")
# A CSV cell may not start with these either (OWASP CSV injection): Excel strips them and evaluates on.
CSV_UNSAFE_STARTS = ("\t", "\r", "\n")
# Tab and newline are kept (they are legitimate in remarks); every other C0 control and DEL goes,
# since openpyxl refuses them and Excel shows them as boxes.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ELLIPSIS = "…"


def clean_text(value: str) -> str:
    """Remove control characters and cut at Excel's cell limit (marked with an ellipsis)."""
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + _ELLIPSIS
    return text


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would evaluate when typed or opened from CSV."""
    return text.lstrip(" \t").startswith(FORMULA_STARTS)


def csv_text(value: str) -> str:
    """Text for a CSV cell: cleaned, and a leading apostrophe when a spreadsheet would see a formula.

    CSV has no cell types, so the apostrophe (the OWASP advice) is the only way to keep Excel and
    LibreOffice from evaluating `=HYPERLINK(...)` when the file is opened. A leading tab, CR or LF
    gets one too.
    """
    text = clean_text(value)
    return "'" + text if looks_like_formula(text) or text.startswith(CSV_UNSAFE_STARTS) else text


def csv_cell(value: object) -> str:
    """One cell: empty for None, ints as digits (true numbers stay numbers), any text made safe."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return csv_text(str(value))


def csv_rows(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV text (`,`, LF, minimal quoting) whose every cell went through `csv_cell`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_text(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buf.getvalue()
