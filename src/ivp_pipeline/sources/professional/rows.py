"""One input sheet of a professional workbook -> canonical rows, rejects and sheet-level problems."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pyarrow as pa

from ivp_pipeline.problems import Problem
from ivp_pipeline.schemas import PROFESSIONAL
from ivp_pipeline.sources.base import ReadContext, Source
from ivp_pipeline.sources.professional import layout, privacy
from ivp_pipeline.sources.professional.parsing import (
    parse_municipality,
    parse_organisation_type,
    parse_rating,
    parse_theme,
)
from ivp_pipeline.sources.xlsxio import HeaderMatch, column_letter, text


@dataclass
class Sheet:
    """One input sheet being read: where things are, and what was found above the table."""

    title: str
    rows: list[list[Any]]
    formulas: list[list[Any]]
    header: HeaderMatch
    block: dict[str, str] = field(default_factory=dict)
    # (min_row, min_col, max_row, max_col, "C10:F10"), 1-based as in Excel
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)  # 1-based sheet rows hidden in Excel


class Rows:
    """Output columns of one workbook, plus what the manifest may know (no names, ever)."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.columns: dict[str, list[Any]] = {n: [] for n in PROFESSIONAL.schema.names}
        self.respondents: set[str] = set()
        self.resolved: dict[str, str] = {}
        self.keys: set[tuple[str, ...]] = set()

    def add(self, **rec: Any) -> None:
        rec.update(source_file=self.source.name, source_sha256=self.source.sha256)
        for n in self.columns:
            self.columns[n].append(rec[n])

    def table(self) -> pa.Table:

        return PROFESSIONAL.build(self.columns)


def names_in(sheet: Sheet) -> list[str]:
    """Every person named in a sheet: the respondent block and a per-row `Naam` column."""
    names = [sheet.block["name"]] if "name" in sheet.block else []
    c = sheet.header.columns.get("name")
    if c is not None:
        names += [text(row[c]) for row in sheet.rows[sheet.header.row + 1 :] if c < len(row) and text(row[c])]
    return names


