"""Public mode: counts below the threshold, the counts that would give them away, and every value
built on either, replaced by a marker.

The replacement is done on the ScoreResult itself, so every writer (CSV, workbook, charts, HTML)
shows the marker without knowing about public mode. Counts below the threshold become "<5"; values
derived from such a count (rates, their interval bounds, the scaled criterion) become "n<5", because
a rate shown as "<5" would read as a rate below five. Zero counts are suppressed as well: they too are
small numbers. Which further counts must go so that no hidden one follows from totals, 12-month sums
or the same figure in another table is decided by reports/disclosure.py; those cells, and what is
built on them, read "x" (CBS: geheim). Scores resting on a hidden count are rounded to a band of 10.
Counted are registered offences and incidents, and the respondents of the professionals' input.
The extras that repeat or split these counts (key figures, BBV, wijken, professionals by type, local
figures, voortgang) are registered in disclosure too and marked here the same way (MARKED_EXTRAS).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ivp_pipeline.reports.disclosure import hidden_cells

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

DEFAULT_THRESHOLD = 5
# criteria computed from registered police counts; perception and professionals rest on respondents
COUNT_CRITERIA = ("volume", "harm", "trend", "comparison")


def count_marker(threshold: int) -> str:
    return f"<{threshold}"


def derived_marker(threshold: int) -> str:
    return f"n<{threshold}"


def is_suppressed(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith(("<", "n<")) or value == SECONDARY)


def apply_public_mode(result: ScoreResult, threshold: int = DEFAULT_THRESHOLD) -> ScoreResult:
    """A copy of `result` with small counts, the cells that would give them away, and what is built
    on either suppressed; idempotent (a suppressed result is returned as it is)."""
    if public_threshold(result) is not None:
        return result
    hidden = hidden_cells(result, threshold)
    by_frame: dict[str, dict[tuple[int, str], str]] = {}
    for cell, kind in hidden.items():
        by_frame.setdefault(cell.frame, {})[(cell.row, cell.column)] = kind
    blocks = _hidden_blocks(result, by_frame)
    extras = dict(result.extras)
    for name in MARKED_EXTRAS:
        if name in extras:
            extras[name] = _mark(extras[name], f"extras:{name}", by_frame, threshold)
    return replace(
        result,
        scores=_banded_scores(result.scores, blocks),
        indicators=_mark(result.indicators, "indicators", by_frame, threshold),
        trends=_mark(result.trends, "trends", by_frame, threshold),
        funnel=_mark(result.funnel, "funnel", by_frame, threshold),
        criteria=_criteria_blocks(
            _mark(result.criteria, "criteria", by_frame, threshold), result, by_frame, blocks, threshold
        ),
        professionals=_mark(result.professionals, "professionals", by_frame, threshold),
        extras=_extras(extras, result.trends, threshold, blocks),
        method={**result.method, "public": True, "public_threshold": threshold},
    )


# Secondary suppression marker (CBS: "x" = geheim): a count of at least the threshold, hidden because
# it would give a small one away, and everything built on it.
SECONDARY = "x"
_KF_NOW = (
    "rate_per_1000",
    "rate_low",
    "rate_high",
    "prev_ratio",
    "prev_p",
    "prev_verdict",
    "base_ratio",
    "base_p",
    "base_verdict",
)
_KF_PREV = ("prev_rate", "prev_ratio", "prev_p", "prev_verdict")
_KF_BASE = ("base_rate", "base_ratio", "base_p", "base_verdict")
# (frame, count column) -> the values in the same row that are computed from that count
DERIVED: dict[tuple[str, str], tuple[str, ...]] = {
    ("trends", "count"): ("count_low", "count_high", "rate_per_1000"),
    ("indicators", "count"): ("rate_per_1000", "rate_low", "rate_high", "value", "value_low", "value_high"),
    ("funnel", "count"): ("rate_per_1000",),
    ("criteria", "n"): ("raw", "raw_low", "raw_high", "scaled"),
    # organisation types never exceed respondents: "<5" beside "4 types" would say 4
    ("professionals", "respondents"): ("organisation_types",),
    ("extras:voortgang", "baseline_value"): ("target_value", "change_pct"),
    ("extras:voortgang", "current_value"): ("change_pct",),
    # key figures and BBV (reports/keytables.py): the rate, its interval, the changes and tests
    ("extras:keyfigures", "count"): _KF_NOW,
    ("extras:keyfigures", "prev_count"): _KF_PREV,
    ("extras:keyfigures", "base_count"): _KF_BASE,
    ("extras:bbv", "count"): _KF_NOW,
    ("extras:bbv", "prev_count"): _KF_PREV,
    ("extras:bbv", "base_count"): _KF_BASE,
    ("extras:wijken", "count"): ("count_low", "count_high", "rate_per_1000", "rate_low", "rate_high"),
    ("extras:professionals_by_type", "respondents"): ("mean_rating", "q1", "q3", "share_high"),
    ("extras:local_figures", "value"): ("rate", "rate_low", "rate_high"),
}
# the extras whose counts disclosure registers (reports/disclosure.py EXTRAS)
MARKED_EXTRAS = ("voortgang", "keyfigures", "bbv", "wijken", "professionals_by_type", "local_figures")
SCORE_BAND = 10  # scores resting on hidden counts are shown rounded to this many points
BANDED_FLAG = "score_banded"


def _set(out: pd.DataFrame, pos: int, col: str, marker: str) -> None:
    """Put a marker in one cell; an empty cell stays empty (unknown is not a small number)."""
    if col not in out.columns:
        return
    j = list(out.columns).index(col)
    value: Any = out.iat[pos, j]
    if is_suppressed(value) or (not isinstance(value, str) and pd.isna(value)):
        return
    if out[col].dtype != object:
        out[col] = out[col].astype(object)
    out.iat[pos, j] = marker


def _mark(
    frame: pd.DataFrame, name: str, by_frame: dict[str, dict[tuple[int, str], str]], threshold: int
) -> pd.DataFrame:
    """Each hidden count -> "<t" (primary) or "x" (secondary); its row's derived values with it."""
    out = frame.copy()
    cells = by_frame.get(name, {})
    if not cells or out.empty:
        return out
    cm, dm = count_marker(threshold), derived_marker(threshold)
    for (row, column), kind in sorted(cells.items()):
        primary = kind == "primary"
        _set(out, row, column, cm if primary else SECONDARY)
        for derived in DERIVED.get((name, column), ()):
            _set(out, row, derived, dm if primary else SECONDARY)
    return out


