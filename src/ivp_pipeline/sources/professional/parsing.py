"""What people type into the professional workbook -> ratings, municipality codes, theme ids, types.

Each parser returns the value, None for an empty cell, or a `Problem` without a position (the caller
places it in the sheet with `Problem.at`).
Nothing is guessed when two readings are possible: the user gets suggestions instead.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time
from functools import cache
from typing import Any

from ivp_pipeline.problems import Problem
from ivp_pipeline.regions import DEFAULT_REGION, RegionConfig, normalise_name, registry
from ivp_pipeline.schemas import ORGANISATION_TYPES
from ivp_pipeline.sources.professional.layout import COUNT_WORDS, whole_region_label

_WORDS = {
    "nul": 0,
    "een": 1,
    "één": 1,
    "eén": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "zeer laag": 1,
    "zeer klein": 1,
    "laag": 2,
    "klein": 2,
    "gemiddeld": 3,
    "matig": 3,
    "neutraal": 3,
    "hoog": 4,
    "groot": 4,
    "zeer hoog": 5,
    "zeer groot": 5,
}
_LEADING_NUMBER = re.compile(r"^([-+]?\d+(?:[.,]\d+)?)(?:\s*$|\s*[-–:(=]\s*\D.*$|\s+\D.*$)")
_RATING_HINT = "typ een geheel getal van 1 (zeer laag) tot 5 (zeer hoog), of laat de cel leeg"
_NOT_A_RATING = Problem("not-a-rating", "geen score", hint=_RATING_HINT)
_NOT_WHOLE = Problem("not-a-rating", "een score is een geheel getal", hint=_RATING_HINT)
_OUT_OF_RANGE = Problem("rating-out-of-range", "een score is 1 tot en met 5", hint=_RATING_HINT)


def parse_rating(value: Any) -> int | Problem | None:
    """4, 4.0, ' 3 ', '4 - hoog', 'vier', 'hoog' -> 1..5; empty -> None; else a Problem."""
    if value is None:
        return None
    if isinstance(value, bool | datetime | date | time):
        # Excel turns '4-5' into a date: say so rather than reading a day number
        return _NOT_A_RATING
    if isinstance(value, int):
        if not 1 <= value <= 5:
            return _OUT_OF_RANGE
        return value
    if isinstance(value, float):
        number = value
    else:
        t = " ".join(str(value).split()).casefold()
        if not t:
            return None
        if t in _WORDS:
            number = float(_WORDS[t])
        else:
            m = _LEADING_NUMBER.match(t)
            if not m:
                word = t.split(" ")[0].rstrip(".,:")
                if word in _WORDS:
                    number = float(_WORDS[word])
                else:
                    return _NOT_A_RATING
            else:
                number = float(m.group(1).replace(",", "."))
    if not number.is_integer():  # NaN, infinity or 3.5
        return _NOT_WHOLE
    if not 1 <= number <= 5:
        return _OUT_OF_RANGE
    return int(number)


@cache
def _choices(region: RegionConfig) -> tuple[dict[str, str], dict[str, str]]:
    """(normalised name -> GM code or region code, code -> label) for the region's own choices."""
    whole = whole_region_label(region)
    names = [
        whole,
        region.name,
        region.name.replace("-", " "),
        region.name.replace(" ", "-"),
        region.code,
        "regio",
        f"regio {region.code}",
        f"regio {region.name}",
        "hele regio",
        "alle gemeenten",
        f"heel {region.code}",
    ]
    count = COUNT_WORDS.get(len(region.municipalities))
    if count:
        names.append(f"alle {count} gemeenten")
    region_names = {normalise_name(n): region.code for n in names}
    municipality_names = {normalise_name(region.label(c)): c for c in region.municipalities}
    labels = {**{c: region.label(c) for c in region.municipalities}, region.code: whole}
    return {**municipality_names, **region_names}, labels


