"""Selections every output shares: profile order, municipality order, labels, slugs, source lines.

Only selecting and ordering here: every number comes from the ScoreResult as computed.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ivp_pipeline.regions import unit_order
from ivp_pipeline.reports import labels

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

FALLBACK_DATE = datetime(2026, 1, 1)
FACTS_PROFILE = "feiten"
PERCEPTION_PROFILE = "beleving_professionals"


def _seen_profiles(scores: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(scores["profile"].astype(str))) if len(scores) else []


def profiles(result: ScoreResult) -> list[str]:
    """Profiles in the order of the method (default first), else as they appear in the scores."""
    seen = list(_memo(result.scores, ("profiles",), _seen_profiles))
    configured = result.method.get("profiles")
    order = [p for p in configured if p in seen] if isinstance(configured, dict) else []
    order += [p for p in seen if p not in order]
    main = default_profile(result, order)
    return [main, *[p for p in order if p != main]] if main in order else order


def default_profile(result: ScoreResult, available: list[str] | None = None) -> str:
    avail = available if available is not None else _memo(result.scores, ("profiles",), _seen_profiles)
    wanted = str(result.method.get("default_profile") or "evenwichtig")
    if wanted in avail:
        return wanted
    return avail[0] if avail else wanted


def municipalities(result: ScoreResult) -> list[str]:
    """The municipalities scored in regions.unit_order: by Dutch name, then the region total last."""
    if not len(result.scores):
        return []
    order = _memo(
        result.scores,
        ("units", repr(result.region)),
        lambda s: unit_order(s["municipality"].astype(str), result.region),
    )
    return list(order)


def municipality_labels(result: ScoreResult) -> dict[str, str]:
    """Code -> Dutch name (result.region.label) of every unit scored, in unit order."""
    return {code: result.region.label(code) for code in municipalities(result)}


def theme_labels(result: ScoreResult) -> dict[str, str]:
    """Theme id -> its label in the scores (a copy: the caller may add to it)."""
    return dict(_memo(result.scores, ("theme_labels",), _theme_labels))


def _theme_labels(s: pd.DataFrame) -> dict[str, str]:
    out: dict[str, str] = {}
    if "theme_label" in s.columns:
        for theme, lab in zip(s["theme"].astype(str), s["theme_label"], strict=True):
            if not labels.is_missing(lab):
                out.setdefault(theme, str(lab))
    return out


# (id of a frame, what) -> (the frame, the answer). The reports read the frames of a ScoreResult and
# never change them, so what is derived from a frame holds for as long as that frame lives; the
# frame itself is kept beside its answer, so an id reused by a new frame cannot match.
_MEMO: dict[tuple[int, tuple[str, ...]], tuple[pd.DataFrame, Any]] = {}
MEMO_SIZE = 4096  # a national report asks for a few frames per municipality


def _memo(frame: pd.DataFrame, what: tuple[str, ...], make: Callable[[pd.DataFrame], Any]) -> Any:
    """`make(frame)`, made once while `frame` lives (`what` names it); the caller must not change it."""
    key = (id(frame), what)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is frame:
        return hit[1]
    if len(_MEMO) >= MEMO_SIZE:
        _MEMO.clear()
    answer = make(frame)
    _MEMO[key] = (frame, answer)
    return answer


derived = _memo  # for the content modules: what they derive from one frame, once


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """`frame.to_dict("records")`, made once while the frame lives (the caller must not change them).

    The same values: Python scalars for numpy columns, Timestamps for dates, pd.NA as None."""
    return _memo(frame, ("records",), _records)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    if not frame.columns.is_unique:
        return frame.to_dict("records")  # type: ignore[return-value]
    names = frame.columns.tolist()
    columns = []
    for values in column_arrays(frame):
        if isinstance(values, np.ndarray) and values.dtype.kind != "O":
            columns.append(values.tolist())  # Python scalars, as iterating the column gives them
        else:  # text, extension types and dates (Timestamps) as iterating the column gives them
            columns.append([_native(v) for v in values])
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def column_arrays(frame: pd.DataFrame) -> list[Any]:
    """The frame's columns as their arrays (numpy, or pandas' own for dates, text and extension
    types), by pandas' own accessor: a Series made for each column costs more than its values."""
    get = getattr(frame, "_get_column_array", None)
    if get is None:  # pragma: no cover - a pandas without it
        return [column.array for _name, column in frame.items()]
    return [get(k) for k in range(frame.shape[1])]


