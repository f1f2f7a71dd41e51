"""Evaluation of the plan: current figures against a baseline year and the targets in ivp.toml.

    [evaluation]
    baseline_year = 2023
    [evaluation.targets.woninginbraak]
    GM1774 = -10      # -10 % against the baseline rate
    NOT = -5

Works on the monthly (or yearly) counts per municipality x theme of ScoreResult.trends and gives the
VOORTGANG frame of scoring/result.py, which outputs show as the sheet, chart and section "Voortgang".
Police themes are "lower is better": a theme is on track when its current rate is at or below target.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ivp_pipeline.config import section
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.scoring.result import VOORTGANG

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

# a municipality, or the region total by its [region] code (NOT for Noordoost Twente)
AreaKey = Annotated[str, StringConstraints(pattern=r"^(GM\d{4}|[A-Z][A-Z0-9]{1,9})$")]
STATUS_LABELS = {
    "on_track": "op koers",
    "off_track": "niet op koers",
    "no_target": "geen doel",
    "no_data": "onvoldoende gegevens",
}
MEASURE_LABELS = {"rate_per_1000": "per 1.000 inwoners per jaar", "count": "aantal per jaar"}
# `status` and `measure` are shown as they are (Dutch); the *_code columns are the stable ids.
COLUMNS = (*VOORTGANG, "target_pct", "status_code", "measure_code")


class EvaluationConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    baseline_year: int = Field(ge=2012, le=2100)
    # theme -> municipality (GMxxxx or the region code, e.g. NOT) -> target change in % against the baseline
    targets: dict[str, dict[AreaKey, Annotated[float, Field(ge=-100, le=1000)]]] = Field(default_factory=dict)


def evaluation_config(
    data: dict[str, Any], themes: set[str] | None = None, file: str = "ivp.toml"
) -> EvaluationConfig | None:
    """`[evaluation]` of parsed ivp.toml data, or None when absent; unknown theme ids are errors."""
    if "evaluation" not in data:
        return None
    cfg = section(data, "evaluation", EvaluationConfig, file=file)
    unknown = sorted(set(cfg.targets) - themes) if themes is not None else []
    if unknown:
        problems = [
            Problem(
                "bad-config",
                "onbekend thema in de doelen van de evaluatie",
                file=file,
                column=f"evaluation.targets.{t}",
                value=t,
                hint="gebruik een thema-id uit de themacatalogus (zie docs/method.md)",
            )
            for t in unknown
        ]
        raise IvpError(problems[0], problems[1:])
    return cfg


def result_themes(result: ScoreResult) -> set[str]:
    """The theme ids an [evaluation] may name: those scored or with trends."""
    return set(result.trends["theme"].unique()) | set(result.scores["theme"].unique())


def voortgang(result: ScoreResult, cfg: EvaluationConfig) -> pd.DataFrame:
    """The voortgang frame of a scored result against the evaluation settings."""
    latest = result.method.get("latest_complete_period") or result.method.get("latest_complete_month")
    return evaluate(result.trends, cfg, latest_complete=_as_date(latest))


def evaluate(
    trends: pd.DataFrame, cfg: EvaluationConfig, *, latest_complete: date | None = None
) -> pd.DataFrame:
    """One row per targeted municipality x theme (all pairs when no targets are set), sorted."""

    frame = trends.copy()
    if "period_kind" in frame.columns and (frame["period_kind"] == "month").any():
        frame = frame[frame["period_kind"] == "month"]  # the rolling 12-month sums would count twice
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    pairs = sorted((m, t) for t, per in cfg.targets.items() for m in per)
    if not cfg.targets:
        pairs = sorted(set(zip(frame["municipality"], frame["theme"], strict=True)))
    groups = {k: g.sort_values("period_start") for k, g in frame.groupby(["municipality", "theme"])}
    rows = []
    for muni, theme in pairs:
        target = cfg.targets.get(theme, {}).get(muni)
        group = groups.get((muni, theme))
        rows.append(_row(muni, theme, group, cfg.baseline_year, target, latest_complete))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _row(
    muni: str,
    theme: str,
    g: pd.DataFrame | None,
    year: int,
    target: float | None,
    latest: date | None,
) -> dict[str, Any]:
    base = cur = None
    period = ""
    monthly = False
    if g is not None and not g.empty:
        monthly = bool(g["period_start"].dt.year.duplicated().any())
        base = _window(g[g["period_start"].dt.year == year], 12 if monthly else 1)
        cur, period = _current(g, monthly, latest)
    use_rate = base is not None and cur is not None and not (math.isnan(base[1]) or math.isnan(cur[1]))
    measure = "rate_per_1000" if use_rate else "count"
    bval = None if base is None else (base[1] if use_rate else base[0])
    cval = None if cur is None else (cur[1] if use_rate else cur[0])
    tval = bval * (1 + target / 100) if bval is not None and target is not None else None
    change = (cval - bval) / bval * 100 if bval and cval is not None else None
    if bval is None or cval is None:
        status = "no_data"
    elif tval is None:
        status = "no_target"
    else:
        status = "on_track" if cval <= tval + 1e-9 else "off_track"
    nan = float("nan")
    return {
        "municipality": muni,
        "theme": theme,
        "measure": MEASURE_LABELS[measure],
        "baseline_year": year,
        "baseline_value": _round(bval),
        "current_period": period,
        "current_value": _round(cval),
        "target_value": _round(tval),
        "change_pct": _round(change, 1),
        "status": STATUS_LABELS[status],
        "target_pct": nan if target is None else float(target),
        "status_code": status,
        "measure_code": measure,
    }


def _window(rows: pd.DataFrame, expected: int) -> tuple[float, float] | None:
    """(count, rate per 1,000 inhabitants) over a window, None when it is incomplete."""
    counts = rows["count"]
    if len(rows) != expected or counts.isna().any():
        return None
    total = float(counts.sum())
    inhabitants = rows["inhabitants"].mean() if "inhabitants" in rows else float("nan")
    rate = total / float(inhabitants) * 1000 if inhabitants and inhabitants == inhabitants else float("nan")
    return total, rate


def _current(g: pd.DataFrame, monthly: bool, latest: date | None) -> tuple[tuple[float, float] | None, str]:

    known = g[g["count"].notna()]
    if latest is not None:
        known = known[known["period_start"] <= pd.Timestamp(latest)]
    if known.empty:
        return None, ""
    end = known["period_start"].max()
    if not monthly:
        return _window(g[g["period_start"] == end], 1), f"{end.year}"
    start = end - pd.DateOffset(months=11)
    window = g[(g["period_start"] >= start) & (g["period_start"] <= end)]
    return _window(window, 12), f"{start:%Y-%m} t/m {end:%Y-%m}"


def _round(value: float | None, digits: int = 3) -> float:
    return float("nan") if value is None else round(float(value), digits)


def _as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value)[:10]
    try:
        return date.fromisoformat(text + "-01" if len(text) == 7 else text)
    except ValueError:
        return None
