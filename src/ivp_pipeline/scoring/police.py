"""Police criteria inputs per unit x theme: counts, harm sums and person-years of both windows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ivp_pipeline.catalogue import Catalogue
from ivp_pipeline.scoring.facts import DURATION_MONTHS, Windows, min_published

CODE_COLUMNS = ["unit", "theme", "measure", "offence_code", "harm_weight", "count", "missing"]
THEME_COLUMNS = [
    "unit",
    "theme",
    "x1",
    "harm1",
    "x0",
    "py1",
    "py0",
    "missing1",
    "codes_absent",
    "periods1",
    "periods0",
    "inhabitants",
]


def theme_codes(catalogue: Catalogue) -> pd.DataFrame:
    """theme, measure, offence_code, harm_weight: one row per code a theme measures."""

    rows = [(t.id, m, c, t.harm_weight(m, c)) for t in catalogue.themes.values() for m, c in t.codes()]
    return pd.DataFrame(rows, columns=["theme", "measure", "offence_code", "harm_weight"])


Population = dict[str, dict[int, float]]  # area code -> year -> inhabitants (age band "totaal")


def population_lookup(population: pd.DataFrame) -> Population:
    pop = population[population["age_band"] == "totaal"]
    out: Population = {}
    for area, year, n in zip(pop["area_code"], pop["year"], pop["inhabitants"], strict=True):
        out.setdefault(str(area), {})[int(year)] = float(n)
    return out


def inhabitants_at(lookup: Population, areas: tuple[str, ...], year: int) -> float:
    """Inhabitants of the areas on 1 January of `year` (nearest year available per area, the earlier
    one on a tie); NaN when an area has no population figures."""
    total = 0.0
    for area in areas:
        years = lookup.get(area)
        if not years:
            return float("nan")
        best = min(years, key=lambda y: (abs(y - year), y))
        total += years[best]
    return total


@dataclass
class CodeSeries:
    """One unit x measure x code: published counts and unpublished area rows, by period."""

    counts: dict[pd.Timestamp, float]  # published periods only
    missing: dict[pd.Timestamp, int]

    def total(self, periods: list[pd.Timestamp]) -> float:
        return float(sum(self.counts[p] for p in periods))

    def missing_in(self, periods: list[pd.Timestamp]) -> int:
        return int(sum(self.missing.get(p, 0) for p in periods))


Published = dict[tuple[str, str, str], CodeSeries]  # (unit, measure, code) -> its series


def values_of(column: pd.Series, kind: Callable[[Any], Any]) -> list[Any]:
    """A column as a list of Python values (`kind` of each), each distinct value converted once: a
    column holds few distinct codes, units or periods, and converting element by element (an Arrow
    string, a Timestamp per row) is what made reading the series slow."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    plain = [kind(u) for u in uniques]
    return [plain[c] for c in codes.tolist()]


def published(series: pd.DataFrame, windows: dict[str, Windows] | None = None) -> Published:
    """The series of each unit x measure x code (a NaN count = not published, left out of counts).

    Read once per series by the caller and shared by theme_table and code_windows (latest and
    baseline): a national series has millions of rows. With `windows`, a series keeps only the
    periods of those windows (the periods theme_table and code_windows read); every unit x
    measure x code of the series is there all the same."""
    out: Published = {}
    missing_column = series["missing"]
    if (
        not len(series)
        or not isinstance(missing_column.dtype, np.dtype)
        or missing_column.dtype.kind not in "iu"
    ):
        return _published_rows(series, windows)
    keys, bounds = key_runs(series)
    period_codes, period_values = pd.factorize(series["period"], use_na_sentinel=False)
    periods = np.empty(len(period_values), dtype=object)
    periods[:] = [pd.Timestamp(p) for p in period_values]
    count = series["count"].to_numpy(float)
    missing = missing_column.to_numpy()
    # the rows of each run with a count, and with unpublished area rows: one dict(zip()) per run
    inside = _inside(series["period"], windows)
    known = np.flatnonzero(~np.isnan(count) & inside)
    unseen = np.flatnonzero((missing != 0) & inside)
    known_at = np.searchsorted(known, bounds).tolist()
    unseen_at = np.searchsorted(unseen, bounds).tolist()
    known_periods = periods[period_codes[known]].tolist()
    known_counts = count[known].tolist()
    unseen_periods = periods[period_codes[unseen]].tolist()
    unseen_counts = [int(x) for x in missing[unseen].tolist()]
    for g, key in enumerate(keys):
        a, b = known_at[g], known_at[g + 1]
        c, d = unseen_at[g], unseen_at[g + 1]
        counts = dict(zip(known_periods[a:b], known_counts[a:b], strict=True))
        miss = dict(zip(unseen_periods[c:d], unseen_counts[c:d], strict=True))
        got = out.get(key)
        if got is None:
            out[key] = CodeSeries(counts, miss)
        else:  # the same key in another run (rows not grouped): as one run after the other
            _merge(got, counts, miss)
    return out


