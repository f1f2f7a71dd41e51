"""The self-contained report reports/index.html: Jinja2 (autoescape on) with the charts embedded."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.regions import REGION_NOT, municipality_label
from ivp_pipeline.reports import labels, views
from ivp_pipeline.reports.method import WINDOWS_APART_WARNING, method_rows, weights, windows, windows_apart
from ivp_pipeline.reports.public import public_threshold
from ivp_pipeline.reports.sheets import CRITERIA_ORDER, public_text
from ivp_pipeline.scoring.config import RANK_UNCERTAIN

if TYPE_CHECKING:
    from ivp_pipeline.reports.chartset import Chart
    from ivp_pipeline.scoring.result import ScoreResult

TOP = 3
LEGEND = (
    "Rang \"2 (gelijk)\": thema's met precies dezelfde score delen een rang. Thema's zonder score "
    "(geen gegevens) staan onderaan, zonder rang en zonder kans op de top 3. Onderbouwing: het deel "
    'van de weging dat op gegevens rust; onder {low} staat er "lage onderbouwing" bij.'
)


@dataclass
class Section:
    code: str
    name: str
    rows: list[dict[str, Any]]
    top: list[dict[str, Any]]
    unstable: bool
    charts: list[dict[str, str]] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)  # criterion labels (columns)
    criteria_rows: list[tuple[str, list[str]]] = field(default_factory=list)  # theme, scaled values


def render_report(result: ScoreResult, charts: list[Chart], out_dir: Path) -> Path:

    env = Environment(
        loader=PackageLoader("ivp_pipeline.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    html = env.get_template("report.html.j2").render(**context(result, charts))
    path = out_dir / "index.html"
    write_bytes_atomic(path, html.encode("utf-8"))
    return path


def embed(chart: Chart) -> dict[str, str]:
    """SVG as a data URI: vector in print, one document per image (no clashing ids), no network."""
    data = base64.b64encode(chart.svg.read_bytes()).decode("ascii")
    return {
        "key": chart.key,
        "kind": chart.kind,
        "title": chart.title,
        "caption": chart.caption,
        "src": f"data:image/svg+xml;base64,{data}",
        "png": f"figures/{chart.png.name}",
        "svg": f"figures/{chart.svg.name}",
    }


def context(result: ScoreResult, charts: list[Chart]) -> dict[str, Any]:
    main = views.default_profile(result)
    names = views.municipality_labels(result)
    themes = views.theme_labels(result)
    order = views.municipalities(result)
    sections = []
    for code in ([REGION_NOT] if REGION_NOT in order else []) + [c for c in order if c != REGION_NOT]:
        data = views.ranked(views.scores_for(result, code, main))
        rows = [
            _score_row({str(k): v for k, v in rec.items()}, themes, result) for rec in data.to_dict("records")
        ]
        # the top: scored themes with rank 1-3 (a shared rank 3 keeps every theme that has it)
        top = [r for r in rows if r["_rank"] <= TOP]
        # the scoring's rank-uncertain flag (scoring/config.py rank_uncertain) is the one rule
        unstable = any(r["_uncertain"] for r in top)
        own = [embed(c) for c in charts if c.municipality == code]
        crit_cols, crit_rows = _criteria(result, code, [str(t) for t in data["theme"]], themes)
        sections.append(Section(code, names[code], rows, top, unstable, own, crit_cols, crit_rows))
    common = [embed(c) for c in charts if not c.municipality and c.kind != "progress"]
    progress = [embed(c) for c in charts if c.kind == "progress"]
    threshold = public_threshold(result)
    return {
        "title": "Veiligheidsbeeld Noordoost Twente",
        "profile": views.profile_label(result, main),
        "profiles": [views.profile_label(result, p) for p in views.profiles(result)],
        "sections": sections,
        "common_charts": common,
        "progress_charts": progress,
        "public": threshold is not None,
        "public_note": public_text(threshold) if threshold is not None else "",
        "threshold": threshold,
        "method_rows": [(k, str(v)) for k, v in method_rows(result, nested=False, with_windows=False)],
        "windows": windows(result),
        "windows_apart": windows_apart(result),
        "windows_warning": WINDOWS_APART_WARNING,
        "low_coverage": labels.percent(labels.LOW_COVERAGE),
        "legend": LEGEND.format(low=labels.percent(labels.LOW_COVERAGE)),
        "weights": _weights(result),
        "sources": _sources(result),
        "voortgang": _voortgang(result, names, themes),
        "latest_month": views.data_until(result),
        "charts_count": len(charts),
    }


def _criteria(
    result: ScoreResult, code: str, order: list[str], themes: dict[str, str]
) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Each theme's criteria on the 0-100 scale, in the order the scoring lists them."""

    crit = result.criteria[result.criteria["municipality"].astype(str) == code]
    present = set(crit["criterion"].astype(str))
    cols = [c for c in CRITERIA_ORDER if c in present] + sorted(present - set(CRITERIA_ORDER))
    value = {
        (str(t), str(c)): v for t, c, v in zip(crit["theme"], crit["criterion"], crit["scaled"], strict=True)
    }
    rows = [
        (views.theme_label(result, t, themes), [labels.number(value.get((t, c)), 0) for c in cols])
        for t in order
    ]
    return [labels.criterion(c) for c in cols], rows


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _score_row(rec: dict[str, Any], themes: dict[str, str], result: ScoreResult) -> dict[str, Any]:
    flags = rec.get("flags")
    scored = not labels.is_missing(rec.get("score"))
    rank = _float(rec.get("rank"))
    return {
        "rank": labels.rank(rec.get("rank"), flags) if scored else "",
        "prefix": labels.rank_prefix(rec.get("rank") if scored else None, flags),
        "theme": views.theme_label(result, str(rec.get("theme")), themes),
        "field": "" if labels.is_missing(rec.get("veiligheidsveld")) else str(rec.get("veiligheidsveld")),
        "score": labels.number(rec.get("score"), 1) if scored else labels.NO_SCORE,
        "interval": (
            f"{labels.number(rec.get('score_low'), 1)} – {labels.number(rec.get('score_high'), 1)}"
            if scored
            else ""
        ),
        "p_top3": labels.percent(rec.get("p_top3")) if scored else "",
        "coverage": labels.percent(rec.get("coverage")),
        "coverage_text": labels.coverage(rec.get("coverage"), flags),
        "low": labels.low_coverage(rec.get("coverage"), flags),
        "flags": "" if labels.is_missing(flags) else labels.flags(str(flags)),
        "_uncertain": RANK_UNCERTAIN in str(flags).split(";"),
        "_rank": rank if scored and rank == rank else float("inf"),
        "_p": str(rec.get("p_top3")),
    }


