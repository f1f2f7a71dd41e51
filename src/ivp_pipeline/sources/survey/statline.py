"""Veiligheidsmonitor StatLine CSV (81877NED, 85146NED): Marges rows, topic-path headers, decimal comma."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.regions import Region
from ivp_pipeline.schemas import SURVEY
from ivp_pipeline.sources.base import Head, ReadContext, Source, missing_column
from ivp_pipeline.sources.survey.common import (
    SPECIAL_VALUES,
    SurveyRows,
    canonical_unit,
    parse_decimal,
    parse_year,
    path_id,
    range_problem,
    resolve_area,
    slug,
)
from ivp_pipeline.sources.textio import (
    csv_records,
    detect_encoding,
    header_fields,
    open_text,
    read_head,
    sniff_delimiter,
)

if TYPE_CHECKING:
    import pyarrow as pa

KIND = "veiligheidsmonitor"
DATASET = SURVEY

_REGION_HEADERS = {"regio's", "regios", "regio", "regioindeling"}
_IGNORED_HEADERS = {"id"}
_MARGIN_CODES = {"MW00000": "value", "MOG0095": "low", "MBG0095": "high"}
_HEADER_RE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_TABLE_ID_RE = re.compile(r"(\d{5}(?:NED|ENG))", re.IGNORECASE)


@dataclass(frozen=True)
class Indicator:
    column: int
    header: str
    id: str
    label: str
    unit: str


def sniff(head: Head) -> bool:
    if head.text is None:
        return False
    fields = [f.casefold() for f in header_fields(head.text)]
    return bool(fields) and "marges" in fields and "perioden" in fields


def parse_header(header: str, column: int) -> Indicator:
    """'A /B/Label  (%)' -> id 'a.b.label', label 'Label', unit 'percent'; OData names in bulk files."""
    m = _HEADER_RE.match(header)
    if m:
        parts = [p.strip() for p in m.group(1).split("/") if p.strip()]
        unit = canonical_unit(m.group(2)) or slug(m.group(2)) or "onbekend"
        label = " ".join(parts[-1].split()) if parts else header
        return Indicator(column, header, path_id(parts), label, unit)
    # Bulk/OData shape: 'VoeltZichWelEensOnveilig_1' (position suffix dropped, CamelCase split).
    name = re.sub(r"_\d+$", "", header.strip())
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    low = words.casefold()
    unit = "rapportcijfer" if "rapportcijfer" in low else "schaalscore" if "schaalscore" in low else "percent"
    return Indicator(column, header, slug(words), words[:1].upper() + words[1:].lower(), unit)


def margin_kind(text: str) -> str | None:
    t = text.strip()
    if t.upper() in _MARGIN_CODES:
        return _MARGIN_CODES[t.upper()]
    low = t.casefold()
    if low == "waarde":
        return "value"
    if low.startswith("ondergrens"):
        return "low"
    if low.startswith("bovengrens"):
        return "high"
    return None


def parse_cell(text: str) -> tuple[float | None, str]:
    t = text.strip()
    if t in SPECIAL_VALUES:
        state = SPECIAL_VALUES[t]
        return (0.0 if state == "zero" else None), state
    return parse_decimal(t), "observed"


def read(source: Source, ctx: ReadContext) -> Iterator[pa.Table]:
    enc = detect_encoding(read_head(source.path), source.name)
    file = source.name
    m = _TABLE_ID_RE.search(source.path.name)
    table_id = m.group(1).upper() if m else None
    # key (year, area code, indicator column) -> {"value"|"low"|"high": (number, state, line)}
    cells: dict[tuple[int, str, int], dict[str, tuple[float | None, str, int]]] = {}
    rows: dict[tuple[int, str], tuple[Region, str, int]] = {}  # (year, area) -> area, status, value line
    skipped = 0
    with open_text(source.path, enc, source.name) as fh:
        first = fh.readline()
        header = next(csv.reader([first], delimiter=sniff_delimiter(first)))
        reader = csv_records(fh, sniff_delimiter(first))
        cols = _columns(header, file)
        indicators = [parse_header(h, i) for i, h in enumerate(header) if i in cols.indicators]
        for line, rec in enumerate(reader, start=2):
            if not any(c.strip() for c in rec):
                continue
            ctx.rows_read += 1
            if any(i < len(rec) and not _is_total(rec[i]) for i in cols.breakdowns):
                skipped += 1  # a breakdown row (men, 15-24 jaar, ...): the totals are what we compare
                continue
            parsed = _row_keys(rec, cols, line, file, ctx)
            if parsed is None:
                continue
            kind, year, status, area = parsed
            if kind == "value":
                if (year, area.code) in rows:
                    ctx.reject(
                        Problem(
                            "duplicate-row",
                            "een tweede rij met een waarde voor deze periode en regio",
                            file=file,
                            row=line,
                            column=header[cols.period],
                            value=f"{year} {area.name}",
                        )
                    )
                    continue
                rows[(year, area.code)] = (area, status, line)
            for ind in indicators:
                raw = rec[ind.column] if ind.column < len(rec) else ""
                try:
                    number, state = parse_cell(raw)
                except ValueError:
                    ctx.reject(
                        Problem(
                            "not-a-number",
                            "geen getal",
                            file=file,
                            row=line,
                            column=ind.header,
                            value=raw,
                            hint="gebruik een decimale komma (36,7) of '.' voor een onbekende waarde",
                        )
                    )
                    continue
                cells.setdefault((year, area.code, ind.column), {})[kind] = (number, state, line)
    _check_orphans(cells, rows, file, ctx)
    ctx.meta.update(
        table_id=table_id,
        periods=sorted({str(y) for y, _ in rows}),
        indicators=sorted({i.id for i in indicators}),
        rows_skipped_breakdown=skipped,
    )
    yield _emit(source, rows, cells, indicators, table_id, ctx)


@dataclass(frozen=True)
class _Cols:
    margin: int
    period: int
    region: int
    indicators: frozenset[int]
    breakdowns: frozenset[int]  # other dimensions (e.g. Persoonskenmerken): only their totals are read


def _is_total(value: str) -> bool:
    v = value.strip()
    return v.casefold().startswith(("totaal", "total")) or bool(re.fullmatch(r"T\d{6}|10000", v))


def _columns(header: list[str], file: str) -> _Cols:
    lower = [h.strip().casefold() for h in header]
    missing = [name for name in ("Marges", "Perioden") if name.casefold() not in lower]
    region = next((i for i, h in enumerate(lower) if h in _REGION_HEADERS), None)
    if region is None:
        missing.append("Regio's")
    if missing:
        hint = "download de tabel opnieuw met de dimensies Marges, Perioden en Regio's"
        problems = [missing_column(m, file, hint) for m in missing]
        raise IvpError(problems[0], problems[1:])
    assert region is not None
    dims = {lower.index("marges"), lower.index("perioden"), region}
    rest = [
        i for i, h in enumerate(header) if i not in dims and lower[i] not in _IGNORED_HEADERS and h.strip()
    ]
    ind = frozenset(
        i for i in rest if _HEADER_RE.match(header[i]) or re.fullmatch(r"\w+_\d+", header[i].strip())
    )
    return _Cols(lower.index("marges"), lower.index("perioden"), region, ind, frozenset(rest) - ind)


def _row_keys(
    rec: list[str], cols: _Cols, line: int, file: str, ctx: ReadContext
) -> tuple[str, int, str, Region] | None:
    def cell(i: int) -> str:
        return rec[i].strip() if i < len(rec) else ""

    def reject(code: str, message: str, column: str, index: int, hint: str = "") -> None:
        ctx.reject(Problem(code, message, file=file, row=line, column=column, value=cell(index), hint=hint))

    kind = margin_kind(cell(cols.margin))
    if kind is None:
        reject("unknown-margin", "geen Waarde, Ondergrens of Bovengrens 95%-interval", "Marges", cols.margin)
        return None
    try:
        year, status = parse_year(cell(cols.period))
    except ValueError:
        reject("bad-period", "geen jaar zoals 2019 of 2025*", "Perioden", cols.period)
        return None
    area = resolve_area(cell(cols.region))
    if area is None:
        reject("unknown-region", "regio niet gevonden in de gebiedenlijst", "Regio's", cols.region,
               "gebruik een regionaam als in StatLine (bv. 'Overijssel (PV)'), of een code")  # fmt: skip
        return None
    return kind, year, status, area


def _check_orphans(
    cells: dict[tuple[int, str, int], dict[str, tuple[float | None, str, int]]],
    rows: dict[tuple[int, str], tuple[Region, str, int]],
    file: str,
    ctx: ReadContext,
) -> None:
    orphan_lines = sorted(
        {
            v[2]
            for (year, code, _), kinds in cells.items()
            if (year, code) not in rows
            for k, v in kinds.items()
            if k != "value"
        }
    )
    for line in orphan_lines:
        ctx.reject(
            Problem(
                "bound-without-value",
                "een grens van een interval zonder rij Waarde voor dezelfde periode en regio",
                file=file,
                row=line,
                column="Marges",
                hint="kies bij het downloaden ook de marge 'Waarde'",
            )
        )


def _emit(
    source: Source,
    rows: dict[tuple[int, str], tuple[Region, str, int]],
    cells: dict[tuple[int, str, int], dict[str, tuple[float | None, str, int]]],
    indicators: list[Indicator],
    table_id: str | None,
    ctx: ReadContext,
) -> pa.Table:
    out = SurveyRows(source.name, source.sha256)
    for (year, code), (area, status, line) in sorted(rows.items(), key=lambda kv: kv[1][2]):
        for ind in indicators:
            got = cells.get((year, code, ind.column), {})
            if "value" not in got:
                continue  # the cell was rejected (not a number)
            value, state, _ = got["value"]
            low = got.get("low", (None, "", 0))[0]
            high = got.get("high", (None, "", 0))[0]
            if range_problem(ind.unit, value):
                ctx.reject(
                    Problem(
                        "value-out-of-range",
                        f"buiten het bereik van de eenheid {ind.unit}",
                        file=source.name,
                        row=line,
                        column=ind.header,
                        value=str(value),
                    )
                )
                continue
            if value is not None and low is not None and high is not None and not low <= value <= high:
                ctx.reject(
                    Problem(
                        "interval-excludes-value",
                        f"het interval {low}-{high} bevat de waarde niet",
                        file=source.name,
                        row=line,
                        column=ind.header,
                        value=str(value),
                    )
                )
                continue
            margin = round((high - low) / 2, 6) if low is not None and high is not None else None
            out.add(
                area,
                line,
                table_id=table_id,
                source_kind=KIND,
                indicator=ind.id,
                indicator_label=ind.label,
                unit=ind.unit,
                year=year,
                period_status=status,
                value=value,
                value_state=state,
                ci_low=low,
                ci_high=high,
                margin=margin,
            )
    return out.table()