def _merge(got: CodeSeries, counts: dict[pd.Timestamp, float], miss: dict[pd.Timestamp, int]) -> None:
    got.counts.update(counts)
    got.missing.update(miss)


def _inside(period: pd.Series, windows: dict[str, Windows] | None) -> np.ndarray:
    """Per row: does its period lie in the span of the windows (every row without windows)?"""
    if not windows:
        return np.ones(len(period), dtype=bool)
    starts = [w.baseline_start or w.latest_start for w in windows.values()]
    first, last = min(starts), max(w.latest_end for w in windows.values())
    return ((period >= first) & (period <= last)).to_numpy(bool)


def _published_rows(series: pd.DataFrame, windows: dict[str, Windows] | None = None) -> Published:
    """published, row by row (any column types)."""
    out: Published = {}
    keys = (values_of(series[k], str) for k in ("unit", "measure", "offence_code"))
    periods = values_of(series["period"], pd.Timestamp)
    counts = series["count"].to_numpy(float).tolist()
    missing = series["missing"].to_numpy().tolist()
    inside = _inside(series["period"], windows).tolist()
    for u, m, c, p, x, miss, keep in zip(*keys, periods, counts, missing, inside, strict=True):
        cs = out.setdefault((u, m, c), CodeSeries({}, {}))
        if not keep:
            continue
        if x == x:  # not NaN
            cs.counts[p] = x
        if miss:
            cs.missing[p] = int(miss)
    return out


def key_runs(series: pd.DataFrame) -> tuple[list[tuple[str, str, str]], np.ndarray]:
    """The runs of rows of one (unit, measure, offence_code) in a series, in row order: their keys
    (as str) and bounds (run g is rows bounds[g] to bounds[g + 1]). A series made by
    facts.unit_series has one run per key; a key may come back in a later run otherwise."""
    n = len(series)
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for name in ("unit", "measure", "offence_code"):
        change[1:] |= _changes(series[name])
    first = np.flatnonzero(change)
    heads = [values_of(series[name].iloc[first], str) for name in ("unit", "measure", "offence_code")]
    return list(zip(*heads, strict=True)), np.append(first, n)


def _changes(column: pd.Series) -> np.ndarray:
    """Per row after the first: does it hold another value than the row before it?"""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "python" and dtype.na_value is not pd.NA:
        # each distinct text is one shared object (scoring.as_frame): compared mostly by identity
        values = column.to_numpy(dtype=object)
        return np.asarray(np.not_equal(values[1:], values[:-1]), dtype=bool)
    codes, _ = pd.factorize(column, use_na_sentinel=False)
    return np.asarray(codes[1:] != codes[:-1], dtype=bool)


# The longest window theme_table counts by bits (WindowSums.bits): 62 months, five years and more.
MAX_BITS = 62


