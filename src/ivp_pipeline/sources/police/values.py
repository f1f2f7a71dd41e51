"""Count cells -> (value, value_state), following the CBS legend; a missing value is never a zero."""

from __future__ import annotations

import re
from dataclasses import dataclass

SUPPRESSED = {".", "x", "null"}  # unknown, too unreliable, or secret
ZERO = {"-", "–", "—"}  # the CBS legend's nil: a true zero
_DIGITS = re.compile(r"^[0-9]{1,18}$")  # ASCII only: int() would also accept '١٢' and '1_000'
_NEGATIVE = re.compile(r"^-\s*[0-9]+$")
_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:[.,][0-9]{3})+$")
_DECIMAL = re.compile(r"^-?[0-9]*[.,][0-9]+$")


@dataclass(frozen=True)
class BadValue:
    """Why a count cell is not a count: a stable code and a hint for the user."""

    code: str  # not-a-number | negative-count
    message: str
    hint: str


Parsed = tuple[int | None, str]


def parse_value(text: str) -> Parsed | BadValue:
    """`.`/`null`/`x` -> suppressed, empty -> not_applicable, `-` -> zero, digits -> observed."""
    cell = text.replace("\u00a0", " ").strip()
    if cell == "":
        return None, "not_applicable"
    if cell.lower() in SUPPRESSED:
        return None, "suppressed"
    if cell in ZERO:
        return 0, "zero"
    if _DIGITS.match(cell):
        return int(cell), "observed"
    if _NEGATIVE.match(cell):
        return BadValue("negative-count", "a count cannot be negative", "check the export; counts are >= 0")
    if _THOUSANDS.match(cell):
        return BadValue(
            "not-a-number",
            "a count with a thousands separator is ambiguous",
            "export again without number formatting (CSV UTF-8 straight from the download)",
        )
    if _DECIMAL.match(cell):
        return BadValue("not-a-number", "a count must be a whole number", "check the export")
    return BadValue("not-a-number", "not a count", "expected digits, '.', '-' or an empty cell")


def parse_json_value(value: object) -> Parsed | BadValue:
    """An OData cell: int -> observed, null -> suppressed; strings follow the CSV rules."""
    if value is None:
        return None, "suppressed"
    if isinstance(value, bool):
        return BadValue("not-a-number", "not a count", "expected a whole number or null")
    if isinstance(value, int):
        if value < 0:
            return BadValue("negative-count", "a count cannot be negative", "check the download")
        if value >= 10**18:
            return BadValue("not-a-number", "count out of range", "check the download")
        return value, "observed"
    if isinstance(value, float):
        if value < 0:
            return BadValue("negative-count", "a count cannot be negative", "check the download")
        if value.is_integer() and 0 <= value < 10**15:
            return int(value), "observed"
        return BadValue("not-a-number", "a count must be a whole number", "check the download")
    if isinstance(value, str):
        return parse_value(value)
    return BadValue("not-a-number", "not a count", "expected a whole number or null")
