"""What goes on which sheet of reports/tables/ivp-prioriteiten.xlsx (Dutch headers, one table per sheet)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.outputs import labels, views
from ivp_pipeline.outputs.public import public_threshold
from ivp_pipeline.outputs.sanitise import sheet_title
from ivp_pipeline.outputs.workbook import (
    DATE,
    DATETIME,
    DEC1,
    DEC2,
    INT,
    PCT,
    PCT1,
    Col,
    stable_bytes,
    write_table,
)
from ivp_pipeline.regions import REGION_NOT

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

    from ivp_pipeline.scoring.result import ScoreResult

WORKBOOK_NAME = "ivp-prioriteiten.xlsx"
CRITERIA_ORDER = ("volume", "harm", "trend", "comparison", "perception", "professionals")


def public_note(result: ScoreResult) -> str:
    t = public_threshold(result)
    if t is None:
        return ""
    return "Openbare versie: " + public_text(t)


def public_text(t: int) -> str:
    return (
        f"Aantallen kleiner dan {t} (misdrijven, meldingen en respondenten) zijn "
        f"weggelaten (getoond als <{t}), net als de cijfers die erop zijn gebaseerd (getoond als n<{t})."
    )


def write_workbook(result: ScoreResult, tables_dir: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    taken: set[str] = set()
    note = public_note(result)
    mun = views.municipality_labels(result)
    themes = views.theme_labels(result)
    main = views.default_profile(result)

    def sheet(name: str) -> Worksheet:
        return wb.create_sheet(sheet_title(name, taken))

    def m_label(code: Any) -> str:
        return mun.get(str(code)) or labels.municipality(str(code))

    def t_label(theme: Any) -> str:
        return views.theme_label(result, str(theme), themes)

    def p_label(profile: Any) -> str:
        return views.profile_label(result, str(profile))

    for code in [REGION_NOT, *[c for c in views.municipalities(result) if c != REGION_NOT]]:
        if code not in mun:
            continue
        frame, cols = _priority_table(result, code, main, t_label)
        title = "Samenvatting Noordoost Twente" if code == REGION_NOT else mun[code]
        write_table(
            sheet("Samenvatting NOT" if code == REGION_NOT else mun[code]),
            frame,
            cols,
            title=f"{title}: prioriteiten (profiel {views.profile_label(result, main)})",
            note=note or "Score 0-100 met onzekerheidsinterval; criteria op de vaste schaal 0-100.",
            freeze_cols=2,
        )

    gm = Col("municipality", "Gemeente", convert=m_label)
    th = Col("theme", "Thema", convert=t_label)
    tables: list[tuple[str, pd.DataFrame, list[Col], str]] = [
        (
            "Scores",
            result.scores,
            [
                gm,
                th,
                Col("veiligheidsveld", "Veiligheidsveld"),
                Col("profile", "Profiel", convert=p_label),
                Col("rank", "Rang", INT),
                Col("score", "Score", DEC1),
                Col("score_low", "Ondergrens", DEC1),
                Col("score_high", "Bovengrens", DEC1),
                Col("p_top3", "Kans op top 3", PCT),
                Col("coverage", "Dekking", PCT),
                Col("flags", "Signalen", convert=labels.flags),
            ],
            "Scores per gemeente, thema en gewichtenprofiel",
        ),
        (
            "Criteria",
            result.criteria,
            [
                gm,
                th,
                Col("criterion", "Criterium", convert=labels.criterion),
                Col("raw", "Waarde", DEC2),
                Col("raw_low", "Ondergrens", DEC2),
                Col("raw_high", "Bovengrens", DEC2),
                Col("unit", "Eenheid"),
                Col("scaled", "Geschaald (0-100)", DEC1),
                Col("n", "Aantal", INT),
                Col("note", "Toelichting"),
            ],
            "Criteria per gemeente en thema",
        ),
        (
            "Indicatoren",
            result.indicators,
            [
                gm,
                th,
                Col("source", "Bron", convert=labels.value),
                Col("measure", "Soort", convert=labels.value),
                Col("window", "Venster", convert=labels.value),
                Col("offence_code", "Code"),
                Col("indicator", "Indicator"),
                Col("label", "Omschrijving"),
                Col("count", "Aantal", INT),
                Col("inhabitants", "Inwoners", INT),
                Col("rate_per_1000", "Per 1.000 inwoners", DEC2),
                Col("rate_low", "Ondergrens", DEC2),
                Col("rate_high", "Bovengrens", DEC2),
                Col("period_start", "Begin periode", DATE),
                Col("period_end", "Eind periode", DATE),
                Col("value", "Waarde (enquête)", DEC1),
                Col("value_low", "Ondergrens", DEC1),
                Col("value_high", "Bovengrens", DEC1),
                Col("unit_of_measure", "Eenheid", convert=labels.value),
                Col("small_number", "Klein aantal"),
                Col("source_files", "Bronbestanden"),
            ],
            "Indicatoren: politiecijfers (laatste 12 maanden) en enquête-indicatoren",
        ),
        (
            "Trends",
            result.trends,
            [
                gm,
                th,
                Col("period_start", "Periode", DATE),
                Col("count", "Aantal", INT),
                Col("count_low", "Ondergrens", DEC1),
                Col("count_high", "Bovengrens", DEC1),
                Col("inhabitants", "Inwoners", INT),
                Col("rate_per_1000", "Per 1.000 inwoners", DEC2),
            ],
            "Trends: geregistreerde aantallen per periode (trendbreuk juli 2018: samenloop apart geteld)",
        ),
        (
            "Professionals",
            result.professionals,
            [
                gm,
                th,
                Col("criterion", "Criterium", convert=labels.criterion),
                Col("mean_rating", "Gemiddelde beoordeling", DEC1),
                Col("respondents", "Respondenten", INT),
                Col("organisation_types", "Soorten organisaties", INT),
                Col("agreement", "Overeenstemming", PCT),
            ],
            "Oordeel van professionals per thema (elk type organisatie weegt even zwaar)",
        ),
        (
            "Beleving",
            result.perception,
            [
                gm,
                th,
                Col("indicator", "Indicator"),
                Col("label", "Omschrijving"),
                Col("unit", "Eenheid", convert=labels.value),
                Col("year", "Jaar"),
                Col("value", "Waarde", DEC1),
                Col("ci_low", "Ondergrens", DEC1),
                Col("ci_high", "Bovengrens", DEC1),
                Col("comparison_area", "Vergelijkingsgebied", convert=labels.area),
                Col("comparison_value", "Vergelijkingswaarde", DEC1),
                Col("direction", "Richting", convert=labels.value),
                Col("margin", "Marge", DEC1),
                Col("area_code", "Gemeten in", convert=labels.area),
                Col("flags", "Signalen", convert=labels.flags),
            ],
            "Veiligheidsbeleving (enquêtes) tegen het vergelijkingsgebied",
        ),
        (
            "Vergelijking",
            result.funnel,
            [
                Col("area_code", "Gebiedscode"),
                Col("area_name", "Gebied"),
                th,
                Col("count", "Aantal", INT),
                Col("inhabitants", "Inwoners", INT),
                Col("rate_per_1000", "Per 1.000 inwoners", DEC2),
                Col("reference_rate_per_1000", "Referentie per 1.000 inwoners", DEC2),
            ],
            "Vergelijking met het referentiegebied (basis van de trechterdiagrammen)",
        ),
        (
            "Rangkansen",
            result.rank_probabilities,
            [
                gm,
                Col("profile", "Profiel", convert=p_label),
                th,
                Col("rank", "Rang", INT),
                Col("probability", "Kans", PCT1),
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
                    Col("measure", "Maatstaf"),
                    Col("baseline_year", "Basisjaar"),
                    Col("baseline_value", "Basiswaarde", DEC1),
                    Col("current_period", "Huidige periode"),
                    Col("current_value", "Huidige waarde", DEC1),
                    Col("target_value", "Streefwaarde", DEC1),
                    Col("change_pct", "Verandering (%)", DEC1),
                    Col("target_pct", "Doel (% t.o.v. basis)", DEC1),
                    Col("status", "Status"),
                ],
                "Voortgang: huidige cijfers tegen basisjaar en streefwaarde",
            )
        )
    tables.append(
        (
            "Bronnen",
            result.sources,
            [
                Col("file", "Bestand"),
                Col("sha256", "SHA-256"),
                Col("kind", "Soort bron"),
                Col("dataset", "Dataset"),
                Col("table_id", "Tabel"),
                Col("periods", "Perioden"),
                Col("rows", "Rijen", INT),
                Col("ingested_at", "Ingelezen op (UTC)", DATETIME, convert=_utc),
            ],
            "Bronbestanden: elk ingelezen bestand met zijn vingerafdruk (SHA-256)",
        )
    )
    for name, frame, cols, title in tables:
        present = [c for c in cols if c.key in frame.columns]
        write_table(sheet(name), frame, present, title=title, note=note, freeze_cols=0)
    _method_sheet(sheet("Methode"), result, note)
    path = tables_dir / WORKBOOK_NAME
    write_bytes_atomic(path, stable_bytes(wb, views.reference_date(result)))
    return path


def _priority_table(
    result: ScoreResult, code: str, profile: str, t_label: Any
) -> tuple[pd.DataFrame, list[Col]]:
    """One row per theme (rank order): score, interval, p_top3, coverage, each criterion, other ranks."""
    import pandas as pd

    base = views.scores_for(result, code, profile).sort_values(["rank", "theme"])
    frame = base.copy()
    crit = result.criteria[result.criteria["municipality"].astype(str) == code]
    present = [c for c in CRITERIA_ORDER if c in set(crit["criterion"].astype(str))]
    present += sorted(set(crit["criterion"].astype(str)) - set(present))
    lookup = {
        (str(t), str(c)): v for t, c, v in zip(crit["theme"], crit["criterion"], crit["scaled"], strict=True)
    }
    for c in present:
        frame[f"crit_{c}"] = pd.Series(
            [lookup.get((str(t), c)) for t in frame["theme"]], index=frame.index, dtype=object
        )
    others = [p for p in views.profiles(result) if p != profile]
    for p in others:
        ranks = views.scores_for(result, code, p).set_index("theme")["rank"]
        frame[f"rank_{p}"] = [ranks.get(t) for t in frame["theme"]]
    cols = [
        Col("rank", "Rang", INT),
        Col("theme", "Thema", convert=t_label),
        Col("veiligheidsveld", "Veiligheidsveld"),
        Col("score", "Score", DEC1),
        Col("score_low", "Ondergrens", DEC1),
        Col("score_high", "Bovengrens", DEC1),
        Col("p_top3", "Kans op top 3", PCT),
        Col("coverage", "Dekking", PCT),
        *[Col(f"crit_{c}", labels.criterion(c), DEC1) for c in present],
        *[Col(f"rank_{p}", f"Rang: {views.profile_label(result, p)}", INT) for p in others],
        Col("flags", "Signalen", convert=labels.flags),
    ]
    return frame, cols


def _method_sheet(ws: Any, result: ScoreResult, note: str) -> None:
    """Method facts as label/value rows, then the weights per profile."""
    import pandas as pd
    from openpyxl.styles import Font

    from ivp_pipeline.outputs.method import method_rows, weights
    from ivp_pipeline.outputs.workbook import HEADER_ROW, put

    rows = method_rows(result, nested=True)
    write_table(
        ws,
        pd.DataFrame(rows, columns=["label", "value"]),
        [Col("label", "Onderdeel"), Col("value", "Waarde")],
        title="Methode",
        note=note,
    )
    crits, table = weights(result)
    if not table:
        return
    start = HEADER_ROW + len(rows) + 3
    put(ws, start, 1, "Gewichten per profiel")
    ws.cell(row=start, column=1).font = Font(bold=True)
    for j, head in enumerate(["Profiel", *[labels.criterion(c) for c in crits]], start=1):
        put(ws, start + 1, j, head)
        ws.cell(row=start + 1, column=j).font = Font(bold=True)
    for i, (name, values) in enumerate(table, start=start + 2):
        put(ws, i, 1, name)
        for j, w in enumerate(values, start=2):
            put(ws, i, j, w, PCT)


def _utc(value: Any) -> Any:
    """An ISO timestamp ('2026-01-15T09:30:00+00:00') as a naive UTC datetime Excel can format."""
    import pandas as pd

    stamp = pd.to_datetime(str(value), errors="coerce", utc=True)
    return value if pd.isna(stamp) else stamp.tz_localize(None).to_pydatetime()