class WindowSums:
    """The counts of a series summed per window by numpy: per (unit, measure, code) whether it has
    any count, and per window (a list of periods) the sum of its published counts, how many of the
    window's periods have one and the unpublished area rows in it. For a series of whole numbers
    (every sum exact in any order) with one run per key and each period once in it, as
    facts.unit_series makes: `of` gives None otherwise (callers then count as before)."""

    def __init__(self, series: pd.DataFrame, keys: list[tuple[str, str, str]], bounds: np.ndarray) -> None:
        self.keys = keys
        self.index = {k: i for i, k in enumerate(keys)}
        self.run = np.repeat(np.arange(len(keys)), np.diff(bounds))
        self.stamps = series["period"].to_numpy()
        self.count_values = series["count"].to_numpy(float)
        self.missing = series["missing"].to_numpy()
        self.has = ~np.isnan(self.count_values)
        self.present_list = (np.bincount(self.run[self.has], minlength=len(keys)) > 0).tolist()
        self.sums: dict[Any, Any] = {}
        self.masks: dict[Any, Any] = {}

    @classmethod
    def of(cls, series: pd.DataFrame, windows: dict[str, Windows] | None = None) -> WindowSums | None:
        """The sums of `series`, or None when it is not such a series (or, with `windows`, one of
        them is longer than MAX_BITS periods)."""
        if not len(series):
            return None
        if windows is not None and any(
            len(w.periods(which)) > MAX_BITS for w in windows.values() for which in ("latest", "baseline")
        ):
            return None
        missing = series["missing"]
        if not isinstance(missing.dtype, np.dtype) or missing.dtype.kind not in "iu":
            return None
        stamps = series["period"].to_numpy()
        if not np.issubdtype(stamps.dtype, np.datetime64) or bool(np.isnat(stamps).any()):
            return None
        keys, bounds = key_runs(series)
        count = series["count"].to_numpy(float)
        known = count[~np.isnan(count)]
        if (
            len(set(keys)) < len(keys)
            or not bool(np.all(known == np.floor(known)))
            or float(np.abs(known).sum()) >= 2.0**52
        ):
            return None
        later = np.ones(len(stamps), dtype=bool)
        later[1:] = stamps[1:] > stamps[:-1]
        later[bounds[:-1]] = True  # each run starts anew
        if not bool(later.all()):  # a period twice (or out of order) in a run
            return None
        return cls(series, keys, bounds)

    def _memo(self, store: dict[Any, Any], periods: list[pd.Timestamp], make: Callable[[], Any]) -> Any:
        """What `make` gives for `periods`, kept by the list (the windows hand out the same list
        objects again and again) and by its periods."""
        got = store.get(id(periods))
        if got is not None and got[0] is periods:
            return got[1]
        key = tuple(periods)
        value = store.get(key)
        if value is None:
            value = store[key] = make()
        store[id(periods)] = (periods, value)
        return value

    def window(self, periods: list[pd.Timestamp]) -> tuple[list[float], list[int], list[int], int]:
        """(sum of the published counts, number of periods with one, unpublished area rows) per key
        over `periods`, and the number of distinct periods."""

        def make() -> tuple[list[float], list[int], list[int], int]:
            wanted = pd.DatetimeIndex(list(periods)).to_numpy().astype(self.stamps.dtype)
            inside = np.isin(self.stamps, wanted)
            rows = self.has & inside
            n = len(self.keys)
            total = np.bincount(self.run[rows], weights=self.count_values[rows], minlength=n)
            known = np.bincount(self.run[rows], minlength=n)
            missing = np.bincount(self.run[inside], weights=self.missing[inside], minlength=n)
            return total.tolist(), known.tolist(), missing.astype(np.int64).tolist(), len(set(periods))

        result: tuple[list[float], list[int], list[int], int] = self._memo(self.sums, periods, make)
        return result

    def bits(self, periods: list[pd.Timestamp]) -> tuple[list[int], list[list[float]]]:
        """Per key the periods of `periods` with a published count, as bits (bit j: periods[j]),
        and its counts by position (0.0 where none). For windows of up to MAX_BITS periods."""

        def make() -> tuple[list[int], list[list[float]]]:
            wanted = pd.DatetimeIndex(list(periods)).to_numpy().astype(self.stamps.dtype)
            order = np.argsort(wanted, kind="stable")
            at = np.minimum(np.searchsorted(wanted[order], self.stamps), len(wanted) - 1)
            rows = self.has & (wanted[order][at] == self.stamps)
            pos = order[at[rows]]
            n = len(self.keys)
            mask = np.zeros(n, dtype=np.int64)
            np.add.at(mask, self.run[rows], np.left_shift(np.int64(1), pos.astype(np.int64)))
            matrix = np.zeros((n, len(wanted)))
            matrix[self.run[rows], pos] = self.count_values[rows]
            return mask.tolist(), matrix.tolist()

        result: tuple[list[int], list[list[float]]] = self._memo(self.masks, periods, make)
        return result

    def units(self) -> list[str]:
        """The units with any row in the series, sorted (as _units of its Published)."""
        return sorted({unit for unit, _, _ in self.keys})

    def count(self, unit: str, codes: Iterable[tuple[str, str]], periods: dict[str, list]) -> float:
        """keyfigures.window_count: the sum over the codes the unit has figures for; NaN when one
        period of one code is unknown."""
        total, seen = 0.0, False
        for measure, code in codes:
            k = self.index.get((unit, measure, code))
            if k is None or not self.present_list[k]:
                continue
            seen = True
            window = periods.get(measure, [])
            if not window:
                return float("nan")
            sums, known, _, distinct = self.window(window)
            if known[k] != distinct:
                return float("nan")
            total += float(sums[k])
        return total if seen else float("nan")