def _native(value: Any) -> Any:
    """A numpy scalar as its Python value and pd.NA as None (as DataFrame.to_dict boxes them)."""
    if value is pd.NA:
        return None
    if isinstance(value, np.generic):
        if isinstance(value, np.floating):
            return float(value)
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.datetime64 | np.timedelta64):
            return pd.Timestamp(value) if isinstance(value, np.datetime64) else pd.Timedelta(value)
    return value


def rows_where(frame: pd.DataFrame, **wanted: str) -> pd.DataFrame:
    """The rows of `frame` whose columns (as text) have the wanted values, in their order.

    The same as `frame[(frame[c].astype(str) == v) & ...]`, but the frame is grouped by those columns
    once: a report of many municipalities asks for each of them, which would read the whole frame
    every time (quadratic in the number of municipalities). The rows are put in group order once
    (a stable sort, so each group keeps its order and its index), and each group is then a slice of
    that frame, which costs far less than taking its rows from the frame one group at a time."""
    cols = tuple(wanted)
    if frame.empty:
        return frame
    grouped, bounds, found = _memo(frame, ("rows", *cols), lambda f: _grouped(f, cols))
    key = tuple(str(v) for v in wanted.values())
    hit = found.get(key)
    if hit is None:
        span = bounds.get(key)
        if span is None:
            return frame.iloc[0:0]
        hit = found[key] = grouped.iloc[span[0] : span[1]]
    return hit


def values_where(
    frame: pd.DataFrame, columns: tuple[str, ...], *, text: bool = False, **wanted: str
) -> list[list[Any]]:
    """`[rows[c].tolist() for c in columns]` of `rows = rows_where(frame, **wanted)` (with `text`:
    of `rows[c].astype(str)`), sliced from the lists of the whole frame made once: a report of many
    municipalities reads a few columns of each unit's rows, and a column of a few rows costs far
    more to take than its values."""
    if frame.empty:
        return [frame[c].tolist() for c in columns]
    grouped, bounds, _found = _memo(frame, ("rows", *wanted), lambda f: _grouped(f, tuple(wanted)))
    span = bounds.get(tuple(str(v) for v in wanted.values()))
    if span is None:
        return [frame[c].iloc[0:0].tolist() for c in columns]
    return [_column_list(grouped, c, text)[span[0] : span[1]] for c in columns]


def records_where(frame: pd.DataFrame, **wanted: str) -> list[dict[str, Any]]:
    """`records(rows_where(frame, **wanted))`, sliced from the records of the whole frame made once
    (the caller must not change them)."""
    if frame.empty:
        return []
    grouped, bounds, _found = _memo(frame, ("rows", *wanted), lambda f: _grouped(f, tuple(wanted)))
    span = bounds.get(tuple(str(v) for v in wanted.values()))
    return [] if span is None else records(grouped)[span[0] : span[1]]


def _column_list(frame: pd.DataFrame, column: str, text: bool) -> list[Any]:
    def make(f: pd.DataFrame) -> list[Any]:
        return (f[column].astype(str) if text else f[column]).tolist()

    found: list[Any] = _memo(frame, ("list", column, "text" if text else ""), make)
    return found


def _grouped(
    frame: pd.DataFrame, cols: tuple[str, ...]
) -> tuple[pd.DataFrame, dict[tuple[str, ...], tuple[int, int]], dict[tuple[str, ...], pd.DataFrame]]:
    """(the frame in group order, group -> its rows there as (start, stop), the groups taken so far)."""
    keys = [frame[c].astype(str).to_numpy(dtype=object) for c in cols]
    codes = [pd.factorize(k) for k in keys]
    if len(cols) == 1:
        combined = codes[0][0]
    else:
        combined = np.ravel_multi_index([c for c, _ in codes], [max(len(u), 1) for _, u in codes])
    order = np.argsort(combined, kind="stable")
    starts = np.flatnonzero(np.diff(combined[order])) + 1
    edges = [0, *starts.tolist(), len(order)]
    bounds: dict[tuple[str, ...], tuple[int, int]] = {}
    firsts = order[edges[:-1]].tolist()
    for first, a, b in zip(firsts, edges[:-1], edges[1:], strict=True):
        bounds[tuple(str(k[first]) for k in keys)] = (a, b)
    identity = bool((order == np.arange(len(order))).all())
    grouped = frame if identity else frame.take(order)
    return grouped, bounds, {}


def theme_label(result: ScoreResult, theme: str, cache: dict[str, str] | None = None) -> str:
    names = cache if cache is not None else theme_labels(result)
    return names.get(theme, theme.replace("_", " ").capitalize())


