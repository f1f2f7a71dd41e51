"""The key-figure and BBV tables: peer group with and without data, Nederland alongside, public mode."""

from __future__ import annotations

from dataclasses import replace

from ivp_pipeline.reports.keytables import NO_PEER_DATA, NO_PEERS, bbv_tables, keyfigure_table
from ivp_pipeline.scoring.keyfigures import Comparison
from ivp_pipeline.scoring.result import ScoreResult
from keyfigure_fixtures import compute
from outputs_fixtures import make_result

PEERS = ("GM1735", "GM0189")
BASE = make_result(n_themes=2, first_month="2025-01-01")


def result(comparison: Comparison, extra: dict[str, list[float | None]] | None = None) -> ScoreResult:
    return replace(BASE, extras={**BASE.extras, **compute(comparison, extra)})


def rows_by_area(res: ScoreResult) -> dict[str, list[str]]:
    table = keyfigure_table(res, "woninginbraak")
    assert table is not None
    return {row[0]: row for row in table.rows}


def test_peer_row_with_peer_data() -> None:
    res = result(Comparison(province="PV23", peers=PEERS), {"GM1735": [3.0] * 24, "GM0189": [3.0] * 24})
    rows = rows_by_area(res)
    assert list(rows) == ["Noordoost Twente", "Losser", "Oldenzaal", "Overijssel", "Vergelijkingsgemeenten"]
    assert rows["Vergelijkingsgemeenten"][:4] == ["Vergelijkingsgemeenten", "72", "1,4", "1,1 – 1,8"]
    assert rows["Oldenzaal"][:6] == ["Oldenzaal", "24", "2,4", "1,5 – 3,6", "12", "+100%"]
    assert rows["Oldenzaal"][6] == "geen duidelijk verschil (p = 0,07)"
    table = keyfigure_table(res, "woninginbraak")
    assert table is not None and NO_PEERS not in table.note


def test_peer_row_without_peer_data_says_so() -> None:
    rows = rows_by_area(result(Comparison(province="PV23", peers=PEERS)))
    assert rows["Vergelijkingsgemeenten"] == [
        "Vergelijkingsgemeenten",
        NO_PEER_DATA,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    assert rows["Losser"][1:3] == ["onbekend", "onbekend"]  # a suppressed month: unknown, never 0


def test_no_peers_configured_is_said_in_the_note() -> None:
    res = result(Comparison(province="PV23"))
    table = keyfigure_table(res, "woninginbraak")
    assert table is not None and NO_PEERS in table.note
    assert "Vergelijkingsgemeenten" not in rows_by_area(res)


def test_bbv_one_table_per_unit_with_nederland_and_halt() -> None:
    res = result(Comparison(country="PV23"))  # the fixture's big area stands in for Nederland
    tables = bbv_tables(res, {"GM0173": 12.5})
    assert [t.caption for t in tables] == [
        "Beleidsindicatoren veiligheid (BBV): Noordoost Twente",
        "Beleidsindicatoren veiligheid (BBV): Losser",
        "Beleidsindicatoren veiligheid (BBV): Oldenzaal",
    ]
    oldenzaal = {r[0]: r for r in tables[2].rows}
    assert oldenzaal["Diefstallen uit woning per 1.000 inwoners"] == [
        "Diefstallen uit woning per 1.000 inwoners",
        "24",
        "2,4",
        "1,5 – 3,6",
        "1,2",
    ]
    assert oldenzaal["Verwijzingen naar Halt per 10.000 jongeren (12-17 jaar)"][2] == "12,5"
    assert {r[0]: r for r in tables[1].rows}["Verwijzingen naar Halt per 10.000 jongeren (12-17 jaar)"][
        2
    ] == ("niet aangeleverd")


def test_public_mode_withholds_small_counts_and_what_rests_on_them() -> None:
    res = result(Comparison(province="PV23"), {"GM0173": [0.0] * 12 + [0.0] * 11 + [3.0]})
    res = replace(res, method={**res.method, "public": True, "public_threshold": 5})
    row = rows_by_area(res)["Oldenzaal"]
    assert row[:5] == ["Oldenzaal", "<5", "n<5", "n<5", "<5"]


def test_public_mode_withholds_the_complement_that_would_give_a_small_count_away() -> None:
    small = [0.0] * 23 + [3.0]  # Oldenzaal: 3 in the latest 12 months, hidden
    res = result(Comparison(province="PV23"), {"GM0173": small, "GM0168": [1.0] * 24})
    res = replace(res, method={**res.method, "public": True, "public_threshold": 5})
    rows = rows_by_area(res)
    assert rows["Noordoost Twente"][1] == "15"  # 12 + 3: shown, so Losser's 12 must not be
    assert rows["Losser"][1:4] == ["x", "n<5", "n<5"]
    assert rows["Oldenzaal"][1] == "<5"
    assert (rows["Losser"][4], rows["Oldenzaal"][4]) == ("x", "<5")  # previous window: 12 and 0, same rule
