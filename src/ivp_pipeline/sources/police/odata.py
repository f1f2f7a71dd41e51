"""OData v3 JSON of police tables: one page object (`value` rows, `odata.nextLink`) or an array of pages.

The table id is read from `odata.metadata` or `odata.nextLink` (.../OData/47013NED/...). Rows are
numbered 1, 2, ... across all pages in file order; a reject names the row's position and its ID.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.schemas import POLICE, VALUE_STATES
from ivp_pipeline.sources.base import ReadContext, Source
from ivp_pipeline.sources.police import early
from ivp_pipeline.sources.police.cells import CodedCells
from ivp_pipeline.sources.police.common import sidecar_period_statuses, sidecar_table_id, table_id_in
from ivp_pipeline.sources.police.layout import coded_layout
from ivp_pipeline.sources.police.table import PoliceTableBuilder
from ivp_pipeline.sources.textio import detect_encoding, encoding_error, read_head

if TYPE_CHECKING:
    import pyarrow as pa

KIND = "police-odata-json"
DATASET = POLICE
sniff = early.sniff_odata  # in early.py: the read-ahead sniffs with it before this module is loaded


def read(source: Source, ctx: ReadContext) -> Iterator[pa.Table]:
    pages = _pages(source)
    links = [str(p.get(k, "")) for p in pages for k in ("odata.metadata", "odata.nextLink")]
    table_id = next((t for t in map(table_id_in, links) if t), None) or sidecar_table_id(source)
    rows = [r for p in pages for r in _rows(p, source)]
    if not rows:
        raise IvpError(Problem("empty-file", "het OData-bestand heeft geen rijen in 'value'",
                               file=source.name,
                               hint="download de tabel opnieuw; controleer het filter"))  # fmt: skip
    names = list(rows[0]) if isinstance(rows[0], dict) else []
    layout = coded_layout(names, source, table_id)
    ctx.meta["kind_detail"] = "odata-v3-json"
    builder = PoliceTableBuilder(source, layout.measure, table_id, layout.area)
    cells = CodedCells(builder, layout.area_kind, sidecar_period_statuses(source))
    for n, rec in enumerate(rows, start=1):
        ctx.rows_read += 1
        problem = _row(cells, rec, n, layout.columns, source.name)
        if problem:
            ctx.reject(problem)
    table = builder.finish(ctx)
    if table is not None:
        yield table


def _row(cells: CodedCells, rec: Any, n: int, columns: list[str], file: str) -> Problem | None:
    if not isinstance(rec, dict):
        return Problem("malformed-row", "een rij van 'value' is geen object", file=file, row=n,
                       value=str(rec)[:60], hint="download de tabel opnieuw")  # fmt: skip
    off_col, area_col, per_col, count_col = columns
    found: list[Any] = []
    for col, lookup in ((off_col, cells.offence), (area_col, cells.area), (per_col, cells.period)):
        cell = rec.get(col)
        if not isinstance(cell, str):
            return Problem("missing-field", f"de rij heeft geen tekst in {col}", file=file, row=n, column=col,
                           value=_id(rec), hint="download de tabel opnieuw")  # fmt: skip
        got = lookup(cell)
        if isinstance(got, Problem):
            return got.at(file=file, row=n, column=col, value=cell)
        found.append(got)
    if count_col not in rec:
        return Problem("missing-field", f"de rij heeft geen {count_col}", file=file, row=n, column=count_col,
                       value=_id(rec), hint="download de tabel opnieuw")  # fmt: skip
    got_v = cells.value(rec[count_col])
    if isinstance(got_v, Problem):
        return got_v.at(file=file, row=n, column=count_col, value=json.dumps(rec[count_col]))
    off, area, per = found
    b = cells.builder
    b.add_row(area, off, per, got_v[0], VALUE_STATES[got_v[1]], n)
    return None


def _id(rec: dict[str, Any]) -> str:
    return f"ID {rec.get('ID')}"


def _pages(source: Source) -> list[dict[str, Any]]:
    encoding = detect_encoding(read_head(source.path), source.name)
    try:
        text = source.path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise encoding_error(source.path, encoding, source.name) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # Every OData page ends with '}' (or ']' for a list of pages); else the download was cut off.
        cut = not text.rstrip().endswith(("}", "]"))
        raise IvpError(Problem(
            "truncated-file" if cut else "invalid-json",
            f"{'de JSON eindigt te vroeg' if cut else 'geen geldige JSON'} (teken {exc.colno} van de regel)",
            file=source.name, row=exc.lineno,
            hint="de download is afgebroken: download het bestand opnieuw" if cut
            else "download het bestand opnieuw",
        )) from exc  # fmt: skip
    pages = data if isinstance(data, list) else [data]
    if not pages or not all(isinstance(p, dict) for p in pages):
        raise IvpError(Problem("invalid-json", "verwacht een OData-pagina (object) of een lijst daarvan",
                               file=source.name, hint="download het bestand opnieuw"))  # fmt: skip
    return pages


def _rows(page: dict[str, Any], source: Source) -> list[Any]:
    rows = page.get("value")
    if not isinstance(rows, list):
        raise IvpError(Problem("missing-column", "een OData-pagina heeft geen lijst 'value'",
                               file=source.name,
                               column="value", hint="download de TypedDataSet van de tabel"))  # fmt: skip
    return rows
