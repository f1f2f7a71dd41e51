"""Police figures with labels only: the data.politie.nl portal CSV (2025) and Politie StatLine CSV (2019).

Columns are mapped by header name in any order (the user arranges the table before downloading).
Cells are titles ("1.1.1 Diefstal/inbraak woning", "2024 januari*", "Wijk 10 Denekamp"), counts are
padded and quoted in the portal export and bare in StatLine's. A file re-saved by Excel may be
cp1252 with ',' or ';'.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ivp_pipeline.offences import Offence, offences
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.schemas import POLICE
from ivp_pipeline.sources.base import Head, ReadContext, Source
from ivp_pipeline.sources.police.areas import LABEL_KINDS, AreaResolver
from ivp_pipeline.sources.police.common import not_a_police_table, sidecar_table_id
from ivp_pipeline.sources.police.periods import Period, parse_code, parse_label
from ivp_pipeline.sources.police.table import PoliceTableBuilder
from ivp_pipeline.sources.police.values import parse_value
from ivp_pipeline.sources.textio import (
    TextFile,
    csv_reason,
    detect_encoding,
    encoding_error,
    ends_inside_quotes,
    ends_with_newline,
    open_text,
    read_head,
    sniff_delimiter,
)

if TYPE_CHECKING:
    import pyarrow as pa

KIND = "police-labels-csv"
DATASET = POLICE
OFFENCE_HEADERS = {"soort misdrijf": "crime", "overlast": "overlast", "soort overlast": "overlast"}
# "Geregisteerde" is a genuine typo of the 2019 StatLine export.
_COUNT = re.compile(r"^(?:totaal )?(?:geregistr?eerde|registraties) (\w+)")
# The count itself, not a derived topic such as "Geregistreerde misdrijven per 1000 inwoners".
_COUNT_EXACT = re.compile(r"^(?:geregistr?eerde|registraties) (misdrijven|overlast)$")
_UNIT = re.compile(r"\s*\([^)]*\)\s*$")


def _norm(header: str) -> str:
    return _UNIT.sub("", " ".join(header.replace("\ufeff", "").split()).casefold())


def _header(text: str) -> list[str]:
    first = text.splitlines()[0] if text else ""
    return next(csv.reader([first], delimiter=sniff_delimiter(first)), [])


def sniff(head: Head) -> bool:
    if not head.text:
        return False
    names = [_norm(h) for h in _header(head.text)]
    if not names or names[0] == "id" or "perioden" not in names:
        return False
    # Strict here: survey exports have indicator columns that mention "overlast".
    return any(n in OFFENCE_HEADERS for n in names) or any(_COUNT.match(n) for n in names)


def _offence_measure(name: str) -> str:
    """'crime' or 'overlast' for the column that holds the offence titles, '' for other columns."""
    if name in OFFENCE_HEADERS:
        return OFFENCE_HEADERS[name]
    # The overlast dimension's title varies between tables ("Overlast", "Soort overlast", ...).
    return "overlast" if "overlast" in name and not _COUNT.match(name) else ""


@dataclass(frozen=True)
class LabelLayout:
    measure: str
    offence: int
    area: int
    area_kind: str
    period: int
    count: int
    soort_regio: int | None
    names: list[str]


def _layout(header: list[str], source: Source) -> LabelLayout:
    names = [_norm(h) for h in header]
    shown = ";".join(header)[:200]
    offence = [i for i, n in enumerate(names) if _offence_measure(n)]
    if not offence:
        raise not_a_police_table(source, "er is geen kolom 'Soort misdrijf' of 'Overlast'", shown)
    measure = _offence_measure(names[offence[0]])
    word = "misdrijven" if measure == "crime" else "overlast"
    counts = [i for i, n in enumerate(names) if (m := _COUNT_EXACT.match(n)) and m.group(1) == word]
    areas = [i for i, n in enumerate(names) if n in LABEL_KINDS]
    wanted = (("Regio's, Wijken en buurten of Plaatsen", areas),
              ("Perioden", [i for i, n in enumerate(names) if n == "perioden"]),
              (f"Geregistreerde {word} (aantal)", counts))  # fmt: skip
    for what, found in wanted:
        if not found:
            raise IvpError(Problem(
                "missing-column", f"de politietabel heeft geen kolom {what}", file=source.name,
                column=what, value=shown, hint="download de tabel opnieuw met deze kolom geselecteerd",
            ))  # fmt: skip
    soort = [i for i, n in enumerate(names) if n == "soort regio"]
    return LabelLayout(measure, offence[0], areas[0], LABEL_KINDS[names[areas[0]]], wanted[1][1][0],
                       counts[0], soort[0] if soort else None, header)  # fmt: skip


def read(source: Source, ctx: ReadContext) -> Iterator[pa.Table]:
    encoding = detect_encoding(read_head(source.path), source.name)
    try:
        with open_text(source.path, encoding, source.name) as fh:
            table = _read_rows(source, ctx, fh)
    except UnicodeDecodeError as exc:
        raise encoding_error(source.path, encoding, source.name) from exc
    if table is not None:
        yield table


def _read_rows(source: Source, ctx: ReadContext, fh: TextFile) -> pa.Table | None:
    first, second = fh.readline(), fh.readline().rstrip("\r\n")
    fh.seek(0)
    # The portal quotes every field, counts included; StatLine leaves numbers bare.
    ctx.meta["kind_detail"] = "police-portal-csv" if second.endswith('"') else "police-statline-csv"
    reader = csv.reader(fh, delimiter=sniff_delimiter(first))
    header = next(reader, [])
    lay = _layout(header, source)
    builder = PoliceTableBuilder(source, lay.measure, sidecar_table_id(source), lay.names[lay.area].strip())
    cells = _LabelCells(builder, lay)
    width = len(header)
    start = reader.line_num + 1
    already = len(ctx.rejects)
    cut_off = not ends_with_newline(source.path)
    open_quote = cut_off and ends_inside_quotes(source.path)  # cut inside the last quoted field
    try:
        for (row, rec), last in _with_last(_numbered(reader, start)):
            start = row
            if not rec or all(not c.strip() for c in rec):
                continue  # blank line
            ctx.rows_read += 1
            if len(rec) != width or (last and open_quote):
                # A short last row that runs into the end of the file is a cut-off download.
                cut = last and (open_quote or (len(rec) < width and (cut_off or any("\n" in c for c in rec))))
                ctx.reject(Problem(
                    "truncated-row" if cut else "missing-field" if len(rec) < width else "extra-field",
                    f"de rij heeft {len(rec)} velden, de kop {width}", file=source.name, row=row,
                    value=";".join(rec),
                    hint="de download is afgebroken: download het bestand opnieuw" if cut
                    else "elke rij heeft één waarde per kolom van de kop nodig",
                ))  # fmt: skip
                continue
            problem = cells.add(rec, row)
            if problem:
                ctx.reject(problem)
    except csv.Error as exc:  # e.g. a NUL byte, or a quote in the wrong place in strict mode
        ctx.reject(Problem(
            "malformed-row", f"de rij is niet te lezen ({csv_reason(exc)})", file=source.name, row=start,
            hint="download het bestand opnieuw; is het bewerkt, sla het dan op als CSV UTF-8",
        ))  # fmt: skip
    table = builder.finish(ctx)
    ctx.rejects[already:] = sorted(ctx.rejects[already:], key=lambda p: p.row or 0)
    return table


def _numbered(reader: Any, start: int) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) per record; a quoted field may span lines."""
    for rec in reader:
        yield start, rec
        start = reader.line_num + 1


