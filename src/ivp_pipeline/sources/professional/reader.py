"""Professional input workbooks (from `ivp template professional`, as people really fill them in)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.regions import normalise_name
from ivp_pipeline.schemas import PROFESSIONAL
from ivp_pipeline.sources.base import Head, ReadContext, Source, missing_column
from ivp_pipeline.sources.professional import layout, privacy
from ivp_pipeline.sources.professional.parsing import parse_organisation_type
from ivp_pipeline.sources.professional.rows import Rows, Sheet, names_in, read_sheet
from ivp_pipeline.sources.xlsxio import find_header, grid, open_workbook, shared_strings, text

if TYPE_CHECKING:
    import pyarrow as pa


KIND = "professional"
DATASET = PROFESSIONAL
# The theme labels of the catalogue decide which rows are valid: a catalogue change re-reads the file.
USES_THEMES = True

REQUIRED = ("theme", *layout.RATING_COLUMNS)
_RESPONDENT_FIELDS = ("name", "organisation", "organisation_type", "email", "phone", "municipality")


def sniff(head: Head) -> bool:
    if not head.is_zip:
        return False
    found = {layout.classify(s) for s in shared_strings(head.source.path)}
    return "theme" in found and len(found & set(layout.RATING_COLUMNS)) >= 2


def read(source: Source, ctx: ReadContext) -> Iterator[pa.Table]:
    wb = open_workbook(source.path, source.name)
    fwb = open_workbook(source.path, source.name, data_only=False)
    hidden: list[str] = []
    sheets, problems = _input_sheets(wb, fwb, source.name, hidden)
    if not sheets and not problems:
        problems.append(
            Problem(
                "missing-sheet",
                f"geen invoerblad {layout.INPUT_SHEET!r} met de kolommen Thema, Grootte, Ernst, "
                "Ontwikkeling en Urgentie"
                + (f" (verborgen bladen worden niet gelezen: {', '.join(hidden)})" if hidden else ""),
                file=source.name,
                value=", ".join(wb.sheetnames),
                hint="gebruik de werkmap van `ivp template professional` en vul het blad 'Invoer' in"
                + ("; maak het invoerblad zichtbaar" if hidden else ""),
            )
        )
    key = ctx.pseudonym_key()

    themes = dict(ctx.themes)
    out = Rows(source)
    # Compiled once per workbook: every name in it is scrubbed from every remark. Beyond
    # MAX_COLLEAGUES distinct names (not a team, but a list) each sheet scrubs its own names, so the
    # work stays linear in the rows.
    names = sorted({n for sheet in sheets for n in names_in(sheet)})
    patterns = privacy.name_patterns(names) if len(names) <= privacy.MAX_COLLEAGUES else None
    for sheet in sheets:
        problems.extend(read_sheet(sheet, source.name, key, themes, out, ctx, patterns))
    if sheets and ctx.rows_read == 0 and not any(p.code == "missing-column" for p in problems):
        raise IvpError(  # the template as handed out: say that, not what else is missing
            Problem(
                "empty-file",
                "de werkmap heeft geen ingevulde rijen (een lege sjabloon)",
                file=source.name,
                sheet=sheets[0].title,
                hint="vul per thema de scores in, of haal het bestand uit data/raw",
            )
        )
    if problems:  # a file-level problem: report it with every row problem of the workbook, at once
        raise IvpError(problems[0], [*problems[1:], *ctx.rejects])
    ctx.meta.update(
        sheets=[s.title for s in sheets],
        ignored_hidden_sheets=hidden,
        hidden_rows={
            s.title: rows
            for s in sheets
            if (rows := sorted(r for r in s.hidden_rows if r > s.header.row + 1))
        },
        respondents=len(out.respondents),
        resolved_names=dict(sorted(out.resolved.items())),
    )
    yield out.table()


def _input_sheets(wb: Any, fwb: Any, file: str, hidden: list[str]) -> tuple[list[Sheet], list[Problem]]:
    """Visible sheets with the table's header row; hidden sheets are never read (a hidden stale copy
    named 'Invoer' or with the input layout is listed in `hidden`, for the manifest)."""
    found: list[Sheet] = []
    problems: list[Problem] = []
    for ws in wb.worksheets:
        is_input = normalise_name(ws.title) == normalise_name(layout.INPUT_SHEET)
        if ws.sheet_state != "visible":  # only its first rows, to say why it is ignored
            top = [list(r) for r in ws.iter_rows(max_row=min(ws.max_row, 30), values_only=True)]
            if is_input or find_header(top, layout.classify, {"theme"}) is not None:
                hidden.append(ws.title)
            continue
        rows = grid(ws, file)
        header = find_header(rows, layout.classify, {"theme"})
        if header is None:
            if is_input:
                problems.append(
                    Problem(
                        "missing-column",
                        "geen koprij met Thema, Grootte, Ernst, Ontwikkeling en Urgentie gevonden",
                        file=file,
                        sheet=ws.title,
                        column="Thema",
                        hint="laat de koprij van de sjabloon staan",
                    )
                )
            continue
        missing = [c for c in REQUIRED if c not in header.columns]
        sheet = Sheet(
            ws.title,
            rows,
            grid(fwb[ws.title], file),
            header,
            _block(rows, header.row),
            merged=[(m.min_row, m.min_col, m.max_row, m.max_col, m.coord) for m in ws.merged_cells.ranges],
            hidden_rows={r for r, d in ws.row_dimensions.items() if d.hidden},
        )
        if "municipality" not in header.columns and "municipality" not in sheet.block:
            missing.insert(0, "municipality")
        for name in missing:
            label = layout.TABLE_HEADERS[name]
            hint = "houd de kolommen van de sjabloon aan; voeg de ontbrekende toe"
            problems.append(missing_column(label, file, hint, ws.title, header.row + 1))
        found.append(sheet)
    return found, problems


def _block(rows: list[list[Any]], header_row: int) -> dict[str, str]:
    """'Label | value' pairs above the table (Naam, Organisatie, Type organisatie, E-mail, Gemeente)."""
    block: dict[str, str] = {}
    for row in rows[:header_row]:
        kinds = [layout.classify(cell) if isinstance(cell, str) else None for cell in row]
        if {"theme", *layout.RATING_COLUMNS} & set(kinds):
            continue  # the upper row of a two-row table header, not a respondent field
        for c, name in enumerate(kinds):
            if name not in _RESPONDENT_FIELDS or name in block:
                continue
            value = next((text(v) for v in row[c + 1 :] if text(v)), "")
            # A value that is also a header word (organisation type `gemeente`) is still a value when
            # it is one of the field's own choices.
            if value and (layout.classify(value) is None or _is_choice(name, value)):
                block[name] = value
    return block


def _is_choice(field: str, value: str) -> bool:
    """Whether `value` is one of the drop-down values the template offers for this respondent field."""
    if field == "organisation_type":
        return isinstance(parse_organisation_type(value), str)
    return False
