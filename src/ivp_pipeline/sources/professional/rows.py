"""One input sheet of a professional workbook -> canonical rows, rejects and sheet-level problems."""

from __future__ import annotations

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


def read_sheet(
    sheet: Sheet, file: str, key: bytes, themes: dict[str, str], out: Rows, ctx: ReadContext
) -> list[Problem]:
    """Rows of one sheet -> output rows; row problems go to rejects, sheet problems are returned."""
    cols, labels = sheet.header.columns, sheet.header.labels
    block_names = [sheet.block[k] for k in ("name",) if k in sheet.block]
    sheet_problems: list[Problem] = []
    block_type: str | None = None
    parsed_type = parse_organisation_type(sheet.block.get("organisation_type"))
    if isinstance(parsed_type, Problem):
        label = layout.RESPONDENT_LABELS["organisation_type"]
        raw = sheet.block["organisation_type"]
        sheet_problems.append(
            _placed(parsed_type, file, sheet.title, None, label, raw, privacy.name_patterns(block_names))
        )
    else:
        block_type = parsed_type
    if block_type is None and not sheet_problems and "organisation_type" not in cols:
        sheet_problems.append(
            Problem(
                "missing-value",
                "the organisation type is not filled in",
                file=file,
                sheet=sheet.title,
                column="Type organisatie",
                hint="choose the type of your organisation from the list",
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
        names = [text(cell("name"))] if text(cell("name")) else block_names
        patterns = privacy.name_patterns(names)
        problems: list[Problem] = []
        for name in cols:
            if cell(name) is None and _is_formula(sheet, r, cols[name]):
                problems.append(
                    Problem(
                        "formula-without-value",
                        "a formula without a calculated value",
                        file=file,
                        sheet=sheet.title,
                        row=excel_row,
                        column=where(name),
                        hint="open the workbook in Excel, let it calculate, save it again",
                    )
                )
        ratings: dict[str, int] = {}
        for crit in layout.RATING_COLUMNS:
            if crit not in cols:
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
                    "ratings without a theme",
                    file=file,
                    sheet=sheet.title,
                    row=excel_row,
                    column=where("theme"),
                    hint="choose the theme these ratings are about",
                )
            )
        muni_raw = cell("municipality") if "municipality" in cols else sheet.block.get("municipality")
        muni_col = where("municipality") if "municipality" in cols else "Gemeente"
        muni = _parse(
            partial(parse_municipality, muni_raw),
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
                    "no municipality",
                    file=file,
                    sheet=sheet.title,
                    row=excel_row,
                    column=muni_col,
                    hint="choose a municipality or 'Heel Noordoost Twente'",
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
                    "no organisation type",
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
                        "this theme was already rated for this municipality by the same respondent",
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
