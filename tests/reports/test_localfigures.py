"""Local figures in a theme's section (reports/localfigures.py): numbers, unknown in words, public mode."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from ivp_pipeline.reports.document import Table
from ivp_pipeline.reports.localfigures import local_items
from ivp_pipeline.scoring.localfigures import local_figures_table
from ivp_pipeline.scoring.result import ScoreResult
from outputs_fixtures import make_result

POP = pd.DataFrame(
    [
        ("GM0173", 2025, "totaal", 31_780),
        ("GM0173", 2025, "12-17", 2_294),
        ("GM0168", 2025, "totaal", 23_385),
    ],
    columns=["area_code", "year", "age_band", "inhabitants"],
)


def row(area: str, figure: str, year: int, value: int | None, state: str = "observed") -> dict:
    return {
        "municipality": area,
        "area_code": area,
        "figure": figure,
        "figure_label": {"halt": "Halt-verwijzingen", "riec": "Signalen ondermijning (RIEC)"}[figure],
        "theme": "jeugd" if figure == "halt" else "ondermijning",
        "period_start": dt.date(year, 1, 1),
        "period_kind": "year",
        "value": value,
        "value_state": state,
        "supplier": "Halt Oost-Nederland" if figure == "halt" else None,
    }


@pytest.fixture(scope="module")
def result() -> ScoreResult:
    local = pd.DataFrame(
        [
            row("GM0173", "halt", 2024, 38),
            row("GM0173", "halt", 2025, 41),
            row("GM0168", "halt", 2025, None, "suppressed"),
            row("GM0173", "riec", 2025, 3),
        ]
    )
    units = {"GM0168": ("GM0168",), "GM0173": ("GM0173",), "NOT": ("GM0168", "GM0173")}
    base = make_result(n_themes=3, first_month="2024-01-01")
    return replace(base, extras={**base.extras, "local_figures": local_figures_table(local, POP, units)})


def test_items_for_oldenzaal(result: ScoreResult) -> None:
    sentence, table = local_items(result, "jeugd", "GM0173")
    # 41 / 2,294 x 10,000 = 178.7 per 10,000 young people
    assert sentence == (
        "Halt-verwijzingen in Oldenzaal: 41 in 2025 (178,7 per 10.000 jongeren (12-17)), tegen 38 in 2024."
    )
    assert isinstance(table, Table)
    assert table.rows[1][:4] == ["Halt-verwijzingen", "2025", "41", "178,7"]
    assert table.rows[1][5:] == ["per 10.000 jongeren (12-17)", "Halt Oost-Nederland"]


def test_unknown_is_said_in_words(result: ScoreResult) -> None:
    sentence, table = local_items(result, "jeugd", "GM0168")
    assert sentence == "Halt-verwijzingen in Losser: geheim in 2025."
    assert table.rows == [
        ["Halt-verwijzingen", "2025", "geheim", "", "", "per 1.000 inwoners", "Halt Oost-Nederland"]
    ]
    region = local_items(result, "jeugd", "NOT")
    assert region[0] == (
        "Halt-verwijzingen in Noordoost Twente: onbekend (1 van 2 gemeenten geleverd) in 2025, tegen "
        "onbekend (1 van 2 gemeenten geleverd) in 2024."
    )


def test_public_mode_hides_small_counts(result: ScoreResult) -> None:
    public = replace(result, method={**result.method, "public": True, "public_threshold": 5})
    sentence, table = local_items(public, "ondermijning", "GM0173")
    assert sentence == "Signalen ondermijning (RIEC) in Oldenzaal: <5 in 2025."
    assert table.rows[0][2:5] == ["<5", "n<5", ""]


def test_nothing_for_a_theme_without_local_figures(result: ScoreResult) -> None:
    assert local_items(result, "geweld", "GM0173") == []


def test_rows_in_the_order_of_a_stable_sort_and_groupby_of_their_frame() -> None:
    from ivp_pipeline.reports import views
    from ivp_pipeline.reports.localfigures import _by_figure, _sorted

    frame = pd.DataFrame(
        {
            "figure": ["riec", "halt", None, "halt", "riec", "halt"],
            "period_start": pd.to_datetime(
                ["2024-01-01", "2025-01-01", "2024-01-01", None, "2023-01-01", "2024-01-01"]
            ),
            "n": [0, 1, 2, 3, 4, 5],
        }
    )
    want = frame.sort_values(["figure", "period_start"], kind="stable")
    got = _sorted(views.records(frame))
    assert [r["n"] for r in got] == want["n"].tolist() == [5, 1, 3, 4, 0, 2]
    assert [[r["n"] for r in g] for g in _by_figure(got)] == [
        g["n"].tolist() for _f, g in want.groupby("figure")
    ]  # the row without a figure is in no group
