"""reports/numbers.py writes numbers exactly as babel's nl_NL patterns do, without babel's cost."""

from __future__ import annotations

import math
import random

import pytest
from babel.numbers import format_decimal, format_percent

from ivp_pipeline.reports import numbers

# halves (even and odd neighbours), floats whose shortest text ends in 5 but whose binary value lies
# below it (2.675), negatives that round to zero, group boundaries
EDGES = [0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -0.04, 2.675, 0.125, 0.045, 999.95, 1234.5, 999999.5]
EDGES += [-1234567.891, 1e15, 123456789012.345, 5e-7, 0.0049999, 12345, -7]


def test_known_texts() -> None:
    assert numbers.decimal(1234.56) == "1.234,6"
    assert numbers.decimal(2.25) == "2,2" and numbers.decimal(2.35) == "2,4"  # half to even, as text
    assert numbers.decimal(2.675, 2) == "2,68"  # str(2.675) is rounded, not its binary value
    assert numbers.decimal(-0.04) == "-0,0"
    assert numbers.integer(1234567.5) == "1.234.568"
    assert numbers.percent(0.59) == "59%" and numbers.percent(0.1234, 1) == "12,3%"
    assert numbers.signed_percent(0.12) == "+12%" and numbers.signed_percent(-0.05) == "-5%"
    assert numbers.decimal(None) == "onbekend" and numbers.percent(math.nan, missing="–") == "–"
    assert numbers.decimal(math.inf) == "∞"


@pytest.mark.parametrize("digits", [0, 1, 2, 3])
def test_same_as_babel(digits: int) -> None:
    rnd = random.Random(digits)
    values = EDGES + [rnd.uniform(-5000, 5000) for _ in range(3000)]
    values += [round(rnd.uniform(-10, 10), 3) + 0.0005 for _ in range(3000)]
    values += [rnd.lognormvariate(4, 4) for _ in range(1000)]
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    for v in values:
        assert numbers.decimal(v, digits) == format_decimal(v, format=pattern, locale="nl_NL"), v
        assert numbers.percent(v, digits) == format_percent(v, format=pattern + "%", locale="nl_NL"), v
    for v in values:
        assert numbers.integer(v) == format_decimal(round(v), format="#,##0", locale="nl_NL"), v
