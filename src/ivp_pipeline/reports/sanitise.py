"""Text from inputs made safe for cells: never a formula, no control characters, within Excel's limit."""

from __future__ import annotations

import re

MAX_CELL_CHARS = 32_767  # Excel's hard limit for one cell
FORMULA_STARTS = ("=", "+", "-", "@")
# A CSV cell may not start with these either (OWASP CSV injection): Excel strips them and evaluates on.
CSV_UNSAFE_STARTS = ("\t", "\r")
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
    LibreOffice from evaluating `=HYPERLINK(...)` when the file is opened. A leading tab or CR gets
    one too.
    """
    text = clean_text(value)
    return "'" + text if looks_like_formula(text) or text.startswith(CSV_UNSAFE_STARTS) else text


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet title (max 31 chars, none of []:*?/\\)."""
    title = re.sub(r"[\[\]:*?/\\]", "-", clean_text(name)).strip("'") or "Blad"
    title = title[:31]
    base, i = title, 2
    while title.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({i})"
        title = base[: 31 - len(suffix)] + suffix
        i += 1
    taken.add(title)
    return title