def _known(rows: CodeSeries, periods: list[pd.Timestamp]) -> list[pd.Timestamp]:
    """The periods among `periods` with a published count in `rows`."""
    return [p for p in periods if p in rows.counts]


def code_windows(
    pub: Published | None,
    codes: pd.DataFrame,
    windows: dict[str, Windows],
    which: str,
    sums: WindowSums | None = None,
) -> pd.DataFrame:
    """Per unit x theme x code over its own table's window: count over the published periods only.

    Columns CODE_COLUMNS + published_periods, window_periods, incomplete (fewer published periods
    than facts.min_published: count NaN). A code without rows in the window stays NaN (not zero).
    `sums`: WindowSums of the series `pub` was read from (the same rows, counted by numpy); `pub`
    may then be None.
    """
    units = sums.units() if sums is not None else _units(pub)  # type: ignore[arg-type]
    rows = []
    spec = [
        (theme, measure, code, weight, windows[measure].periods(which) if measure in windows else [])
        for theme, measure, code, weight in codes[
            ["theme", "measure", "offence_code", "harm_weight"]
        ].itertuples(index=False)
    ]
    cols = [*CODE_COLUMNS, "published_periods", "window_periods", "incomplete"]
    if sums is not None:
        return pd.DataFrame(_code_rows(sums, units, spec), columns=cols)
    for unit in units:
        for theme, measure, code, weight, window in spec:
            got = pub.get((unit, measure, code))  # type: ignore[union-attr]
            known = _known(got, window) if got is not None else []
            missing = got.missing_in(window) if got is not None else 0
            incomplete = bool(window) and len(known) < min_published(len(window))
            ok = got is not None and bool(known) and not incomplete
            count = got.total(known) if got is not None and ok else float("nan")
            rows.append(
                (unit, theme, measure, code, weight, count, missing, len(known), len(window), incomplete)
            )
    return pd.DataFrame(rows, columns=cols)


def _code_rows(
    sums: WindowSums, units: list[str], spec: list[tuple[Any, Any, Any, Any, list[pd.Timestamp]]]
) -> list[tuple[object, ...]]:
    """The rows of code_windows from window sums: the same values, without a walk over each series."""
    nan = float("nan")
    per_spec = []
    for theme, measure, code, weight, window in spec:
        total, known, missing, _ = sums.window(window) if window else (None, None, None, 0)
        per_spec.append(
            (theme, measure, code, weight, window, total, known, missing, min_published(len(window)))
        )
    rows: list[tuple[object, ...]] = []
    for unit in units:
        for theme, measure, code, weight, window, total, known, missing, least in per_spec:
            k = sums.index.get((unit, measure, code))
            if k is None or total is None or known is None or missing is None:
                n_known, miss = 0, 0
            else:
                n_known, miss = int(known[k]), int(missing[k])
            incomplete = bool(window) and n_known < least
            ok = k is not None and n_known > 0 and not incomplete
            count = float(total[k]) if ok and total is not None and k is not None else nan
            rows.append((unit, theme, measure, code, weight, count, miss, n_known, len(window), incomplete))
    return rows


def _units(pub: Published) -> list[str]:
    """The units with any row in the series, sorted."""
    return sorted({unit for unit, _, _ in pub})


