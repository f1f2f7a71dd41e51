"""What professionals said (scoring/voices.py, reports/voices.py) and the survey table."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from ivp_pipeline.reports.document import Table
from ivp_pipeline.reports.voices import survey_items, voices_items
from ivp_pipeline.scoring.result import ScoreResult
from ivp_pipeline.scoring.voices import voices_extras
from outputs_fixtures import make_result


def rating(mun: str, org: str, resp: str, crit: str, value: int, remark: str | None = None) -> dict:
    return {
        "municipality": mun,
        "organisation_type": org,
        "respondent": resp,
        "theme": "jeugd",
        "criterion": crit,
        "rating": value,
        "remark": remark,
    }


PROF = pd.DataFrame(
    [
        # politie: r0001 means 4.5, r0002 means 3.0, r0003 5.0 -> q1 3.75, q3 4.75, 2 of 3 high
        rating("GM0168", "politie", "r0001", "size", 4, "Groep jongeren bij het station."),
        rating("GM0168", "politie", "r0001", "urgency", 5, "Groep jongeren bij het station."),
        rating("GM0168", "politie", "r0002", "size", 3),
        rating("NOT", "politie", "r0003", "size", 5, "Speelt in de hele regio."),
        # jongerenwerk: one respondent
        rating("GM0168", "jongerenwerk", "r0004", "size", 2, "Vooral verveling, weinig plekken."),
        # another municipality: not Losser's
        rating("GM0173", "zorg", "r0005", "size", 1, "Niet in Losser."),
    ]
)


@pytest.fixture(scope="module")
def result() -> ScoreResult:
    base = make_result(n_themes=6)
    extras = voices_extras(PROF, ["GM0168", "GM0173", "NOT"], ["jeugd", "geweld"], "NOT")
    return replace(base, extras={**base.extras, **extras})


def test_by_type_frame_hand_checked(result: ScoreResult) -> None:
    bt = result.extras["professionals_by_type"]
    pol = bt[(bt["municipality"] == "GM0168") & (bt["organisation_type"] == "politie")].iloc[0]
    assert pol["respondents"] == 3  # the region-wide rating counts for Losser too
    assert pol["mean_rating"] == pytest.approx((4.5 + 3.0 + 5.0) / 3)
    assert (pol["q1"], pol["q3"]) == (pytest.approx(3.75), pytest.approx(4.75))
    assert pol["share_high"] == pytest.approx(2 / 3)
    assert set(bt.loc[bt["municipality"] == "NOT", "organisation_type"]) == {
        "politie",
        "jongerenwerk",
        "zorg",
    }


def test_remarks_once_per_respondent(result: ScoreResult) -> None:
    rm = result.extras["professional_remarks"]
    losser = rm[rm["municipality"] == "GM0168"]
    assert losser["remark"].tolist() == [
        "Vooral verveling, weinig plekken.",
        "Groep jongeren bij het station.",
        "Speelt in de hele regio.",
    ]


def test_voices_items_table_and_remarks(result: ScoreResult) -> None:
    items = voices_items(result, "jeugd", "GM0168")
    (table,) = [i for i in items if isinstance(i, Table)]
    assert table.header[0] == "Organisatie"
    assert table.rows == [
        ["Jongerenwerk", "1", "2,0", "2,0", "0%"],
        ["Politie", "3", "4,2", "3,8-4,8", "67%"],
    ]
    texts = [i for i in items if isinstance(i, str)]
    assert "Jongerenwerk: respondent 3: Vooral verveling, weinig plekken." in texts
    assert (
        "Politie: respondent 1: Groep jongeren bij het station. | respondent 2: Speelt in de hele regio."
        in texts
    )
    assert not any("Niet in Losser" in t for t in texts)


def test_public_mode_hides_small_types_and_their_remarks(result: ScoreResult) -> None:
    public = replace(result, method={**result.method, "public": True, "public_threshold": 2})
    items = voices_items(public, "jeugd", "GM0168")
    (table,) = [i for i in items if isinstance(i, Table)]
    assert table.rows[0] == ["Jongerenwerk", "<2", "n<2", "n<2", "n<2"]
    texts = " ".join(i for i in items if isinstance(i, str))
    assert "verveling" not in texts and "station" in texts
    strict = replace(result, method={**result.method, "public": True, "public_threshold": 5})
    texts = [i for i in voices_items(strict, "jeugd", "GM0168") if isinstance(i, str)]
    assert "De toelichtingen staan niet in de openbare versie (minder dan 5 respondenten)." in texts


def test_no_ratings_said(result: ScoreResult) -> None:
    assert voices_items(result, "geweld", "GM0168") == [
        "Voor Geweld in Losser hebben geen professionals een oordeel gegeven."
    ]


def test_survey_table_with_margins() -> None:
    r = make_result(n_themes=6)
    p = r.perception
    items = survey_items(r, "GM0168")
    (table,) = items
    sub = p[p["municipality"] == "GM0168"]
    assert len(table.rows) == len(sub)
    first = sub.sort_values(["theme", "indicator", "year"]).iloc[0]
    row = table.rows[0]
    assert row[4] == f"{first['ci_low']:.1f}-{first['ci_high']:.1f}".replace(".", ",")
    inside = first["ci_low"] <= first["comparison_value"] <= first["ci_high"]
    assert (row[7] == "binnen de marge") == bool(inside)
