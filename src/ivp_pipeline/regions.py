"""Region registry and the region of a workspace.

The registry (shipped data, indeling 2024): every current Dutch municipality, the comparison areas
(Nederland, landsdelen, provinces, police eenheden, the basisteam Noordoost-Twente) and every
municipality's wijken and buurten. Codes follow CBS (GMxxxx, WKxxxxxx, BUxxxxxxxx, NL01, LDxx, PVxx,
RExx). Names resolve to codes in any of the shapes seen in downloads ("Dinkelland", "Overijssel (PV)",
"Wijk 10 Denekamp", padded codes).

`RegionConfig` is the `[region]` section of ivp.toml: which municipalities form the region, its name
and code, its basisteam and comparison areas. Its defaults are Noordoost Twente (NOT), so a workspace
without the section keeps working; everything that labels or orders units takes the config as a value.
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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ivp_pipeline.config import section
from ivp_pipeline.problems import Problem

# The defaults of RegionConfig: Noordoost Twente, the region of the bundled sample.
_DEFAULT_NAME = "Noordoost Twente"
_DEFAULT_CODE = "NOT"
_DEFAULT_MUNICIPALITIES = ("GM1774", "GM0168", "GM0173", "GM0183")
_DEFAULT_BASISTEAM = "BT_NOT"
_DEFAULT_COMPARISON = ("PV23", "NL01")

_CODE_RE = re.compile(r"^(NL\d\d|LD[0-9A-Z]\d|PV\d\d|RE\d\d|GM\d{4}|WK\d{6}|BU\d{8}|BT_[A-Z]+)$")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)
# The indeling of the shipped wijken-en-buurtenlijst: data/wijkenbuurten_<year>.csv, built by
# scripts/build_regions.py from the WijkenEnBuurten code list of police table 47018NED (2024).
WIJKEN_BUURTEN_YEAR = 2024
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
    """The shipped registry (indeling 2024): regions.csv (the country, landsdelen, provinces, eenheden,
    basisteam Noordoost-Twente, every municipality and the wijken and buurten of NOT) plus the
    hand-typed woonplaatsen of the NOT municipalities.

    The wijken and buurten of the other municipalities are looked up by code (`wijken_buurten`), not
    by name: names like "Nederland" or "Centrum" recur as wijk names all over the country.
    """
    regions: list[Region] = []
    for fname in ("regions.csv", "woonplaatsen.csv"):
        res = resources.files("ivp_pipeline").joinpath("data", fname)
        if not res.is_file():
            continue
        text = res.read_text(encoding="utf-8")
        for rec in csv.DictReader(io.StringIO(text, newline="")):
            regions.append(Region(rec["code"], rec["name"], rec["level"], rec["municipality"]))
    return RegionRegistry(regions)


def municipality_label(code: str, region: RegionConfig | None = None) -> str:
    """Dutch name of a unit: the region's code -> its name, GM1774 -> "Dinkelland"; unknown unchanged.

    The one source of unit labels (scores.municipality_label, sheets, charts, report, changes); the
    region comes from the workspace's `[region]` (DEFAULT_REGION, Noordoost Twente, when not given).
    """
    reg = region if region is not None else DEFAULT_REGION
    if code == reg.code:
        return reg.name
    found = registry().get(code) if code else None
    return found.name if found else code


# How an area below or above the municipality is marked in a label.
_LEVEL_LABELS = {
    "basisteam": "basisteam",
    "regionale_eenheid": "eenheid",
    "wijk": "wijk",
    "buurt": "buurt",
    "provincie": "PV",
    "landsdeel": "LD",
}


def area_label(code: str, region: RegionConfig | None = None) -> str:
    """A unit by municipality_label; any other area with its level: "Wijk 10 Denekamp (wijk)"."""
    found = registry().get(code) if code else None
    if found is None and code[:2] in ("WK", "BU"):
        found = wijk_or_buurt(code)  # a wijk or buurt outside Noordoost Twente
    if found is None or found.level in ("gemeente", "land") or found.name.endswith(")"):
        return municipality_label(code, region)
    return f"{found.name} ({_LEVEL_LABELS.get(found.level, found.level)})"


def unit_order(codes: Iterable[str], region: RegionConfig | None = None) -> list[str]:
    """The units in reading order: municipalities by Dutch name (Dinkelland ... Tubbergen), then the
    region total.

    Each code once. A region code is never a CBS code (RegionConfig checks it), so any code that is
    not one sorts last, whatever the region. The one order of the result's tables, the sheets, the
    charts and the report.
    """
    unique = list(dict.fromkeys(str(c) for c in codes))
    areas = [c for c in unique if _CODE_RE.match(c)]
    totals = [c for c in unique if not _CODE_RE.match(c)]
    local = sorted(areas, key=lambda c: (municipality_label(c, region).casefold(), c))
    return local + totals


# --- Every municipality's wijken and buurten, by municipality -----------------------------------


@cache
def wijken_buurten() -> dict[str, tuple[Region, ...]]:
    """The wijken and buurten of every current municipality, by GM code, in the order of the CBS list.

    Built by scripts/build_regions.py from the WijkenEnBuurten code list of police table 47018NED.
    """
    res = resources.files("ivp_pipeline").joinpath("data", f"wijkenbuurten_{WIJKEN_BUURTEN_YEAR}.csv")
    found: dict[str, list[Region]] = {}
    for rec in csv.DictReader(io.StringIO(res.read_text(encoding="utf-8"), newline="")):
        region = Region(rec["code"], rec["name"], rec["level"], rec["municipality"])
        found.setdefault(region.municipality, []).append(region)
    return {gm: tuple(regions) for gm, regions in found.items()}


@cache
def wijk_or_buurt(code: str) -> Region | None:
    """A wijk or buurt of any municipality by its code (WKxxxxxx, BUxxxxxxxx); None when unknown."""
    code = clean_code(code)
    gm = "GM" + code[2:6]
    return next((r for r in wijken_buurten().get(gm, ()) if r.code == code), None)


def wijken(municipality: str, level: str = "wijk") -> list[Region]:
    """The wijken (or, with level="buurt", the buurten) of one municipality; [] for an unknown code."""
    return [r for r in wijken_buurten().get(clean_code(municipality), ()) if r.level == level]


def resolve_municipality(text: str) -> Region | Problem:
    """A municipality given as a code (GM0141) or a name ("Almelo"), or the problem with it."""
    reg = registry()
    found = reg.get(text) if reg.is_code(text) else reg.resolve(text, levels=("gemeente",))
    if found is not None and found.level == "gemeente":
        return found
    if found is None and not reg.candidates(text, levels=("gemeente",)):
        found = reg.resolve(text)  # another kind of area ("Overijssel (PV)", a wijk)?
    if found is not None:
        return Problem(
            "not-a-municipality",
            f"{found.name} is geen gemeente",
            value=text,
            hint="geef een gemeentecode (GMxxxx) of de naam van een gemeente",
        )
    if len(reg.candidates(text, levels=("gemeente",))) > 1:
        return Problem(
            "ambiguous-region",
            "deze naam past bij meer dan één gemeente",
            value=text,
            hint="geef de gemeentecode (GMxxxx)",
        )
    return Problem(
        "unknown-region",
        "geen gemeente met deze code of naam in de gemeentelijst",
        value=text,
        hint="controleer de spelling, of geef de gemeentecode (GMxxxx) van het CBS",
    )


# --- The [region] section of ivp.toml ------------------------------------------------------------

_REGION_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")


class RegionConfig(BaseModel):
    """`[region]` of ivp.toml: which region this workspace is about. The defaults are Noordoost Twente.

    `municipalities` are GM codes or names (resolved against the registry to codes); `code` is the key
    of the region total in tables and [evaluation.targets]; `comparison_areas` come first the province
    (the reference area of the comparison criterion), then the others (usually Nederland, NL01).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(default=_DEFAULT_NAME, min_length=1)
    code: str = _DEFAULT_CODE
    municipalities: tuple[str, ...] = _DEFAULT_MUNICIPALITIES
    basisteam: str = _DEFAULT_BASISTEAM
    comparison_areas: tuple[str, ...] = _DEFAULT_COMPARISON
    # Comparable municipalities (GM codes or names) for the key figures' peer group; never members.
    peers: tuple[str, ...] = ()

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = " ".join(v.split())
        if not v:
            raise ValueError("de naam van de regio is leeg")
        return v

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not _REGION_CODE_RE.match(v) or _CODE_RE.match(v):
            raise ValueError(
                f"geen geldige regiocode: {v!r} (2 tot 10 hoofdletters of cijfers, geen CBS-code)"
            )
        return v

    @field_validator("municipalities")
    @classmethod
    def _municipalities(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("minstens één gemeente")
        return _municipality_codes(v)

    @field_validator("peers")
    @classmethod
    def _peers(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _municipality_codes(v)

    @model_validator(mode="after")
    def _peers_outside(self) -> RegionConfig:
        inside = sorted(set(self.peers) & set(self.municipalities))
        if inside:
            raise ValueError(f"een vergelijkingsgemeente hoort niet bij de regio zelf: {', '.join(inside)}")
        return self

    @field_validator("basisteam")
    @classmethod
    def _basisteam(cls, v: str) -> str:
        if v and not re.match(r"^BT_[A-Z]+$", v):
            raise ValueError(f"geen basisteamcode: {v!r} (BT_ en hoofdletters, of leeg)")
        return v

    @field_validator("comparison_areas")
    @classmethod
    def _comparison(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        codes: list[str] = []
        for text in v:
            region = registry().get(text) if registry().is_code(text) else registry().resolve(text)
            if region is None or region.level not in ("land", "landsdeel", "provincie", "regionale_eenheid"):
                raise ValueError(f"geen vergelijkingsgebied: {text!r} (NL01, LDxx, PVxx of RExx)")
            codes.append(region.code)
        return tuple(dict.fromkeys(codes))

    def label(self, code: str) -> str:
        """The region's own name for its code, else the registry name (municipality_label)."""
        return municipality_label(code, self)

    def labels(self) -> dict[str, str]:
        """Code -> Dutch name of each municipality and of the region total, in unit order."""
        return {c: self.label(c) for c in self.units()}

    def units(self) -> list[str]:
        """The municipalities by Dutch name, then the region code (unit_order)."""
        return unit_order([*self.municipalities, self.code], self)

    def municipality_names(self) -> list[str]:
        """The Dutch names of the municipalities, alphabetically (for templates and drop-down lists)."""
        return sorted((self.label(c) for c in self.municipalities), key=str.casefold)

    @property
    def reference_area(self) -> str:
        """The first comparison area (the province), the default reference of the comparison criterion."""
        return self.comparison_areas[0] if self.comparison_areas else "NL01"

    @property
    def fallback_reference_area(self) -> str:
        """The last comparison area (usually Nederland), used when the first is not ingested."""
        return self.comparison_areas[-1] if self.comparison_areas else "NL01"

    def wijken(self, level: str = "wijk") -> list[Region]:
        """The wijken (or buurten) of every municipality of the region, from the shipped list."""
        return [r for gm in self.municipalities for r in wijken(gm, level)]


DEFAULT_REGION = RegionConfig()


def region_config(data: dict[str, Any], file: str = "ivp.toml") -> RegionConfig:
    """The `[region]` section of parsed ivp.toml data (defaults: Noordoost Twente)."""
    return section(data, "region", RegionConfig, file)


def _municipality_codes(texts: tuple[str, ...]) -> tuple[str, ...]:
    """Codes or names -> distinct GM codes in the given order; a name that is no municipality raises."""
    codes: list[str] = []
    for text in texts:
        found = resolve_municipality(text)
        if isinstance(found, Problem):
            raise ValueError(f"{found.message}: {text!r} (GMxxxx of de naam van een gemeente)")
        codes.append(found.code)
    return tuple(dict.fromkeys(codes))
