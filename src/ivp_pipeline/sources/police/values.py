"""Count cells -> (value, value_state), following the CBS legend; a missing value is never a zero."""

from __future__ import annotations

import re

from ivp_pipeline.problems import Problem

SUPPRESSED = {".", "x", "null"}  # unknown, too unreliable, or secret
ZERO = {"-", "–", "—"}  # the CBS legend's nil: a true zero
_DIGITS = re.compile(r"^[0-9]{1,18}$")  # ASCII only: int() would also accept '١٢' and '1_000'
_NEGATIVE = re.compile(r"^-\s*[0-9]+$")
_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:[.,][0-9]{3})+$")
_DECIMAL = re.compile(r"^-?[0-9]*[.,][0-9]+$")


Parsed = tuple[int | None, str]

# Why a cell is not a count, without a position (the caller places it). Built once: bad cells of a
# labels file are not cached, so a file full of them must not build a problem per row.
_CSV_NEGATIVE = Problem(
    "negative-count", "een aantal kan niet negatief zijn", hint="controleer de export; aantallen zijn >= 0"
)
_CSV_THOUSANDS = Problem(
    "not-a-number",
    "een aantal met een scheidingsteken voor duizendtallen is dubbelzinnig",
    hint="exporteer opnieuw zonder getalopmaak (CSV UTF-8 rechtstreeks uit de download)",
)
_CSV_DECIMAL = Problem("not-a-number", "een aantal moet een geheel getal zijn", hint="controleer de export")
_CSV_OTHER = Problem("not-a-number", "geen aantal", hint="verwacht cijfers, '.', '-' of een lege cel")
_JSON_NEGATIVE = Problem("negative-count", "een aantal kan niet negatief zijn", hint="controleer de download")
_JSON_RANGE = Problem("not-a-number", "aantal buiten het bereik", hint="controleer de download")
_JSON_DECIMAL = Problem(
    "not-a-number", "een aantal moet een geheel getal zijn", hint="controleer de download"
)
_JSON_OTHER = Problem("not-a-number", "geen aantal", hint="verwacht een geheel getal of null")


def parse_value(text: str) -> Parsed | Problem:
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
        return _CSV_NEGATIVE
    if _THOUSANDS.match(cell):
        return _CSV_THOUSANDS
    if _DECIMAL.match(cell):
        return _CSV_DECIMAL
    return _CSV_OTHER


def parse_json_value(value: object) -> Parsed | Problem:
    """An OData cell: int -> observed, null -> suppressed; strings follow the CSV rules."""
    if value is None:
        return None, "suppressed"
    if isinstance(value, bool):
        return _JSON_OTHER
    if isinstance(value, int):
        if value < 0:
            return _JSON_NEGATIVE
        if value >= 10**18:
            return _JSON_RANGE
        return value, "observed"
    if isinstance(value, float):
        if value < 0:
            return _JSON_NEGATIVE
        if value.is_integer() and 0 <= value < 10**15:
            return int(value), "observed"
        return _JSON_DECIMAL
    if isinstance(value, str):
        return parse_value(value)
    return _JSON_OTHER
