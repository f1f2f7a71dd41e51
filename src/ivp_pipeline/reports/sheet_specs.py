"""The data sheets of the workbook: which columns of which frame, with Dutch headers and formats."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from ivp_pipeline.reports import labels
from ivp_pipeline.reports.workbook import DATE, DATETIME, DEC1, DEC2, INT, PCT, PCT1, TIED_RANK, Col

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult


def data_tables(
    result: ScoreResult,
    m_label: Callable[[Any], str],
    t_label: Callable[[Any], str],
    p_label: Callable[[Any], str],
) -> list[tuple[str, pd.DataFrame, list[Col], str]]:
    """(sheet name, frame, columns, title) for every sheet after the priority sheets, in order."""
    gm = Col("municipality", convert=m_label)
    th = Col("theme", convert=t_label)
    scores = result.scores.assign(signals=score_signals(result.scores))
    tables: list[tuple[str, pd.DataFrame, list[Col], str]] = [
        (
            "Scores",
            scores,
            [
                gm,
                th,
                Col("veiligheidsveld"),
                Col("profile", convert=p_label),
                Col("rank", fmt=INT, fmt_of=tied_rank_format),
                Col("score", fmt=DEC1, missing=labels.NO_SCORE),
                Col("score_low", fmt=DEC1),
                Col("score_high", fmt=DEC1),
                Col("p_top3", fmt=PCT),
                Col("coverage", fmt=PCT),
                Col("signals", "Signalen"),
            ],
            "Scores per gemeente, thema en gewichtenprofiel",
        ),
        (
            "Criteria",
            result.criteria,
            [
                gm,
                th,
                Col("criterion", convert=labels.criterion),
                Col("raw", fmt=DEC2),
                Col("raw_low", fmt=DEC2),
                Col("raw_high", fmt=DEC2),
                Col("unit"),
                Col("scaled", fmt=DEC1),
                Col("n", fmt=INT),
                Col("note"),
            ],
            "Criteria per gemeente en thema",
        ),
        (
            "Indicatoren",
            result.indicators,
            [
                gm,
                th,
                Col("source", convert=labels.value),
                Col("measure", "Soort", convert=labels.value),
                Col("window", "Venster", convert=labels.value),
                Col("offence_code"),
                Col("indicator"),
                Col("label"),
                Col("count", fmt=INT, missing=_indicator_state),
                Col("published_periods", fmt=INT),
                Col("window_periods", fmt=INT),
                Col("inhabitants", fmt=INT),
                Col("rate_per_1000", fmt=DEC2),
                Col("rate_low", fmt=DEC2),
                Col("rate_high", fmt=DEC2),
                Col("period_start", fmt=DATE),
                Col("period_end", fmt=DATE),
                Col("value", "Waarde (enquête)", DEC1),
                Col("value_low", "Ondergrens", DEC1),
                Col("value_high", "Bovengrens", DEC1),
                Col("unit_of_measure", "Eenheid", convert=labels.value),
                Col("small_number"),
                Col("source_files"),
            ],
            "Indicatoren: politiecijfers (laatste 12 maanden) en enquête-indicatoren",
        ),
        (
            "Trends",
            result.trends,
            [
                gm,
                th,
                Col("period_kind", convert=labels.period_kind),
                Col("period_start", "Begin periode", DATE),
                Col("period_end", "Einde periode", DATE),
                Col("count", fmt=INT, missing=labels.UNKNOWN),
                Col("count_low", fmt=DEC1),
                Col("count_high", fmt=DEC1),
                Col("inhabitants", fmt=INT),
                Col("rate_per_1000", fmt=DEC2),
            ],
            "Trends: geregistreerde aantallen per maand en per 12 maanden "
            "(trendbreuk juli 2018: samenloop apart geteld; onbekend = niet gepubliceerd of geheimgehouden, "
            "nooit 0)",
        ),
        (
            "Professionals",
            result.professionals,
            [
                gm,
                th,
                Col("criterion", convert=labels.criterion),
                Col("mean_rating", fmt=DEC1),
                Col("respondents", fmt=INT),
                Col("organisation_types", fmt=INT),
                Col("agreement", fmt=PCT),
            ],
            "Oordeel van professionals per thema (elk type organisatie weegt even zwaar)",
        ),
        (
            "Beleving",
            result.perception,
            [
                gm,
                th,
                Col("indicator"),
                Col("label"),
                Col("unit", convert=labels.value),
                Col("year"),
                Col("value", fmt=DEC1),
                Col("ci_low", fmt=DEC1),
                Col("ci_high", fmt=DEC1),
                Col("comparison_area", convert=labels.area),
                Col("comparison_value", fmt=DEC1),
                Col("direction", convert=labels.value),
                Col("margin", "Marge", DEC1),
                Col("area_code", "Gemeten in", convert=labels.area),
                Col("flags", convert=labels.flags),
            ],
            "Veiligheidsbeleving (enquêtes) tegen het vergelijkingsgebied",
        ),
        (
            "Vergelijking",
            result.funnel,
            [
                Col("area_code"),
                Col("area_name"),
                th,
                Col("count", fmt=INT, missing="onbekend (onvolledig venster)"),
                Col("inhabitants", fmt=INT),
                Col("rate_per_1000", fmt=DEC2),
                Col("reference_rate_per_1000", fmt=DEC2),
            ],
            "Vergelijking met het referentiegebied (basis van de trechterdiagrammen)",
        ),
        (
            "Rangkansen",
            result.rank_probabilities,
            [
                gm,
                Col("profile", convert=p_label),
                th,
                Col("rank", fmt=INT),
                Col("probability", fmt=PCT1),
            ],
            "Kans op elke rang (Monte Carlo)",
        ),
    ]
    voortgang = result.extras.get("voortgang")
    if voortgang is not None:
        tables.append(
            (
                "Voortgang",
                voortgang,
                [
                    gm,
                    th,
                    Col("measure"),
                    Col("baseline_year"),
                    Col("baseline_value", fmt=DEC2, missing=labels.UNKNOWN),
                    Col("current_period"),
                    Col("current_value", fmt=DEC2, missing=labels.UNKNOWN),
                    Col("target_value", fmt=DEC2, missing=labels.UNKNOWN),
                    Col("change_pct", fmt=DEC1, missing=labels.UNKNOWN),
                    Col("target_pct", "Doel (% t.o.v. basis)", DEC1),
                    Col("status"),
                ],
                "Voortgang: huidige cijfers tegen basisjaar en streefwaarde",
            )
        )
    tables.append(
        (
            "Bronnen",
            result.sources,
            [
                Col("file"),
                Col("sha256"),
                Col("kind"),
                Col("dataset", convert=labels.value),
                Col("table_id"),
                Col("periods"),
                Col("rows", fmt=INT),
                Col("ingested_at", "Ingelezen op (UTC)", DATETIME, convert=_utc),
            ],
            "Bronbestanden: elk ingelezen bestand met zijn vingerafdruk (SHA-256)",
        )
    )
    return tables


def _utc(value: Any) -> Any:
    """An ISO timestamp ('2026-01-15T09:30:00+00:00') as a naive UTC datetime Excel can format."""

    stamp = pd.to_datetime(str(value), errors="coerce", utc=True)
    return value if pd.isna(stamp) else stamp.tz_localize(None).to_pydatetime()


def tied_rank_format(rec: dict[str, Any]) -> str | None:
    """A shared rank keeps its number (it sorts and filters) but reads "2 (gelijk)"."""
    return TIED_RANK if labels.is_tied(rec.get("flags")) else None


def score_signals(scores: pd.DataFrame) -> list[str]:
    """Per score row its flags in Dutch, with "geen score" and "lage onderbouwing" always said."""
    if scores.empty or "score" not in scores.columns:
        return []
    flags = scores["flags"] if "flags" in scores.columns else pd.Series("", index=scores.index)
    cov = scores["coverage"] if "coverage" in scores.columns else pd.Series(None, index=scores.index)
    return [labels.signals(f, c, s) for f, c, s in zip(flags, cov, scores["score"], strict=True)]


def _indicator_state(rec: dict[str, Any]) -> str | None:
    """A police count without a number: "onvolledig (7 van 12 maanden gepubliceerd)" or "onbekend"."""
    if str(rec.get("source")) not in ("politie", "police"):
        return None  # a survey indicator has a value, not a count
    state = labels.window_state(
        rec.get("flags"), rec.get("published_periods"), rec.get("window_periods"), rec.get("count")
    )
    return state or None
