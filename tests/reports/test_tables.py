"""The one CSV writer (reports/tables.py) and the one Poisson interval behind the funnel chart."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from ivp_pipeline.reports.changes import COLUMNS, write_changes
from ivp_pipeline.reports.charts.funnel import LEVELS, plot_funnel, poisson_limits
from ivp_pipeline.reports.sanitise import FORMULA_STARTS
from ivp_pipeline.reports.tables import DIGITS, cell, csv_bytes, write_tables
from ivp_pipeline.scoring.stats import poisson_ci
from outputs_fixtures import INJECTION_NOTE, make_result

UNSAFE_STARTS = (*FORMULA_STARTS, "\t", "\r")


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return make_result(n_themes=4, first_month="2024-01-01")


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_cell_formats() -> None:
    assert cell(12.3456789) == "12.345679" and cell(0.000939) == "0.000939"  # fixed decimals
    assert cell(0.5) == "0.500000"
    assert cell(31.0) == "31" and cell(np.int64(7)) == "7"  # whole numbers without decimals
    assert cell(np.nan) == "" and cell(None) == "" and cell(pd.NaT) == "" and cell(pd.NA) == ""
    assert cell(pd.Timestamp("2025-03-01")) == "2025-03-01" and cell(datetime(2025, 3, 1, 12)) == "2025-03-01"
    assert cell(True) == "true" and cell(np.bool_(False)) == "false"
    assert cell(float("inf")) == "inf"
    assert cell("=1+1") == "'=1+1" and cell("\tx") == "'\tx" and cell("Losser") == "Losser"


def test_csv_bytes_utf8_comma_lf_given_columns() -> None:
    frame = pd.DataFrame({"b": [1.5, np.nan], "a": ["Oldenzaal", "Café"], "x": [1, 2]})
    data = csv_bytes(frame, ["a", "b", "missing"])
    assert data == "a,b,missing\nOldenzaal,1.500000,\nCafé,,\n".encode()
    assert b"\r" not in csv_bytes(pd.DataFrame({"t": ["a\r\nb"]}))


def test_every_table_written_formula_safe_with_fixed_floats(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scores = result.scores.copy()
    first = scores.index[0]
    scores.loc[first, "theme_label"] = INJECTION_NOTE
    scores.loc[first, "score"] = 61.123456789
    paths = write_tables(replace(result, scores=scores), tmp_path)
    assert [p.name for p in paths] == [
        *("scores.csv", "indicators.csv", "criteria.csv", "trends.csv", "professionals.csv"),
        *("perception.csv", "funnel.csv", "rank_probabilities.csv", "sources.csv", "voortgang.csv"),
    ]
    table = rows(tmp_path / "scores.csv")
    header = table[0]
    row = next(r for r in table[1:] if r[header.index("theme_label")].startswith("'=HYPERLINK("))
    assert row[header.index("theme_label")] == "'" + INJECTION_NOTE
    assert row[header.index("score")] == "61.123457"
    for path in paths:
        assert path.read_bytes().count(b"\r") == 0, path.name
        for r in rows(path):
            bad = [c for c in r if c.startswith(UNSAFE_STARTS) and not _number(c)]
            assert not bad, (path.name, bad)
            floats = [c for c in r if _number(c) and "." in c]
            assert all(len(c.split(".")[1]) == DIGITS for c in floats), (path.name, floats)
    trends = rows(tmp_path / "trends.csv")
    assert trends[1][trends[0].index("period_start")] == "2024-01-01"  # dates ISO


def test_stale_voortgang_removed(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_tables(result, tmp_path)
    assert (tmp_path / "voortgang.csv").exists()
    without = replace(result, extras={k: v for k, v in result.extras.items() if k != "voortgang"})
    paths = write_tables(without, tmp_path)
    assert "voortgang.csv" not in [p.name for p in paths]
    assert not (tmp_path / "voortgang.csv").exists()


def test_changes_csv_uses_the_one_writer(tmp_path: Path) -> None:
    changes = pd.DataFrame([dict.fromkeys(COLUMNS, "")], columns=list(COLUMNS), dtype=str)
    changes.loc[0, ["change", "item"]] = ["new_theme", "=cmd|' /C calc'!A0"]
    written = write_changes(changes, tmp_path)
    csv_path = next(p for p in written if p.suffix == ".csv")
    assert csv_path.read_bytes() == csv_bytes(changes)
    assert rows(csv_path)[1][list(COLUMNS).index("item")] == "'=cmd|' /C calc'!A0"


def test_funnel_limits_are_poisson_ci(result) -> None:  # type: ignore[no-untyped-def]
    expected = np.geomspace(0.01, 5000, 300)
    for level in LEVELS:
        low, high = poisson_limits(expected, level)
        ref_low, ref_high = poisson_ci(expected, alpha=1 - level)
        assert np.array_equal(low, ref_low) and np.array_equal(high, ref_high)
    fu = result.funnel[result.funnel.theme == result.funnel.theme.iloc[0]]
    ax = Figure().add_subplot()
    art = plot_funnel(ax, fu)
    ref = float(fu.reference_rate_per_1000.max())
    lines = [ln for ln in ax.get_lines() if ln is not art["reference"]]
    assert len(lines) == 2 * len(LEVELS)
    for i, level in enumerate(LEVELS):
        lo_line, hi_line = lines[2 * i], lines[2 * i + 1]
        grid = np.asarray(lo_line.get_xdata(), dtype=float)
        low, high = poisson_ci(ref * grid / 1000, alpha=1 - level)
        assert np.array_equal(np.asarray(lo_line.get_ydata()), low / grid * 1000)
        assert np.array_equal(np.asarray(hi_line.get_ydata()), high / grid * 1000)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_bytes_quote_as_the_csv_module_does() -> None:
    # the rows are joined without the csv module; the few cells it would quote it still quotes
    texts = ["plain", "a,b", 'zei "ja"', "twee\nregels", "cr\rhier", "", " ", "é, ü", ",", '"']
    frame = pd.DataFrame(
        {
            "tekst": texts,
            "getal": [1.5, 2.0, np.nan, 1.5, -0.0, 1e16, 2.0, np.inf, 0.1234567, 3.0],
            "geheel": np.array([3, 3, -1, 0, 3, 7, 7, 3, 3, 3], dtype=np.int64),
            "kop,met komma": ["x"] * 10,
        }
    )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(frame.columns))
    writer.writerows([[cell(v) for v in row] for row in frame.itertuples(index=False)])
    assert csv_bytes(frame) == buf.getvalue().encode("utf-8")
    text = csv_bytes(frame).decode("utf-8")
    assert text.startswith('tekst,getal,geheel,"kop,met komma"\nplain,1.500000,3,x\n"a,b",2,3,x\n')
    assert '\n"zei ""ja""",,-1,x\n"twee\nregels",1.500000,0,x\n' in text
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back[5] == ["cr\nhier", "0", "3", "x"]  # text made safe (csv_text); -0.0 is "0"
    assert back[6][1] == "10000000000000000.000000" and back[8][1] == "inf"


def test_csv_bytes_of_one_column_write_an_empty_cell_as_the_csv_module_does() -> None:
    assert csv_bytes(pd.DataFrame({"t": ["a", "", "b,c"]})) == b't\na\n""\n"b,c"\n'
    assert csv_bytes(pd.DataFrame({"t": pd.Series([], dtype=object)})) == b"t\n"
    assert csv_bytes(pd.DataFrame({"a": [], "b": []})) == b"a,b\n"
