"""The ScoreResult tables besides criteria: scores with flags, indicators, trends, funnel, sources."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ivp_pipeline.catalogue import Catalogue
from ivp_pipeline.offences import offences
from ivp_pipeline.regions import DEFAULT_REGION, RegionConfig, unit_order
from ivp_pipeline.scoring import facts
from ivp_pipeline.scoring.config import RANK_UNCERTAIN, ScoringConfig, rank_uncertain
from ivp_pipeline.scoring.police import (
    Published,
    WindowSums,
    code_windows,
    inhabitants_at,
    population_lookup,
    published,
    theme_codes,
    theme_table,
)
from ivp_pipeline.scoring.result import (
    FUNNEL,
    INDICATOR_COMPLETENESS,
    INDICATORS,
    PERCEPTION,
    SCORES,
    SOURCES,
    TRENDS,
)
from ivp_pipeline.scoring.stats import poisson_ci

# Columns of indicators.csv beyond the INDICATORS contract (see docs/method.md).
INDICATOR_EXTRAS = (
    "measure",
    "window",
    "missing",
    "harm_weight",
    "value",
    "value_low",
    "value_high",
    "unit_of_measure",
    *INDICATOR_COMPLETENESS,
)


def _unit_order(units: pd.Series) -> pd.Series:
    """Sort key: the position of each unit in regions.unit_order."""
    # each distinct unit once, in the order of first appearance (as unit_order takes them); the
    # positions are looked up per distinct unit, not per row (a national table has millions)
    codes, uniques = pd.factorize(units.to_numpy(dtype=object), use_na_sentinel=False)
    names = [str(u) for u in uniques]
    order = {u: i for i, u in enumerate(unit_order(names))}
    return pd.Series(np.array([order[u] for u in names], dtype=np.int64)[codes], index=units.index)


def scores_frame(
    frame: pd.DataFrame,
    cat: Catalogue,
    cfg: ScoringConfig,
    theme_tab: pd.DataFrame,
    perception: pd.DataFrame,
    kind: str,
    region: RegionConfig = DEFAULT_REGION,
) -> pd.DataFrame:
    """SCORES columns plus profile_label; flags explain what a reader must know about each score."""
    t = frame.merge(theme_tab, on=["unit", "theme"], how="left")
    del kind  # the window's completeness comes with theme_tab ("incomplete")
    composite = {th.id for th in cat.themes.values() if not th.ranked}
    ties = t[t["rank"].notna()].groupby(["unit", "profile", "rank"])["theme"].transform("size")
    tied = set(ties.index[ties > 1])
    pflags: dict[Any, set[str]] = dict(
        perception.groupby(["unit", "theme"])["flags"].apply(lambda s: set(";".join(s).split(";"))).items()
    )
    flags = []
    for i, r in enumerate(t.to_dict("records")):
        f = []
        cov, x1 = float(r["coverage"]), float(r["x1"])
        if isinstance(r.get("incomplete"), bool | np.bool_) and bool(r["incomplete"]):
            f.append("incomplete_window")
        if cov <= 1e-9:
            f.append("no_score")
        elif cov < 1 - 1e-9:
            f.append("partial_coverage")
            if cov < cfg.low_coverage_threshold:
                f.append("low_coverage")
        if not np.isnan(x1):
            if x1 < cfg.small_number_threshold:
                f.append("small_number")
            if r["missing1"] > 0:
                f.append("missing_values")
            if r["codes_absent"] > 0:
                f.append("codes_absent")
        ps = pflags.get((r["unit"], r["theme"]), set())
        f += [x for x in ("basisteam", "margin_assumed") if x in ps]
        if r["theme"] in composite:
            f.append("composite")
        if i in tied:
            f.append("tied")
        if not np.isnan(r["rank"]) and rank_uncertain(r["rank"], r["p_top3"], cfg.top_n):
            f.append(RANK_UNCERTAIN)
        flags.append(";".join(f))
    out = frame.rename(columns={"unit": "municipality"}).copy()
    out["flags"] = flags
    out["municipality_label"] = out["municipality"].map(region.label)
    out["theme_label"] = out["theme"].map(cat.labels())
    out["veiligheidsveld"] = out["theme"].map({t.id: t.veiligheidsveld_label for t in cat.themes.values()})
    labels = {n: p.label or n for n, p in cfg.all_profiles().items()}
    out["profile_label"] = out["profile"].map(labels)
    out["_u"] = _unit_order(out["municipality"])
    out["_r"] = out["rank"].fillna(1e9)
    out = out.sort_values(["_u", "profile", "_r", "theme"], kind="stable")
    return out[[*SCORES, "profile_label"]].reset_index(drop=True)


class _SourceFiles:
    """Which files the counted rows of each area and offence code came from, per window: the columns
    of `clean` factorised once (integer codes), so that each window is a few integer comparisons
    over the national table, not text comparisons and a copy of its rows."""

    COLUMNS = ("area_code", "offence_code", "source_file", "measure", "period_kind")

    def __init__(self, clean: pd.DataFrame) -> None:
        self.codes: dict[str, np.ndarray] = {}
        self.names: dict[str, list[str]] = {}
        for name in self.COLUMNS:
            codes, uniques = facts.column_codes(clean, name)
            self.codes[name] = codes
            # a missing value (code -1) reads as str(NaN), as .astype(str) wrote it
            self.names[name] = [*(str(u) for u in uniques), "nan"]
        self.counted = clean["counted"].to_numpy(dtype=bool)
        self.period = clean["period"]

    def _is(self, name: str, value: str) -> np.ndarray:
        names = self.names[name][:-1]
        if value not in names:
            return np.zeros(len(self.counted), dtype=bool)
        return np.asarray(self.codes[name] == names.index(value), dtype=bool)

    def by_area(self, measure: str, start: Any, end: Any, kind: str) -> dict[tuple[str, str], set[str]]:
        """{(area, offence code): the files whose rows of `measure` were counted in a window} (same
        period kind, counted values only), for every area at once."""
        if start is None:
            return {}
        mask = (
            self._is("measure", measure)
            & self._is("period_kind", kind)
            & self.counted
            & ((self.period >= start) & (self.period <= end)).to_numpy(dtype=bool)
        )
        rows = np.flatnonzero(mask)
        out: dict[tuple[str, str], set[str]] = {}
        if not len(rows):
            return out
        # each (area, code, file) once: many periods share them
        area, code, file = (self.codes[c][rows] for c in ("area_code", "offence_code", "source_file"))
        sizes = [len(self.names[c]) for c in ("offence_code", "source_file")]
        key = ((area + 1) * sizes[0] + code + 1) * sizes[1] + file + 1
        first = np.sort(np.unique(key, return_index=True)[1])  # in row order, as before
        areas, codes, files = (self.names[c] for c in ("area_code", "offence_code", "source_file"))
        for a, k, f in zip(area[first].tolist(), code[first].tolist(), file[first].tolist(), strict=True):
            out.setdefault((areas[a], codes[k]), set()).add(files[f])
        return out


def indicators_frame(
    clean: pd.DataFrame,
    code_latest: pd.DataFrame,
    pub: Published | None,
    windows: dict[str, facts.Windows],
    units: dict[str, tuple[str, ...]],
    inh: dict[str, tuple[float, float]],
    perception: pd.DataFrame,
    cfg: ScoringConfig,
    scope_units: list[str],
    sums: WindowSums | None = None,
) -> pd.DataFrame:
    """Police: unit x theme x code x window; survey: unit x theme x indicator x year.

    A code's rate uses as exposure only the periods of its own table's window in which the code was
    published for the unit; below facts.min_published of them the row is `incomplete_window` and
    count, rate and interval are NaN (published_periods of window_periods says how much was there).
    `sums` (WindowSums of the series `pub` was read from) sums its counts per window by numpy;
    `pub` may then be None.
    """

    codes = code_latest[["theme", "measure", "offence_code", "harm_weight"]].drop_duplicates()
    files = _SourceFiles(clean)
    frames = []
    for which, idx in (("latest", 0), ("baseline", 1)):
        wins = {m: w for m, w in windows.items() if w.bounds(which)[0] is not None}
        if not wins:
            continue
        c = code_windows(pub, codes, wins, which, sums)
        c = c[c["unit"].isin(scope_units) & c["measure"].isin(list(wins))].copy()
        if c.empty:
            continue
        c["window"] = which
        c["inhabitants"] = c["unit"].map(lambda u, i=idx: inh[u][i])
        starts = {m: tuple(pd.Timestamp(str(b)) for b in w.bounds(which)) for m, w in wins.items()}
        months = c["measure"].map({m: facts.DURATION_MONTHS[w.kind] for m, w in wins.items()})
        py = c["published_periods"] * months / 12 * c["inhabitants"]
        lo, hi = poisson_ci(c["count"].to_numpy(float))
        with np.errstate(divide="ignore", invalid="ignore"):
            c["rate_per_1000"] = np.where(py > 0, c["count"] / py * 1000, np.nan)
            c["rate_low"] = np.where(py > 0, lo / py * 1000, np.nan)
            c["rate_high"] = np.where(py > 0, hi / py * 1000, np.nan)
        c["period_start"] = c["measure"].map({m: pd.Timestamp(b[0]) for m, b in starts.items()})
        c["period_end"] = c["measure"].map(
            {m: wins[m].period_end(pd.Timestamp(b[1])) for m, b in starts.items()}
        )
        c["flags"] = np.where(c["incomplete"], "incomplete_window", "")
        src = {m: files.by_area(m, *wins[m].bounds(which), wins[m].kind) for m in wins}
        c["source_files"] = [
            ";".join(sorted(set().union(*(src[m].get((a, k), ()) for a in units[u]))))
            for u, m, k in zip(
                c["unit"].astype(str), c["measure"].astype(str), c["offence_code"].astype(str), strict=True
            )
        ]
        frames.append(c.drop(columns="incomplete"))
    police = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["unit"])
    police["source"] = "politie"
    police["indicator"] = ""
    police["label"] = (
        [_code_label(m, k) for m, k in zip(police["measure"], police["offence_code"], strict=True)]
        if len(police)
        else pd.Series(dtype=str)
    )
    police["small_number"] = police["count"] < cfg.small_number_threshold if len(police) else []
    if len(police):
        police["published_periods"] = police["published_periods"].astype(int)
        police["window_periods"] = police["window_periods"].astype(int)
    survey = pd.DataFrame(
        {
            "unit": perception["unit"],
            "theme": perception["theme"],
            "source": "enquete",
            "offence_code": "",
            "indicator": perception["indicator"],
            "label": perception["label"],
            "count": np.nan,
            "inhabitants": np.nan,
            "rate_per_1000": np.nan,
            "rate_low": np.nan,
            "rate_high": np.nan,
            "period_start": pd.to_datetime(perception["year"].astype(str) + "-01-01"),
            "period_end": pd.to_datetime(perception["year"].astype(str) + "-12-31"),
            "small_number": False,
            "source_files": perception["source_file"],
            "window": "latest",
            "value": perception["value"],
            "value_low": perception["ci_low"],
            "value_high": perception["ci_high"],
            "unit_of_measure": perception["unit_of_measure"],
            "measure": "",
            "missing": 0,
            "harm_weight": np.nan,
            "published_periods": 1,
            "window_periods": 1,
            "flags": "",
        }
    )
    out = pd.concat([police, survey], ignore_index=True).rename(columns={"unit": "municipality"})
    for col in [*INDICATORS, *INDICATOR_EXTRAS]:
        if col not in out:
            out[col] = np.nan
    for col in ("published_periods", "window_periods"):
        out[col] = pd.to_numeric(out[col]).fillna(0).astype(int)
    out["flags"] = out["flags"].fillna("").astype(str)
    out["_u"] = _unit_order(out["municipality"])
    out = out.sort_values(
        ["_u", "theme", "source", "measure", "offence_code", "indicator", "period_start"], kind="stable"
    )
    return out[[*INDICATORS, *INDICATOR_EXTRAS]].reset_index(drop=True)


def _code_label(measure: str, code: str) -> str:
    """An offence label for the tables: the one in data/offences.csv without its leading code.

    "1.1.1 Diefstal/inbraak woning" -> "Diefstal/inbraak woning"; "alcohol/ drugs" -> "alcohol/drugs".
    """
    off = offences().get(measure, code)
    if off is None:
        return code
    text = off.label.removeprefix(f"{off.code} ")
    return re.sub(r"\s*/\s*", "/", text)


def trends_frame(
    series: pd.DataFrame,
    codes: pd.DataFrame,
    population: pd.DataFrame,
    units: dict[str, tuple[str, ...]],
    scope_units: list[str],
    kind: str = "month",
    latest: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Counts per unit x theme x period over the whole series, with exact intervals.

    Monthly series also get rolling 12-month sums (period_kind "year") ending at the month of `latest`.
    """

    g = theme_periods(series[facts.rows_with(series, "unit", scope_units)], codes, kind)
    lo, hi = poisson_ci(g["count"].to_numpy(float))
    g["count_low"], g["count_high"] = lo, hi
    lookup = population_lookup(population)
    # each unit x year once: a national series has hundreds of thousands of rows
    unit_codes, unit_names = pd.factorize(g["unit"])
    year = g["period"].dt.year.to_numpy(np.int64)
    first_year = int(year.min()) if len(year) else 0
    pair = unit_codes.astype(np.int64) * (int(year.max()) - first_year + 1 if len(year) else 1) + (
        year - first_year
    )
    pair_codes, _ = pd.factorize(pair)
    _, first_row = np.unique(pair_codes, return_index=True)  # the first row of each unit x year
    names = [str(u) for u in unit_names]
    values = np.array(
        [inhabitants_at(lookup, units[names[unit_codes[i]]], int(year[i])) for i in first_row.tolist()],
        dtype=float,
    )
    g["inhabitants"] = values[pair_codes] if len(pair) else np.zeros(0, dtype=float)
    g["rate_per_1000"] = g["count"] / g["inhabitants"] * 1000
    g = g.rename(columns={"unit": "municipality", "period": "period_start"})
    g["period_kind"] = kind
    g["period_end"] = g["period_start"] + pd.DateOffset(months=facts.DURATION_MONTHS.get(kind, 1) - 1)
    windows = rolling_years(g, latest) if kind == "month" else g.iloc[0:0]
    if len(windows):
        g = pd.concat([g, windows], ignore_index=True)
    g["_u"] = _unit_order(g["municipality"])
    g["_k"] = (g["period_kind"] != kind).astype(int)  # the series' own periods first, then the windows
    g = g.sort_values(["_u", "theme", "_k", "period_start"], kind="stable")
    return g[list(TRENDS)].reset_index(drop=True) if len(g) else pd.DataFrame(columns=list(TRENDS))


