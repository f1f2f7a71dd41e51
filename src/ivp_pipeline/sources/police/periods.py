"""Police period codes (YYYYJJ00, YYYYMMnn, YYYYKWnn) and StatLine labels ("2024 januari*").

Codes are validated by pattern, never cast naively: every engine happily reads 2024KW01 as month 1
or 2024JJ00 as month 0 (adding a year total to the months).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ivp_pipeline.schemas import STATUS_BY_MARKER

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
_CODE = re.compile(r"^(\d{4})(?:(JJ)(00)|(MM)(0[1-9]|1[0-2])|(KW)(0[1-4]))$")
_LABEL = re.compile(
    r"^(\d{4})(?:\s+(?:(" + "|".join(MONTHS) + r")|([1-4])e\s+kwartaal))?\s*(\*{0,2})$", re.IGNORECASE
)
_STATUS = STATUS_BY_MARKER
_FIRST_YEAR = 1900


@dataclass(frozen=True)
class Period:
    start: date
    kind: str  # month | quarter | year
    status: str  # final | provisional | further_provisional | unknown

    @property
    def code(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}JJ00"
        if self.kind == "quarter":
            return f"{self.start.year}KW{(self.start.month - 1) // 3 + 1:02d}"
        return f"{self.start.year}MM{self.start.month:02d}"


def parse_code(text: str, status: str = "unknown") -> Period | None:
    """'2024MM01' -> month; '2024KW02' -> quarter; '2024JJ00' -> year; None for anything else.

    A code says nothing about provisional figures (that is in the Perioden code list), so the status
    is 'unknown' unless the caller knows better.
    """
    m = _CODE.match(text.strip())
    if not m or int(m.group(1)) < _FIRST_YEAR:
        return None
    year = int(m.group(1))
    if m.group(2):
        return Period(date(year, 1, 1), "year", status)
    if m.group(4):
        return Period(date(year, int(m.group(5)), 1), "month", status)
    return Period(date(year, (int(m.group(7)) - 1) * 3 + 1, 1), "quarter", status)


def parse_label(text: str) -> Period | None:
    """'2024' / '2024 januari' / '2024 1e kwartaal', optionally followed by '*' or '**'.

    StatLine marks provisional periods with '*' and further provisional with '**'; a label without a
    marker is final in these exports.
    """
    m = _LABEL.match(" ".join(text.split()))
    if not m or int(m.group(1)) < _FIRST_YEAR:
        return None
    year = int(m.group(1))
    status = _STATUS[m.group(4)]
    if m.group(2):
        return Period(date(year, MONTHS.index(m.group(2).lower()) + 1, 1), "month", status)
    if m.group(3):
        return Period(date(year, (int(m.group(3)) - 1) * 3 + 1, 1), "quarter", status)
    return Period(date(year, 1, 1), "year", status)


def parse_any(text: str) -> Period | None:
    """A code or a label (a StatLine export may carry either)."""
    return parse_code(text) or parse_label(text)
