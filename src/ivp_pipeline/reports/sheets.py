"""What goes on which sheet of reports/tables/ivp-prioriteiten.xlsx (Dutch headers, one table per sheet)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.reports import labels, views
from ivp_pipeline.reports.method import WINDOWS_APART_LABEL, method_rows, weights, windows_apart
from ivp_pipeline.reports.public import public_threshold
from ivp_pipeline.reports.sanitise import sheet_title
from ivp_pipeline.reports.sheet_specs import (
    data_tables,
    page_setup,
    score_signals,
    tied_rank_format,
    twelve_month_rows,
)
from ivp_pipeline.reports.workbook import (
    DEC1,
    HEADER_ROW,
    INT,
    PCT,
    Book,
    Col,
    Sheet,
    no_gc,
    write_table,
)

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

WORKBOOK_NAME = "ivp-prioriteiten.xlsx"
CRITERIA_ORDER = ("volume", "harm", "trend", "comparison", "perception", "professionals")
PRIORITY_NOTE = (
    "Score 0-100 met onzekerheidsinterval; criteria op de vaste schaal 0-100, leeg = onbekend. "
    "Onderbouwing: deel van de weging dat op gegevens rust (onder 50 %: lage onderbouwing). "
    '"2 (gelijk)": gedeelde rang bij gelijke score; thema\'s zonder score staan onderaan, zonder rang.'
)


def public_note(result: ScoreResult) -> str:
    t = public_threshold(result)
    if t is None:
        return ""
    return "Openbare versie: " + public_text(t)


def public_text(t: int) -> str:
    return (
        f"Aantallen kleiner dan {t} (misdrijven, meldingen en respondenten) zijn "
        f"weggelaten (getoond als <{t}), net als de cijfers die erop zijn gebaseerd (getoond als n<{t}). "
        "Aantallen waaruit een weggelaten aantal terug te rekenen is (via totalen, 12-maandsommen of "
        "hetzelfde cijfer in een andere tabel) zijn ook weggelaten (getoond als x); scores die erop "
        "rusten zijn afgerond op 10 punten."
    )


def write_workbook(result: ScoreResult, tables_dir: Path) -> Path:
    """tables/ivp-prioriteiten.xlsx: the priority sheets, the data sheets, the method sheet."""
    with no_gc():
        data = _workbook_bytes(result)
    path = tables_dir / WORKBOOK_NAME
    write_bytes_atomic(path, data, fsync=False)  # into the staging folder: swap_in syncs it
    return path


def _workbook_bytes(result: ScoreResult) -> bytes:
    wb = Book(views.reference_date(result))
    taken: set[str] = set()
    note = public_note(result)
    mun = views.municipality_labels(result)
    themes = views.theme_labels(result)
    main = views.default_profile(result)

    def sheet(name: str) -> Sheet:
        return wb.sheet(sheet_title(name, taken))

    def m_label(code: Any) -> str:
        return result.region.label(str(code))

    def t_label(theme: Any) -> str:
        return views.theme_label(result, str(theme), themes)

    def p_label(profile: Any) -> str:
        return views.profile_label(result, str(profile))

    region = result.region.code
    ranks = _ranks_by_unit(result.scores)
    for code in [region, *[c for c in views.municipalities(result) if c != region]]:
        if code not in mun:
            continue
        frame, extra, cols = _priority_table(result, code, main, t_label, ranks)
        title = f"Samenvatting {result.region.name}" if code == region else mun[code]
        ws = sheet(f"Samenvatting {region}" if code == region else mun[code])
        write_table(
            ws,
            frame,
            cols,
            title=f"{title}: prioriteiten (profiel {views.profile_label(result, main)})",
            note=note or PRIORITY_NOTE,
            freeze_cols=2,
            extra=extra,
        )
        page_setup(ws, len(cols))

    tables = data_tables(result, m_label, t_label, p_label)
    for name, frame, cols, title in tables:
        present = [c for c in cols if c.key in frame.columns]
        ws = sheet(name)
        write_table(ws, frame, present, title=title, note=note, freeze_cols=0)
        page_setup(ws, len(present), print_rows=twelve_month_rows(frame) if name == "Trends" else None)
    method_ws = sheet("Methode")
    _method_sheet(method_ws, result, note)
    page_setup(method_ws, 1 + len(CRITERIA_ORDER))  # the weights table: profile + criteria
    return wb.bytes()


def _priority_table(
    result: ScoreResult, code: str, profile: str, t_label: Any, ranks: dict[tuple[str, str, str], Any]
) -> tuple[pd.DataFrame, dict[str, list[Any]], list[Col]]:
    """One row per theme (rank order): score, interval, p_top3, coverage, each criterion, other ranks.

    The frame of the unit's scores, with the columns made here beside it (signals, crit_*, rank_*);
    `ranks` is `_ranks_by_unit`."""

    frame = views.ranked(views.scores_for(result, code, profile))
    extra: dict[str, list[Any]] = {"signals": score_signals(frame)}
    crit_themes, scaled = views.values_where(result.criteria, ("theme", "scaled"), municipality=code)
    (criteria,) = views.values_where(result.criteria, ("criterion",), text=True, municipality=code)
    seen = set(criteria)
    present = [c for c in CRITERIA_ORDER if c in seen]
    present += sorted(seen - set(present))
    lookup = {(str(t), c): v for t, c, v in zip(crit_themes, criteria, scaled, strict=True)}
    themes = frame["theme"].tolist()  # plain values once (iterating an Arrow column converts each)
    for c in present:
        extra[f"crit_{c}"] = [lookup.get((str(t), c)) for t in themes]
    others = [p for p in views.profiles(result) if p != profile]
    for p in others:
        extra[f"rank_{p}"] = [ranks.get((code, p, t)) for t in themes]
    cols = [
        Col("rank", "Rang", INT, fmt_of=tied_rank_format),
        Col("theme", "Thema", convert=t_label),
        Col("veiligheidsveld", "Veiligheidsveld"),
        Col("score", "Score", DEC1, missing=labels.NO_SCORE),
        Col("score_low", "Ondergrens", DEC1),
        Col("score_high", "Bovengrens", DEC1),
        Col("p_top3", "Kans op top 3", PCT),
        Col("coverage", "Onderbouwing", PCT),
        *[Col(f"crit_{c}", labels.criterion(c), DEC1) for c in present],
        *[Col(f"rank_{p}", f"Rang: {views.profile_label(result, p)}", INT) for p in others],
        Col("signals", "Signalen"),
    ]
    return frame, extra, cols


def _ranks_by_unit(scores: pd.DataFrame) -> dict[tuple[str, str, str], Any]:
    """(unit, profile, theme) -> rank, for the other profiles' ranks of the priority sheets."""
    if scores.empty:
        return {}
    units = scores["municipality"].astype(str).tolist()
    profiles = scores["profile"].astype(str).tolist()
    return dict(
        zip(zip(units, profiles, scores["theme"].tolist(), strict=True), scores["rank"].tolist(), strict=True)
    )


def _method_sheet(ws: Sheet, result: ScoreResult, note: str) -> None:
    """Method facts as label/value rows, then the weights per profile."""

    rows = method_rows(result, nested=True)
    write_table(
        ws,
        pd.DataFrame(rows, columns=["label", "value"]),
        [Col("label", "Onderdeel"), Col("value", "Waarde")],
        title="Methode",
        note=note,
    )
    if windows_apart(result):  # the warning must stand out, not hide among the settings
        for i, (label, value) in enumerate(rows, start=HEADER_ROW + 1):
            if label == WINDOWS_APART_LABEL:
                ws.put(i, 1, label, style="warning")
                ws.put(i, 2, value, style="warning")
    crits, table = weights(result)
    if not table:
        return
    start = HEADER_ROW + len(rows) + 3
    ws.put(start, 1, "Gewichten per profiel", style="bold")
    for j, head in enumerate(["Profiel", *[labels.criterion(c) for c in crits]], start=1):
        ws.put(start + 1, j, head, style="bold")
    for i, (name, values) in enumerate(table, start=start + 2):
        ws.put(i, 1, name)
        for j, w in enumerate(values, start=2):
            ws.put(i, j, w, PCT)