def _weights(result: ScoreResult) -> dict[str, Any]:
    crits, table = weights(result)
    rows = [(name, [labels.percent(w) for w in values]) for name, values in table]
    return {"criteria": [labels.criterion(c) for c in crits], "rows": rows}


def _sources(result: ScoreResult) -> list[dict[str, str]]:
    out = []
    for rec in result.sources.to_dict("records"):
        row = {str(k): "" if labels.is_missing(v) else str(v) for k, v in rec.items()}
        row["dataset"] = labels.DATASETS.get(row.get("dataset", ""), row.get("dataset", ""))
        row["ingested_at"] = _when(row.get("ingested_at", ""))
        out.append(row)
    return out


def _when(text: str) -> str:
    """'2026-01-15T09:30:00+00:00' -> '15-01-2026 09:30 UTC' (text that is no timestamp stays as is)."""

    stamp = pd.to_datetime(text, errors="coerce", utc=True) if text else pd.NaT
    return text if pd.isna(stamp) else stamp.strftime("%d-%m-%Y %H:%M UTC")


def _voortgang(result: ScoreResult, names: dict[str, str], themes: dict[str, str]) -> list[dict[str, str]]:
    frame = result.extras.get("voortgang")
    if frame is None:
        return []
    rows = []
    for rec in frame.to_dict("records"):
        code = str(rec.get("municipality"))
        rows.append(
            {
                "municipality": municipality_label(code),
                "theme": views.theme_label(result, str(rec.get("theme")), themes),
                "measure": _text(rec.get("measure")),
                "baseline": _with_period(rec.get("baseline_value"), rec.get("baseline_year")),
                "current": _with_period(rec.get("current_value"), rec.get("current_period")),
                "target": _value(rec.get("target_value")),
                "change": _change(rec.get("change_pct")),
                "status": _text(rec.get("status")),
            }
        )
    return rows


def _with_period(value: Any, period: Any) -> str:
    return f"{_value(value)} ({_text(period)})"


def _change(value: Any) -> str:
    if labels.is_missing(value):
        return labels.UNKNOWN
    if isinstance(value, str):
        return value  # a suppression marker as it is
    return labels.number(value, 1) + " %"


def _value(value: Any) -> str:
    """Rates per 1,000 are small: two decimals below 10, one above (counts show as they are)."""
    if labels.is_missing(value):
        return labels.UNKNOWN  # e.g. a baseline year with a suppressed month: unknown, never 0
    if isinstance(value, str):
        return labels.number(value)
    return labels.number(value, 2 if abs(float(value)) < 10 else 1)


def _text(value: Any) -> str:
    if labels.is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
