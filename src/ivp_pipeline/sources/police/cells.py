"""Cell by cell resolution of coded police rows (bulk CSV, OData), cached per distinct cell text.

Each lookup returns an id for the table builder, or a `Problem` without a position that becomes a
rejected row once the reader places it (`Problem.at`). The caches make the per-cell Python work
proportional to the distinct values, not to the rows.
"""

from __future__ import annotations

from ivp_pipeline.offences import offences
from ivp_pipeline.problems import Problem
from ivp_pipeline.sources.police.areas import AreaResolver
from ivp_pipeline.sources.police.periods import parse_code
from ivp_pipeline.sources.police.table import STATE_ID, PoliceTableBuilder
from ivp_pipeline.sources.police.values import parse_json_value, parse_value


class CodedCells:
    """Resolves offence, area, period and count cells of one coded file into builder ids."""

    def __init__(
        self, builder: PoliceTableBuilder, area_kind: str, statuses: dict[str, str] | None = None
    ) -> None:
        self.builder = builder
        self.statuses = statuses or {}
        self.areas = AreaResolver(area_kind)
        self._off: dict[str, int | Problem] = {}
        self._area: dict[str, int | Problem] = {}
        self._per: dict[str, int | Problem] = {}
        self._val: dict[object, tuple[int, int] | Problem] = {}

    def offence(self, raw: str) -> int | Problem:
        found = self._off.get(raw)
        if found is None:
            off = offences().get(self.builder.measure, raw)
            found = self._off[raw] = (
                self.builder.offence_id(off)
                if off
                else Problem("unknown-code", f"geen bekende {_code_word(self.builder.measure)}",
                             hint="zie docs/sources-police.md voor de codes van de politietabellen")
            )  # fmt: skip
        return found

    def area(self, raw: str) -> int | Problem:
        found = self._area.get(raw)
        if found is None:
            region = self.areas.resolve(raw)
            found = self._area[raw] = region if isinstance(region, Problem) else self.builder.area_id(region)
        return found

    def period(self, raw: str) -> int | Problem:
        found = self._per.get(raw)
        if found is None:
            period = parse_code(raw, self.statuses.get(raw.strip(), "unknown"))
            found = self._per[raw] = (
                self.builder.period_id(period)
                if period
                else Problem("invalid-period", "geen periodecode zoals 2024JJ00, 2024MM01 of 2024KW01",
                             hint="controleer de kolom Perioden")
            )  # fmt: skip
        return found

    def value(self, raw: object) -> tuple[int, int] | Problem:
        """(value, state id) for a count cell; strings follow the CSV legend, JSON null is suppressed."""
        key = raw if isinstance(raw, str) else ("json", repr(raw))
        found = self._val.get(key)
        if found is None:
            parsed = parse_value(raw) if isinstance(raw, str) else parse_json_value(raw)
            found = self._val[key] = (
                parsed
                if isinstance(parsed, Problem)
                else (0 if parsed[0] is None else parsed[0], STATE_ID[parsed[1]])
            )
        return found


def _code_word(measure: str) -> str:
    return "misdrijfcode" if measure == "crime" else "overlastcode"
