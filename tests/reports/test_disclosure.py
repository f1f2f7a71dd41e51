"""Secondary suppression: an attacker with only the public CSV files recovers no hidden count.

The attacker here is written independently of reports/disclosure.py: it reads the published tables,
writes down every linear relation they expose (the NOT figure is the sum of the four municipalities, a
12-month sum is the sum of its months, a window's count is the sum of its offence codes, and the latest
12 months of a theme are the same number in trends, criteria and the funnel), solves for the hidden
cells and compares what it finds with the internal figures. With primary suppression alone it recovers
many counts; with the public outputs as written, none.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ivp_pipeline.reports.disclosure import build, plan, recoverable
from ivp_pipeline.reports.public import apply_public_mode, for_audience
from ivp_pipeline.reports.tables import write_tables
from outputs_fixtures import make_result

TABLES = ("trends", "indicators", "criteria", "funnel", "professionals")
COUNT = {
    "trends": "count",
    "indicators": "count",
    "criteria": "n",
    "funnel": "count",
    "professionals": "respondents",
}
MEMBERS = ("GM1774", "GM0168", "GM0173", "GM0183")


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / "tables" / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def attack(public: Path, internal: Path) -> tuple[int, int]:
    """(hidden cells, hidden cells recovered with their true value) from the public CSV files."""
    cells: dict[tuple[str, int], float | None] = {}  # (table, row) -> published value (None: hidden)
    truth: dict[tuple[str, int], float] = {}
    rows: dict[str, list[dict[str, str]]] = {}
    for name in TABLES:
        rows[name] = _read(public, name)
        inside = _read(internal, name)
        assert len(inside) == len(rows[name])
        for r, (pub, own) in enumerate(zip(rows[name], inside, strict=True)):
            if name == "criteria" and pub["criterion"] not in ("volume", "harm", "trend", "comparison"):
                continue
            if name == "indicators" and pub["source"] != "politie":
                continue
            true = _number(own[COUNT[name]])
            if true is None:
                continue  # unknown in the internal version as well: nothing to recover
            cells[(name, r)] = _number(pub[COUNT[name]])
            truth[(name, r)] = true
    equations: list[dict[tuple[str, int], float]] = []

    def relate(total: list[tuple[str, int]], parts: list[tuple[str, int]]) -> None:
        if all(c in cells for c in total + parts) and total and parts:
            eq: dict[tuple[str, int], float] = defaultdict(float)
            for c in total:
                eq[c] += 1
            for c in parts:
                eq[c] -= 1
            equations.append(dict(eq))

    keys = {
        "trends": ("theme", "period_kind", "period_start", "period_end"),
        "indicators": ("theme", "offence_code", "window", "period_start", "period_end"),
        "criteria": ("theme", "criterion"),
        "funnel": ("theme", "area_code"),
        "professionals": ("theme", "criterion"),
    }
    for name, key in keys.items():  # NOT = the four municipalities
        groups: dict[tuple[str, ...], dict[str, int]] = defaultdict(dict)
        for r, rec in enumerate(rows[name]):
            groups[tuple(rec[k] for k in key)][rec["municipality"]] = r
        for members in groups.values():
            if "NOT" in members and all(m in members for m in MEMBERS):
                relate([(name, members["NOT"])], [(name, members[m]) for m in MEMBERS])
    months: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    latest_year: dict[tuple[str, str], tuple[str, int]] = {}
    for r, rec in enumerate(rows["trends"]):
        if rec["period_kind"] == "month":
            months[(rec["municipality"], rec["theme"])].append((rec["period_start"], r))
    for r, rec in enumerate(rows["trends"]):  # a 12-month sum = its months
        if rec["period_kind"] == "year":
            unit = (rec["municipality"], rec["theme"])
            inside = [("trends", m) for s, m in months[unit] if rec["period_start"] <= s <= rec["period_end"]]
            relate([("trends", r)], inside)
            if rec["period_end"] > latest_year.get(unit, ("", 0))[0]:
                latest_year[unit] = (rec["period_end"], r)
    windows: dict[tuple[str, str, str], list[tuple[str, int]]] = defaultdict(list)
    for r, rec in enumerate(rows["indicators"]):
        if ("indicators", r) in cells:
            windows[(rec["municipality"], rec["theme"], rec["window"])].append(("indicators", r))
    same: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)  # the latest 12 months
    trend_n: dict[tuple[str, str], tuple[str, int]] = {}
    for r, rec in enumerate(rows["criteria"]):
        if ("criteria", r) in cells:
            unit = (rec["municipality"], rec["theme"])
            if rec["criterion"] == "trend":
                trend_n[unit] = ("criteria", r)
            else:
                same[unit].append(("criteria", r))
    for r, rec in enumerate(rows["funnel"]):
        if rec["area_code"] == rec["municipality"]:
            same[(rec["municipality"], rec["theme"])].append(("funnel", r))
    for unit, (_end, r) in latest_year.items():
        same[unit].append(("trends", r))
    for unit, group in same.items():
        for a, b in pairwise(group):
            relate([a], [b])
        relate([group[0]], windows.get((*unit, "latest"), []))
        if unit in trend_n:
            relate([trend_n[unit]], [group[0], *windows.get((*unit, "baseline"), [])])
    # keep the relations the published numbers do not contradict (all shown: check they hold)
    equations = [
        eq
        for eq in equations
        if any(cells[c] is None for c in eq) or abs(sum(v * (cells[c] or 0.0) for c, v in eq.items())) < 1e-6
    ]
    hidden = sorted(c for c, v in cells.items() if v is None)
    pos = {c: j for j, c in enumerate(hidden)}
    a = np.zeros((len(equations), len(hidden)))
    b = np.zeros(len(equations))
    for k, eq in enumerate(equations):
        for c, v in eq.items():
            if c in pos:
                a[k, pos[c]] = v
            else:
                b[k] -= v * float(cells[c] or 0.0)
    used = np.abs(a).sum(axis=1) > 0
    a, b = a[used], b[used]
    x = np.linalg.lstsq(a, b, rcond=None)[0]
    _, s, vt = np.linalg.svd(a, full_matrices=True)
    rank = int((s > 1e-9 * max(1.0, s.max(initial=0.0))).sum())
    spread = np.linalg.norm(vt[rank:], axis=0) if rank < len(hidden) else np.zeros(len(hidden))
    recovered = sum(1 for c, j in pos.items() if spread[j] < 1e-7 and abs(x[j] - truth[c]) < 1e-6)
    return len(hidden), recovered


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    result = make_result(n_themes=7, first_month="2024-01-01")
    root = tmp_path_factory.mktemp("disclosure")
    # the CSV writer of every output; the workbook, charts and HTML render the same suppressed result
    write_tables(for_audience(result, public=False), root / "intern" / "tables")
    write_tables(for_audience(result, public=True), root / "openbaar" / "tables")
    # the previous public mode: only the counts below 5 hidden, written through the same writer
    table, first, _full = plan(result, 5)
    write_tables(_primary_only(result, table, first), root / "primair" / "tables")
    return root / "intern", root / "openbaar", root / "primair"


def _primary_only(result, table, first):  # type: ignore[no-untyped-def]
    """The result with only the counts below the threshold marked, as public mode did before."""
    frames = {
        "trends": result.trends.copy(),
        "indicators": result.indicators.copy(),
        "criteria": result.criteria.copy(),
        "funnel": result.funnel.copy(),
        "professionals": result.professionals.copy(),
    }
    for i, cell in enumerate(table.cells):
        if first[i] and cell.frame in frames:
            frame = frames[cell.frame]
            frame[cell.column] = frame[cell.column].astype(object)
            frame.iat[cell.row, frame.columns.get_loc(cell.column)] = "<5"
    return replace(result, **frames, method={**result.method, "public": True, "public_threshold": 5})


def test_primary_suppression_alone_gives_counts_away(outputs: tuple[Path, Path, Path]) -> None:
    intern, _public, primary = outputs
    hidden, recovered = attack(primary, intern)
    assert hidden > 300
    assert recovered >= 20  # the attack works: NOT minus three municipalities, a year minus 11 months


def test_no_hidden_count_can_be_recovered_from_the_public_tables(outputs: tuple[Path, Path, Path]) -> None:
    intern, public, _primary = outputs
    hidden, recovered = attack(public, intern)
    assert hidden > 300
    assert recovered == 0


def test_secondary_cells_are_marked_x_and_consistent_across_tables(outputs: tuple[Path, Path, Path]) -> None:
    _intern, public, _primary = outputs
    trends = pd.read_csv(public / "tables" / "trends.csv", dtype=str)
    assert (trends["count"] == "x").sum() > 10
    assert (trends.loc[trends["count"] == "x", "rate_per_1000"] == "x").all()
    crit = pd.read_csv(public / "tables" / "criteria.csv", dtype=str)
    funnel = pd.read_csv(public / "tables" / "funnel.csv", dtype=str)
    volume = crit[crit.criterion == "volume"].set_index(["municipality", "theme"])["n"]
    points = funnel[funnel.area_code == funnel.municipality].set_index(["municipality", "theme"])["count"]
    both = volume.index.intersection(points.index)
    assert len(both) > 10
    hidden_v = volume[both].isin(["x", "<5"])
    assert (hidden_v == points[both].isin(["x", "<5"])).all()  # one figure, hidden in every table


def test_scores_on_hidden_counts_are_banded_and_flagged() -> None:
    result = make_result(n_themes=7, first_month="2024-01-01")
    public = apply_public_mode(result)
    flagged = public.scores["flags"].fillna("").str.contains("score_banded")
    assert flagged.any() and (~flagged).any()
    assert (public.scores.loc[flagged, "score"].astype(float) % 10 == 0).all()
    assert (public.scores.loc[flagged, "score_low"].astype(float) % 10 == 0).all()
    same = ~flagged
    assert list(public.scores.loc[same, "score"]) == list(result.scores.loc[same, "score"])


def test_respondents_hidden_with_their_organisation_types() -> None:
    result = make_result(n_themes=3, first_month="2025-01-01")
    prof = result.professionals.copy()
    prof.loc[prof.index[0], ["respondents", "organisation_types"]] = [4, 4]
    public = apply_public_mode(replace(result, professionals=prof)).professionals
    assert public.iloc[0]["respondents"] == "<5" and public.iloc[0]["organisation_types"] == "n<5"


def test_recoverable_finds_a_difference_and_protect_closes_it() -> None:
    result = make_result(n_themes=2, first_month="2025-06-01")
    table = build(result)
    values = np.asarray(table.values)
    primary = values < 5
    assert recoverable(primary, table.equations)  # NOT minus the others, or a year minus its months
    _t, _p, full = plan(result, 5)
    assert not recoverable(full, table.equations)
    assert (full >= primary).all() and full.sum() > primary.sum()
