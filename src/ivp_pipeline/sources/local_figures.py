"""Local figures the police tables lack (Halt, RIEC/ondermijning, Bibob, woonoverlast, jongerenwerk).

A CSV or xlsx (the workbook of `ivp template lokaal`) with one row per area, figure and period:

    gebied;cijfer;omschrijving;thema;periode;aantal;bron
    Oldenzaal;halt;Halt-verwijzingen;;2025;41;Halt Oost-Nederland

- gebied: a municipality name or code (or "Noordoost Twente"), as in the local survey layout;
- cijfer: one of KNOWN_FIGURES (id or label) or an own short name, which then needs a thema;
- thema: optional for a known figure (its default theme), a catalogue theme id or label;
- periode: a year (2025), a quarter (2025-K3 or 2025 Q3) or a month (2025-10);
- aantal: a whole number >= 0; "." or "x" = suppressed (geheim, te klein), "onbekend" or "?" = not
  known, "-" = a true zero. An empty aantal is refused: missing is never 0 and never silently unknown;
- bron, omschrijving: optional.

Bad rows are rejected with their file, sheet, row, column and value; the rest is read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ivp_pipeline.problems import Problem
from ivp_pipeline.regions import normalise_name
from ivp_pipeline.schemas import LOCAL_FIGURES
from ivp_pipeline.sources.base import Head, ReadContext, Source
from ivp_pipeline.sources.layouttable import Layout
from ivp_pipeline.sources.survey.common import SPECIAL_VALUES, parse_count, resolve_area, slug
from ivp_pipeline.sources.xlsxio import text

if TYPE_CHECKING:
    import pyarrow as pa

KIND = "local_figures"
DATASET = LOCAL_FIGURES

# id -> (Dutch label, default theme of the catalogue)
KNOWN_FIGURES: dict[str, tuple[str, str]] = {
    "halt": ("Halt-verwijzingen", "jeugd"),
    "riec": ("Signalen ondermijning (RIEC)", "ondermijning"),
    "bibob": ("Bibob-onderzoeken", "ondermijning"),
    "woonoverlast": ("Meldingen woonoverlast", "leefbaarheid"),
    "jongerenwerk": ("Contacten jongerenwerk", "jeugd"),
}
_FIGURE_NAMES = {
    **{k: k for k in KNOWN_FIGURES},
    **{slug(label): k for k, (label, _t) in KNOWN_FIGURES.items()},
    "halt_verwijzing": "halt",
    "riec_signalen": "riec",
    "ondermijning": "riec",
    "bibob_onderzoeken": "bibob",
    "bibob_zaken": "bibob",
    "woonoverlast_meldingen": "woonoverlast",
    "jongerenwerk_contacten": "jongerenwerk",
}
ALIASES = {
    "gebied": "area",
    "gemeente": "area",
    "area": "area",
    "cijfer": "figure",
    "lokaal cijfer": "figure",
    "figure": "figure",
    "omschrijving": "label",
    "label": "label",
    "thema": "theme",
    "theme": "theme",
    "periode": "period",
    "jaar": "period",
    "period": "period",
    "aantal": "count",
    "count": "count",
    "bron": "supplier",
    "leverancier": "supplier",
    "supplier": "supplier",
}
REQUIRED = ("area", "figure", "period", "count")
LABELS = {"area": "gebied", "figure": "cijfer", "period": "periode", "count": "aantal"}
# The survey's markers (. x suppressed, - zero) and "onbekend"/"?"; an empty aantal is refused instead.
SPECIAL = {k: v for k, v in SPECIAL_VALUES.items() if k} | {"onbekend": "not_published", "?": "not_published"}
_QUARTER = re.compile(r"(\d{4})\s*[-/ ]?\s*[KkQq]([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"(\d{4})")


def classify(header: str) -> str | None:
    return ALIASES.get(normalise_name(header).strip(" *:"))


def sniff(head: Head) -> bool:
    return LAYOUT.found(head) >= set(REQUIRED)


def parse_period(raw: str) -> tuple[dt.date, str]:
    """'2025' -> (2025-01-01, year); '2025-K3' / '2025 Q3' -> (2025-07-01, quarter); '2025-10' -> month."""
    t = raw.strip()
    if m := _QUARTER.fullmatch(t):
        return dt.date(int(m[1]), 3 * int(m[2]) - 2, 1), "quarter"
    if (m := _MONTH.fullmatch(t)) and 1 <= int(m[2]) <= 12:
        return dt.date(int(m[1]), int(m[2]), 1), "month"
    if m := _YEAR.fullmatch(t):
        return dt.date(int(m[1]), 1, 1), "year"
    raise ValueError(raw)


def read(source: Source, ctx: ReadContext) -> Iterator[pa.Table]:
    sheet, rows, first_row, cols, labels = LAYOUT.rows(source)
    columns: dict[str, list[Any]] = {n: [] for n in LOCAL_FIGURES.schema.names}
    seen: dict[tuple[str, str, dt.date, str], int] = {}
    themes = _theme_lookup(ctx)
    for offset, row in enumerate(rows):
        line = first_row + offset
        values = {name: (row[c] if c < len(row) else None) for name, c in cols.items()}
        if not any(text(v) for v in values.values()):
            continue
        ctx.rows_read += 1
        rec, problems = _validate(values, labels, themes, source.name, sheet, line)
        if rec is not None and not problems:
            key = (rec["area_code"], rec["figure"], rec["period_start"], rec["period_kind"])
            if key in seen:
                problems.append(
                    _problem(
                        "duplicate-row",
                        f"zelfde gebied, cijfer en periode als rij {seen[key]}",
                        source.name,
                        sheet,
                        line,
                        labels["figure"],
                        text(values["figure"]),
                    )
                )
            seen.setdefault(key, line)
        for p in problems:
            ctx.reject(p)
        if rec is None or problems:
            continue
        for name, value in rec.items():
            columns[name].append(value)
        columns["source_file"].append(source.name)
        columns["source_sha256"].append(source.sha256)
        columns["source_row"].append(line)
    ctx.meta.update(sheet=sheet or None, figures=sorted(set(columns["figure"])))
    yield LOCAL_FIGURES.build(columns)


def _theme_lookup(ctx: ReadContext) -> dict[str, str] | None:
    """Theme id or label (normalised) -> id; None when the reader was given no catalogue."""
    if not ctx.themes:
        return None
    out = {normalise_name(i): i for i in ctx.themes}
    out.update({normalise_name(label): i for i, label in ctx.themes.items()})
    return out


def _problem(
    code: str, msg: str, file: str, sheet: str, row: int, column: str, value: str, hint: str = ""
) -> Problem:
    return Problem(code, msg, file=file, sheet=sheet, row=row, column=column, value=value, hint=hint)


def _validate(
    values: dict[str, Any],
    labels: dict[str, str],
    themes: dict[str, str] | None,
    file: str,
    sheet: str,
    line: int,
) -> tuple[dict[str, Any] | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(code: str, message: str, name: str, hint: str = "") -> None:
        problems.append(
            _problem(code, message, file, sheet, line, labels[name], text(values.get(name)), hint)
        )

    area = resolve_area(text(values["area"]))
    if area is None:
        bad(
            "unknown-region",
            "gebied niet gevonden in de gebiedenlijst",
            "area",
            "gebruik een gemeentenaam of -code (bv. Oldenzaal of GM0173) of Noordoost Twente",
        )
    raw_figure = text(values["figure"])
    figure = _FIGURE_NAMES.get(slug(raw_figure)) if raw_figure else None
    if not raw_figure:
        bad("missing-value", "geen cijfer", "figure", "bv. halt, riec, bibob, woonoverlast of jongerenwerk")
    theme_text = text(values.get("theme"))
    theme = _theme(theme_text, themes) if theme_text else (KNOWN_FIGURES[figure][1] if figure else None)
    if theme_text and theme is None:
        bad(
            "unknown-theme", "geen thema uit de themacatalogus", "theme", "gebruik een thema uit ivp template"
        )
    elif raw_figure and figure is None and not theme_text:
        bad(
            "unknown-theme",
            "een eigen cijfer heeft een thema nodig",
            "figure",
            "vul de kolom thema in, of gebruik halt, riec, bibob, woonoverlast of jongerenwerk",
        )
    period, kind = dt.date(1900, 1, 1), "year"
    raw_period = values["period"]
    if isinstance(raw_period, dt.date):  # Excel turned "2025-10" into a date: that month
        period, kind = dt.date(raw_period.year, raw_period.month, 1), "month"
    else:
        try:
            period, kind = parse_period(text(raw_period))
        except ValueError:
            bad("bad-period", "geen periode zoals 2025, 2025-K3 of 2025-10", "period")
    count_text = text(values["count"]).strip()
    value: int | None = None
    state = "observed"
    if not count_text:
        bad(
            "missing-value",
            "geen aantal",
            "count",
            "vul het aantal in; een punt (.) als het geheim is, onbekend als het niet bekend is",
        )
    elif count_text.casefold() in SPECIAL:
        state = SPECIAL[count_text.casefold()]
        value = 0 if state == "zero" else None
    elif count_text.startswith("-") and count_text[1:].strip().isdigit():
        bad("negative-count", "een aantal kan niet negatief zijn", "count")
    else:
        try:
            value = parse_count(count_text)
        except ValueError:
            bad("not-a-number", "geen geheel aantal", "count", "bv. 41 of 1.234")
    if problems or area is None:
        return None, problems
    label_text = text(values.get("label"))
    figure_id = figure or slug(raw_figure)
    return {
        "municipality": area.partition,
        "area_code": area.code,
        "area_level": area.level,
        "area_name": area.name,
        "figure": figure_id,
        "figure_label": label_text or (KNOWN_FIGURES[figure][0] if figure else raw_figure),
        "theme": theme,
        "period_start": period,
        "period_kind": kind,
        "value": value,
        "value_state": state,
        "supplier": text(values.get("supplier")) or None,
    }, problems


def _theme(raw: str, themes: dict[str, str] | None) -> str | None:
    if themes is None:
        return slug(raw) or None
    return themes.get(normalise_name(raw))


LAYOUT = Layout(classify, REQUIRED, LABELS, "figure", "ivp template lokaal")
