"""Dutch number formatting for every human output (decimal comma, thousands dot), by babel.

One place, so a table, a sentence and a chart label write 1.234,5 the same way. Missing values are
written as the caller's `missing` text (never 0).
"""

from __future__ import annotations

import math

from babel.numbers import format_decimal, format_percent

LOCALE = "nl_NL"
MISSING = "onbekend"


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def integer(value: float | int | None, *, missing: str = MISSING) -> str:
    """12345 -> '12.345'."""
    if _missing(value):
        return missing
    return format_decimal(round(float(value)), format="#,##0", locale=LOCALE)  # type: ignore[arg-type]


def decimal(value: float | int | None, digits: int = 1, *, missing: str = MISSING) -> str:
    """3.94, 1 -> '3,9'; a fixed number of decimals."""
    if _missing(value):
        return missing
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(float(value), format=pattern, locale=LOCALE)  # type: ignore[arg-type]


def percent(fraction: float | int | None, digits: int = 0, *, missing: str = MISSING) -> str:
    """0.59 -> '59%'; a fraction (0..1), not a percentage."""
    if _missing(fraction):
        return missing
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return format_percent(float(fraction), format=pattern, locale=LOCALE)  # type: ignore[arg-type]


def signed_percent(fraction: float | int | None, digits: int = 0, *, missing: str = MISSING) -> str:
    """A change: 0.12 -> '+12%', -0.05 -> '-5%'."""
    if _missing(fraction):
        return missing
    text = percent(fraction, digits)
    return text if text.startswith("-") else "+" + text