def without_empty_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Themes without a score (no score, coverage 0 or flag no_score) shown as unknown, not as 0.

    Their score, interval, rank and P(top 3) become missing, so no output shows "0" or a last rank.
    """

    if scores.empty or "coverage" not in scores.columns:
        return scores
    empty = (scores["coverage"].astype(float) <= 1e-9).to_numpy().copy()
    if "score" in scores.columns:
        empty |= pd.to_numeric(scores["score"], errors="coerce").isna().to_numpy()
    if "flags" in scores.columns:
        empty |= scores["flags"].astype(str).str.contains("no_score", regex=False).to_numpy()
    if not empty.any():
        return scores
    out = scores.copy()
    for col in ("score", "score_low", "score_high", "rank", "p_top3"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).where(~empty, np.nan)
    return out


def ranked(scores: pd.DataFrame) -> pd.DataFrame:
    """Scored themes by rank (shared ranks by theme), then the themes without a score, unranked."""
    return _memo(scores, ("ranked",), _ranked)


def _ranked(scores: pd.DataFrame) -> pd.DataFrame:
    if _in_rank_order(scores):  # as the scores usually come: sorting them would copy the same rows
        return scores
    return scores.sort_values(["rank", "theme"], na_position="last", kind="stable")


def _in_rank_order(scores: pd.DataFrame) -> bool:
    """Whether the rows already stand by rank (missing last), then theme: what sorting them gives."""
    if len(scores) > 1000 or not {"rank", "theme"} <= set(scores.columns):
        return False  # a long frame is sorted by pandas itself
    try:
        ranks = scores["rank"].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):  # not numbers: pandas sorts them as they are
        return False
    themes = scores["theme"].tolist()
    if any(type(t) is not str for t in themes):
        return False
    keys = [(r != r, 0.0 if r != r else r, t) for r, t in zip(ranks.tolist(), themes, strict=True)]
    return all(a <= b for a, b in itertools.pairwise(keys))


def scores_for(result: ScoreResult, municipality: str, profile: str) -> pd.DataFrame:
    return rows_where(result.scores, municipality=municipality, profile=profile)


def slug(text: str) -> str:
    """File-name part: 'Noordoost Twente' -> 'noordoost-twente'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-") or "x"


def source_line(result: ScoreResult, datasets: tuple[str, ...]) -> str:
    """'Bron: politie (data.politie.nl), CBS (bevolking); bewerking ivp' for the datasets a chart uses."""
    present: set[str] = set()
    if len(result.sources) and "dataset" in result.sources.columns:
        present = set(result.sources["dataset"].dropna().astype(str))
    used = [d for d in datasets if not present or d in present]
    names = [labels.DATASETS.get(d, d) for d in used]
    text = "Bron: " + ", ".join(names) + "; bewerking ivp" if names else "Bewerking ivp"
    month = data_until(result)
    return f"{text} (t/m {month})" if month else text


def data_until(result: ScoreResult) -> str:
    """The last month the figures cover, as 'YYYY-MM' ('' when the method does not say)."""
    month = result.method.get("latest_complete_month") or str(
        result.method.get("latest_complete_period") or ""
    )
    return str(month)[:7]


def profile_label(result: ScoreResult, name: str) -> str:
    return labels.profile(name, result.method.get("profile_labels"))


def series_break(result: ScoreResult) -> datetime | None:
    """The police series break (July 2018 unless the method says otherwise); None when switched off."""

    value = result.method.get("series_break", "2018-07-01")
    if not value:
        return None
    stamp = pd.to_datetime(str(value), errors="coerce")
    return None if pd.isna(stamp) else stamp.to_pydatetime()


def reference_date(result: ScoreResult) -> datetime:
    """A date that only changes when the data change: the latest ingestion, else a fixed date.

    Used for workbook properties so two runs on the same processed data give the same bytes.
    """

    for key in ("reference_date", "as_of"):
        value = result.method.get(key)
        if value:
            stamp = pd.to_datetime(str(value), errors="coerce", utc=True)
            if not pd.isna(stamp):
                return stamp.tz_localize(None).to_pydatetime().replace(microsecond=0)
    if len(result.sources) and "ingested_at" in result.sources.columns:
        stamps = pd.to_datetime(
            result.sources["ingested_at"].astype(str), errors="coerce", utc=True, format="mixed"
        )
        if stamps.notna().any():
            return stamps.max().tz_localize(None).to_pydatetime().replace(microsecond=0)
    return FALLBACK_DATE