def read_sheet(
    sheet: Sheet,
    file: str,
    key: bytes,
    themes: dict[str, str],
    out: Rows,
    ctx: ReadContext,
    patterns: list[Any] | None = None,
) -> list[Problem]:
    """Rows of one sheet -> output rows; row problems go to rejects, sheet problems are returned.

    `patterns`: the names to scrub from remarks and quoted values, of every respondent of the workbook
    (a colleague named in a remark is as private as the respondent); default: this sheet's names.
    """
    cols, labels = sheet.header.columns, sheet.header.labels
    own_names = patterns is None  # too many names in the workbook: each row scrubs its own (and the block)
    block_names = [sheet.block["name"]] if "name" in sheet.block else []
    if patterns is None:
        patterns = privacy.name_patterns(block_names)
    sheet_problems: list[Problem] = []
    block_type: str | None = None
    parsed_type = parse_organisation_type(sheet.block.get("organisation_type"))
    if isinstance(parsed_type, Problem):
        label = layout.RESPONDENT_LABELS["organisation_type"]
        raw = sheet.block["organisation_type"]
        sheet_problems.append(_placed(parsed_type, file, sheet.title, None, label, raw, patterns))
    else:
        block_type = parsed_type
    if block_type is None and not sheet_problems and "organisation_type" not in cols:
        sheet_problems.append(
            Problem(
                "missing-value",
                "het type organisatie is niet ingevuld",
                file=file,
                sheet=sheet.title,
                column="Type organisatie",
                hint="kies het type van uw organisatie uit de lijst",
            )
        )

    for r in range(sheet.header.row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        excel_row = r + 1

        def cell(name: str, row: list[Any] = row) -> Any:
            c = cols.get(name)
            return row[c] if c is not None and c < len(row) else None

        def where(name: str) -> str:
            c = cols[name]
            return f"{column_letter(c)} ({labels[name]})"

        if not any(text(v) for v in row) and not _formula_cells(sheet, r, cols):
            continue
        ctx.rows_read += 1
        if own_names:
            patterns = privacy.name_patterns(
                [text(cell("name")), *block_names] if text(cell("name")) else block_names
            )
        problems: list[Problem] = []
        for name in cols:
            if cell(name) is None and _is_formula(sheet, r, cols[name]):
                problems.append(
                    Problem(
                        "formula-without-value",
                        "een formule zonder berekende waarde",
                        file=file,
                        sheet=sheet.title,
                        row=excel_row,
                        column=where(name),
                        hint="open de werkmap in Excel, laat hem rekenen en sla hem opnieuw op",
                    )
                )
        external = {n for n in cols if _is_external(sheet, r, cols[n])}
        for name in sorted(external):
            problems.append(
                Problem(
                    "external-link",
                    "de cel is een formule met een koppeling naar een andere werkmap; de waarde kan "
                    "verouderd zijn",
                    file=file,
                    sheet=sheet.title,
                    row=excel_row,
                    column=f"{column_letter(cols[name])}{excel_row} ({labels[name]})",
                    hint="typ de waarde zelf in (of kopieer en plak als waarde) en sla opnieuw op",
                )
            )
        spread = _merged_ratings(sheet, excel_row, cols)
        for coord in sorted(set(spread.values())):
            problems.append(
                Problem(
                    "merged-cells",
                    f"één waarde in de samengevoegde cellen {coord} zou voor meer dan één score tellen",
                    file=file,
                    sheet=sheet.title,
                    row=excel_row,
                    column=coord,
                    hint="maak de samenvoeging ongedaan en vul elke score in een eigen cel in",
                )
            )
        ratings: dict[str, int] = {}
        for crit in layout.RATING_COLUMNS:
            if crit not in cols or crit in external or crit in spread:
                continue
            value = parse_rating(cell(crit))
            if isinstance(value, Problem):
                problems.append(
                    _placed(value, file, sheet.title, excel_row, where(crit), cell(crit), patterns)
                )
                continue
            if value is not None:
                ratings[crit] = value
        theme_raw = cell("theme")
        if (
            not text(theme_raw)
            and not ratings
            and not any(p.code != "formula-without-value" for p in problems)
        ):
            for p in problems:
                ctx.reject(p)
            continue  # a remark or a note without a theme: nothing to read
        theme = _parse(
            partial(parse_theme, theme_raw, themes),
            problems,
            file,
            sheet.title,
            excel_row,
            where("theme"),
            theme_raw,
            patterns,
        )
        if theme is None and not any(p.column == where("theme") for p in problems):
            problems.append(
                Problem(
                    "missing-value",
                    "scores zonder thema",
                    file=file,
                    sheet=sheet.title,
                    row=excel_row,
                    column=where("theme"),
                    hint="kies het thema waar deze scores over gaan",
                )
            )
        muni_raw = cell("municipality") if "municipality" in cols else sheet.block.get("municipality")
        muni_col = where("municipality") if "municipality" in cols else "Gemeente"
        muni = _parse(
            partial(parse_municipality, muni_raw, ctx.region),
            problems,
            file,
            sheet.title,
            excel_row,
            muni_col,
            muni_raw,
            patterns,
        )
        if muni is None and not any(p.column == muni_col for p in problems):
            problems.append(
                Problem(
                    "missing-value",
                    "geen gemeente",
                    file=file,
                    sheet=sheet.title,
                    row=excel_row,
                    column=muni_col,
                    hint="kies een gemeente, of de hele regio, uit de keuzelijst",
                )
            )
        org_type = block_type
        if "organisation_type" in cols and text(cell("organisation_type")):
            org_type = _parse(
                partial(parse_organisation_type, cell("organisation_type")),
                problems,
                file,
                sheet.title,
                excel_row,
                where("organisation_type"),
                cell("organisation_type"),
                patterns,
            )
        bad_type = any(
            "organisation_type" in cols and p.column == where("organisation_type") for p in problems
        )
        if org_type is None and "organisation_type" in cols and not bad_type:
            problems.append(
                Problem(
                    "missing-value",
                    "geen type organisatie",
                    file=file,
                    sheet=sheet.title,
                    row=excel_row,
                    column=where("organisation_type"),
                )
            )
        for p in problems:
            ctx.reject(p)
        if theme is None or muni is None or org_type is None:
            continue
        code, exact = muni
        if not exact:
            out.resolved[text(muni_raw)] = code
        ident = [text(cell(k)) or sheet.block.get(k, "") for k in ("name", "email", "organisation")]
        if not any(ident[:2]):  # anonymous: one respondent per sheet of this workbook
            ident = ["bestand", file, sheet.title]
        respondent = privacy.pseudonym(key, *ident)
        out.respondents.add(respondent)
        remark = privacy.scrub(text(cell("remark")), patterns) or None
        for crit, rating in ratings.items():
            k = (code, respondent, org_type, theme, crit)
            if k in out.keys:
                ctx.reject(
                    Problem(
                        "duplicate-row",
                        "deze respondent heeft dit thema voor deze gemeente al gescoord",
                        file=file,
                        sheet=sheet.title,
                        row=excel_row,
                        column=where(crit),
                        value=str(rating),
                    )
                )
                continue
            out.keys.add(k)
            out.add(
                municipality=code,
                organisation_type=org_type,
                respondent=respondent,
                theme=theme,
                criterion=crit,
                rating=rating,
                remark=remark,
                source_sheet=sheet.title,
                source_row=excel_row,
            )
    return sheet_problems


_EXTERNAL = re.compile(r"\[\d+\]|'?[A-Za-z]:\\|https?://|\.xls[xmb]?\]", re.IGNORECASE)


def _is_external(sheet: Sheet, r: int, c: int) -> bool:
    """A formula that refers to another workbook (`=[1]Blad1!A1`): its cached value may be stale."""
    row = sheet.formulas[r] if r < len(sheet.formulas) else []
    value = row[c] if c < len(row) else None
    return isinstance(value, str) and value.startswith("=") and bool(_EXTERNAL.search(value))


def _merged_ratings(sheet: Sheet, excel_row: int, cols: dict[str, int]) -> dict[str, str]:
    """Rating columns of this row that lie in a merged range of more than one cell -> the range."""
    out: dict[str, str] = {}
    for min_row, min_col, max_row, max_col, coord in sheet.merged:
        if not min_row <= excel_row <= max_row or (min_row == max_row and min_col == max_col):
            continue
        for crit in layout.RATING_COLUMNS:
            c = cols.get(crit)
            if c is not None and min_col <= c + 1 <= max_col:
                out[crit] = coord
    return out


def _is_formula(sheet: Sheet, r: int, c: int) -> bool:
    row = sheet.formulas[r] if r < len(sheet.formulas) else []
    value = row[c] if c < len(row) else None
    return isinstance(value, str) and value.startswith("=")


def _formula_cells(sheet: Sheet, r: int, cols: dict[str, int]) -> bool:
    return any(_is_formula(sheet, r, c) for c in cols.values())


def _parse(
    fn: Any,
    problems: list[Problem],
    file: str,
    sheet: str,
    row: int,
    column: str,
    raw: Any,
    patterns: list[Any],
) -> Any:
    got = fn()
    if isinstance(got, Problem):
        problems.append(_placed(got, file, sheet, row, column, raw, patterns))
        return None
    return got


def _placed(
    problem: Problem, file: str, sheet: str, row: int | None, column: str, raw: Any, patterns: list[Any]
) -> Problem:
    # the bad value is shown to the user and kept in the rejects: contact details never go with it
    value = privacy.scrub(text(raw), patterns)
    return problem.at(file=file, sheet=sheet, row=row, column=column, value=value)
