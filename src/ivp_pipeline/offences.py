"""Police offence codes: the 59 SoortMisdrijf keys and the overlast codes, with their labels.

The table lives in data/offences.csv (typed from the police code lists). Both measures have a total
`0.0.0`, so every lookup is per measure.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ivp_pipeline.schemas import MEASURES, ROLLUP_CODE

# Titles repeat the code ("1.1.1 Diefstal/inbraak woning"); overlast titles sometimes do too.
_LEADING_CODE = re.compile(r"^(\d\.\d\.\d{1,2}|[A-Z]\d{2,3})(?:\s+|$)")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)

# The council's standard safety indicators (BBV, waarstaatjegemeente.nl), by police crime code.
# Geweldsmisdrijven are the crimes against persons 1.4.1-1.4.7; 1.4.1 zeden is published per year
# only, so a monthly window counts 1.4.2-1.4.7 (docs/method.md, "BBV-indicatoren").
BBV: dict[str, tuple[str, tuple[str, ...]]] = {
    "winkeldiefstal": ("Winkeldiefstallen", ("2.5.2",)),
    "geweld": ("Geweldsmisdrijven", ("1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.4.5", "1.4.6", "1.4.7")),
    "woninginbraak": ("Diefstallen uit woning", ("1.1.1",)),
    "vernieling": ("Vernielingen en beschadigingen", ("2.2.1",)),
}


@dataclass(frozen=True)
class Offence:
    measure: str  # crime | overlast
    code: str  # stripped: "1.1.1", "E35", "0.0.0"
    label: str
    annual_only: bool  # published only per year (1.4.1, 3.2.1, 3.2.2, 3.7.3)

    @property
    def is_rollup(self) -> bool:
        return self.code == ROLLUP_CODE


def clean(text: str) -> str:
    """Strip padding, NBSP and zero-width characters (the usual strip misses U+200B)."""
    return text.translate(_ZERO_WIDTH).replace("\u00a0", " ").strip()


def normalise_label(text: str) -> str:
    text = re.sub(r"\s+", " ", clean(text).casefold())
    return re.sub(r"\s*/\s*", "/", text)


@dataclass(frozen=True)
class OffenceTable:
    by_code: dict[tuple[str, str], Offence]
    by_label: dict[tuple[str, str], Offence]

    def codes(self, measure: str) -> list[Offence]:
        return [o for (m, _c), o in self.by_code.items() if m == measure]

    def get(self, measure: str, code: str) -> Offence | None:
        """A padded or bare code ("1.1.1 ", "E33   ") -> Offence; None when unknown."""
        return self.by_code.get((measure, clean(code).upper()))

    def from_label(self, measure: str, label: str) -> Offence | None:
        """A StatLine/portal title ("1.1.1 Diefstal/inbraak woning", "Totaal misdrijven") -> Offence."""
        found = self.by_label.get((measure, normalise_label(label)))
        if found:
            return found
        text = clean(label)
        m = _LEADING_CODE.match(text)
        if m:  # a title that starts with a known code; later title rewordings keep the code
            return self.get(measure, m.group(1))
        return self.get(measure, text)


@cache
def offences() -> OffenceTable:
    by_code: dict[tuple[str, str], Offence] = {}
    by_label: dict[tuple[str, str], Offence] = {}
    text = resources.files("ivp_pipeline").joinpath("data", "offences.csv").read_text(encoding="utf-8")
    for rec in csv.DictReader(io.StringIO(text, newline="")):
        assert rec["measure"] in MEASURES, rec
        off = Offence(rec["measure"], rec["code"], rec["label"], rec["annual_only"] == "1")
        by_code[(off.measure, off.code)] = off
        for label in [off.label, *filter(None, rec["aliases"].split("|"))]:
            by_label[(off.measure, normalise_label(label))] = off
    return OffenceTable(by_code, by_label)
