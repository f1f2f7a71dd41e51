"""Input problems as data: a stable code from one registry, a position in the user's terms, what to do."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ivp_pipeline.csvsafe import csv_rows

# Every stable code, declared once (code -> what it means). A Problem with another code is a bug
# (ValueError), so a code cannot be spelled two ways; docs/problems.md lists these, checked by a test.
CODES: Mapping[str, str] = MappingProxyType(
    {
        # A whole file (or a path) cannot be read.
        "missing-path": "a file or folder given on the command line does not exist",
        "empty-file": "the file is empty or has no data rows",
        "unrecognised-file": "the file's content matches no known kind of input",
        "duplicate-file": "the file has the same content as a file that is already ingested",
        "temporary-file": "a temporary file of Excel, LibreOffice or Windows (~$..., Thumbs.db): skipped",
        "hidden-sheet": "a note: a hidden sheet of a workbook was not read",
        "hidden-rows": "a note: hidden rows of a workbook were read like the visible ones",
        "would-remove": "a file replaced in place lacks observations of its earlier version",
        "wrong-encoding": "the file is not text in UTF-8 or Windows-1252 (UTF-16, binary, or a stray byte)",
        "malformed-csv": "the CSV file cannot be parsed",
        "invalid-json": "the file is not valid JSON, or not the JSON of an OData page",
        "truncated-file": "the file ends too early: the download was cut off",
        "bad-workbook": "the file is not a readable .xlsx workbook",
        "too-large": "a file, its unpacked size, a sheet's rows or a line is above a documented limit",
        "xls-workbook": "an old Excel 97-2003 workbook (.xls): save it as .xlsx",
        "xlsb-workbook": "a binary Excel workbook (.xlsb): save it as .xlsx",
        "xlsm-workbook": "a workbook with macros (.xlsm): save it as .xlsx without macros",
        "encrypted-workbook": "a password-protected workbook: remove the password",
        "not-a-police-table": "a crime table that is not a police table (47xxxNED), e.g. CBS's own figures",
        "missing-column": "a column (or the header row) the file needs is missing",
        "missing-sheet": "no sheet of the workbook has the expected columns",
        "missing-year": "the file does not say which year its figures are for",
        "respondent-level-data": "a survey file with one row per respondent: only aggregate results are read",
        # One row or one cell.
        "malformed-row": "a row cannot be read at all",
        "missing-field": "a row has fewer fields than the header, or lacks a field",
        "extra-field": "a row has more fields than the header",
        "truncated-row": "the last row is cut off: the download ended too early",
        "duplicate-row": "a second row with the same key as an earlier row",
        "missing-value": "a required cell is empty or unknown",
        "formula-without-value": "a workbook cell holds a formula without a calculated value",
        "external-link": "a workbook cell holds a formula that refers to another workbook",
        "merged-cells": "one value typed into merged cells would count for several ratings",
        "not-a-number": "a cell is not a number of the expected kind",
        "negative-count": "a count is negative",
        "value-out-of-range": "a value lies outside the range of its unit",
        "interval-excludes-value": "an interval's bounds do not contain the value",
        "bound-without-value": "an interval bound without a value row for the same period and region",
        "not-a-rating": "a rating is not a whole number from 1 to 5 (text, a date or a fraction)",
        "rating-out-of-range": "a rating is a number outside 1 to 5",
        "invalid-period": "a police period cell is not a known period code or title",
        "bad-period": "a year (or period) cell is not a year, quarter or month",
        "bad-geo-file": "a wijk boundary file in data/raw/geo cannot be read (GeoJSON or GeoPackage)",
        "bad-age-band": "an age band cell is not an age band",
        "unknown-code": "an offence code or title that is not in the police code list",
        "unknown-region": "an area (code or name) that is not in the region list",
        "ambiguous-region": "an area name that fits more than one area",
        "unknown-municipality": "not a municipality of the region ([region]), nor the whole region",
        "unknown-theme": "a theme that is not in the theme catalogue",
        "unknown-organisation-type": "an organisation type that is not in the list of types",
        "unknown-margin": "a Marges cell that is not Waarde, Ondergrens or Bovengrens",
        "unknown-unit": "a unit that is not percent, rapportcijfer or schaalscore",
        # Configuration and the workspace.
        "bad-config": "a configuration or catalogue file is not valid",
        "bad-weights": "a weight profile has a negative weight, or its weights do not sum to 1",
        "unknown-profile": "no weight profile with this name",
        "bad-environment": "an environment variable has an invalid value",
        "bad-key": "the pseudonym key of the workspace is damaged",
        "file-exists": "the output file already exists",
        "workspace-locked": "another ivp run holds the workspace lock",
        "workspace-exists": "ivp init: the folder already holds an ivp.toml",
        "not-a-municipality": "a name or code on the command line that is an area, but not a municipality",
        "sample-region": "ivp init --sample with municipalities other than Noordoost Twente's",
        "missing-folder": "the folder of an output file does not exist",
        "ingest-failed": "a file could not be read during ivp refresh, so nothing was changed",
        # Scoring needs data that is not there.
        "no-processed-data": "there is no processed data to score",
        "no-police-data": "no police figures for a municipality in scope",
        "no-common-period": "no period has police figures for all municipalities in scope",
        "no-population": "no population figures for a municipality in scope",
        # The police web service (ivp fetch).
        "fetch-failed": "the service answered with an error",
        "service-unavailable": "the service did not answer after several attempts",
        "bad-response": "the service's answer is not what ivp expects",
    }
)


# The longest excerpt of a user's value that a problem keeps (messages, the manifest, _rejects.csv).
EXCERPT_CHARS = 120


@dataclass(frozen=True)
class Problem:
    """One problem with one input, in the words of the person who made the input.

    `code` is stable (kebab-case, e.g. ``unknown-region``) and registered in `CODES`; tests compare
    codes and positions. `row` is the 1-based line (CSV) or sheet row (xlsx) as the user sees it in an
    editor or Excel. A parser returns a problem without a position; its caller places it with `at`.
    """

    code: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    hint: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(
                f"unregistered problem code {self.code!r}: declare it in ivp_pipeline.problems.CODES"
            )
        if len(self.value) > EXCERPT_CHARS:  # a 20 MB cell is quoted, never copied whole
            object.__setattr__(self, "value", _short(self.value, EXCERPT_CHARS))

    def at(
        self,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> Problem:
        """This problem at a position; what is not given stays as it is."""
        # Built directly (not dataclasses.replace): readers call this once per rejected row.
        return Problem(
            self.code,
            self.message,
            file=self.file if file is None else file,
            sheet=self.sheet if sheet is None else sheet,
            row=self.row if row is None else row,
            column=self.column if column is None else column,
            value=self.value if value is None else value,
            hint=self.hint,
        )

    def line(self) -> str:
        """One line, in Dutch as every message: where (blad, rij, kolom), what, the value, what to do."""
        where = [self.file] if self.file else []
        if self.sheet:
            where.append(f"blad {self.sheet!r}")
        if self.row is not None:
            where.append(f"rij {self.row}")
        if self.column:
            where.append(f"{self._column_word()} {self.column!r}")
        text = ", ".join(where)
        text = f"{text}: [{self.code}] {self.message}" if text else f"[{self.code}] {self.message}"
        if self.value:
            text += f" (waarde {_short(self.value)!r})"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def _column_word(self) -> str:
        """An option of the command line, a key of a TOML file, else a column of a table."""
        if self.column.startswith("--"):
            return "optie"
        return "sleutel" if self.file.endswith(".toml") else "kolom"


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class IvpError(Exception):
    """A problem the user can fix (bad input or configuration): reported in one line, exit code 1."""

    def __init__(self, problem: Problem, more: Iterable[Problem] = ()) -> None:
        self.problems: list[Problem] = [problem, *more]
        super().__init__(problem.line())

    @property
    def problem(self) -> Problem:
        return self.problems[0]


FIELDS = ["code", "file", "sheet", "row", "column", "value", "message", "hint"]


def problems_to_csv(problems: Iterable[Problem]) -> str:
    """Serialise problems as CSV text (the rejects listing); every text cell is formula-safe and
    values are short excerpts already (Problem.value; csvsafe, the rules of the CSV files under reports/)."""
    return csv_rows(FIELDS, ([getattr(p, k) for k in FIELDS] for p in problems))


def shown_path(path: Path, root: Path) -> str:
    """`path` relative to `root` when inside it (posix), else absolute: how files are named to users."""
    path = path.resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