def _hidden_blocks(
    result: ScoreResult, by_frame: dict[str, dict[tuple[int, str], str]]
) -> set[tuple[str, str]]:
    """(municipality, theme) whose count-based criteria rest on a hidden count."""
    crit = result.criteria
    return {
        (str(crit.iloc[row]["municipality"]), str(crit.iloc[row]["theme"]))
        for row, _column in by_frame.get("criteria", {})
    }


def _criteria_blocks(
    crit: pd.DataFrame,
    result: ScoreResult,
    by_frame: dict[str, dict[tuple[int, str], str]],
    blocks: set[tuple[str, str]],
    threshold: int,
) -> pd.DataFrame:
    """The four count-based criteria of a theme share their counts (the trend criterion divides the
    latest count by the baseline): when one is hidden, the values of all four go, and so do the counts
    quoted in their notes. The professionals criterion's n (organisation types) goes where the
    respondents behind it are hidden."""
    if crit.empty or "criterion" not in crit.columns:
        return crit
    prof = result.professionals
    few = {
        (str(prof.iloc[row]["municipality"]), str(prof.iloc[row]["theme"]))
        for row, _column in by_frame.get("professionals", {})
    }
    out = crit.copy()
    if "note" in out.columns:
        out["note"] = out["note"].astype(object)
    kinds = out["criterion"].astype(str).tolist()
    keys = list(zip(out["municipality"].astype(str), out["theme"].astype(str), strict=True))
    for pos, (kind, key) in enumerate(zip(kinds, keys, strict=True)):
        if kind in COUNT_CRITERIA:
            if key in blocks:
                for col in ("raw", "raw_low", "raw_high", "scaled"):
                    _set(out, pos, col, SECONDARY)
            if "note" in out.columns:
                j = list(out.columns).index("note")
                out.iat[pos, j] = _scrub(out.iat[pos, j], threshold, hide_all=key in blocks)
        elif kind == "professionals" and key in few:
            _set(out, pos, "n", SECONDARY)
    return out


def _banded_scores(scores: pd.DataFrame, blocks: set[tuple[str, str]]) -> pd.DataFrame:
    """A score resting on a hidden count would give the criterion back (the weights are published):
    it is rounded to SCORE_BAND points, its interval widened outward to the band, and flagged."""
    if scores.empty or not blocks:
        return scores
    out = scores.copy()
    keys = zip(out["municipality"].astype(str), out["theme"].astype(str), strict=True)
    score = pd.to_numeric(out["score"], errors="coerce")
    rows = np.array([k in blocks for k in keys], dtype=bool) & score.notna().to_numpy()
    if not rows.any():
        return out
    band = float(SCORE_BAND)
    out.loc[rows, "score"] = (score[rows] / band).round() * band
    for col, fn in (("score_low", np.floor), ("score_high", np.ceil)):
        if col in out.columns:
            values = pd.to_numeric(out.loc[rows, col], errors="coerce")
            out.loc[rows, col] = fn(values / band) * band
    if "flags" in out.columns:
        flags = out["flags"].fillna("").astype(str)
        out.loc[rows, "flags"] = [
            ";".join([f for f in text.split(";") if f] + [BANDED_FLAG]) for text in flags[rows]
        ]
    return out


