"""The priorities of the analysis: per area (region first) the ranked themes, their criteria and charts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ivp_pipeline.reports import labels, numbers, views
from ivp_pipeline.reports.document import Figure, Item, Table
from ivp_pipeline.reports.sheets import CRITERIA_ORDER
from ivp_pipeline.scoring.config import RANK_UNCERTAIN

if TYPE_CHECKING:
    import pandas as pd

    from ivp_pipeline.reports.chartset import Chart
    from ivp_pipeline.scoring.result import ScoreResult

TOP = 3
LEGEND = (
    "Rang \"2 (gelijk)\": thema's met precies dezelfde score delen een rang. Thema's zonder score "
    "(geen gegevens) staan onderaan, zonder rang en zonder kans op de top 3. Onderbouwing: het deel "
    'van de weging dat op gegevens rust; onder {low} staat er "lage onderbouwing" bij.'
)
UNSTABLE = (
    "Let op: de top 3 is niet stabiel. Minstens één thema heeft een flinke kans om bij kleine "
    "veranderingen in de cijfers of de gewichten buiten de top 3 te vallen (zie Kans op top 3). Lees "
    "de volgorde als een indicatie, niet als een vaste rangorde."
)
UNKNOWN_NOTE = "– = onbekend: geen of te weinig gepubliceerde gegevens (nooit als 0 geteld)."


def area_order(result: ScoreResult) -> list[str]:
    """The region first, then the municipalities by name."""
    order = views.municipalities(result)
    region = result.region.code
    return ([region] if region in order else []) + [c for c in order if c != region]


def figure(chart: Chart) -> Figure:
    return Figure(chart.caption, chart.png, chart.svg)


def score_rows(result: ScoreResult, code: str, profile: str) -> list[dict[str, Any]]:
    """The display rows of one unit and profile in rank order (made once: the summary, the ranking
    table and the unit's section each ask; read them, do not change them)."""
    return views.derived(
        result.scores, ("score_rows", code, profile), lambda _s: _score_rows(result, code, profile)
    )


def _score_rows(result: ScoreResult, code: str, profile: str) -> list[dict[str, Any]]:
    themes = views.theme_labels(result)
    ranked = views.derived(result.scores, ("ranked_by_unit",), _ranked_by_unit)
    return [_score_row(rec, themes, result) for rec in ranked.get((code, profile), [])]


def _ranked_by_unit(scores: pd.DataFrame) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The score rows as dicts in rank order (views.ranked), per (unit, profile) as text: the rank
    order of the whole frame, taken apart (a stable sort keeps that order within every unit)."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if scores.empty:
        return out
    for rec in views.records(views.ranked(scores)):
        row = {str(k): v for k, v in rec.items()}
        out.setdefault((str(row.get("municipality")), str(row.get("profile"))), []).append(row)
    return out


def _score(value: Any) -> str:
    return numbers.decimal(None if labels.is_missing(value) else float(value), 1)


def _share(value: Any) -> str:
    return numbers.percent(None if labels.is_missing(value) else float(value))


def _score_row(rec: dict[str, Any], themes: dict[str, str], result: ScoreResult) -> dict[str, Any]:
    flags = rec.get("flags")
    scored = not labels.is_missing(rec.get("score"))
    rank = float(rec["rank"]) if not labels.is_missing(rec.get("rank")) else float("nan")
    return {
        "rank": labels.rank(rec.get("rank"), flags) if scored else "",
        "prefix": labels.rank_prefix(rec.get("rank") if scored else None, flags),
        "theme": views.theme_label(result, str(rec.get("theme")), themes),
        "field": "" if labels.is_missing(rec.get("veiligheidsveld")) else str(rec.get("veiligheidsveld")),
        "score": _score(rec.get("score")) if scored else labels.NO_SCORE,
        "interval": f"{_score(rec.get('score_low'))} – {_score(rec.get('score_high'))}" if scored else "",
        "p_top3": _share(rec.get("p_top3")) if scored else "",
        "coverage": _share(rec.get("coverage")),
        "coverage_text": _coverage_text(rec.get("coverage"), flags),
        "low": labels.low_coverage(rec.get("coverage"), flags),
        "flags": "" if labels.is_missing(flags) else labels.flags(str(flags)),
        "uncertain": RANK_UNCERTAIN in str(flags).split(";"),
        "_rank": rank if scored and rank == rank else float("inf"),
    }


def _coverage_text(value: Any, flags: Any) -> str:
    """0.3 -> 'onderbouwing 30% (lage onderbouwing)'; as labels.coverage, with the numbers of numbers.py."""
    text = f"onderbouwing {_share(value)}"
    return f"{text} (lage onderbouwing)" if labels.low_coverage(value, flags) else text


def top_of(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Scored themes with rank 1-3 (a shared rank 3 keeps every theme that has it)."""
    return [r for r in rows if r["_rank"] <= TOP]


def ranking_table(result: ScoreResult, code: str, profile: str) -> Table:
    rows = score_rows(result, code, profile)
    body = [
        [
            r["rank"],
            r["theme"],
            r["field"],
            r["score"],
            r["interval"],
            r["p_top3"],
            r["coverage"] + (" (laag)" if r["low"] else ""),
            r["flags"],
        ]
        for r in rows
    ]
    return Table(
        f"Rangorde {result.region.label(code)} (profiel {views.profile_label(result, profile)})",
        [
            "Rang",
            "Thema",
            "Veiligheidsveld",
            "Score",
            "Interval",
            "Kans op top 3",
            "Onderbouwing",
            "Signalen",
        ],
        body,
        note=LEGEND.format(low=numbers.percent(labels.LOW_COVERAGE)),
        numeric=frozenset({0, 3, 4, 5, 6}),
    )


def criteria_table(result: ScoreResult, code: str, profile: str) -> Table | None:
    """Each theme's criteria on the 0-100 scale, in the order the scoring lists them."""
    theme_ids, names, scaled = views.values_where(
        result.criteria, ("theme", "criterion", "scaled"), municipality=code
    )
    if not theme_ids:
        return None
    (texts,) = views.values_where(result.criteria, ("criterion",), text=True, municipality=code)
    present = set(texts)
    cols = [c for c in CRITERIA_ORDER if c in present] + sorted(present - set(CRITERIA_ORDER))
    value = {(str(t), str(c)): v for t, c, v in zip(theme_ids, names, scaled, strict=True)}
    themes = views.theme_labels(result)
    order = [str(t) for t in views.ranked(views.scores_for(result, code, profile))["theme"].tolist()]
    body = [
        [views.theme_label(result, t, themes)]
        + [numbers.decimal(_num(value.get((t, c))), 0, missing="–") for c in cols]
        for t in order
    ]
    return Table(
        f"Criteria per thema, {result.region.label(code)} (vaste schaal 0-100)",
        ["Thema", *(labels.criterion(c) for c in cols)],
        body,
        note=UNKNOWN_NOTE,
        numeric=frozenset(range(1, len(cols) + 1)),
    )


def _num(value: Any) -> float | None:
    if isinstance(value, str) or labels.is_missing(value):
        return None
    return float(value)


def area_items(result: ScoreResult, code: str, profile: str, charts: list[Chart]) -> list[Item]:
    rows = score_rows(result, code, profile)
    items: list[Item] = []
    top = top_of(rows)
    if top:
        names = ", ".join(f"{r['theme']} ({r['score']})" for r in top)
        items.append(f"Hoogste scores in {result.region.label(code)}: {names}.")
    if any(r["uncertain"] for r in top):
        items.append(UNSTABLE)
    items.append(ranking_table(result, code, profile))
    crit = criteria_table(result, code, profile)
    if crit is not None:
        items.append(crit)
    # the unit's own charts; its "why" chart and wijk maps belong to their own sections
    own = [c for c in charts if c.municipality == code and c.kind not in ("progress", "why", "wijken")]
    items += [figure(c) for c in own]
    return items


def summary_table(result: ScoreResult, profile: str) -> Table:
    body = []
    for code in area_order(result):
        top = top_of(score_rows(result, code, profile))
        text = (
            "; ".join(
                f"{r['prefix']} {r['theme']}: {r['score']} ({r['interval']}), kans op top 3 {r['p_top3']}, "
                f"{r['coverage_text']}"
                for r in top
            )
            if top
            else "geen score: voor geen enkel thema zijn genoeg gegevens"
        )
        stable = (
            "onzeker: de volgorde kan bij kleine veranderingen omslaan"
            if any(r["uncertain"] for r in top)
            else "stabiel"
        )
        body.append([result.region.label(code), text, stable])
    return Table(
        f"Top 3 per gebied (profiel {views.profile_label(result, profile)})",
        ["Gebied", "Top 3", "Stabiliteit"],
        body,
        note=LEGEND.format(low=numbers.percent(labels.LOW_COVERAGE)),
    )
