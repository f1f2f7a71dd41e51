"""Population (the denominator of every rate): CBS 03759ned / 85984NED bulk CSV, or a simple CSV."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.regions import Region, normalise_name, registry
from ivp_pipeline.schemas import POPULATION
from ivp_pipeline.sources.base import Head, ReadContext, Source
from ivp_pipeline.sources.survey.common import parse_count, resolve_area
from ivp_pipeline.sources.textio import (
    csv_records,
    detect_encoding,
    header_fields,
    open_text,
    read_head,
    sniff_delimiter,
)

KIND = "population"
DATASET = POPULATION

TOTAL_AGE = "totaal"
# 03759ned: totals of the other dimensions (CBS codes). Only these rows are read.
BULK_03759_TOTALS = {"Geslacht": "T001038", "Leeftijd": "10000", "BurgerlijkeStaat": "T001019"}
BULK_03759_VALUE = "BevolkingOp1Januari_1"
BULK_85984_VALUE = "AantalInwoners_5"
# The kerncijfers tables are one table per year and do not say which inside the file.
KWB_TABLE_YEARS = {"85984NED": 2024}
_TABLE_ID_RE = re.compile(r"(\d{5}(?:NED|ned))")

SIMPLE_ALIASES = {
    "gebied": "area",
    "gemeente": "area",
    "regio": "area",
    "area": "area",
    "code": "area",
    "regiocode": "area",
    "municipality": "area",
    "jaar": "year",
    "year": "year",
    "peiljaar": "year",
    "inwoners": "inhabitants",
    "inhabitants": "inhabitants",
    "bevolking": "inhabitants",
    "aantal inwoners": "inhabitants",
    "population": "inhabitants",
    "leeftijd": "age_band",
    "leeftijdsgroep": "age_band",
    "age_band": "age_band",
    "age band": "age_band",
    "age": "age_band",
}


def _classify(h: str) -> str | None:
    return SIMPLE_ALIASES.get(normalise_name(h).strip(" *:"))


def _shape(fields: list[str]) -> str | None:
    if BULK_03759_VALUE in fields and "RegioS" in fields:
        return "03759"
    if BULK_85984_VALUE in fields and "WijkenEnBuurten" in fields:
        return "85984"
    found = {_classify(f) for f in fields}
    if {"area", "year", "inhabitants"} <= found:
        return "simple"
    return None


def sniff(head: Head) -> bool:
    return head.text is not None and _shape(header_fields(head.text)) is not None


def read(source: Source, ctx: ReadContext) -> Iterator[pa.Table]:
    enc = detect_encoding(read_head(source.path), source.name)
    out = _Rows(source)
    with open_text(source.path, enc, source.name) as fh:
        first = fh.readline()
        delim = sniff_delimiter(first)
        header = [h.strip() for h in next(csv.reader([first], delimiter=delim))]
        shape = _shape(header)
        rows = csv_records(fh, delim)
        if shape == "03759":
            _read_03759(rows, header, source, ctx, out)
        elif shape == "85984":
            _read_85984(rows, header, source, ctx, out)
        else:
            _read_simple(rows, header, source, ctx, out)
    ctx.meta.update(shape=shape, years=sorted({str(y) for y in out.columns["year"]}))
    yield out.table()


class _Rows:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.columns: dict[str, list[Any]] = {n: [] for n in POPULATION.schema.names}
        self.seen: dict[tuple[str, int, str], int] = {}

    def add(
        self,
        ctx: ReadContext,
        area: Region,
        year: int,
        age_band: str,
        inhabitants: int,
        line: int,
        column: str,
    ) -> None:
        key = (area.code, year, age_band)
        if key in self.seen:
            ctx.reject(
                Problem(
                    "duplicate-row",
                    f"zelfde gebied, jaar en leeftijdsklasse als rij {self.seen[key]}",
                    file=self.source.name,
                    row=line,
                    column=column,
                    value=area.code,
                )
            )
            return
        self.seen[key] = line
        rec = {
            "municipality": area.partition,
            "area_code": area.code,
            "area_level": area.level,
            "year": year,
            "age_band": age_band,
            "inhabitants": inhabitants,
            "source_file": self.source.name,
            "source_sha256": self.source.sha256,
            "source_row": line,
        }
        for n, v in rec.items():
            self.columns[n].append(v)

    def table(self) -> pa.Table:

        return POPULATION.build(self.columns)


def _count(raw: str, ctx: ReadContext, file: str, line: int, column: str) -> int | None:
    try:
        return parse_count(raw)
    except ValueError:
        code = "missing-value" if raw.strip() in {"", ".", "x"} else "not-a-number"
        ctx.reject(
            Problem(
                code,
                "het aantal inwoners moet een geheel getal zijn",
                file=file,
                row=line,
                column=column,
                value=raw.strip(),
                hint="een bevolkingsaantal kan niet onbekend zijn: verbeter of verwijder de rij",
            )
        )
        return None


def _year(raw: str) -> int | None:
    m = re.fullmatch(r"((?:19|20)\d\d)(?:JJ00)?\s*\**", raw.strip())
    return int(m.group(1)) if m else None


def _read_03759(rows: Any, header: list[str], source: Source, ctx: ReadContext, out: _Rows) -> None:
    idx = {h: i for i, h in enumerate(header)}
    for line, rec in enumerate(rows, start=2):
        if not rec:
            continue
        ctx.rows_read += 1
        if any(name in idx and rec[idx[name]].strip() != code for name, code in BULK_03759_TOTALS.items()):
            continue  # a breakdown by sex, age or marital status: only the totals are read
        _emit(
            rec[idx["RegioS"]],
            rec[idx["Perioden"]],
            rec[idx[BULK_03759_VALUE]],
            TOTAL_AGE,
            line,
            source,
            ctx,
            out,
            (BULK_03759_VALUE, "RegioS", "Perioden"),
        )


def _read_85984(rows: Any, header: list[str], source: Source, ctx: ReadContext, out: _Rows) -> None:
    idx = {h: i for i, h in enumerate(header)}
    m = _TABLE_ID_RE.search(source.path.name)
    year_text = str(KWB_TABLE_YEARS.get(m.group(1).upper(), "")) if m else ""
    if "Perioden" not in idx and not year_text:
        raise IvpError(
            Problem(
                "missing-year",
                "het bestand zegt niet voor welk jaar de cijfers zijn",
                file=source.name,
                column="Perioden",
                hint="houd het tabelnummer in de bestandsnaam, bv. 85984NED_bevolking.csv",
            )
        )
    for line, rec in enumerate(rows, start=2):
        if not rec:
            continue
        ctx.rows_read += 1
        code = rec[idx["WijkenEnBuurten"]].strip()
        if not code.startswith(("GM", "NL")):
            continue  # wijk and buurt rows: the municipal rows are the ones read
        year = rec[idx["Perioden"]] if "Perioden" in idx else year_text
        _emit(
            code,
            year,
            rec[idx[BULK_85984_VALUE]],
            TOTAL_AGE,
            line,
            source,
            ctx,
            out,
            (BULK_85984_VALUE, "WijkenEnBuurten", "Perioden"),
        )


def _read_simple(rows: Any, header: list[str], source: Source, ctx: ReadContext, out: _Rows) -> None:
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        name = _classify(h)
        if name and name not in cols:
            cols[name] = i
    for line, rec in enumerate(rows, start=2):
        if not any(c.strip() for c in rec):
            continue
        ctx.rows_read += 1

        def cell(name: str, rec: list[str] = rec) -> str:
            i = cols.get(name)
            return rec[i].strip() if i is not None and i < len(rec) else ""

        age = _age_band(cell("age_band"))
        if age is None:
            ctx.reject(
                Problem(
                    "bad-age-band",
                    "geen leeftijdsklasse zoals 12-17 of totaal",
                    file=source.name,
                    row=line,
                    column=header[cols["age_band"]],
                    value=cell("age_band"),
                )
            )
            continue
        _emit(
            cell("area"),
            cell("year"),
            cell("inhabitants"),
            age,
            line,
            source,
            ctx,
            out,
            (header[cols["inhabitants"]], header[cols["area"]], header[cols["year"]]),
        )


def _age_band(raw: str) -> str | None:
    t = normalise_name(raw)
    if t in {"", "totaal", "total", "alle leeftijden", "all"}:
        return TOTAL_AGE
    m = re.fullmatch(r"(\d{1,3})\s*(?:-|–|t/m|tot en met|to)\s*(\d{1,3})(?:\s*jaar)?", t)
    if m and int(m.group(1)) <= int(m.group(2)):
        return f"{int(m.group(1))}-{int(m.group(2))}"
    m = re.fullmatch(r"(\d{1,3})\s*(?:\+|jaar en ouder|en ouder|or older)", t)
    return f"{int(m.group(1))}+" if m else None


def _emit(
    area_raw: str,
    year_raw: str,
    value_raw: str,
    age: str,
    line: int,
    source: Source,
    ctx: ReadContext,
    out: _Rows,
    columns: tuple[str, str, str],
) -> None:
    value_col, area_col, year_col = columns
    area = registry().get(area_raw) if registry().is_code(area_raw) else resolve_area(area_raw)
    if area is None:
        ctx.reject(
            Problem(
                "unknown-region",
                "gebied niet gevonden in de gebiedenlijst",
                file=source.name,
                row=line,
                column=area_col,
                value=area_raw.strip(),
            )
        )
        return
    year = _year(year_raw)
    if year is None:
        ctx.reject(
            Problem(
                "bad-period",
                "geen jaar zoals 2024 of 2024JJ00",
                file=source.name,
                row=line,
                column=year_col,
                value=year_raw.strip(),
            )
        )
        return
    count = _count(value_raw, ctx, source.name, line, value_col)
    if count is not None:
        out.add(ctx, area, year, age, count, line, value_col)
