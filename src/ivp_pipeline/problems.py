"""Input problems as data: a stable code, a position in the user's terms, and what to do."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One problem with one input, in the words of the person who made the input.

    `code` is stable (kebab-case, e.g. ``unknown-region``); tests compare codes and positions.
    `row` is the 1-based line (CSV) or sheet row (xlsx) as the user sees it in an editor or Excel.
    """

    code: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    hint: str = ""

    def line(self) -> str:
        """One line: where, what, the value, what to do."""
        where = [self.file] if self.file else []
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        text = ", ".join(where)
        text = f"{text}: [{self.code}] {self.message}" if text else f"[{self.code}] {self.message}"
        if self.value:
            text += f" (value {_short(self.value)!r})"
        if self.hint:
            text += f"; {self.hint}"
        return text


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
    """Serialise problems as CSV text (the rejects listing)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for p in problems:
        rec = asdict(p)
        writer.writerow({k: "" if rec[k] is None else rec[k] for k in FIELDS})
    return buf.getvalue()
