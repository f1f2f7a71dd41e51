"""Public mode: counts below the threshold, and every rate built on them, replaced by "<5".

The replacement is done on the ScoreResult itself, so every writer (CSV, workbook, charts, HTML)
shows the marker without knowing about public mode. Counts become "<5"; values derived from such a
count (rates, their interval bounds, the scaled criterion) become "n<5", because a rate shown as
"<5" would read as a rate below five. Zero counts are suppressed as well: they too are small numbers.
Counted are registered offences and incidents, and the respondents of the professionals' input.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

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
    return isinstance(value, str) and value.startswith(("<", "n<"))


def apply_public_mode(result: ScoreResult, threshold: int = DEFAULT_THRESHOLD) -> ScoreResult:
    """A copy of `result` with small counts and what is built on them suppressed; idempotent."""

    cm, dm = count_marker(threshold), derived_marker(threshold)

    def suppress(
        frame: pd.DataFrame, count_col: str, derived: tuple[str, ...], only: pd.Series | None = None
    ) -> pd.DataFrame:
        """Rows (within `only`) whose count is below the threshold: count -> "<t", `derived` -> "n<t"."""
        if frame.empty or count_col not in frame.columns:
            return frame.copy()
        out = frame.copy()
        counts = pd.to_numeric(out[count_col], errors="coerce")
        mask = (counts < threshold).fillna(False).astype(bool).to_numpy()
        if only is not None:
            mask = mask & only.fillna(False).astype(bool).to_numpy()
        if not mask.any():
            return out
        for col, marker in ((count_col, cm), *((d, dm) for d in derived)):
            if col in out.columns:
                present = mask & out[col].notna().to_numpy()  # an empty cell stays empty
                out[col] = out[col].astype(object)
                out.loc[present, col] = marker
        return out

    crit = result.criteria
    police_rows = crit["criterion"].isin(COUNT_CRITERIA) if "criterion" in crit.columns else None
    return replace(
        result,
        indicators=suppress(
            result.indicators,
            "count",
            ("rate_per_1000", "rate_low", "rate_high", "value", "value_low", "value_high"),
        ),
        trends=suppress(result.trends, "count", ("count_low", "count_high", "rate_per_1000")),
        funnel=suppress(result.funnel, "count", ("rate_per_1000",)),
        # n counts offences only for the police criteria; for perception it is the number of survey
        # indicators and for professionals the number of organisation types, neither a small number.
        criteria=_scrub_notes(
            suppress(crit, "n", ("raw", "raw_low", "raw_high", "scaled"), police_rows), police_rows, threshold
        ),
        professionals=suppress(result.professionals, "respondents", ()),
        extras=_extras(result.extras, result.trends, threshold),
        method={**result.method, "public": True, "public_threshold": threshold},
    )


# A whole number standing alone in a note ("3 tegen 40"), not part of a decimal, date or code.
_COUNT_IN_TEXT = re.compile(r"(?<![\w.,:/-])(\d+)(?![\w.,:/-])")


def _scrub_notes(frame: pd.DataFrame, police_rows: pd.Series | None, threshold: int) -> pd.DataFrame:
    """Notes of count-based criteria quote counts ("3 tegen 40 in ..."): small ones become "<t"."""
    if police_rows is None or "note" not in frame.columns or frame.empty:
        return frame

    def scrub(text: Any) -> Any:
        if not isinstance(text, str):
            return text
        return _COUNT_IN_TEXT.sub(
            lambda m: count_marker(threshold) if int(m.group(1)) < threshold else m.group(1), text
        )

    out = frame.copy()
    rows = police_rows.fillna(False).astype(bool).to_numpy()
    out["note"] = out["note"].astype(object)
    out.loc[rows, "note"] = [scrub(t) for t in out.loc[rows, "note"]]
    return out


def _extras(extras: dict[str, pd.DataFrame], trends: pd.DataFrame, threshold: int) -> dict[str, pd.DataFrame]:
    """Voortgang: a baseline or current value resting on fewer than `threshold` offences is hidden.

    Counts are compared directly; a rate per 1,000 is turned back into the count it rests on with
    the municipality's inhabitants (from the trends). The target (baseline x change) and the change
    would give the hidden value away, so they go with it.
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