def _theme_window(
    pub: Published, unit: str, present: list[tuple[str, str]], windows: dict[str, Windows], which: str
) -> tuple[dict[str, list[pd.Timestamp]], bool, int]:
    """(periods counted per measure, complete enough, window length) for one unit x theme.

    Per table the periods of its window in which every present code of the theme was published; all
    tables then count the same number n of periods (the latest n of each), so that one exposure
    (n periods x inhabitants) belongs to the summed count.
    """
    per: dict[str, list[pd.Timestamp]] = {}
    complete = True
    length = 0
    for measure in sorted({m for m, _ in present}):
        window = windows[measure].periods(which)
        length = max(length, len(window))
        known = window
        for m, c in present:
            if m == measure:
                known = _known(pub[(unit, m, c)], known)
        per[measure] = known
        if not window or len(known) < min_published(len(window)):
            complete = False
    n = min((len(v) for v in per.values()), default=0)
    return {m: (v[-n:] if n else []) for m, v in per.items()}, complete and n > 0, length


def _last_bits(mask: int, n: int) -> int:
    """The n highest set bits of `mask` (the latest n of its periods)."""
    out = 0
    while n > 0 and mask:
        top = 1 << (mask.bit_length() - 1)
        out |= top
        mask ^= top
        n -= 1
    return out


def _bits_total(row: list[float], mask: int) -> float:
    """The sum of row[j] over the set bits j of `mask` (whole numbers: exact in any order)."""
    total = 0.0
    j = 0
    while mask:
        if mask & 1:
            total += row[j]
        mask >>= 1
        j += 1
    return total


def _theme_window_bits(
    sums: WindowSums, keys: list[tuple[str, int]], windows: dict[str, Windows], which: str
) -> tuple[dict[str, int], bool, int, int]:
    """_theme_window by bits: (periods counted per measure as bits, complete enough, window length,
    number of periods counted). `keys` are the present codes as (measure, key in `sums`)."""
    per: dict[str, int] = {}
    complete = True
    length = 0
    for measure in sorted({m for m, _ in keys}):
        window = windows[measure].periods(which)
        length = max(length, len(window))
        known = (1 << len(window)) - 1
        if window:
            masks = sums.bits(window)[0]
            for m, k in keys:
                if m == measure:
                    known &= masks[k]
        per[measure] = known
        if not window or known.bit_count() < min_published(len(window)):
            complete = False
    n = min((v.bit_count() for v in per.values()), default=0)
    return {m: (_last_bits(v, n) if n else 0) for m, v in per.items()}, complete and n > 0, length, n


def _theme_row(
    unit: object,
    theme: object,
    counts: tuple[float, float, float],
    found: int,
    named: int,
    periods: tuple[int, int, int, int],
    complete: tuple[bool, bool],
    inhabitants: tuple[float, float],
    months: int,
    missing: int,
) -> tuple[object, ...]:
    """One row of theme_table: (x1, harm1, x0) unknown (NaN) without any of the theme's `named`
    codes `found`, x1 and harm1 without a complete latest window, x0 without a complete baseline;
    `periods` = (n1, n0, window length latest, window length baseline)."""
    nan = float("nan")
    x1, harm1, x0 = counts if found else (nan, nan, nan)
    ok1, ok0 = complete
    n1, n0, len1, len0 = periods
    inh1, inh0 = inhabitants
    return (
        unit,
        theme,
        x1 if ok1 else nan,
        harm1 if ok1 else nan,
        x0 if ok0 else nan,
        n1 * months / 12 * inh1,
        n0 * months / 12 * inh0,
        missing,
        named - found,
        n1,
        n0,
        inh1,
        len1,
        bool(found) and not ok1,
        len0,
        bool(found) and len0 > 0 and not ok0,
    )


