"""What people type into the professional workbook -> ratings, municipality codes, theme ids, types.

Each parser returns the value, None for an empty cell, or a `Problem` without a position (the caller
places it in the sheet with `Problem.at`).
Nothing is guessed when two readings are possible: the user gets suggestions instead.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time
from typing import Any

from ivp_pipeline.problems import Problem
from ivp_pipeline.regions import NOT_MUNICIPALITIES, REGION_NOT, normalise_name, registry
from ivp_pipeline.schemas import ORGANISATION_TYPES
from ivp_pipeline.sources.professional.layout import WHOLE_REGION_LABEL

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
_RATING_HINT = "type a whole number from 1 (zeer laag) to 5 (zeer hoog), or leave the cell empty"
_NOT_A_RATING = Problem("not-a-rating", "not a rating", hint=_RATING_HINT)
_NOT_WHOLE = Problem("not-a-rating", "a rating is a whole number", hint=_RATING_HINT)
_OUT_OF_RANGE = Problem("rating-out-of-range", "a rating is 1 to 5", hint=_RATING_HINT)


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


_REGION_NAMES = {
    normalise_name(n): REGION_NOT
    for n in (
        WHOLE_REGION_LABEL,
        "Noordoost Twente",
        "Noordoost-Twente",
        "NOT",
        "regio",
        "regio NOT",
        "hele regio",
        "alle gemeenten",
        "alle vier gemeenten",
        "heel NOT",
    )
}
_MUNICIPALITY_NAMES = {normalise_name(name): code for code, name in NOT_MUNICIPALITIES.items()}
_CHOICES = {**_MUNICIPALITY_NAMES, **_REGION_NAMES}
_LABELS = {**{c: n for c, n in NOT_MUNICIPALITIES.items()}, REGION_NOT: WHOLE_REGION_LABEL}


def parse_municipality(value: Any) -> tuple[str, bool] | Problem | None:
    """A NOT municipality, the whole region, or any Dutch gemeente -> (GM code or 'NOT', exact).

    Small typos ('Oldenzal') are resolved when exactly one of the four names or the region is close;
    `exact` is False then, so the reader can list what it resolved.
    """
    if value is None:
        return None
    raw = " ".join(str(value).split())
    if not raw:
        return None
    t = normalise_name(raw).strip(" .,;")
    t = re.sub(r"^(gemeente|gem\.?)\s+", "", t)
    if t in _CHOICES:
        return _CHOICES[t], True
    reg = registry()
    if reg.is_code(raw):
        region = reg.get(raw)
        if region is not None and region.level == "gemeente":
            return region.code, True
    else:
        found = [r for r in reg.candidates(raw, ("gemeente",))]
        if len(found) == 1:
            return found[0].code, True
    close = difflib.get_close_matches(t, list(_CHOICES), n=3, cutoff=0.75)
    codes = sorted({_CHOICES[c] for c in close})
    if len(codes) == 1:
        return codes[0], False
    loose = difflib.get_close_matches(t, list(_CHOICES), n=4, cutoff=0.5)
    suggestions = sorted({_LABELS[_CHOICES[c]] for c in loose})
    hint = (
        ("did you mean " + " or ".join(repr(s) for s in suggestions) + "?")
        if suggestions
        else ("choose one of " + ", ".join(_LABELS[c] for c in sorted(_LABELS)))
    )
    return Problem("unknown-municipality", "not a municipality of Noordoost Twente", hint=hint)


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
        ("did you mean " + " or ".join(repr(s) for s in suggestions) + "?")
        if suggestions
        else ("choose a theme from the drop-down list of the template")
    )
    return Problem("unknown-theme", "not a theme of the theme catalogue", hint=hint)


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
        "not an organisation type",
        hint="choose one of " + ", ".join(ORGANISATION_TYPES),
    )
