"""Parsers of what people type: ratings, municipality names, themes, organisation types."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivp_pipeline.problems import Problem
from ivp_pipeline.sources.professional.parsing import (
    parse_municipality,
    parse_organisation_type,
    parse_rating,
    parse_theme,
)

THEMES = {"ondermijning": "Ondermijning", "jeugd": "Jeugdoverlast en -criminaliteit"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (4, 4),
        (4.0, 4),
        (" 3 ", 3),
        ("4 - hoog", 4),
        ("vier", 4),
        ("Vijf", 5),
        ("één", 1),
        ("hoog", 4),
        ("zeer laag", 1),
        ("5 (zeer hoog)", 5),
        ("2,0", 2),
        ("3:gemiddeld", 3),
        (None, None),
        ("  ", None),
    ],
)
def test_rating_examples(raw: object, expected: int | None) -> None:
    assert parse_rating(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (0, "rating-out-of-range"),
        (6, "rating-out-of-range"),
        ("10", "rating-out-of-range"),
        ("zes", "rating-out-of-range"),
        (3.5, "not-a-rating"),
        ("3-4", "not-a-rating"),
        ("veel", "not-a-rating"),
        (True, "not-a-rating"),
        (datetime(2024, 4, 5), "not-a-rating"),
        (float("nan"), "not-a-rating"),
        (10**400, "rating-out-of-range"),
    ],
)
def test_rating_problems(raw: object, code: str) -> None:
    found = parse_rating(raw)
    assert isinstance(found, Problem) and found.code == code and found.row is None


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
        st.from_regex(r"\s*[0-9]{1,2}([.,][0-9])?\s*(-\s*(hoog|laag))?", fullmatch=True),
    )
)
def test_rating_parser_never_crashes(raw: object) -> None:
    value = parse_rating(raw)
    if isinstance(value, Problem):
        assert value.code in {"rating-out-of-range", "not-a-rating"}
    else:
        assert value is None or (isinstance(value, int) and 1 <= value <= 5)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Oldenzaal", ("GM0173", True)),
        ("oldenzaal ", ("GM0173", True)),
        ("Oldenzal", ("GM0173", False)),
        ("Gemeente Losser", ("GM0168", True)),
        ("Dinkeland", ("GM1774", False)),
        ("GM1774", ("GM1774", True)),
        ("Tubbergen.", ("GM0183", True)),
        ("Heel Noordoost Twente", ("NOT", True)),
        ("NOT", ("NOT", True)),
        ("regio", ("NOT", True)),
        ("Noordoost-Twente", ("NOT", True)),
        ("Enschede", ("GM0153", True)),
        (None, None),
        ("", None),
    ],
)
def test_municipality_examples(raw: str | None, expected: tuple[str, bool] | None) -> None:
    assert parse_municipality(raw) == expected


def test_unknown_municipality_has_suggestions() -> None:
    found = parse_municipality("Olde")
    assert isinstance(found, Problem)
    assert found.code == "unknown-municipality" and "Oldenzaal" in found.hint
    found = parse_municipality("xyz")
    assert isinstance(found, Problem) and "Dinkelland" in found.hint  # no close name: the choices are listed


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(["Oldenzal", "Losers", "Tubergen", "Dinkelnd", "NOT "]),
        st.integers(),
        st.floats(),
    )
)
def test_municipality_parser_never_crashes(raw: object) -> None:
    got = parse_municipality(raw)
    if isinstance(got, Problem):
        assert got.code == "unknown-municipality"
    else:
        assert got is None or (got[0] == "NOT" or (got[0].startswith("GM") and len(got[0]) == 6))


def test_theme_and_organisation_type() -> None:
    assert parse_theme("Jeugdoverlast en -criminaliteit", THEMES) == "jeugd"
    assert parse_theme(" ONDERMIJNING ", THEMES) == "ondermijning"
    theme = parse_theme("Ondermijnig", THEMES)
    assert isinstance(theme, Problem) and theme.code == "unknown-theme" and "Ondermijning" in theme.hint
    assert parse_organisation_type("Woningbouwcorporatie") == "woningcorporatie"
    assert parse_organisation_type("GGD") == "zorg"
    assert parse_organisation_type("Jongerenwerk") == "jongerenwerk"
    org = parse_organisation_type("bakkerij")
    assert isinstance(org, Problem) and org.code == "unknown-organisation-type"
