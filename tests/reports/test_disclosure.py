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
from ivp_pipeline.scoring.keyfigures import KEYFIGURES
from ivp_pipeline.scoring.localfigures import LOCAL_FIGURES
from ivp_pipeline.scoring.voices import BY_TYPE
from ivp_pipeline.scoring.wijken import WIJKEN
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


def attack(
    public: Path,
    internal: Path,
    extras: tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]] | None = None,
) -> tuple[int, int]:
    """(hidden cells, hidden cells recovered with their true value) from the public CSV files, and
    with `extras` (public, internal result.extras) also from the published extras."""
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
    if extras is not None:
        _extra_equations(extras, rows, cells, truth, relate)
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


EXTRA_COUNTS = {
    "keyfigures": ("count", "prev_count"),
    "bbv": ("count", "prev_count"),
    "wijken": ("count", "previous_count"),
    "professionals_by_type": ("respondents",),
    "local_figures": ("value",),
}


def _published(value: object) -> float | None:
    return None if isinstance(value, str) else float(value)  # type: ignore[arg-type]


def _extra_equations(extras, rows, cells, truth, relate) -> None:  # type: ignore[no-untyped-def]
    """The attacker reads the extras as the report shows them: key figures and BBV (NOT = the four
    municipalities; a municipality's count = its 12-month sum in the trends; BBV = key figure of the
    same name), wijken (they sum to their municipality's 12-month count), organisation types (they sum
    to the respondents) and local figures (NOT = the four)."""
    public, internal = extras
    for name, columns in EXTRA_COUNTS.items():
        pub, own = public[name], internal[name]
        for column in columns:
            for r in range(len(pub)):
                if "role" in pub.columns and pub["role"].iat[r] not in ("region", "municipality"):
                    continue
                true = own[column].iat[r]
                if pd.isna(true):
                    continue
                cells[(f"{name}:{column}", r)] = _published(pub[column].iat[r])
                truth[(f"{name}:{column}", r)] = float(true)
    year_rows: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for r, rec in enumerate(rows["trends"]):
        if rec["period_kind"] == "year":
            year_rows[(rec["municipality"], rec["theme"])].append((rec["period_end"], r))
    last = {k: ("trends", max(v)[1]) for k, v in year_rows.items()}
    before = {k: ("trends", sorted(v)[-2][1]) for k, v in year_rows.items() if len(v) > 1}
    volume = {
        (rec["municipality"], rec["theme"]): ("criteria", r)
        for r, rec in enumerate(rows["criteria"])
        if rec["criterion"] == "volume"
    }
    by_kf: dict[tuple[str, str], int] = {}
    for name in ("keyfigures", "bbv"):
        pub = public[name]
        by: dict[tuple[str, str], int] = {}
        for r in range(len(pub)):
            by[(str(pub["unit"].iat[r]), str(pub["theme"].iat[r]))] = r
        for (unit, theme), r in by.items():
            if unit == "NOT":
                for column in ("count", "prev_count"):
                    relate([(f"{name}:{column}", r)], [(f"{name}:{column}", by[(m, theme)]) for m in MEMBERS])
            for column, other in (("count", last), ("prev_count", before)):
                if (unit, theme) in other:
                    relate([(f"{name}:{column}", r)], [other[(unit, theme)]])
            if (unit, theme) in volume:
                relate(
                    [("keyfigures:count" if name == "keyfigures" else "bbv:count", r)],
                    [volume[(unit, theme)]],
                )
            if name == "bbv" and (unit, theme) in by_kf:
                relate([("bbv:count", r)], [("keyfigures:count", by_kf[(unit, theme)])])
        if name == "keyfigures":
            by_kf = dict(by)
    wk = public["wijken"]
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in range(len(wk)):
        groups[(str(wk["municipality"].iat[r]), str(wk["theme"].iat[r]))].append(r)
    for unit, members in groups.items():
        for column, other in (("count", last), ("previous_count", before)):
            if unit in other:
                relate([other[unit]], [(f"wijken:{column}", r) for r in members])
    bt = public["professionals_by_type"]
    types: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in range(len(bt)):
        types[(str(bt["municipality"].iat[r]), str(bt["theme"].iat[r]))].append(r)
    for r, rec in enumerate(rows["professionals"]):
        unit = (rec["municipality"], rec["theme"])
        if rec["criterion"] == "size" and unit in types:
            relate([("professionals", r)], [("professionals_by_type:respondents", j) for j in types[unit]])
    lf = public["local_figures"]
    where = {(str(lf["municipality"].iat[r]), str(lf["period_start"].iat[r])): r for r in range(len(lf))}
    for (unit, start), r in where.items():
        if unit == "NOT":
            relate(
                [("local_figures:value", r)], [("local_figures:value", where[(m, start)]) for m in MEMBERS]
            )


