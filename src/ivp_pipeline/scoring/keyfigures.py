"""Key figures per theme x unit: the latest 12 months, its rate and interval, and the change tests.

Pure: police facts, population and the catalogue in, two frames out (`KEYFIGURES` rows per theme,
the same columns for the council's BBV safety indicators). Rules:
- a window's count is the sum of the theme's codes over every period of the window; one period
  without a published count (suppressed, not yet published, absent) makes the count unknown (NaN),
  never a partial sum and never 0;
- the rate is per 1,000 inhabitants (1 January of the window's last year) with the exact Poisson
  interval of the count (stats.poisson_ci);
- a change is the rate ratio of two windows with the conditional binomial test (stats.rate_ratio):
  against the 12 months before, and against the evaluation baseline year (else the scoring baseline);
- comparison units (province, Nederland, the peer group) get the same figures; the peer group is
  the sum of its municipalities and exists only when each of them published (facts.unit_series).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ivp_pipeline.catalogue import Catalogue
from ivp_pipeline.offences import BBV
from ivp_pipeline.scoring.facts import DURATION_MONTHS, Windows, unit_series
from ivp_pipeline.scoring.police import WindowSums, inhabitants_at, key_runs, population_lookup
from ivp_pipeline.scoring.stats import poisson_ci, rate_ratios

F = NDArray[np.float64]
PEERS = "PEERS"  # the unit code of the peer group (the comparable municipalities of [region] peers)
ALPHA = 0.05
# change verdicts (reports/sentences.py words them)
HIGHER, LOWER, NO_CLEAR, SAME, UNKNOWN = "higher", "lower", "no_clear_change", "same", "unknown"
KEYFIGURES = (
    "unit",
    "role",  # region | municipality | province | country | peers
    "theme",
    "label",
    "count",
    "inhabitants",
    "rate_per_1000",
    "rate_low",
    "rate_high",
    "period_start",
    "period_end",
    "prev_count",
    "prev_rate",
    "prev_ratio",
    "prev_p",
    "prev_verdict",
    "base_label",
    "base_count",
    "base_rate",
    "base_ratio",
    "base_p",
    "base_verdict",
)


@dataclass(frozen=True)
class Comparison:
    """The units the key figures are computed for, beside the region and its municipalities."""

    province: str = ""  # e.g. PV23 (Overijssel)
    country: str = ""  # NL01
    peers: tuple[str, ...] = ()  # comparable municipalities (GMxxxx), never members of the region
    baseline_year: int | None = None  # [evaluation] baseline_year; None: the scoring baseline


@dataclass(frozen=True)
class Spans:
    """The period starts of the latest, previous and baseline windows of one police table."""

    latest: list[pd.Timestamp]
    previous: list[pd.Timestamp]
    baseline: list[pd.Timestamp]
    baseline_label: str


def spans(w: Windows, baseline_year: int | None) -> Spans:
    months = DURATION_MONTHS[w.kind]
    latest = w.periods("latest")
    step = pd.DateOffset(months=12)
    previous = [pd.Timestamp(p - step) for p in latest]
    if baseline_year is not None:
        first = pd.Timestamp(baseline_year, 1, 1)
        baseline = [pd.Timestamp(first + pd.DateOffset(months=months * i)) for i in range(12 // months)]
        label = str(baseline_year)
    else:
        # the scoring baseline (baseline_years x 12 months before the latest window)
        baseline = w.periods("baseline")
        label = w.dutch("baseline")
    return Spans(latest, previous, baseline, label)


def key_figures(
    clean: pd.DataFrame,
    population: pd.DataFrame,
    catalogue: Catalogue,
    units: dict[str, tuple[str, ...]],
    windows: dict[str, Windows],
    kind: str,
    comparison: Comparison,
    known: tuple[pd.DataFrame, dict[str, tuple[str, ...]]] | None = None,
    sums: WindowSums | None = None,
) -> dict[str, pd.DataFrame]:
    """{"keyfigures": per unit x theme, "bbv": per unit x BBV indicator, "areas": inhabitants by age}.

    `known` is (series, its units): facts.unit_series of `clean` made already for those units
    (scoring.compute has it); only the other units are summed here. `sums`: WindowSums of that
    series, made already (its counts are then not walked again)."""
    roles = {u: ("region" if len(a) > 1 else "municipality") for u, a in units.items()}
    every = dict(units)
    for code, role in ((comparison.province, "province"), (comparison.country, "country")):
        if code and code not in every:
            every[code] = (code,)
            roles[code] = role
    if comparison.peers:
        every[PEERS] = tuple(comparison.peers)
        roles[PEERS] = "peers"
    fast = _counts_by_sums(clean, every, kind, known, sums)
    series = _series_of(clean, every, kind, known) if fast is None else None
    lookup = population_lookup(population)
    known_inhabitants: dict[tuple[tuple[str, ...], int], float] = {}

    def inhabitants(areas: tuple[str, ...], year: int) -> float:
        """inhabitants_at, once per unit and year (every theme of a unit asks the same)."""
        got = known_inhabitants.get((areas, year))
        if got is None:
            got = known_inhabitants[(areas, year)] = inhabitants_at(lookup, areas, year)
        return got

    span = {m: spans(w, comparison.baseline_year) for m, w in windows.items()}
    wanted = {p for s in span.values() for p in (*s.latest, *s.previous, *s.baseline)}
    counts = fast or WindowSums.of(series) or _Lookup(_lookup(series, wanted))  # type: ignore[arg-type]
    themes = [
        (t.id, t.label, [(m, c) for m, c in t.codes() if m in windows])
        for t in sorted(catalogue.themes.values(), key=lambda t: t.id)
    ]
    bbv = [(k, label, [("crime", c) for c in codes]) for k, (label, codes) in BBV.items()]
    frames: list[pd.DataFrame] = []
    for specs in (themes, bbv if "crime" in windows else []):
        rows = [
            _row(unit, roles[unit], areas, tid, label, codes, counts, inhabitants, span, windows)
            for unit, areas in every.items()
            for tid, label, codes in specs
        ]
        frames.append(_finish(rows))
    bbv_frame = frames[1] if len(frames) > 1 else pd.DataFrame(columns=list(KEYFIGURES))
    year = int(next(iter(windows.values())).latest_end.year)
    return {"keyfigures": frames[0], "bbv": bbv_frame, "areas": areas_frame(population, every, roles, year)}


AREAS = ("unit", "role", "year", "inhabitants", "age_12_17", "age_65_plus")


def areas_frame(
    population: pd.DataFrame, units: dict[str, tuple[str, ...]], roles: dict[str, str], year: int
) -> pd.DataFrame:
    """Inhabitants per unit on 1 January of `year` (nearest year), with the age bands ingested (NaN
    when a band was not ingested for every area of the unit)."""
    bands = {}
    for band in ("totaal", "12-17", "65+"):
        sub = population[population["age_band"] == band]
        bands[band] = population_lookup(sub.assign(age_band="totaal"))
    rows = [
        (u, roles[u], year, *(inhabitants_at(bands[b], areas, year) for b in ("totaal", "12-17", "65+")))
        for u, areas in units.items()
    ]
    return pd.DataFrame(rows, columns=list(AREAS))


Counts = dict[tuple[str, str, str], dict[pd.Timestamp, float]]  # (unit, measure, code) -> period -> n


class _ByUnit:
    """The counts of the units of `rest` from one source, of every other unit from another."""

    def __init__(self, known: WindowSums, rest: set[str], other: _Lookup | WindowSums) -> None:
        self.known, self.rest, self.other = known, rest, other

    def count(self, unit: str, codes: Iterable[tuple[str, str]], periods: dict[str, list]) -> float:
        source = self.other if unit in self.rest else self.known
        return source.count(unit, codes, periods)


def _counts_by_sums(
    clean: pd.DataFrame,
    units: dict[str, tuple[str, ...]],
    kind: str,
    known: tuple[pd.DataFrame, dict[str, tuple[str, ...]]] | None,
    sums: WindowSums | None,
) -> _ByUnit | WindowSums | None:
    """The counts of `units` from the window sums of the series made already (`known`, `sums`)
    and of a series of the other units only; None without them (or when they cannot be summed
    that way: the series is then made whole as before)."""
    if known is None:
        return None
    series, made = known
    if sums is None:
        sums = WindowSums.of(series)
    if sums is None:
        return None
    rest = {u: a for u, a in units.items() if made.get(u) != a}
    if not rest:
        return sums
    other_series = unit_series(clean, rest, kind)
    other = WindowSums.of(other_series) if len(other_series) else _Lookup({})
    if other is None:
        return None
    return _ByUnit(sums, set(rest), other)


def _series_of(
    clean: pd.DataFrame,
    units: dict[str, tuple[str, ...]],
    kind: str,
    known: tuple[pd.DataFrame, dict[str, tuple[str, ...]]] | None,
) -> pd.DataFrame:
    """facts.unit_series of `units`, taking the rows of the units `known` has (same areas) from it."""
    if known is None:
        return unit_series(clean, units, kind)
    series, made = known
    reuse = {u for u, a in units.items() if made.get(u) == a}
    rest = {u: a for u, a in units.items() if u not in reuse}
    mine = series[series["unit"].isin(list(reuse))] if len(reuse) < len(made) else series
    if not rest:
        return mine
    return pd.concat([mine, unit_series(clean, rest, kind)], ignore_index=True)


def _lookup(series: pd.DataFrame, periods: set[pd.Timestamp] | None = None) -> Counts:
    """(unit, measure, code) -> period -> count (NaN: not published). With `periods`, a code keeps
    only those periods, unless none of them has a count while another period has (window_count
    then must still see that the unit has figures for the code)."""
    if not len(series):
        return {}
    keys, bounds = key_runs(series)
    codes, uniques = pd.factorize(series["period"], use_na_sentinel=False)
    plain = np.empty(len(uniques), dtype=object)
    plain[:] = [pd.Timestamp(u) for u in uniques]
    stamps = plain[codes]
    count = series["count"].to_numpy(float)
    has = ~np.isnan(count)
    if periods is None or len(set(keys)) < len(keys):  # a key in two runs: every period of it
        keep = np.ones(len(count), dtype=bool)
    else:
        keep = series["period"].isin(list(periods)).to_numpy(bool)
    out: Counts = {}
    starts, ends = bounds[:-1].tolist(), bounds[1:].tolist()
    for key, a, b in zip(keys, starts, ends, strict=True):
        sel = keep[a:b]
        if not sel.all() and (has[a:b][sel].any() or not has[a:b].any()):
            got = dict(zip(stamps[a:b][sel].tolist(), count[a:b][sel].tolist(), strict=True))
        else:
            got = dict(zip(stamps[a:b].tolist(), count[a:b].tolist(), strict=True))
        if key in out:  # the same key in another run: as one run after the other
            out[key].update(got)
        else:
            out[key] = got
    return out


class _Lookup:
    """window_count over a Counts lookup (any series)."""

    def __init__(self, counts: Counts) -> None:
        self.counts = counts

    def count(self, unit: str, codes: Iterable[tuple[str, str]], periods: dict[str, list]) -> float:
        return window_count(self.counts, unit, codes, periods)


def window_count(
    counts: Counts, unit: str, codes: Iterable[tuple[str, str]], periods: dict[str, list]
) -> float:
    """Sum over the codes the unit has figures for; NaN when one period of one code is unknown."""
    total, seen = 0.0, False
    for measure, code in codes:
        got = counts.get((unit, measure, code))
        if got is None or all(x != x for x in got.values()):
            # a code this unit has no figures for at this period kind (1.4.1 zeden: per year only)
            continue
        seen = True
        window = periods.get(measure, [])
        if not window:
            return float("nan")
        for p in window:
            x = got.get(p, float("nan"))
            if x != x:
                return float("nan")
            total += x
    return total if seen else float("nan")


def _row(
    unit: str,
    role: str,
    areas: tuple[str, ...],
    theme: str,
    label: str,
    codes: list[tuple[str, str]],
    counts: _Lookup | WindowSums | _ByUnit,
    inhabitants: Callable[[tuple[str, ...], int], float],
    span: dict[str, Spans],
    windows: dict[str, Windows],
) -> tuple[object, ...]:
    nan = float("nan")
    measures = sorted({m for m, _ in codes}) or sorted(windows)[:1]
    main = "crime" if "crime" in measures else measures[0]
    s, w = span[main], windows[main]

    def of(which: str) -> tuple[float, float, float]:
        periods = {m: getattr(span[m], which) for m in measures}
        first = periods[main][0] if periods[main] else None
        year = int(pd.Timestamp(periods[main][-1]).year) if periods[main] else 0
        inh = inhabitants(areas, year) if first is not None else nan
        # person-years of the window: its periods x the table's period length
        years = len(periods[main]) * DURATION_MONTHS[w.kind] / 12
        return counts.count(unit, codes, periods), inh, inh * years

    x1, inh1, t1 = of("latest")
    x0, _, t0 = of("previous")
    xb, _, tb = of("baseline")
    latest = (str(s.latest[0].date()), str(w.period_end(s.latest[-1]).date()))
    return (
        unit,
        role,
        theme,
        label,
        x1,
        inh1,
        t1,
        x0,
        t0,
        xb,
        tb,
        s.baseline_label,
        *latest,
        len(s.baseline) == len(s.latest),
    )


def _finish(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """The KEYFIGURES frame of the raw rows of `_row`: rates, intervals and both changes, per column."""
    raw = pd.DataFrame(
        rows,
        columns=[
            "unit",
            "role",
            "theme",
            "label",
            "x1",
            "inh1",
            "t1",
            "x0",
            "t0",
            "xb",
            "tb",
            "base_label",
            "period_start",
            "period_end",
            "same_base",
        ],
    )
    x1, t1, x0, t0, xb, tb = (raw[c].to_numpy(float) for c in ("x1", "t1", "x0", "t0", "xb", "tb"))
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(t1 > 0, 1000 / t1, np.nan)
        low, high = poisson_ci(x1)
        prev = _changes(x1, t1, x0, t0, np.ones(len(raw), dtype=bool))
        base = _changes(x1, t1, xb, tb, raw["same_base"].to_numpy(bool))
        out = pd.DataFrame(
            {
                "unit": raw["unit"],
                "role": raw["role"],
                "theme": raw["theme"],
                "label": raw["label"],
                "count": x1,
                "inhabitants": raw["inh1"].to_numpy(float),
                "rate_per_1000": x1 * per,
                "rate_low": low * per,
                "rate_high": high * per,
                "period_start": raw["period_start"],
                "period_end": raw["period_end"],
                "prev_count": x0,
                "prev_rate": np.where(t0 > 0, x0 * 1000 / t0, np.nan),
                "prev_ratio": prev[0],
                "prev_p": prev[1],
                "prev_verdict": prev[2],
                "base_label": raw["base_label"],
                "base_count": xb,
                "base_rate": np.where(tb > 0, xb * 1000 / tb, np.nan),
                "base_ratio": base[0],
                "base_p": base[1],
                "base_verdict": base[2],
            },
            columns=list(KEYFIGURES),
        )
    return out


def _changes(x1: F, t1: F, x0: F, t0: F, same_length: NDArray[np.bool_]) -> tuple[F, F, list[str]]:
    """(rate ratio, two-sided p, verdict) per row of window 1 against window 0 (`_change`, per column)."""
    ratio, _, _, p = rate_ratios(x1, t1, x0, t0)
    out_ratio, out_p, verdicts = [], [], []
    for i in range(len(x1)):
        r, q, v = _change(x1[i], t1[i], x0[i], t0[i], same_length=bool(same_length[i]), test=(ratio[i], p[i]))
        out_ratio.append(r)
        out_p.append(q)
        verdicts.append(v)
    return np.array(out_ratio, dtype=float), np.array(out_p, dtype=float), verdicts


def _change(
    x1: float, t1: float, x0: float, t0: float, *, same_length: bool, test: tuple[float, float]
) -> tuple[float, float, str]:
    """(rate ratio, two-sided p, verdict) of window 1 against window 0.

    A tie (`same`) is the same count over windows of the same length, or the same rate: the words
    "evenveel" are then true whatever the small change in inhabitants.
    """
    if any(np.isnan(v) for v in (x1, t1, x0, t0)) or not (t1 > 0 and t0 > 0):
        return (float("nan"), float("nan"), UNKNOWN)
    ratio, p = float(test[0]), float(test[1])
    if (same_length and x1 == x0) or x1 / t1 == x0 / t0:
        return (x1 / t1 / (x0 / t0) if x0 > 0 else 1.0, 1.0, SAME)
    if p < ALPHA:
        return (ratio, p, HIGHER if x1 / t1 > x0 / t0 else LOWER)
    return (ratio, p, NO_CLEAR)