STEP_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def theme_periods(series: pd.DataFrame, codes: pd.DataFrame, kind: str) -> pd.DataFrame:
    """unit, theme, period, count: every period from a theme's first to its last, NaN when unknown.

    A period's count exists only when every code of the theme that the unit has rows for was
    published in it (for every area of the unit, see facts.unit_series): a suppressed, not applicable
    or not published code, or a month absent from the download, makes the month unknown, not 0.
    """
    fast = _theme_periods_by_keys(series, codes, kind)
    if fast is not None:
        return fast
    s = series.merge(codes[["theme", "measure", "offence_code"]], on=["measure", "offence_code"])
    if s.empty:
        return pd.DataFrame({"unit": [], "theme": [], "period": pd.to_datetime([]), "count": []})
    keys = ["unit", "theme"]
    # the codes each unit x theme has rows for, and the span of its periods
    present = s[[*keys, "measure", "offence_code"]].drop_duplicates().groupby(keys, sort=True).size()
    span = s.groupby(keys, sort=True)["period"].agg(["min", "max"])
    step = STEP_MONTHS.get(kind, 1)
    first = span["min"].to_numpy().astype("datetime64[M]")
    last = span["max"].to_numpy().astype("datetime64[M]")
    n = (last - first).astype(int) // step + 1  # every period from the first to the last
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    frame = pd.DataFrame(
        {
            "unit": np.repeat(span.index.get_level_values(0).to_numpy(), n),
            "theme": np.repeat(span.index.get_level_values(1).to_numpy(), n),
            "period": (np.repeat(first, n) + offset * step).astype(s["period"].dtype),
        }
    ).astype({"unit": s["unit"].dtype, "theme": s["theme"].dtype})
    # counts are whole numbers, so the sum does not depend on the order of the codes
    known = s[s["count"].notna()]
    per = known.groupby([*keys, "period"], sort=True)["count"].agg(["sum", "size"]).reset_index()
    frame = frame.merge(per, on=[*keys, "period"], how="left", sort=False)
    complete = frame["size"].to_numpy(float) == np.repeat(present.to_numpy(), n)
    count = np.where(complete, frame["sum"].to_numpy(float), np.nan)
    return pd.DataFrame(
        {"unit": frame["unit"], "theme": frame["theme"], "period": frame["period"], "count": count}
    )