def with_extras(result):  # type: ignore[no-untyped-def]
    """`result` with key figures, BBV, wijken, organisation types and local figures that agree with
    its main tables (as scoring/keyfigures.py, wijken.py, voices.py and localfigures.py compute them)."""
    tr = result.trends[result.trends["period_kind"] == "year"].sort_values("period_start")
    latest = tr.groupby(["municipality", "theme"]).last()
    first = tr.groupby(["municipality", "theme"]).first()
    kf = []
    for (unit, theme), rec in latest.iterrows():
        prev = float(first.loc[(unit, theme), "count"])
        role = "region" if unit == "NOT" else "municipality"
        count = float(rec["count"])
        ratio = count / prev if prev else np.inf
        start, end = str(rec["period_start"])[:10], str(rec["period_end"])[:10]
        rate = (rec["inhabitants"], rec["rate_per_1000"], 0.5 * count, 2.0 * count)
        base = ("2024", np.nan, np.nan, np.nan, np.nan, "unknown")
        kf.append(
            (unit, role, theme, theme, count, *rate, start, end, prev, prev, ratio, 0.5, "higher", *base)
        )
    kf.append(
        (
            "NL01",
            "country",
            "woninginbraak",
            "woninginbraak",
            900.0,
            1e6,
            0.9,
            0.8,
            1.0,
            "2025-01-01",
            "2025-12-01",
            950.0,
            0.95,
            0.95,
            0.3,
            "same",
            "2024",
            np.nan,
            np.nan,
            np.nan,
            np.nan,
            "unknown",
        )
    )
    keyfigures = pd.DataFrame(kf, columns=list(KEYFIGURES))
    bbv = keyfigures[keyfigures["theme"].isin(["woninginbraak", "drugs_alcohol"])].reset_index(drop=True)
    wijken, by_type, local = [], [], []
    for (unit, theme), rec in latest.iterrows():
        if unit == "NOT":
            continue
        count, prev = float(rec["count"]), float(first.loc[(unit, theme), "count"])
        for k, (a, b) in enumerate(((count // 2, prev // 3), (count // 5, prev // 2))):
            wijken.append(
                (
                    unit,
                    theme,
                    f"WK{unit[2:]}0{k}",
                    f"Wijk {k}",
                    rec["period_start"],
                    rec["period_end"],
                    "year",
                    a,
                    a,
                    a,
                    b,
                    np.nan,
                    np.nan,
                    np.nan,
                    np.nan,
                )
            )
            count, prev = count - a, prev - b
        wijken.append(
            (
                unit,
                theme,
                f"WK{unit[2:]}09",
                "Centrum",
                rec["period_start"],
                rec["period_end"],
                "year",
                count,
                count,
                count,
                prev,
                np.nan,
                np.nan,
                np.nan,
                np.nan,
            )
        )
    prof = result.professionals
    for rec in prof[prof["criterion"] == "size"].to_dict("records"):
        n = int(rec["respondents"])
        for org, part in (("politie", n // 2), ("gemeente", n - n // 2)):
            by_type.append((rec["municipality"], rec["theme"], org, part, 3.0, 2.5, 3.5, 0.25))
    values = {"GM1774": 3.0, "GM0168": 12.0, "GM0173": 20.0, "GM0183": 31.0}
    for unit, value in [*values.items(), ("NOT", sum(values.values()))]:
        local.append((unit, "jeugd", "halt", "Halt-verwijzingen", pd.Timestamp("2025-01-01"), "year", value,
                      "observed", 4, 2000.0, 10_000, value * 5, value * 4, value * 6, "Halt"))  # fmt: skip
    extras = {
        **result.extras,
        "keyfigures": keyfigures,
        "bbv": bbv,
        "wijken": pd.DataFrame(wijken, columns=list(WIJKEN)),
        "professionals_by_type": pd.DataFrame(by_type, columns=list(BY_TYPE)),
        "local_figures": pd.DataFrame(local, columns=list(LOCAL_FIGURES)),
    }
    return replace(result, extras=extras)


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


@pytest.fixture(scope="module")
def with_published_extras(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(internal folder, public folder, public extras, internal extras, primary-only extras)."""
    result = with_extras(make_result(n_themes=7, first_month="2024-01-01"))
    root = tmp_path_factory.mktemp("disclosure_extras")
    internal, public = for_audience(result, public=False), for_audience(result, public=True)
    write_tables(internal, root / "intern" / "tables")
    write_tables(public, root / "openbaar" / "tables")
    primary = {}
    for name, columns in EXTRA_COUNTS.items():
        frame = result.extras[name].copy()
        for column in columns:
            values = pd.to_numeric(frame[column], errors="coerce")
            frame[column] = frame[column].astype(object)
            frame.loc[values < 5, column] = "<5"
        primary[name] = frame
    return root / "intern", root / "openbaar", public.extras, internal.extras, primary, public


def test_primary_suppression_in_the_extras_gives_counts_away(with_published_extras) -> None:  # type: ignore[no-untyped-def]
    intern, public, _pub, own, primary, _result = with_published_extras
    _hidden, recovered = attack(public, intern, (primary, own))
    assert recovered > 0  # e.g. NOT minus three municipalities in the key figures or local figures


def test_no_hidden_count_can_be_recovered_from_the_tables_and_the_extras(with_published_extras) -> None:  # type: ignore[no-untyped-def]
    intern, public, pub, own, _primary, _result = with_published_extras
    hidden, recovered = attack(public, intern, (pub, own))
    assert hidden > 300
    assert recovered == 0
    for name, columns in EXTRA_COUNTS.items():  # every extra has hidden counts of both kinds to protect
        marked = pub[name][list(columns)].isin(["<5", "x"]).to_numpy().sum()
        assert marked > 0, name


def _hidden_main(result) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    """(municipality, theme) -> marker of the volume criterion's n (the latest 12-month count)."""
    crit = result.criteria[result.criteria["criterion"] == "volume"]
    return {
        (str(m), str(t)): str(n)
        for m, t, n in zip(crit["municipality"], crit["theme"], crit["n"], strict=True)
        if isinstance(n, str)
    }


def test_key_figures_and_bbv_show_x_where_the_main_tables_hide_the_count(with_published_extras) -> None:  # type: ignore[no-untyped-def]
    from ivp_pipeline.reports.keytables import bbv_tables, keyfigure_table, theme_texts

    *_, result = with_published_extras
    hidden = _hidden_main(result)
    tr = result.trends[result.trends["period_kind"] == "year"]
    earlier = tr[tr["period_start"].astype(str).str.startswith("2024")]
    keys = zip(earlier["municipality"], earlier["theme"], earlier["count"], strict=True)
    secondary = [(str(m), str(t)) for m, t, n in keys if n == "x" and m != "NOT"]
    assert secondary  # the previous 12 months, withheld in the trends to protect a small count
    kf = result.extras["keyfigures"]
    for muni, theme in secondary:
        got = kf.loc[(kf["unit"] == muni) & (kf["theme"] == theme), "prev_count"]
        assert list(got) == ["x"]
    muni, theme = secondary[0]
    table = keyfigure_table(result, theme)
    assert table is not None
    row = next(r for r in table.rows if r[0] == result.region.label(muni))
    assert row[4] == "x" and {row[5], row[6]} <= {"x", "n<5"}  # previous count, change, test
    name = result.region.label(muni)
    assert any(
        text.startswith(f"Voor {name} ") and "weggelaten" in text for text in theme_texts(result, theme)
    )
    for (m, t), marker in hidden.items():  # the same figure, hidden with the same marker
        got = kf.loc[(kf["unit"] == m) & (kf["theme"] == t), "count"]
        assert list(got) == [marker]
    bbv = result.extras["bbv"]
    for rec in bbv.to_dict("records"):
        if (rec["unit"], rec["theme"]) in hidden:
            assert rec["count"] == hidden[(rec["unit"], rec["theme"])]
    small = [m for (m, t) in hidden if t == "drugs_alcohol" and m != "NOT"]
    assert small
    tables = {t.caption.split(": ")[-1]: t for t in bbv_tables(result)}
    for muni in small:
        row = next(r for r in tables[result.region.label(muni)].rows if r[0].startswith("drugs_alcohol"))
        assert row[1] == hidden[(muni, "drugs_alcohol")]  # the same marker as in the main tables
        assert row[2] == ("x" if row[1] == "x" else "n<5")


def test_wijken_hide_with_their_municipality(with_published_extras) -> None:  # type: ignore[no-untyped-def]
    from ivp_pipeline.reports.wijken import wijk_items

    *_, result = with_published_extras
    wk = result.extras["wijken"]
    assert (wk["count"] == "x").any()
    rec = wk[wk["count"] == "x"].iloc[0]
    items = wijk_items(result, str(rec["theme"]), str(rec["municipality"]))
    table = next(i for i in items if hasattr(i, "rows"))
    row = next(r for r in table.rows if r[0] == rec["area_name"])
    assert row[1] == "x" and row[2] == ""  # no interval or rate of a withheld count


def test_organisation_types_hide_with_the_respondents(with_published_extras) -> None:  # type: ignore[no-untyped-def]
    from ivp_pipeline.reports.voices import voices_items

    *_, result = with_published_extras
    bt = result.extras["professionals_by_type"]
    assert (bt["respondents"] == "x").any()
    rec = bt[bt["respondents"] == "x"].iloc[0]
    items = voices_items(result, str(rec["theme"]), str(rec["municipality"]))
    table = next(i for i in items if hasattr(i, "rows"))
    assert [
        "Politie" if rec["organisation_type"] == "politie" else "Gemeente",
        "x",
        "x",
        "x",
        "x",
    ] in table.rows


def test_local_figures_region_total_does_not_give_a_small_one_away(with_published_extras) -> None:  # type: ignore[no-untyped-def]
    from ivp_pipeline.reports.localfigures import local_items

    *_, result = with_published_extras
    lf = result.extras["local_figures"].set_index("municipality")["value"]
    assert lf["GM1774"] == "<5" and "x" in set(lf)  # 3 is small; the smallest other (or NOT) goes too
    hidden = next(m for m, v in lf.items() if v == "x")
    items = local_items(result, "jeugd", str(hidden))
    table = items[-1]
    assert table.rows[0][2] == "x" and table.rows[0][3] == "x"  # type: ignore[union-attr]
