"""Local survey results (own survey or research agency), CSV or xlsx, in the layout of docs/inputs.md."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.regions import normalise_name
from ivp_pipeline.schemas import SURVEY
from ivp_pipeline.sources.base import Head, ReadContext, Source
from ivp_pipeline.sources.layouttable import Layout
from ivp_pipeline.sources.survey.common import (
    SPECIAL_VALUES,
    UNIT_RANGES,
    SurveyRows,
    canonical_unit,
    known_indicator,
    parse_count,
    parse_decimal,
    parse_year,
    range_problem,
    resolve_area,
    slug,
)
from ivp_pipeline.sources.xlsxio import text

if TYPE_CHECKING:
    import pyarrow as pa

KIND = "local"
DATASET = SURVEY

ALIASES = {
    "gebied": "area",
    "area": "area",
    "gemeente": "area",
    "regio": "area",
    "indicator": "indicator",
    "indicator_id": "indicator",
    "label": "label",
    "omschrijving": "label",
    "indicatorlabel": "label",
    "indicator_label": "label",
    "jaar": "year",
    "year": "year",
    "peiljaar": "year",
    "waarde": "value",
    "value": "value",
    "eenheid": "unit",
    "unit": "unit",
    "marge": "margin",
    "margin": "margin",
    "foutmarge": "margin",
    "ondergrens": "ci_low",
    "ci_low": "ci_low",
    "bovengrens": "ci_high",
    "ci_high": "ci_high",
    "respondenten": "respondents",
    "respondents": "respondents",
    "aantal respondenten": "respondents",
    "n": "respondents",
    "vergelijkingsgebied": "comparison_area",
    "comparison_area": "comparison_area",
    "vergelijkingswaarde": "comparison_value",
    "comparison_value": "comparison_value",
}
# Columns that only a file of individual answers has (one row per respondent): such a file is refused,
# since only aggregate results may be stored (an answer code 1 is not 1 %).
RESPONDENT_COLUMNS = frozenset({
    "respondent", "respondentnummer", "respondentnr", "respondent_id", "respondentid", "resp_id", "respnr",
    "postcode", "huisnummer", "huisnr", "adres", "straat", "straatnaam", "geboortedatum", "geboortejaar",
    "bsn", "naam", "e-mail", "email", "telefoon", "telefoonnummer", "antwoord", "antwoordcode",
})  # fmt: skip
REQUIRED = ("area", "indicator", "year", "value", "unit")
LABELS = {"area": "gebied", "indicator": "indicator", "year": "jaar", "value": "waarde", "unit": "eenheid"}
_SNIFF = {"area", "indicator", "year", "value"}


def classify(header: str) -> str | None:
    return ALIASES.get(normalise_name(header).strip(" *:"))


def sniff(head: Head) -> bool:
    return LAYOUT.found(head) >= _SNIFF


def read(source: Source, ctx: ReadContext) -> Iterator[pa.Table]:
    out = SurveyRows(source.name, source.sha256)
    sheet, rows, first_row, cols, labels = LAYOUT.rows(source, prepare=_undo_percent_format)
    seen: dict[tuple[str, str, int], int] = {}
    repeated = 0
    for offset, row in enumerate(rows):
        line = first_row + offset
        values = {name: (row[c] if c < len(row) else None) for name, c in cols.items()}
        if not any(text(v) for v in values.values()):
            continue
        ctx.rows_read += 1
        rec, problems = _validate(values, labels, source.name, sheet, line)
        if rec is not None:
            key = (rec["area"].code, rec["indicator"], rec["year"])
            if key in seen:
                problems.append(
                    Problem(
                        "duplicate-row",
                        f"zelfde gebied, indicator en jaar als rij {seen[key]}",
                        file=source.name,
                        sheet=sheet,
                        row=line,
                        column=labels["indicator"],
                        value=text(values["indicator"]),
                    )
                )
                repeated += 1
            seen.setdefault(key, line)
        for p in problems:
            ctx.reject(p)
        if rec is not None and not problems:
            area = rec.pop("area")
            out.add(area, line, source_kind=KIND, **rec)
    if repeated > max(10, ctx.rows_read // 2):  # mostly repeats: one row per person, not per indicator
        raise IvpError(_respondent_level(source.name, sheet, first_row - 1, "", repeated))
    ctx.meta.update(sheet=sheet or None, indicators=sorted(set(out.columns.get("indicator", []))))
    yield out.table()


def _respondent_level(file: str, sheet: str, row: int, column: str, repeated: int = 0) -> Problem:
    why = (
        f"de kolom {column!r} hoort bij antwoorden van personen"
        if column
        else f"{repeated} rijen herhalen gebied, indicator en jaar van een eerdere rij"
    )
    return Problem(
        "respondent-level-data",
        f"dit lijkt een bestand met antwoorden per respondent ({why}); ivp leest alleen uitkomsten "
        "per gebied, indicator en jaar",
        file=file,
        sheet=sheet,
        row=row,
        column=column,
        hint="lever de uitkomsten (percentages, rapportcijfers) per gebied en indicator aan, zoals in "
        "`ivp template survey`; bewaar de antwoorden per persoon niet in data/raw",
    )


def _check_aggregate(header: list[Any], file: str, sheet: str, row: int) -> None:
    """Refuse a file of individual answers by its header, before any of its values is read."""
    for cell in header:
        name = normalise_name(text(cell)).strip(" *:") if isinstance(cell, str) else ""
        if name in RESPONDENT_COLUMNS:
            raise IvpError(_respondent_level(file, sheet, row, text(cell)))


LAYOUT = Layout(classify, REQUIRED, LABELS, "indicator", "ivp template survey", check_header=_check_aggregate)


_PERCENT_COLS = ("value", "margin", "ci_low", "ci_high", "comparison_value")


def _undo_percent_format(ws: Any, rows: list[list[Any]], first: int, cols: dict[str, int]) -> None:
    """Excel stores a cell shown as '35%' as 0.35: read it as 35, the number the user sees."""
    for r in range(first, len(rows)):
        for c in (cols[n] for n in _PERCENT_COLS if n in cols):
            value = rows[r][c] if c < len(rows[r]) else None
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if "%" in ws.cell(r + 1, c + 1).number_format:
                rows[r][c] = round(value * 100, 10)


def _number(raw: Any) -> tuple[float | None, str]:
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | float):
        return float(raw), "observed"
    t = text(raw)
    if t in SPECIAL_VALUES:
        state = SPECIAL_VALUES[t]
        return (0.0 if state == "zero" else None), state
    return parse_decimal(t), "observed"


def _validate(
    values: dict[str, Any], labels: dict[str, str], file: str, sheet: str, line: int
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One row -> canonical values, or every problem of the row."""
    problems: list[Problem] = []

    def bad(code: str, message: str, name: str, hint: str = "") -> None:
        problems.append(
            Problem(
                code,
                message,
                file=file,
                sheet=sheet,
                row=line,
                column=labels[name],
                value=text(values.get(name)),
                hint=hint,
            )
        )

    def number(name: str) -> tuple[float | None, str]:
        if values.get(name) is None or not text(values.get(name)):
            return None, "not_applicable"
        try:
            return _number(values[name])
        except ValueError:
            bad("not-a-number", "geen getal", name, "gebruik een decimale komma of punt, bv. 36,7")
            return None, "observed"

    area = resolve_area(text(values["area"]))
    if area is None:
        bad(
            "unknown-region",
            "gebied niet gevonden in de gebiedenlijst",
            "area",
            "gebruik een gemeentenaam of -code (bv. Dinkelland of GM1774) of de naam van de regio",
        )
    raw_ind = text(values["indicator"])
    known = known_indicator(raw_ind) if raw_ind else None
    if not raw_ind:
        bad("missing-value", "geen indicator", "indicator")
    unit_text = text(values["unit"])
    unit = canonical_unit(unit_text) if unit_text else (known[2] if known else None)
    if unit is None:
        bad("unknown-unit", "geen eenheid (percent, rapportcijfer, schaalscore)", "unit")
    year, status = 0, "final"
    try:
        year, status = parse_year(text(values["year"]))
    except ValueError:
        bad("bad-period", "geen jaar zoals 2023", "year")
    value, state = number("value")
    low, _ = number("ci_low") if "ci_low" in values else (None, "")
    high, _ = number("ci_high") if "ci_high" in values else (None, "")
    margin, _ = number("margin") if "margin" in values else (None, "")
    comp_value, _ = number("comparison_value") if "comparison_value" in values else (None, "")
    respondents = None
    if text(values.get("respondents")):
        try:
            respondents = parse_count(text(values["respondents"]))
        except ValueError:
            bad("not-a-number", "geen geheel aantal respondenten", "respondents")
    if unit is not None:
        lo, hi = UNIT_RANGES.get(unit, (None, None))
        for name, v in (("value", value), ("comparison_value", comp_value)):
            if range_problem(unit, v):
                bad("value-out-of-range", f"buiten {lo:g}-{hi:g} voor de eenheid {unit}", name)
    if (low is None) != (high is None):
        bad(
            "missing-value",
            "een interval heeft zowel een ondergrens als een bovengrens nodig",
            "ci_high" if high is None else "ci_low",
        )
    elif low is None and margin is not None and value is not None:
        low, high = value - margin, value + margin
    elif low is not None and high is not None:
        if margin is None:
            margin = round((high - low) / 2, 6)
        if value is not None and value < low:
            bad(
                "interval-excludes-value",
                f"het interval {low:g}-{high:g} bevat de waarde niet",
                "ci_low",
            )
        elif value is not None and value > high:
            bad(
                "interval-excludes-value",
                f"het interval {low:g}-{high:g} bevat de waarde niet",
                "ci_high",
            )
    if problems or area is None or unit is None:
        return None, problems
    comp_text = text(values.get("comparison_area"))
    comp_area = resolve_area(comp_text) if comp_text else None
    label_text = text(values.get("label"))
    return {
        "area": area,
        "indicator": known[0] if known else slug(raw_ind),
        "indicator_label": label_text or (known[1] if known else raw_ind),
        "unit": unit,
        "year": year,
        "period_status": status,
        "value": value,
        "value_state": state,
        "ci_low": low,
        "ci_high": high,
        "margin": margin,
        "respondents": respondents,
        "comparison_area": comp_area.code if comp_area else (comp_text or None),
        "comparison_value": comp_value,
    }, problems
