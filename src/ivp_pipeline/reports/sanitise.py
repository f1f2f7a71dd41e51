"""Text from inputs made safe for cells: never a formula, no control characters, within Excel's limit."""

from __future__ import annotations

import re

# The cell rules live in the core module csvsafe (the store's _rejects.csv uses them as well).
from ivp_pipeline.csvsafe import (
    CSV_UNSAFE_STARTS,
    FORMULA_STARTS,
    MAX_CELL_CHARS,
    clean_text,
    csv_text,
    looks_like_formula,
)

__all__ = [
    "CSV_UNSAFE_STARTS",
    "FORMULA_STARTS",
    "MAX_CELL_CHARS",
    "clean_text",
    "csv_text",
    "looks_like_formula",
    "sheet_title",
]


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