def _theme_rows_by_sums(
    sums: WindowSums,
    specs: list[tuple[Any, list[tuple[Any, Any, Any]]]],
    windows: dict[str, Windows],
    inhabitants: dict[str, tuple[float, float]],
    months: int,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The rows of theme_table from window sums and bits: the same numbers, added in the same order."""
    theme_rows: list[tuple[object, ...]] = []
    code_rows: list[tuple[object, ...]] = []
    nan = float("nan")
    latest_missing = {m: sums.window(w.periods("latest"))[2] for m, w in windows.items()}
    for unit in sums.units():
        inh1, inh0 = inhabitants.get(unit, (nan, nan))
        for theme, spec in specs:
            found = [(m, c, w, sums.index.get((unit, m, c))) for m, c, w in spec]
            keys = [(m, k) for m, _, _, k in found if k is not None and m in windows]
            latest, ok1, len1, n1 = _theme_window_bits(sums, keys, windows, "latest")
            base, ok0, len0, n0 = _theme_window_bits(sums, keys, windows, "baseline")
            x1 = harm1 = x0 = 0.0
            missing1 = 0
            for m, c, weight, k in found:
                if k is None or m not in windows:
                    code_rows.append((unit, theme, m, c, weight, nan, 0, 0, len1))
                    continue
                miss = int(latest_missing[m][k])
                missing1 += miss
                if ok1:
                    matrix = sums.bits(windows[m].periods("latest"))[1]
                    cnt = _bits_total(matrix[k], latest[m])
                else:
                    cnt = nan
                code_rows.append((unit, theme, m, c, weight, cnt, miss, n1, len1))
                x1 += cnt
                harm1 += cnt * weight
                if ok0:
                    x0 += _bits_total(sums.bits(windows[m].periods("baseline"))[1][k], base[m])
            theme_rows.append(
                _theme_row(unit, theme, (x1, harm1, x0), len(keys), len(spec), (n1, n0, len1, len0),
                           (ok1, ok0), (inh1, inh0), months, missing1)
            )  # fmt: skip
    return theme_rows, code_rows


def theme_table(
    pub: Published | None,
    codes: pd.DataFrame,
    windows: dict[str, Windows],
    inhabitants: dict[str, tuple[float, float]],
    sums: WindowSums | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per unit x theme table, per unit x theme x code latest counts).

    A theme's count sums its codes over the periods in which all of them were published (per table,
    see _theme_window); codes the unit has no rows for at all are left out and counted in
    `codes_absent`. Fewer published periods than facts.min_published: the window is incomplete and
    x1 (or x0) is NaN, never a partial count.

    `sums` (WindowSums.of the series, with these windows) counts the same by numpy and bits; `pub`
    may then be None.
    """
    kind = next(iter(windows.values())).kind
    months = DURATION_MONTHS[kind]
    theme_rows: list[tuple[object, ...]] = []
    code_rows: list[tuple[object, ...]] = []
    nan = float("nan")
    specs = [
        (theme, list(tcodes[["measure", "offence_code", "harm_weight"]].itertuples(index=False, name=None)))
        for theme, tcodes in codes.groupby("theme", sort=True)
    ]
    if sums is not None:
        theme_rows, code_rows = _theme_rows_by_sums(sums, specs, windows, inhabitants, months)
    units = _units(pub) if sums is None and pub is not None else []
    for unit in units:
        inh1, inh0 = inhabitants.get(unit, (nan, nan))
        for theme, spec in specs:
            present = [(m, c) for m, c, _ in spec if (unit, m, c) in pub and m in windows]  # type: ignore[operator]
            latest, ok1, len1 = _theme_window(pub, unit, present, windows, "latest")  # type: ignore[arg-type]
            base, ok0, len0 = _theme_window(pub, unit, present, windows, "baseline")  # type: ignore[arg-type]
            n1 = len(next(iter(latest.values()), []))
            n0 = len(next(iter(base.values()), []))
            x1 = harm1 = x0 = 0.0
            missing1 = 0
            for m, c, weight in spec:
                rows = pub.get((unit, m, c))  # type: ignore[union-attr]
                if rows is None or m not in windows:
                    code_rows.append((unit, theme, m, c, weight, nan, 0, 0, len1))
                    continue
                window = windows[m].periods("latest")
                miss = rows.missing_in(window)
                missing1 += miss
                cnt = rows.total(latest[m]) if ok1 else nan
                code_rows.append((unit, theme, m, c, weight, cnt, miss, n1, len1))
                x1 += cnt
                harm1 += cnt * weight
                if ok0:
                    x0 += rows.total(base[m])
            theme_rows.append(
                _theme_row(unit, theme, (x1, harm1, x0), len(present), len(spec), (n1, n0, len1, len0),
                           (ok1, ok0), (inh1, inh0), months, missing1)
            )  # fmt: skip
    extra = ["window_periods", "incomplete", "baseline_periods", "baseline_incomplete"]
    theme_tab = pd.DataFrame(theme_rows, columns=[*THEME_COLUMNS, *extra])
    code_tab = pd.DataFrame(code_rows, columns=[*CODE_COLUMNS, "published_periods", "window_periods"])
    return theme_tab, code_tab
