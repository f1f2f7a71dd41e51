"""Secondary suppression (the CBS convention): no suppressed count follows from what is published.

Public mode hides every count below the threshold (primary suppression, reports/public.py). The
outputs also publish totals that contain those counts: the NOT figure is the sum of the four
municipalities, a 12-month sum is the sum of its months, a theme's count is the sum of its offence
codes, and one quantity appears in several tables (the latest 12 months of a theme are a trends row,
the n of four criteria, a funnel point and a voortgang value). Each such relation is a linear equation
between published cells. This module collects every count cell of a ScoreResult, writes down the
equations that hold between them (a candidate relation is kept only when it holds exactly in the
computed numbers, so a relation the data do not satisfy is never assumed), and then suppresses more
cells until no suppressed cell is determined by the equations and the shown cells:

- a suppressed cell is *determined* when its unit vector lies in the row space of the equations
  restricted to the suppressed cells (equivalently: every solution of the system gives it the same
  value); this is checked per connected group of suppressed cells with a singular value decomposition;
- for each determined cell, the smallest shown cell in an equation it is part of is suppressed too
  (the "next-smallest cell in the same total"), and the check is repeated until nothing is determined.

`recoverable` is the attacker's side of the same algebra, used by the tests to confirm that nothing can
be recovered. The bound that non-negativity gives (a shown total of 6 over two hidden cells says each is
at most 6) is not protected: CBS does not either, and such a range is not a count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ivp_pipeline.offences import BBV  # the police codes of each BBV indicator

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

NOT = "NOT"
COUNT_CRITERIA = ("volume", "harm", "trend", "comparison")
TOLERANCE = 1e-6  # counts are whole numbers: an equation holds when it is off by less than this
_NULL_TOL = 1e-8


@dataclass(frozen=True)
class Cell:
    """One published count: frame name (`extras:voortgang` for extras), row position, column."""

    frame: str
    row: int
    column: str


@dataclass
class Table:
    """Every count cell of a result, its value, and the linear equations between them."""

    cells: list[Cell] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    equations: list[dict[int, float]] = field(default_factory=list)  # cell index -> coefficient
    _index: dict[Cell, int] = field(default_factory=dict)

    def add(self, cell: Cell, value: float) -> int:
        if cell not in self._index:
            self._index[cell] = len(self.cells)
            self.cells.append(cell)
            self.values.append(value)
        return self._index[cell]

    def index(self, cell: Cell) -> int | None:
        return self._index.get(cell)

    def relate(self, total: Sequence[int], parts: Sequence[int]) -> None:
        """sum(total) = sum(parts), kept only when it holds in the numbers and says something."""
        coef: dict[int, float] = defaultdict(float)
        for i in total:
            coef[i] += 1.0
        for i in parts:
            coef[i] -= 1.0
        eq = {i: c for i, c in coef.items() if abs(c) > 0}
        if len(eq) < 2:
            return
        if abs(sum(c * self.values[i] for i, c in eq.items())) < TOLERANCE:
            self.equations.append(eq)


def frames(result: ScoreResult) -> dict[str, pd.DataFrame]:
    """The frames that hold counts, by the name used in `Cell.frame`."""
    out = {
        "trends": result.trends,
        "indicators": result.indicators,
        "criteria": result.criteria,
        "funnel": result.funnel,
        "professionals": result.professionals,
    }
    for name in EXTRAS:
        got = result.extras.get(name)
        if got is not None:
            out[f"extras:{name}"] = got
    return out


# The extras whose counts are published beside the main tables (reports/keytables.py, wijken.py,
# voices.py, localfigures.py and the voortgang table).
EXTRAS = ("voortgang", "keyfigures", "bbv", "wijken", "professionals_by_type", "local_figures")
# (frame, count column) of each extra; key figures and BBV only for the region and its municipalities
EXTRA_COUNTS = {
    "extras:keyfigures": ("count", "prev_count", "base_count"),
    "extras:bbv": ("count", "prev_count", "base_count"),
    "extras:wijken": ("count", "previous_count"),
    "extras:professionals_by_type": ("respondents",),
    "extras:local_figures": ("value",),
}
OWN_ROLES = ("region", "municipality")


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _text(frame: pd.DataFrame, column: str) -> list[str]:
    if column not in frame.columns:
        return [""] * len(frame)
    return ["" if pd.isna(v) else str(v) for v in frame[column]]


def _dates(frame: pd.DataFrame, column: str) -> list[str]:
    """Dates as yyyy-mm-dd text, whether the frame holds them as timestamps, dates or text."""
    if column not in frame.columns:
        return [""] * len(frame)
    return ["" if pd.isna(v) else str(v)[:10] for v in frame[column]]


def build(result: ScoreResult) -> Table:
    """The count cells of `result` (registered offences and incidents, respondents) and their relations."""
    t = Table()
    fr = frames(result)
    _trends(t, fr["trends"])
    _indicators(t, fr["indicators"])
    _criteria(t, fr["criteria"])
    _funnel(t, fr["funnel"])
    _professionals(t, fr["professionals"])
    if "extras:voortgang" in fr:
        _voortgang(t, fr["extras:voortgang"])
    for name, columns in EXTRA_COUNTS.items():
        frame = fr.get(name)
        if frame is None or frame.empty:
            continue
        rows = None
        if "role" in frame.columns:
            rows = [r for r, role in enumerate(_text(frame, "role")) if role in OWN_ROLES]
        for column in columns:
            _cells(t, name, frame, column, rows)
    _region_totals(t, fr, result.region.code)
    _theme_totals(t, fr)
    _extra_relations(t, fr)
    return t


def _cells(
    t: Table, name: str, frame: pd.DataFrame, column: str, rows: Iterable[int] | None = None
) -> dict[int, int]:
    """Register the known values of a count column; row position -> cell index."""
    values = _numbers(frame, column)
    picked = range(len(frame)) if rows is None else rows
    return {r: t.add(Cell(name, r, column), float(values[r])) for r in picked if not np.isnan(values[r])}


def _trends(t: Table, frame: pd.DataFrame) -> None:
    cells = _cells(t, "trends", frame, "count")
    munis, themes = _text(frame, "municipality"), _text(frame, "theme")
    kinds, starts, ends = (
        _text(frame, "period_kind"),
        _dates(frame, "period_start"),
        _dates(frame, "period_end"),
    )
    months: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for r, i in cells.items():
        if kinds[r] == "month":
            months[(munis[r], themes[r])].append((starts[r], i))
    for r, i in cells.items():  # a 12-month sum against its months
        if kinds[r] != "month" and starts[r] and ends[r]:
            inside = [j for s, j in months.get((munis[r], themes[r]), []) if starts[r] <= s <= ends[r]]
            if inside:
                t.relate([i], inside)


def _indicators(t: Table, frame: pd.DataFrame) -> None:
    rows = [r for r, s in enumerate(_text(frame, "source")) if s in ("politie", "police")]
    _cells(t, "indicators", frame, "count", rows)


def _criteria(t: Table, frame: pd.DataFrame) -> None:
    rows = [r for r, c in enumerate(_text(frame, "criterion")) if c in COUNT_CRITERIA]
    _cells(t, "criteria", frame, "n", rows)


def _funnel(t: Table, frame: pd.DataFrame) -> None:
    _cells(t, "funnel", frame, "count")


def _professionals(t: Table, frame: pd.DataFrame) -> None:
    _cells(t, "professionals", frame, "respondents")


def _voortgang(t: Table, frame: pd.DataFrame) -> None:
    kinds = _text(frame, "measure_code")
    rows = [r for r, k in enumerate(kinds) if k == "count"]
    for column in ("baseline_value", "current_value"):
        _cells(t, "extras:voortgang", frame, column, rows)


# The columns that, with the municipality, identify a cell whose NOT figure is the sum of the four.
_REGION_KEYS = {
    "trends": (("count",), ("theme", "period_kind", "period_start", "period_end")),
    "indicators": (("count",), ("theme", "offence_code", "window", "period_start", "period_end")),
    "criteria": (("n",), ("theme", "criterion")),
    "funnel": (("count",), ("theme", "area_code")),
    "professionals": (("respondents",), ("theme", "criterion")),
    "extras:voortgang": (("baseline_value", "current_value"), ("theme", "measure")),
    "extras:keyfigures": (("count", "prev_count", "base_count"), ("theme",)),
    "extras:bbv": (("count", "prev_count", "base_count"), ("theme",)),
    "extras:professionals_by_type": (("respondents",), ("theme", "organisation_type")),
    "extras:local_figures": (("value",), ("figure", "period_start", "period_kind")),
}
# the column that names the municipality (key figures and BBV: the unit)
_UNIT_COLUMN = {"extras:keyfigures": "unit", "extras:bbv": "unit"}


def _region_totals(t: Table, fr: dict[str, pd.DataFrame], region: str = NOT) -> None:
    """NOT = Dinkelland + Losser + Oldenzaal + Tubbergen, wherever a NOT row and its members are shown.

    `region` is the code of the region total ([region] code; NOT for Noordoost Twente).
    """
    for name, (columns, keys) in _REGION_KEYS.items():
        frame = fr.get(name)
        unit = _UNIT_COLUMN.get(name, "municipality")
        if frame is None or frame.empty or unit not in frame.columns:
            continue
        munis = _text(frame, unit)
        key_text = [_dates(frame, k) if k.startswith("period_") else _text(frame, k) for k in keys]
        groups: dict[tuple[str, ...], dict[str, int]] = defaultdict(dict)
        for r in range(len(frame)):
            key = tuple(col[r] for col in key_text)
            groups[key][munis[r]] = r
        for column in columns:
            for members in groups.values():
                total_row = members.get(region)
                if total_row is None:
                    continue
                total = t.index(Cell(name, total_row, column))
                parts = [t.index(Cell(name, r, column)) for m, r in members.items() if m != region]
                if total is not None and parts and all(p is not None for p in parts):
                    t.relate([total], [p for p in parts if p is not None])


def _theme_totals(t: Table, fr: dict[str, pd.DataFrame]) -> None:
    """Per municipality and theme: the count of a window = the sum of its offence codes = the sum of
    its months; and the theme's latest 12 months appear as criteria n, a funnel point, a trends row and
    a voortgang value (the trend criterion's n is baseline plus latest)."""
    ind = fr["indicators"]
    windows: dict[tuple[str, str, str], list[int]] = defaultdict(list)  # (muni, theme, window) -> cells
    bounds: dict[tuple[str, str, str], tuple[str, str]] = {}
    if not ind.empty:
        munis, themes, wins = _text(ind, "municipality"), _text(ind, "theme"), _text(ind, "window")
        starts, ends = _dates(ind, "period_start"), _dates(ind, "period_end")
        for r in range(len(ind)):
            i = t.index(Cell("indicators", r, "count"))
            if i is not None:
                windows[(munis[r], themes[r], wins[r])].append(i)
                bounds[(munis[r], themes[r], wins[r])] = (starts[r], ends[r])
    month_cells, year_cells = _trend_cells(t, fr["trends"])
    latest: dict[tuple[str, str], list[int]] = defaultdict(list)  # cells that may all be the latest count
    trend_n: dict[tuple[str, str], int] = {}
    crit = fr["criteria"]
    if not crit.empty:
        munis, themes, kinds = _text(crit, "municipality"), _text(crit, "theme"), _text(crit, "criterion")
        for r in range(len(crit)):
            i = t.index(Cell("criteria", r, "n"))
            if i is None:
                continue
            if kinds[r] == "trend":
                trend_n[(munis[r], themes[r])] = i
            else:
                latest[(munis[r], themes[r])].append(i)
    fun = fr["funnel"]
    if not fun.empty:
        munis, themes, areas = _text(fun, "municipality"), _text(fun, "theme"), _text(fun, "area_code")
        for r in range(len(fun)):
            i = t.index(Cell("funnel", r, "count"))
            if i is not None and areas[r] == munis[r]:
                latest[(munis[r], themes[r])].append(i)
    vg = fr.get("extras:voortgang")
    if vg is not None and not vg.empty:
        munis, themes = _text(vg, "municipality"), _text(vg, "theme")
        for r in range(len(vg)):
            i = t.index(Cell("extras:voortgang", r, "current_value"))
            if i is not None:
                latest[(munis[r], themes[r])].append(i)
            b = t.index(Cell("extras:voortgang", r, "baseline_value"))
            year = _text(vg, "baseline_year")[r][:4]
            if b is not None and year.isdigit():
                inside = [j for s, j in month_cells.get((munis[r], themes[r]), []) if s[:4] == year]
                if inside:
                    t.relate([b], inside)
    for (muni, theme, window), parts in windows.items():
        start, end = bounds[(muni, theme, window)]
        inside = [j for s, j in month_cells.get((muni, theme), []) if start <= s <= end]
        if inside:
            t.relate(parts, inside)
        sum12 = year_cells.get((muni, theme, end[:7]))
        if sum12 is not None:
            t.relate([sum12], parts)
        if window == "latest":
            for i in latest.get((muni, theme), []):
                t.relate([i], parts)
    for (muni, theme), cells in latest.items():
        chain = list(cells)
        last = max((e for m, th, e in year_cells if m == muni and th == theme), default=None)
        if last is not None:
            chain.append(year_cells[(muni, theme, last)])
        for a, b in pairwise(chain):
            t.relate([a], [b])
        n = trend_n.get((muni, theme))
        if n is not None:
            base = windows.get((muni, theme, "baseline"), [])
            if chain:
                t.relate([n], [chain[0], *base])


def _shift(day: str, months: int) -> str:
    """yyyy-mm-dd moved by whole months (the previous window of a 12-month figure)."""
    if not day:
        return ""
    moved = pd.Timestamp(day) + pd.DateOffset(months=months)
    if day[8:10] != "01":  # a period end: the last day of its month
        moved = moved + pd.offsets.MonthEnd(0)
    return str(moved)[:10]


def _trend_cells(
    t: Table, tr: pd.DataFrame
) -> tuple[dict[tuple[str, str], list[tuple[str, int]]], dict[tuple[str, str, str], int]]:
    """The trends' count cells: per (municipality, theme) its months as (start, cell), and per
    (municipality, theme, end month) its 12-month sum's cell."""
    months: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    years: dict[tuple[str, str, str], int] = {}
    if tr.empty:
        return months, years
    munis, themes, kinds = _text(tr, "municipality"), _text(tr, "theme"), _text(tr, "period_kind")
    starts, ends = _dates(tr, "period_start"), _dates(tr, "period_end")
    for r in range(len(tr)):
        i = t.index(Cell("trends", r, "count"))
        if i is None:
            continue
        if kinds[r] == "month":
            months[(munis[r], themes[r])].append((starts[r], i))
        else:
            years[(munis[r], themes[r], ends[r][:7])] = i
    return months, years


def _extra_relations(t: Table, fr: dict[str, pd.DataFrame]) -> None:
    """The extras against the main tables: a key-figure or BBV count of a municipality is the sum of
    its months (and the trends' 12-month sum, the criteria's latest count, the offence codes of a
    window); the wijken of a municipality sum to its count; the organisation types of a theme sum to
    its respondents; a local figure's year is the sum of its quarters or months. As everywhere, a
    relation is kept only when it holds in the numbers."""
    months, years = _trend_cells(t, fr["trends"])
    latest: dict[tuple[str, str], int] = {}
    crit = fr["criteria"]
    if not crit.empty:
        munis, themes, kinds = _text(crit, "municipality"), _text(crit, "theme"), _text(crit, "criterion")
        for r in range(len(crit)):
            i = t.index(Cell("criteria", r, "n"))
            if i is not None and kinds[r] in COUNT_CRITERIA and kinds[r] != "trend":
                latest.setdefault((munis[r], themes[r]), i)
    codes: dict[tuple[str, str, str], int] = {}  # (muni, window, offence code) -> cell
    windows: dict[tuple[str, str, str], list[int]] = defaultdict(list)  # (muni, theme, window) -> cells
    ind = fr["indicators"]
    if not ind.empty:
        munis, themes, wins = _text(ind, "municipality"), _text(ind, "theme"), _text(ind, "window")
        offence = _text(ind, "offence_code")
        for r in range(len(ind)):
            i = t.index(Cell("indicators", r, "count"))
            if i is not None:
                codes.setdefault((munis[r], wins[r], offence[r]), i)
                windows[(munis[r], themes[r], wins[r])].append(i)

    def period(cell: int, unit: tuple[str, str], start: str, end: str) -> None:
        inside = [j for s, j in months.get(unit, []) if start <= s <= end]
        if inside:
            t.relate([cell], inside)
        year = years.get((*unit, end[:7]))
        if year is not None:
            t.relate([cell], [year])

    kf_cells: dict[tuple[str, str, str], int] = {}  # (unit, theme, period end) -> key-figure count
    for name in ("extras:keyfigures", "extras:bbv"):
        frame = fr.get(name)
        if frame is None or frame.empty:
            continue
        units, themes = _text(frame, "unit"), _text(frame, "theme")
        starts, ends, labels = (
            _dates(frame, "period_start"),
            _dates(frame, "period_end"),
            _text(frame, "base_label"),
        )
        for r in range(len(frame)):
            unit = (units[r], themes[r])
            now = t.index(Cell(name, r, "count"))
            prev = t.index(Cell(name, r, "prev_count"))
            base = t.index(Cell(name, r, "base_count"))
            if now is not None:
                if name == "extras:keyfigures":
                    kf_cells[(units[r], themes[r], ends[r][:7])] = now
                    if unit in latest:
                        t.relate([now], [latest[unit]])
                    t.relate([now], windows.get((*unit, "latest"), []))
                else:
                    picked = [codes.get((units[r], "latest", c)) for c in BBV.get(themes[r], ("", ()))[1]]
                    found = [p for p in picked if p is not None]
                    if found:
                        t.relate([now], found)
                    other = kf_cells.get((units[r], themes[r], ends[r][:7]))
                    if other is not None:
                        t.relate([now], [other])
                period(now, unit, starts[r], ends[r])
            if prev is not None and starts[r] and ends[r]:
                period(prev, unit, _shift(starts[r], -12), _shift(ends[r], -12))
            if base is not None:
                if name == "extras:keyfigures":
                    t.relate([base], windows.get((*unit, "baseline"), []))
                year = labels[r][:4]
                if year.isdigit() and len(labels[r]) == 4:
                    period(base, unit, f"{year}-01-01", f"{year}-12-31")
    wk = fr.get("extras:wijken")
    if wk is not None and not wk.empty:
        munis, themes = _text(wk, "municipality"), _text(wk, "theme")
        starts, ends = _dates(wk, "period_start"), _dates(wk, "period_end")
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for r in range(len(wk)):
            groups[(munis[r], themes[r])].append(r)
        for unit, rows in groups.items():
            start, end = starts[rows[0]], ends[rows[0]]
            for column, shift in (("count", 0), ("previous_count", -12)):
                cells = [t.index(Cell("extras:wijken", r, column)) for r in rows]
                if not cells or any(c is None for c in cells):
                    continue  # an unknown wijk: the sum is not the municipality's count
                parts = [c for c in cells if c is not None]
                lo, hi = _shift(start, shift), _shift(end, shift)
                inside = [j for s, j in months.get(unit, []) if lo <= s <= hi]
                if inside:
                    t.relate(parts, inside)
                for other in (years.get((*unit, hi[:7])), kf_cells.get((*unit, hi[:7]))):
                    if other is not None:
                        t.relate(parts, [other])
                if shift == 0 and unit in latest:
                    t.relate(parts, [latest[unit]])
    bt = fr.get("extras:professionals_by_type")
    prof = fr["professionals"]
    if bt is not None and not bt.empty:
        types: dict[tuple[str, str], list[int]] = defaultdict(list)
        munis, themes = _text(bt, "municipality"), _text(bt, "theme")
        for r in range(len(bt)):
            i = t.index(Cell("extras:professionals_by_type", r, "respondents"))
            if i is not None:
                types[(munis[r], themes[r])].append(i)
        munis, themes = _text(prof, "municipality"), _text(prof, "theme")
        for r in range(len(prof)):
            i = t.index(Cell("professionals", r, "respondents"))
            kinds_of = types.get((munis[r], themes[r]))
            if i is not None and kinds_of:
                t.relate([i], kinds_of)
    lf = fr.get("extras:local_figures")
    if lf is not None and not lf.empty:
        munis, figs, kinds = _text(lf, "municipality"), _text(lf, "figure"), _text(lf, "period_kind")
        starts = _dates(lf, "period_start")
        finer: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
        whole: list[tuple[tuple[str, str, str], int]] = []
        for r in range(len(lf)):
            i = t.index(Cell("extras:local_figures", r, "value"))
            if i is None:
                continue
            if kinds[r] == "year":
                whole.append(((munis[r], figs[r], starts[r][:4]), i))
            else:
                finer[(munis[r], figs[r], starts[r][:4], kinds[r])].append(i)
        for (muni, fig, year), i in whole:
            for kind in ("quarter", "month"):
                within = finer.get((muni, fig, year, kind))
                if within:
                    t.relate([i], within)


def _components(
    suppressed: np.ndarray, equations: list[dict[int, float]]
) -> list[tuple[list[int], list[int]]]:
    """Groups of suppressed cells tied together by equations: (cells, equation numbers)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    touching: list[int] = []
    for k, eq in enumerate(equations):
        hidden = [i for i in eq if suppressed[i]]
        if not hidden:
            continue
        touching.append(k)
        for i in hidden[1:]:
            parent[find(i)] = find(hidden[0])
        find(hidden[0])
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for k in touching:
        root = find(next(i for i in equations[k] if suppressed[i]))
        groups.setdefault(root, ([], []))[1].append(k)
    for i in parent:
        groups.setdefault(find(i), ([], []))[0].append(i)
    return [(sorted(c), e) for c, e in groups.values()]


def recoverable(
    suppressed: np.ndarray,
    equations: list[dict[int, float]],
    cache: dict[tuple[int, ...], set[int]] | None = None,
) -> set[int]:
    """The suppressed cells whose value follows from the equations and the shown cells.

    `cache` keeps the answer per group of hidden cells: a group whose cells did not change has the
    same equations restricted to it, so the same answer (protect() calls this repeatedly)."""
    found: set[int] = set()
    for cells, eqs in _components(suppressed, equations):
        key = tuple(cells)
        if cache is not None and key in cache:
            found.update(cache[key])
            continue
        pos = {c: j for j, c in enumerate(cells)}
        a = np.zeros((len(eqs), len(cells)))
        for row, k in enumerate(eqs):
            for i, coef in equations[k].items():
                if i in pos:
                    a[row, pos[i]] = coef
        _, s, vt = np.linalg.svd(a, full_matrices=True)
        rank = int((s > _NULL_TOL * max(1.0, s.max(initial=0.0))).sum())
        null = vt[rank:]
        spread = np.linalg.norm(null, axis=0) if null.size else np.zeros(len(cells))
        determined = {c for c, v in zip(cells, spread, strict=True) if v < 1e-7}
        if cache is not None:
            cache[key] = determined
        found.update(determined)
    return found


def protect(table: Table, primary: np.ndarray) -> np.ndarray:
    """Primary plus secondary suppression: a mask under which `recoverable` finds nothing."""
    suppressed = primary.copy()
    values = np.asarray(table.values, dtype=float)
    by_cell: dict[int, list[int]] = defaultdict(list)
    for k, eq in enumerate(table.equations):
        for i in eq:
            by_cell[i].append(k)
    cache: dict[tuple[int, ...], set[int]] = {}
    while True:
        exposed = recoverable(suppressed, table.equations, cache)
        if not exposed:
            return suppressed
        added = False
        for i in sorted(exposed):
            pick = _next_smallest(i, suppressed, values, table.equations, by_cell)
            if pick is not None and not suppressed[pick]:
                suppressed[pick] = True
                added = True
        if not added:  # cannot happen: a determined cell is tied to a shown cell by some equation
            return suppressed


def _next_smallest(
    i: int,
    suppressed: np.ndarray,
    values: np.ndarray,
    equations: list[dict[int, float]],
    by_cell: dict[int, list[int]],
) -> int | None:
    """The smallest shown cell in an equation with `i`; when all of those are hidden, in an equation
    with one of the hidden cells they hold (and so on outward), since the value of `i` then comes
    through them."""
    seen_cells, frontier = {i}, [i]
    while frontier:
        shown: set[int] = set()
        nxt: list[int] = []
        for c in frontier:
            for k in by_cell[c]:
                for j in equations[k]:
                    if not suppressed[j]:
                        shown.add(j)
                    elif j not in seen_cells:
                        seen_cells.add(j)
                        nxt.append(j)
        if shown:
            return min(shown, key=lambda j: (values[j], j))
        frontier = nxt
    return None


def plan(result: ScoreResult, threshold: int) -> tuple[Table, np.ndarray, np.ndarray]:
    """(cells, primary mask, primary + secondary mask) for `result` at `threshold`."""
    table = build(result)
    values = np.asarray(table.values, dtype=float)
    primary = values < threshold
    return table, primary, protect(table, primary)


def hidden_cells(result: ScoreResult, threshold: int) -> dict[Cell, str]:
    """Each cell to hide, with "primary" or "secondary"."""
    table, primary, full = plan(result, threshold)
    return {cell: ("primary" if primary[i] else "secondary") for i, cell in enumerate(table.cells) if full[i]}