def _theme_periods_by_keys(series: pd.DataFrame, codes: pd.DataFrame, kind: str) -> pd.DataFrame | None:
    """theme_periods over integer keys, without merging the series with the codes: the same rows
    when every count is a whole number (sums exact in any order), no key is missing and no theme
    names a code twice; None otherwise (theme_periods then merges and groups as pandas does)."""
    count = series["count"].to_numpy(float)
    has = ~np.isnan(count)
    keys = ["unit", "measure", "offence_code", "period"]
    spec = codes[["theme", "measure", "offence_code"]]
    if (
        not len(series)
        or not bool(np.all(count[has] == np.floor(count[has])))
        or bool(series[keys].isna().to_numpy().any())
        or bool(spec.isna().to_numpy().any())
        or bool(spec.duplicated().any())
    ):
        return None
    unit_codes, unit_names = facts.factorised(series["unit"])  # sorted, as groupby sorts
    measure_codes, measures = facts.factorised(series["measure"])
    code_codes, code_names = facts.factorised(series["offence_code"])
    n_codes = len(code_names)
    n_pairs = len(measures) * n_codes
    pair = measure_codes * n_codes + code_codes  # the (measure, code) of each row
    theme_codes, theme_names = pd.factorize(spec["theme"], sort=True)
    m_at = {str(v): i for i, v in enumerate(measures)}
    c_at = {str(v): i for i, v in enumerate(code_names)}
    links = [
        (m_at[str(m)] * n_codes + c_at[str(c)], t)
        for m, c, t in zip(
            spec["measure"].tolist(), spec["offence_code"].tolist(), theme_codes.tolist(), strict=True
        )
        if str(m) in m_at and str(c) in c_at
    ]
    if not links:
        return None
    link = np.array(sorted(links), dtype=np.int64)  # by pair, then theme: the rows of the merge
    per_pair = np.bincount(link[:, 0], minlength=n_pairs)
    start = np.concatenate(([0], np.cumsum(per_pair)))
    k = per_pair[pair]  # the themes of each row
    rows = np.repeat(np.arange(len(series)), k)
    if not len(rows):
        return None
    within = np.arange(len(rows)) - np.repeat(np.cumsum(k) - k, k)
    theme = link[start[pair[rows]] + within, 1]
    n_themes = len(theme_names)
    group = unit_codes[rows] * n_themes + theme  # unit x theme, in sorted order
    # the codes each unit x theme has rows for, and the span of its periods
    present = np.bincount(
        np.unique(group * n_pairs + pair[rows]) // n_pairs, minlength=len(unit_names) * n_themes
    )
    stamp = series["period"].to_numpy()
    seconds = stamp.astype("datetime64[s]").astype(np.int64)
    span = pd.Series(seconds[rows]).groupby(group, sort=True).agg(["min", "max"])
    groups = span.index.to_numpy(np.int64)
    first = span["min"].to_numpy().astype("datetime64[s]").astype("datetime64[M]")
    last = span["max"].to_numpy().astype("datetime64[s]").astype("datetime64[M]")
    step = STEP_MONTHS.get(kind, 1)
    n = (last - first).astype(int) // step + 1  # every period from the first to the last
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    period = (np.repeat(first, n) + offset * step).astype(series["period"].dtype)
    frame_group = np.repeat(groups, n)
    # the known counts per unit x theme x period: sum and number of code rows
    frame_seconds = period.astype("datetime64[s]").astype(np.int64)
    low = min(int(seconds.min()), int(frame_seconds.min()))
    width = max(int(seconds.max()), int(frame_seconds.max())) - low + 1
    known = has[rows]
    key = group[known] * width + (seconds[rows][known] - low)
    uniq, back = np.unique(key, return_inverse=True)
    sums = np.bincount(back, weights=count[rows][known], minlength=len(uniq))
    sizes = np.bincount(back, minlength=len(uniq))
    want = frame_group * width + (frame_seconds - low)
    at = np.minimum(np.searchsorted(uniq, want), max(len(uniq) - 1, 0))
    found = (uniq[at] == want) if len(uniq) else np.zeros(len(want), dtype=bool)
    complete = found & (np.where(found, sizes[at] if len(uniq) else 0, -1) == present[frame_group])
    values = np.where(complete, sums[at] if len(uniq) else np.nan, np.nan)
    units = np.asarray([unit_names[i] for i in range(len(unit_names))], dtype=object)
    themes = np.asarray(list(theme_names), dtype=object)
    unit_type: Any = series["unit"].dtype
    theme_type: Any = spec["theme"].dtype
    return pd.DataFrame(
        {
            "unit": pd.array(units[frame_group // n_themes], dtype=unit_type),
            "theme": pd.array(themes[frame_group % n_themes], dtype=theme_type),
            "period": period,
            "count": values,
        }
    )


def rolling_years(monthly: pd.DataFrame, latest: pd.Timestamp | None = None) -> pd.DataFrame:
    """12-month sums ending at the month of `latest` (default: the last month present), 12, 24... earlier.

    A window counts only when all 12 of its monthly counts are present: a missing or suppressed month
    is never taken as zero. Inhabitants are those of the window's last month (as in the monthly rows).
    """

    cols = ["municipality", "theme", "period_start", "count", "inhabitants"]
    m = monthly[cols].dropna(subset=["count"])
    if m.empty:
        return pd.DataFrame(columns=[*TRENDS])
    end = pd.Timestamp(latest if latest is not None else m["period_start"].max())
    first = m["period_start"].min()
    ends = []
    while end - pd.DateOffset(months=11) >= first:
        ends.append(end)
        end = end - pd.DateOffset(months=12)
    month = m["period_start"].to_numpy().astype("datetime64[M]").astype(np.int64)
    fast = _rolling_by_keys(m, month, ends)
    parts = fast if fast is not None else []
    for order, e in enumerate(ends if fast is None else []):  # a few windows; all units at once
        last = np.datetime64(e, "M").astype(np.int64)
        inside = (month > last - 12) & (month <= last)
        w = m[inside]
        agg = w.groupby(["municipality", "theme"], sort=True)["count"].agg(["sum", "size"])
        agg = agg[agg["size"] == 12]  # every month of the window known
        if agg.empty:
            continue
        at_end = w[month[inside] == last].set_index(["municipality", "theme"])["inhabitants"]
        parts.append(
            pd.DataFrame(
                {
                    "municipality": agg.index.get_level_values(0),
                    "theme": agg.index.get_level_values(1),
                    "period_start": e - pd.DateOffset(months=11),
                    "period_end": e,
                    "count": agg["sum"].to_numpy(float),  # whole numbers: exact in any order
                    "inhabitants": at_end.reindex(agg.index).to_numpy(),
                    "_order": order,
                }
            )
        )
    columns = ["municipality", "theme", "period_start", "period_end", "count", "inhabitants"]
    if parts:
        out = pd.concat(parts, ignore_index=True)
        out = out.sort_values(["municipality", "theme", "_order"], kind="stable")[columns]
        out = out.reset_index(drop=True)
    else:
        out = pd.DataFrame(columns=columns)
    out["count_low"], out["count_high"] = poisson_ci(out["count"].to_numpy(float))
    out["rate_per_1000"] = out["count"] / out["inhabitants"].astype(float) * 1000
    out["period_kind"] = "year"
    return out[list(TRENDS)]


def _rolling_by_keys(
    m: pd.DataFrame, month: np.ndarray, ends: list[pd.Timestamp]
) -> list[pd.DataFrame] | None:
    """The parts of rolling_years by integer keys (municipality x theme, sorted as groupby sorts
    them) and bincount, not a groupby over the text per window: the same rows when every count is a
    whole number (sums exact in any order) and no key is missing; None otherwise."""
    count = m["count"].to_numpy(float)
    if not bool(np.all(count == np.floor(count))) or float(np.abs(count).sum()) >= 2.0**52:
        return None
    unit_codes, unit_names = facts.factorised(m["municipality"])
    theme_codes_, theme_names = facts.factorised(m["theme"])
    if bool((unit_codes < 0).any()) or bool((theme_codes_ < 0).any()):
        return None
    n_themes = len(theme_names)
    n_keys = len(unit_names) * n_themes
    key = unit_codes * n_themes + theme_codes_
    people = m["inhabitants"].to_numpy(float)
    parts = []
    for order, e in enumerate(ends):
        last = np.datetime64(e, "M").astype(np.int64)
        inside = (month > last - 12) & (month <= last)
        size = np.bincount(key[inside], minlength=n_keys)
        full = np.flatnonzero(size == 12)  # every month of the window known
        if not len(full):
            continue
        total = np.bincount(key[inside], weights=count[inside], minlength=n_keys)
        at_end = np.full(n_keys, np.nan)
        end_rows = np.flatnonzero(inside & (month == last))
        at_end[key[end_rows]] = people[end_rows]
        parts.append(
            pd.DataFrame(
                {
                    "municipality": pd.Index(unit_names).take(full // n_themes),
                    "theme": pd.Index(theme_names).take(full % n_themes),
                    "period_start": e - pd.DateOffset(months=11),
                    "period_end": e,
                    "count": total[full],
                    "inhabitants": at_end[full],
                    "_order": order,
                }
            )
        )
    return parts


def funnel_frame(
    clean: pd.DataFrame,
    population: pd.DataFrame,
    cat: Catalogue,
    windows: dict[str, facts.Windows],
    ref: str | None,
    scope_units: list[str],
    known: tuple[pd.DataFrame, dict[str, tuple[str, ...]]] | None = None,
    known_sums: WindowSums | None = None,
) -> pd.DataFrame:
    """Every ingested gemeente with population: latest-window rate per theme against the reference.

    Each table's own window; a gemeente whose window is incomplete has no point (NaN, left out).
    `known` is (series, its units): facts.unit_series of `clean` made already (scoring.compute has
    it); the rows of those units are taken from it, only the other units are summed here.
    `known_sums` (WindowSums of that series, with these windows): when it has every unit, the
    theme counts come from it directly (a unit's counts are its own keys' only)."""

    # the gemeente rows' area codes and names, by integer codes (no copy of the national table)
    area_codes, area_uniques = facts.column_codes(clean, "area_code")
    is_gm = clean["area_level"].to_numpy(dtype=object) == "gemeente"
    gm_codes = area_codes[is_gm]
    have_pop = set(population["area_code"])
    present = np.flatnonzero(np.bincount(gm_codes[gm_codes >= 0], minlength=len(area_uniques)))
    areas = sorted(a for a in (area_uniques[i] for i in present) if a in have_pop)
    first = min(w.latest_start for w in windows.values())
    last = max(w.latest_end for w in windows.values())
    units: dict[str, tuple[str, ...]] = {str(a): (str(a),) for a in areas}
    if ref:
        units[ref] = (ref,)
    kind = next(iter(windows.values())).kind
    has_all = known is not None and all(known[1].get(u) == a for u, a in units.items())
    sums = known_sums if has_all else None
    series = _window_series(clean, units, kind, first, last, known) if sums is None else None
    year = int(last.year)
    lookup = population_lookup(population)
    inh = {u: (inhabitants_at(lookup, a, year),) * 2 for u, a in units.items()}
    if series is not None:
        sums = WindowSums.of(series, windows)
    pub = published(series, windows) if sums is None and series is not None else None
    t, _ = theme_table(pub, theme_codes(cat), windows, inh, sums)
    if t.empty:
        return pd.DataFrame(columns=list(FUNNEL))
    ref_rows = t[t["unit"] == ref] if ref else t.iloc[0:0]
    ref_rate = {
        th: x / py * 1000 if py > 0 else float("nan")
        for th, x, py in zip(ref_rows["theme"], ref_rows["x1"], ref_rows["py1"], strict=True)
    }
    t = t[t["unit"].isin(areas) & t["x1"].notna() & (t["py1"] > 0)].copy()
    # the name on each area's last gemeente row (as dict(zip(...)) over every row)
    gm_rows = np.flatnonzero(is_gm)
    last_rows = gm_rows[pd.Series(gm_codes).drop_duplicates(keep="last").index.to_numpy()]
    names = dict(
        zip(
            clean["area_code"].iloc[last_rows].tolist(),
            clean["area_name"].iloc[last_rows].tolist(),
            strict=True,
        )
    )
    t["rate_per_1000"] = t["x1"] / t["py1"] * 1000
    t["reference_rate_per_1000"] = t["theme"].map(ref_rate)
    t = t.rename(columns={"unit": "area_code", "x1": "count"})
    t["municipality"] = t["area_code"]
    t["area_name"] = t["area_code"].map(names)
    return t.sort_values(["theme", "area_code"])[list(FUNNEL)].reset_index(drop=True)


def _window_series(
    clean: pd.DataFrame,
    units: dict[str, tuple[str, ...]],
    kind: str,
    first: pd.Timestamp,
    last: pd.Timestamp,
    known: tuple[pd.DataFrame, dict[str, tuple[str, ...]]] | None,
) -> pd.DataFrame:
    """facts.unit_series of the rows of `clean` from `first` to `last`, the rows of the units that
    `known` has (same areas) taken from its series. A count is the sum of one key's rows (unit,
    measure, code, period), so a series cut to the window is the series of the window's rows; that
    holds as long as both are summed the same way: whole numbers (facts.unit_series, _Keys)."""
    reuse: set[str] = set()
    if known is not None and facts.whole_counts(clean, kind):
        series, made = known
        reuse = {u for u, a in units.items() if made.get(u) == a}
    rest = {u: a for u, a in units.items() if u not in reuse}
    parts = []
    if reuse:
        series, _ = known  # type: ignore[misc]
        inside = (series["period"] >= first) & (series["period"] <= last)
        take = series["unit"].isin(list(reuse)) & inside if len(reuse) < len(known[1]) else inside  # type: ignore[index]
        parts.append(series[take.to_numpy(dtype=bool)].reset_index(drop=True))
    if rest or not parts:
        window = clean[((clean["period"] >= first) & (clean["period"] <= last)).to_numpy(dtype=bool)]
        parts.append(facts.unit_series(window, rest, kind))
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def perception_frame(perception: pd.DataFrame) -> pd.DataFrame:
    out = perception.rename(columns={"unit": "municipality"}).rename(columns={"unit_of_measure": "unit"})
    return out[[*PERCEPTION, "margin", "area_code", "flags"]].reset_index(drop=True)


def _periods_text(entry: dict[str, Any]) -> str:
    """What a manifest entry says about the periods of its file, as readers record it."""
    if entry.get("period_first"):
        kinds = list(entry.get("period_kinds") or [])
        width = 4 if kinds == ["year"] else 7  # 2019 t/m 2025, or 2019-01 t/m 2026-10
        text = f"{str(entry['period_first'])[:width]} t/m {str(entry.get('period_last', ''))[:width]}"
        names = {"month": "maanden", "quarter": "kwartalen", "year": "jaren"}
        return f"{text} ({', '.join(names.get(k, k) for k in kinds)})" if kinds else text
    periods = entry.get("periods") or entry.get("years") or ""
    if isinstance(periods, list):
        return ", ".join(str(p) for p in periods)
    return str(periods)


def sources_frame(manifest: dict[str, Any]) -> pd.DataFrame:

    rows = []
    for name, e in sorted(manifest.get("files", {}).items()):
        periods = _periods_text(e)
        rows.append(
            (
                name,
                e.get("sha256", ""),
                e.get("kind", ""),
                e.get("dataset", ""),
                e.get("table_id", "") or "",
                periods,
                int(e.get("accepted", 0)),
                e.get("ingested_at", ""),
            )
        )
    return pd.DataFrame(rows, columns=list(SOURCES))
