"""The data sheets of the workbook: which columns of which frame, with Dutch headers and formats."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from ivp_pipeline.kinds import kind_label
from ivp_pipeline.reports import labels
from ivp_pipeline.reports.workbook import (
    DATE,
    DATETIME,
    DEC1,
    DEC2,
    HEADER_ROW,
    INT,
    PCT,
    TIED_RANK,
    Col,
    Sheet,
)

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
            sheet_trends(result.trends),
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
            "Trends: geregistreerde aantallen per 12 maanden (bovenaan; alleen die worden afgedrukt) en "
            + ("per maand " if has_months(result.trends) else MONTHS_LEFT_OUT)
            + "(trendbreuk juli 2018: samenloop apart geteld; onbekend = niet gepubliceerd of "
            "geheimgehouden, nooit 0)",
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
            *_rank_table(result, gm, th, Col("profile", convert=p_label)),
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
                Col("kind", convert=kind_label),
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


# The Trends sheet holds the monthly rows too while the sheet stays this long (a region of some twenty
# municipalities); a national run (342 municipalities, months since 2012: some 800,000 rows, near
# Excel's limit of 1,048,576, and most of the time of the workbook) keeps only the 12-month totals
# there, and its months are in trends.csv.
MAX_TREND_ROWS = 50_000
MONTHS_LEFT_OUT = "(de maandcijfers staan in trends.csv: meer dan 50.000 rijen) "


def has_months(trends: pd.DataFrame) -> bool:
    """Whether the Trends sheet shows the monthly rows (not when the sheet would be too long)."""
    return len(trends) <= MAX_TREND_ROWS


def sheet_trends(trends: pd.DataFrame) -> pd.DataFrame:
    """The rows of the Trends sheet: the 12-month totals first, then the months when they fit."""
    if has_months(trends) or "period_kind" not in trends.columns:
        return twelve_months_first(trends)
    return trends[(trends["period_kind"].astype(str) == "year").to_numpy()]


def twelve_months_first(trends: pd.DataFrame) -> pd.DataFrame:
    """Trend rows with the 12-month totals first, then the months (each in their own order).

    The print area of the sheet covers the 12-month rows only (page_setup `print_rows`): thousands
    of monthly rows would print as a hundred pages; they stay below for filtering and in trends.csv.
    """
    if trends.empty or "period_kind" not in trends.columns:
        return trends
    year = (trends["period_kind"].astype(str) == "year").to_numpy()
    return pd.concat([trends[year], trends[~year]])


def twelve_month_rows(trends: pd.DataFrame) -> int:
    """How many rows of the Trends sheet hold 12-month totals (the rows that are printed)."""
    if trends.empty or "period_kind" not in trends.columns:
        return 0
    return int((trends["period_kind"].astype(str) == "year").sum())


def _rank_table(result: ScoreResult, gm: Col, th: Col, prof: Col) -> tuple[pd.DataFrame, list[Col], str]:
    """Rank probabilities wide: one row per municipality x profile x theme, a column per rank.

    The long form (one row per rank) is in rank_probabilities.csv; wide, the sheet reads as a table
    and prints on a few pages instead of sixty.
    """
    rp = result.rank_probabilities
    keys = ["municipality", "profile", "theme"]
    if rp.empty:
        return rp, [gm, prof, th], "Kans op elke rang (Monte Carlo)"
    ranks = sorted({int(r) for r in rp["rank"]})
    wide = rp.pivot_table(index=keys, columns="rank", values="probability", sort=False, dropna=False)
    wide = wide.reindex(columns=ranks)
    wide.columns = [f"rank_{r}" for r in ranks]
    frame = wide.reset_index()
    cols = [gm, prof, th, *[Col(f"rank_{r}", f"Rang {r}", PCT) for r in ranks]]
    return frame, cols, "Kans op elke rang (Monte Carlo; de rijen tellen op tot 100 %)"


# Sheets with more columns than this print in landscape.
LANDSCAPE_FROM_COLUMNS = 8
A4 = 9  # the paper size code of A4 in SpreadsheetML


def page_setup(ws: Sheet, columns: int, *, print_rows: int | None = None) -> None:
    """A4, fit to the page width (any number of pages down), the header rows on every page.

    Landscape when the sheet has more than LANDSCAPE_FROM_COLUMNS columns. The print area is the
    table's columns; `print_rows` limits it to the title, note, header and that many data rows (the
    Trends sheet).
    """
    _print_widths(ws, columns)
    sheet = ws.ws
    sheet.set_paper(A4)
    if columns > LANDSCAPE_FROM_COLUMNS:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, HEADER_ROW - 1)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_header("", {"margin": 0.5})
    sheet.set_footer("&L&A&CPagina &P van &N", {"margin": 0.5})
    # An explicit print area: a long title or note overflowing to the right would otherwise widen
    # the page and shrink the table to fit.
    rows = ws.max_row if print_rows is None else HEADER_ROW + max(print_rows, 1)
    sheet.print_area(0, 0, rows - 1, max(columns, 1) - 1)


NARROW = 14  # columns this narrow are left as they are
SCAN_ROWS = 1000


def _print_widths(ws: Sheet, columns: int) -> None:
    """Narrow a column whose width came from its header to what its values need: the header cell
    wraps, so a long header ("Rang: Feiten (politiecijfers)") need not widen the printed page.
    Long data sheets (Trends) are left alone: scanning them costs more than it gains."""
    if ws.max_row > SCAN_ROWS:
        return
    for j in range(1, columns + 1):
        title = ws.headers.get(j, "")
        current = ws.width(j)
        ws.widths[j] = current  # a column the page covers gets its width written
        if current <= NARROW or current < len(title) + 2:
            continue  # narrow already, or the values, not the header, set this width
        words = max((len(w) for w in title.split()), default=0)
        ws.widths[j] = min(current, max(ws.longest.get(j, 0), words, 6) + 2)
    lines = 1
    for j in range(1, columns + 1):
        title = ws.headers.get(j, "")
        width = ws.width(j) or 8
        lines = max(lines, min(3, -(-(len(title) + 2) // max(int(width), 1))))
    if lines > 1:  # a wrapped header needs the height (LibreOffice does not grow the row itself)
        ws.heights[HEADER_ROW] = 13 * lines + 2


def _utc(value: Any) -> Any:
    """An ISO timestamp ('2026-01-15T09:30:00+00:00') as a naive UTC datetime Excel can format."""

    stamp = pd.to_datetime(str(value), errors="coerce", utc=True)
    return value if pd.isna(stamp) else stamp.tz_localize(None).to_pydatetime()


def tied_rank_format(rec: Mapping[str, Any]) -> str | None:
    """A shared rank keeps its number (it sorts and filters) but reads "2 (gelijk)"."""
    return TIED_RANK if labels.is_tied(rec.get("flags")) else None


def score_signals(scores: pd.DataFrame) -> list[str]:
    """Per score row its flags in Dutch, with "geen score" and "lage onderbouwing" always said."""
    if scores.empty or "score" not in scores.columns:
        return []
    flags = scores["flags"] if "flags" in scores.columns else pd.Series("", index=scores.index)
    cov = scores["coverage"] if "coverage" in scores.columns else pd.Series(None, index=scores.index)
    return [labels.signals(f, c, s) for f, c, s in zip(flags, cov, scores["score"], strict=True)]


def _indicator_state(rec: Mapping[str, Any]) -> str | None:
    """A police count without a number: "onvolledig (7 van 12 maanden gepubliceerd)" or "onbekend"."""
    if str(rec.get("source")) not in ("politie", "police"):
        return None  # a survey indicator has a value, not a count
    state = labels.window_state(
        rec.get("flags"), rec.get("published_periods"), rec.get("window_periods"), rec.get("count")
    )
    return state or None