def _with_last(items: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[tuple[int, list[str]], bool]]:
    it = iter(items)
    prev = next(it, None)
    while prev is not None:
        nxt = next(it, None)
        yield prev, nxt is None
        prev = nxt


class _LabelCells:
    """Turns one row of titles into builder ids, caching per distinct cell."""

    def __init__(self, builder: PoliceTableBuilder, lay: LabelLayout) -> None:
        self.b, self.lay = builder, lay
        self.areas = AreaResolver(lay.area_kind)
        self._off: dict[str, Offence | None] = {}
        self._per: dict[str, Period | None] = {}

    def add(self, rec: list[str], row: int) -> Problem | None:
        lay, b, file = self.lay, self.b, self.b.source.name
        col = lay.names

        def at(problem: Problem, i: int) -> Problem:
            return problem.at(file=file, row=row, column=col[i].strip(), value=rec[i])

        cell = rec[lay.offence]
        off = self._off[cell] if cell in self._off else self._off.setdefault(
            cell, offences().from_label(lay.measure, cell))  # fmt: skip
        if off is None:
            problem = Problem(
                "unknown-code",
                f"geen bekende omschrijving van {'een misdrijf' if lay.measure == 'crime' else 'overlast'}",
                hint="zie docs/sources-police.md voor de omschrijvingen in de politietabellen",
            )
            return at(problem, lay.offence)
        hint = rec[lay.soort_regio] if lay.soort_regio is not None else ""
        region = self.areas.resolve(rec[lay.area], hint)
        if isinstance(region, Problem):
            return at(region, lay.area)
        cell = rec[lay.period]
        period = self._per[cell] if cell in self._per else self._per.setdefault(
            cell, parse_label(cell) or parse_code(cell))  # fmt: skip
        if period is None:
            problem = Problem(
                "invalid-period",
                "geen periode zoals 2024, 2024 januari of 2024 1e kwartaal",
                hint="controleer de kolom Perioden",
            )
            return at(problem, lay.period)
        parsed = parse_value(rec[lay.count])
        if isinstance(parsed, Problem):
            return at(parsed, lay.count)
        value, state = parsed
        b.add_row(b.area_id(region), b.offence_id(off), b.period_id(period), value, state, row)
        return None
