"""Region registry: every current Dutch municipality, the comparison areas, and NOT wijken/buurten.

Codes follow CBS (GMxxxx, WKxxxxxx, BUxxxxxxxx, NL01, LDxx, PVxx, REx x). Names resolve to codes in any
of the shapes seen in downloads ("Dinkelland", "Overijssel (PV)", "Wijk 10 Denekamp", padded codes).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

NOT_MUNICIPALITIES: dict[str, str] = {
    "GM1774": "Dinkelland",
    "GM0168": "Losser",
    "GM0173": "Oldenzaal",
    "GM0183": "Tubbergen",
}
REGION_NOT = "NOT"
REGION_NOT_LABEL = "Noordoost Twente"

_CODE_RE = re.compile(r"^(NL\d\d|LD[0-9A-Z]\d|PV\d\d|RE\d\d|GM\d{4}|WK\d{6}|BU\d{8}|BT_[A-Z]+)$")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)
# Names used by older downloads (the 2019 StatLine export says "Friesland (PV)").
_FORMER_NAMES = {"PV21": ["Friesland (PV)"]}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    municipality: str  # the GM code it lies in; empty for areas above the municipality

    @property
    def partition(self) -> str:
        """The partition a row for this area goes to: its municipality, else the area's own code."""
        return self.municipality or self.code


def clean_code(raw: str) -> str:
    """Strip padding, NBSP and zero-width characters from a code (the usual strip misses U+200B)."""
    return raw.translate(_ZERO_WIDTH).strip().upper()


def normalise_name(raw: str) -> str:
    """Fold a region name for matching: accents, case, spacing, punctuation variants."""
    text = unicodedata.normalize("NFKD", raw.translate(_ZERO_WIDTH))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[\s\u00a0]+", " ", text).strip()
    return text


class RegionRegistry:
    """Lookup by code and by name. Ambiguous names are never guessed."""

    def __init__(self, regions: list[Region]) -> None:
        self.regions = regions
        self.by_code = {r.code: r for r in regions}
        self._by_name: dict[str, list[Region]] = {}
        for r in regions:
            for alias in _aliases(r):
                bucket = self._by_name.setdefault(normalise_name(alias), [])
                if r not in bucket:
                    bucket.append(r)

    def get(self, code: str) -> Region | None:
        code = clean_code(code)
        if code == "NL00":  # the wijken-en-buurten tables call Nederland NL00
            code = "NL01"
        return self.by_code.get(code)

    def is_code(self, text: str) -> bool:
        return bool(_CODE_RE.match(clean_code(text)))

    def candidates(self, name: str, levels: tuple[str, ...] | None = None) -> list[Region]:
        """All regions a name may denote (optionally restricted to some levels)."""
        found = self._by_name.get(normalise_name(name), [])
        if levels is not None:
            found = [r for r in found if r.level in levels]
        return found

    def resolve(self, text: str, levels: tuple[str, ...] | None = None) -> Region | None:
        """A code or an unambiguous name -> Region; None when unknown or ambiguous."""
        if self.is_code(text):
            return self.get(text)
        found = self.candidates(text, levels)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            # A municipality wins over a wijk/buurt of the same name only when the caller allows
            # both; prefer the higher level, which is how portal exports list a plain name.
            order = {lvl: i for i, lvl in enumerate(("gemeente", "wijk", "buurt", "woonplaats"))}
            ranked = sorted(found, key=lambda r: order.get(r.level, -1))
            if ranked[0].level == "gemeente" and all(r.level != "gemeente" for r in ranked[1:]):
                return ranked[0]
        return None

    def municipalities(self) -> list[Region]:
        return [r for r in self.regions if r.level == "gemeente"]


def _aliases(region: Region) -> list[str]:
    names = [region.name, region.code]
    m = re.match(r"^(.*) \((PV|LD|RE|BT|gemeente)\)$", region.name)
    if m:
        bare, tag = m.group(1), m.group(2)
        if tag == "gemeente":
            names.append(bare)  # "Groningen (gemeente)" is also just "Groningen" in gemeente tables
        else:
            names.append(f"{bare} ({tag})")
    names += _FORMER_NAMES.get(region.code, [])
    if region.level == "land":
        names += ["Nederland", "NL00", "Totaal Nederland"]
    if region.level == "basisteam":
        names += [f"{region.name} (BT)", f"Basisteam {region.name}"]
    return names


@cache
def registry() -> RegionRegistry:
    """The shipped registry (indeling 2024) plus hand-typed woonplaatsen of the NOT municipalities."""
    regions: list[Region] = []
    for fname in ("regions.csv", "woonplaatsen.csv"):
        res = resources.files("ivp_pipeline").joinpath("data", fname)
        if not res.is_file():
            continue
        text = res.read_text(encoding="utf-8")
        for rec in csv.DictReader(io.StringIO(text, newline="")):
            regions.append(Region(rec["code"], rec["name"], rec["level"], rec["municipality"]))
    return RegionRegistry(regions)


def municipality_label(code: str) -> str:
    """Dutch name of a unit: NOT -> "Noordoost Twente", GM1774 -> "Dinkelland"; unknown codes unchanged.

    The one source of municipality labels (scores.municipality_label, sheets, charts, report, changes).
    """
    if code == REGION_NOT:
        return REGION_NOT_LABEL
    if code in NOT_MUNICIPALITIES:
        return NOT_MUNICIPALITIES[code]
    region = registry().get(code) if code else None
    return region.name if region else code


# How an area below or above the municipality is marked in a label.
_LEVEL_LABELS = {
    "basisteam": "basisteam",
    "regionale_eenheid": "eenheid",
    "wijk": "wijk",
    "buurt": "buurt",
    "provincie": "PV",
    "landsdeel": "LD",
}


def area_label(code: str) -> str:
    """A unit by municipality_label; any other area with its level: "Wijk 10 Denekamp (wijk)"."""
    region = registry().get(code) if code else None
    if region is None or region.level in ("gemeente", "land") or region.name.endswith(")"):
        return municipality_label(code)
    return f"{region.name} ({_LEVEL_LABELS.get(region.level, region.level)})"


def unit_order(codes: Iterable[str]) -> list[str]:
    """The units in reading order: municipalities by Dutch name (Dinkelland ... Tubbergen), then NOT.

    Each code once. The one order of the result's tables, the sheets, the charts and the report.
    """
    unique = list(dict.fromkeys(str(c) for c in codes))
    local = sorted(
        (c for c in unique if c != REGION_NOT), key=lambda c: (municipality_label(c).casefold(), c)
    )
    return local + ([REGION_NOT] if REGION_NOT in unique else [])
