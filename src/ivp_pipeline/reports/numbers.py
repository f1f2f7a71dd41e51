"""Dutch number formatting for every human output (decimal comma, thousands dot), as babel writes it.

One place, so a table, a sentence and a chart label write 1.234,5 the same way. Missing values are
written as the caller's `missing` text (never 0).

The formats are those of babel's `format_decimal` / `format_percent` for nl_NL with the patterns
"#,##0", "#,##0.0..." and "#,##0%": the shortest decimal text of the float (`str`), rounded half to
even, "-" for any negative input (also "-0,0"). babel builds a pattern and a locale lookup for
every number, which the analysis does thousands of times; the same rule written out here costs a
tenth of that (tests/reports/test_numbers.py checks both agree). babel stays for what is not a
finite number.
"""

from __future__ import annotations

import math
from decimal import Decimal

from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

LOCALE = "nl_NL"
MISSING = "onbekend"
GROUP, POINT = get_group_symbol(LOCALE), get_decimal_symbol(LOCALE)  # "." and "," for nl_NL
_QUANTUM = {d: Decimal(1).scaleb(-d) for d in range(10)}


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def integer(value: float | int | None, *, missing: str = MISSING) -> str:
    """12345 -> '12.345'."""
    if _missing(value):
        return missing
    return _fixed(round(float(value)), 0)  # type: ignore[arg-type]


def decimal(value: float | int | None, digits: int = 1, *, missing: str = MISSING) -> str:
    """3.94, 1 -> '3,9'; a fixed number of decimals."""
    if _missing(value):
        return missing
    return _fixed(float(value), digits)  # type: ignore[arg-type]


def percent(fraction: float | int | None, digits: int = 0, *, missing: str = MISSING) -> str:
    """0.59 -> '59%'; a fraction (0..1), not a percentage."""
    if _missing(fraction):
        return missing
    value = float(fraction)  # type: ignore[arg-type]
    if not math.isfinite(value) or digits not in _QUANTUM:
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
        return format_percent(value, format=pattern, locale=LOCALE)
    return _digits(Decimal(str(value)).scaleb(2), digits) + "%"


def signed_percent(fraction: float | int | None, digits: int = 0, *, missing: str = MISSING) -> str:
    """A change: 0.12 -> '+12%', -0.05 -> '-5%'."""
    if _missing(fraction):
        return missing
    text = percent(fraction, digits)
    return text if text.startswith("-") else "+" + text


def _fixed(value: float | int, digits: int) -> str:
    """babel's format_decimal(value, "#,##0[.0...]", nl_NL)."""
    if (isinstance(value, float) and not math.isfinite(value)) or digits not in _QUANTUM:
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(value, format=pattern, locale=LOCALE)
    return _digits(Decimal(str(value)), digits)


def _digits(value: Decimal, digits: int) -> str:
    """The sign, the grouped integer part and exactly `digits` decimals of a finite Decimal."""
    sign = "-" if value.is_signed() else ""
    rounded = abs(value).normalize().quantize(_QUANTUM[digits])  # half to even (the context's rule)
    whole, _, frac = f"{rounded:f}".partition(".")
    if len(whole) > 3:
        head = len(whole) % 3 or 3
        whole = whole[:head] + "".join(GROUP + whole[i : i + 3] for i in range(head, len(whole), 3))
    if digits == 0:
        return sign + whole
    return sign + whole + POINT + (frac + "0" * digits)[:digits]