# A whole number standing alone in a note ("3 tegen 40"), not part of a decimal, date or code.
_COUNT_IN_TEXT = re.compile(r"(?<![\w.,:/-])(\d+)(?![\w.,:/-])")


def _scrub(text: Any, threshold: int, *, hide_all: bool) -> Any:
    """Counts quoted in a note ("3 tegen 40 in ..."): small ones -> "<t"; in a hidden block all go."""
    if not isinstance(text, str):
        return text

    def one(m: re.Match[str]) -> str:
        if int(m.group(1)) < threshold:
            return count_marker(threshold)
        return SECONDARY if hide_all else m.group(1)

    return _COUNT_IN_TEXT.sub(one, text)


def _extras(
    extras: dict[str, pd.DataFrame], trends: pd.DataFrame, threshold: int, blocks: set[tuple[str, str]]
) -> dict[str, pd.DataFrame]:
    """Voortgang: a baseline or current value resting on fewer than `threshold` offences is hidden.

    Counts are compared directly; a rate per 1,000 is turned back into the count it rests on with
    the municipality's inhabitants (from the trends). The target (baseline x change) and the change
    would give the hidden value away, so they go with it. A current rate of a theme whose latest count
    is hidden (secondary suppression, `blocks`) goes too. Count values were marked by disclosure.
    """
    out = dict(extras)
    frame = out.get("voortgang")
    if frame is None or frame.empty:
        return out

    inhabitants: dict[str, float] = {}
    if not trends.empty and "inhabitants" in trends.columns:
        inh = pd.to_numeric(trends["inhabitants"], errors="coerce")
        last = inh.groupby(trends["municipality"].astype(str)).last().dropna()
        inhabitants = {str(k): float(v) for k, v in last.items()}
    kind = (
        frame["measure_code"].astype(str)
        if "measure_code" in frame.columns
        else pd.Series(["count"] * len(frame), index=frame.index)
    )
    per = np.array([inhabitants.get(str(m), np.nan) / 1000 for m in frame["municipality"]])
    factor = np.where(
        kind.to_numpy() == "count", 1.0, np.where(kind.to_numpy() == "rate_per_1000", per, np.nan)
    )
    hidden = np.zeros(len(frame), dtype=bool)
    frame = frame.copy()
    for col in ("baseline_value", "current_value"):
        if col not in frame.columns:
            continue
        implied = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float) * factor
        small = np.round(implied) < threshold  # NaN compares False: unknown inhabitants stay shown
        if small.any():
            frame[col] = frame[col].astype(object)
            is_count = kind.to_numpy() == "count"
            frame.loc[small & is_count, col] = count_marker(threshold)
            frame.loc[small & ~is_count, col] = derived_marker(threshold)
            hidden |= small
    if "current_value" in frame.columns and blocks:
        keys = zip(frame["municipality"].astype(str), frame["theme"].astype(str), strict=True)
        rate_rows = [
            pos
            for pos, (key, k) in enumerate(zip(keys, kind.to_numpy(), strict=True))
            if key in blocks and k != "count"
        ]
        for pos in rate_rows:
            _set(frame, pos, "current_value", SECONDARY)
            _set(frame, pos, "change_pct", SECONDARY)
    for col in ("target_value", "change_pct"):
        if col in frame.columns and hidden.any():
            frame[col] = frame[col].astype(object)
            frame.loc[hidden, col] = derived_marker(threshold)
    out["voortgang"] = frame
    return out


def for_audience(result: ScoreResult, *, public: bool) -> ScoreResult:
    """The one place public mode is decided: the result as the outputs show it.

    Public: small counts suppressed with the configured threshold (`small_number_threshold` of the
    method), unless already done. Not public: the result as computed, marked so. A suppressed result
    stays suppressed: nothing can un-suppress it.
    """
    if public_threshold(result) is not None:
        return result
    if not public:
        return replace(result, method={**result.method, "public": False})
    threshold = int(result.method.get("small_number_threshold") or DEFAULT_THRESHOLD)
    return apply_public_mode(result, threshold)


def public_threshold(result: ScoreResult) -> int | None:
    """The threshold public mode was applied with, or None when the result is not suppressed."""
    # both keys: `public` alone may be set by a caller that has not suppressed anything yet
    if not result.method.get("public") or result.method.get("public_threshold") is None:
        return None
    return int(result.method["public_threshold"])
