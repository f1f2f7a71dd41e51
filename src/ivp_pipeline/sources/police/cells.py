"""Cell by cell resolution of coded police rows (bulk CSV, OData), cached per distinct cell text.

Each lookup returns an id for the table builder, or an `Issue` that becomes a rejected row. The
caches make the per-cell Python work proportional to the distinct values, not to the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivp_pipeline.offences import offences
from ivp_pipeline.problems import Problem
from ivp_pipeline.sources.police.areas import AreaProblem, AreaResolver
from ivp_pipeline.sources.police.periods import parse_code
from ivp_pipeline.sources.police.table import STATE_ID, PoliceTableBuilder
from ivp_pipeline.sources.police.values import BadValue, parse_json_value, parse_value


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    hint: str

    def problem(self, file: str, row: int, column: str, value: str) -> Problem:
        return Problem(self.code, self.message, file=file, row=row, column=column, value=value,
                       hint=self.hint)  # fmt: skip


class CodedCells:
    """Resolves offence, area, period and count cells of one coded file into builder ids."""

    def __init__(
        self, builder: PoliceTableBuilder, area_kind: str, statuses: dict[str, str] | None = None
    ) -> None:
        self.builder = builder
        self.statuses = statuses or {}
        self.areas = AreaResolver(area_kind)
        self._off: dict[str, int | Issue] = {}
        self._area: dict[str, int | Issue] = {}
        self._per: dict[str, int | Issue] = {}
        self._val: dict[object, tuple[int, int] | Issue] = {}

    def offence(self, raw: str) -> int | Issue:
        found = self._off.get(raw)
        if found is None:
            off = offences().get(self.builder.measure, raw)
            found = self._off[raw] = (
                self.builder.offence_id(off)
                if off
                else Issue("unknown-code", f"not a known {self.builder.measure} code",
                           "see docs/sources-police.md for the codes of police tables")
            )  # fmt: skip
        return found

    def area(self, raw: str) -> int | Issue:
        found = self._area.get(raw)
        if found is None:
            region = self.areas.resolve(raw)
            found = self._area[raw] = (
                Issue(region.code, region.message, region.hint)
                if isinstance(region, AreaProblem)
                else self.builder.area_id(region)
            )
        return found

    def period(self, raw: str) -> int | Issue:
        found = self._per.get(raw)
        if found is None:
            period = parse_code(raw, self.statuses.get(raw.strip(), "unknown"))
            found = self._per[raw] = (
                self.builder.period_id(period)
                if period
                else Issue("invalid-period", "not a period code YYYYJJ00, YYYYMM01-12 or YYYYKW01-04",
                           "check the Perioden column")
            )  # fmt: skip
        return found

    def value(self, raw: object) -> tuple[int, int] | Issue:
        """(value, state id) for a count cell; strings follow the CSV legend, JSON null is suppressed."""
        key = raw if isinstance(raw, str) else ("json", repr(raw))
        found = self._val.get(key)
        if found is None:
            parsed = parse_value(raw) if isinstance(raw, str) else parse_json_value(raw)
            if isinstance(parsed, BadValue):
                found = Issue(parsed.code, parsed.message, parsed.hint)
            else:
                found = (0 if parsed[0] is None else parsed[0], STATE_ID[parsed[1]])
            self._val[key] = found
        return found
