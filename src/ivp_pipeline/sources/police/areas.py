"""Area cells of police tables -> regions: codes or names, per kind of area column, never guessed.

The area column says which levels can occur: `RegioS` (Nederland, landsdeel, provincie, regionale
eenheid, gemeente), `WijkenEnBuurten` (gemeente, wijk, buurt; NL00 for Nederland) and `Plaatsen`
(woonplaatsen). A name that matches nothing, or more than one area, is rejected with the value.
"""

from __future__ import annotations

import re

from ivp_pipeline.problems import Problem
from ivp_pipeline.regions import Region, clean_code, normalise_name, registry, wijk_or_buurt

LABEL_KINDS = {  # normalised StatLine/portal header -> area column kind
    "regio's": "regios",
    "regios": "regios",
    "regio": "regios",
    "wijken en buurten": "wijken",
    "plaatsen": "plaatsen",
    "woonplaatsen": "plaatsen",
}
LEVELS = {
    "regios": ("land", "landsdeel", "provincie", "regionale_eenheid", "basisteam", "gemeente"),
    "wijken": ("land", "gemeente", "wijk", "buurt"),
    "plaatsen": ("land", "woonplaats"),
}
# "Soort regio" column of 47018NED/47022NED exports: a hint that settles same-named areas.
SOORT_REGIO = {"gemeente": "gemeente", "wijk": "wijk", "buurt": "buurt", "land": "land"}
_WK_BU = re.compile(r"^(WK\d{6}|BU\d{8})$")


class AreaResolver:
    """Resolves the cells of one area column; caches per distinct cell (files repeat them a lot).

    A cell that names no single area gives a `Problem` without a position (the caller places it).
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.levels = LEVELS[kind]
        self._cache: dict[tuple[str, str], Region | Problem] = {}

    def resolve(self, cell: str, level_hint: str = "") -> Region | Problem:
        key = (cell, level_hint)
        found = self._cache.get(key)
        if found is None:
            found = self._resolve(cell, level_hint)
            self._cache[key] = found
        return found

    def _resolve(self, cell: str, level_hint: str) -> Region | Problem:
        reg = registry()
        code = clean_code(cell)
        if not code:
            return Problem(
                "unknown-region", "de cel met het gebied is leeg", hint="elke rij heeft een gebied nodig"
            )
        if reg.is_code(code) or _WK_BU.match(code):
            return self._by_code(code)
        levels = self.levels
        hint_level = SOORT_REGIO.get(normalise_name(level_hint))
        if hint_level in levels:
            levels = (hint_level,)
        found = {r.code: r for r in reg.candidates(cell, levels)}
        if self.kind == "plaatsen":
            # A woonplaats named like its municipality (Amsterdam, Oldenzaal) is that municipality's
            # main woonplaats; the police table lists it under the plain name.
            for gm in reg.candidates(cell, ("gemeente",)):
                wp = Region(f"WP-{gm.code}-{gm.name.replace(' ', '-')}", gm.name, "woonplaats", gm.code)
                found.setdefault(wp.code, wp)  # same code as in woonplaatsen.csv: no duplicate
        regions = list(found.values())
        if len(regions) == 1:
            return regions[0]
        if not regions:
            return Problem(
                "unknown-region",
                f"geen {'/'.join(levels)} met deze naam bekend",
                hint="controleer de spelling; ivp kent elke gemeente, en de wijken, buurten en "
                "woonplaatsen van Noordoost Twente",
            )
        gemeenten = [r for r in regions if r.level == "gemeente"]
        if self.kind == "wijken" and len(gemeenten) == 1:
            return gemeenten[0]  # portal exports list a municipality by its plain name
        names = ", ".join(sorted(f"{r.code} {r.level}" for r in regions))
        return Problem(
            "ambiguous-region",
            f"de naam past bij meer dan één gebied ({names})",
            hint="download de tabel met codes (CBS bulk-CSV of OData) of geef het gebied een andere naam",
        )

    def _by_code(self, code: str) -> Region | Problem:
        reg = registry()
        region = reg.get(code)
        if region is not None:
            return region
        gm = reg.get("GM" + code[2:6]) if _WK_BU.match(code) else None
        if gm is not None:
            # A wijk or buurt outside Noordoost Twente: the shipped list names it, its code its municipality.
            known = wijk_or_buurt(code)
            if known is not None:
                return known
            return Region(code, "", "wijk" if code.startswith("WK") else "buurt", gm.code)
        return Problem(
            "unknown-region",
            "geen gebied met deze code bekend (indeling 2024)",
            hint="een gemeente die voor 2024 is samengevoegd heeft een nieuwe code; download de huidige "
            "indeling",
        )