def parse_municipality(
    value: Any, region: RegionConfig = DEFAULT_REGION
) -> tuple[str, bool] | Problem | None:
    """A municipality of the region, the whole region, or any Dutch gemeente -> (GM code or the region
    code, exact).

    Small typos ('Oldenzal') are resolved when exactly one of the region's names or the region is
    close; `exact` is False then, so the reader can list what it resolved.
    """
    choices, labels = _choices(region)
    if value is None:
        return None
    raw = " ".join(str(value).split())
    if not raw:
        return None
    t = normalise_name(raw).strip(" .,;")
    t = re.sub(r"^(gemeente|gem\.?)\s+", "", t)
    if t in choices:
        return choices[t], True
    reg = registry()
    if reg.is_code(raw):
        known = reg.get(raw)
        if known is not None and known.level == "gemeente":
            return known.code, True
    else:
        found = [r for r in reg.candidates(raw, ("gemeente",))]
        if len(found) == 1:
            return found[0].code, True
    close = difflib.get_close_matches(t, list(choices), n=3, cutoff=0.75)
    codes = sorted({choices[c] for c in close})
    if len(codes) == 1:
        return codes[0], False
    loose = difflib.get_close_matches(t, list(choices), n=4, cutoff=0.5)
    suggestions = sorted({labels[choices[c]] for c in loose})
    hint = (
        ("bedoelt u " + " of ".join(repr(s) for s in suggestions) + "?")
        if suggestions
        else ("kies een van: " + ", ".join(labels[c] for c in sorted(labels)))
    )
    return Problem("unknown-municipality", "geen gemeente van de regio", hint=hint)


def parse_theme(value: Any, themes: dict[str, str]) -> str | Problem | None:
    """A theme id or label (of the catalogue: id -> label) -> id; otherwise a Problem with suggestions."""
    if value is None:
        return None
    raw = " ".join(str(value).split())
    if not raw:
        return None
    t = normalise_name(raw)
    by_key = {normalise_name(k): k for k in themes} | {normalise_name(v): k for k, v in themes.items()}
    if t in by_key:
        return by_key[t]
    close = difflib.get_close_matches(t, list(by_key), n=3, cutoff=0.6)
    suggestions = sorted({themes[by_key[c]] for c in close})
    hint = (
        ("bedoelt u " + " of ".join(repr(s) for s in suggestions) + "?")
        if suggestions
        else ("kies een thema uit de keuzelijst van de sjabloon")
    )
    return Problem("unknown-theme", "geen thema uit de themacatalogus", hint=hint)


_ORG_ALIASES = {
    "wijkagent": "politie",
    "basisteam": "politie",
    "police": "politie",
    "boa": "gemeente",
    "handhaving": "gemeente",
    "oov": "gemeente",
    "municipality": "gemeente",
    "welzijnswerk": "welzijn",
    "maatschappelijk werk": "welzijn",
    "jongerenwerker": "jongerenwerk",
    "jeugdwerk": "jongerenwerk",
    "woningbouwcorporatie": "woningcorporatie",
    "corporatie": "woningcorporatie",
    "school": "onderwijs",
    "scholen": "onderwijs",
    "onderwijsinstelling": "onderwijs",
    "ggd": "zorg",
    "ggz": "zorg",
    "veilig thuis": "zorg",
    "zorginstelling": "zorg",
    "anders": "overig",
    "other": "overig",
}


def parse_organisation_type(value: Any) -> str | Problem | None:
    if value is None:
        return None
    t = normalise_name(" ".join(str(value).split()))
    if not t:
        return None
    if t in ORGANISATION_TYPES:
        return t
    if t in _ORG_ALIASES:
        return _ORG_ALIASES[t]
    close = difflib.get_close_matches(t, list(ORGANISATION_TYPES), n=1, cutoff=0.8)
    if close:
        return close[0]
    return Problem(
        "unknown-organisation-type",
        "geen type organisatie",
        hint="kies een van: " + ", ".join(ORGANISATION_TYPES),
    )
