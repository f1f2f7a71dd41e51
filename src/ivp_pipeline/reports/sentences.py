"""Drafted Dutch text per theme, from the key figures by fixed sentence templates (no randomness).

Every sentence says only what the numbers carry: "meer" or "minder" only when the exact test says
so (p < 0,05), "kan toeval zijn" otherwise, "evenveel" for a tie, and "onbekend" with its reason
when a window is not complete. Numbers are written by reports/numbers.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from ivp_pipeline.reports import numbers

# Counted nouns (one, many) of the themes of the shipped catalogue; other themes use the generic
# "registraties" with their label.
NOUNS: dict[str, tuple[str, str]] = {
    "woninginbraak": ("woninginbraak", "woninginbraken"),
    "geweld": ("geweldsmisdrijf", "geweldsmisdrijven"),
    "high_impact_crime": ("high impact crime-delict", "high impact crime-delicten"),
    "leefbaarheid": ("vernieling of melding van overlast", "vernielingen en meldingen van overlast"),
    "jeugd": ("melding van jeugdoverlast", "meldingen van jeugdoverlast"),
    "drugs_alcohol": (
        "drugsdelict of melding van drugs- of drankoverlast",
        "drugsdelicten en meldingen van drugs- en drankoverlast",
    ),
    "zorg_veiligheid": (
        "melding over een persoon met verward gedrag",
        "meldingen over personen met verward gedrag",
    ),
    "ondermijning": ("misdrijf dat op ondermijning wijst", "misdrijven die op ondermijning wijzen"),
    "digitale_criminaliteit": ("geval van cybercrime", "gevallen van cybercrime"),
    "verkeer": ("verkeersongeval of verkeersmisdrijf", "verkeersongevallen en verkeersmisdrijven"),
    "bedrijvigheid": ("misdrijf of melding bij bedrijven", "misdrijven en meldingen bij bedrijven"),
    "vermogen": ("diefstal of fraude", "diefstallen en fraudes"),
    "brand_ontploffing": ("brandstichting of ontploffing", "brandstichtingen en ontploffingen"),
    "winkeldiefstal": ("winkeldiefstal", "winkeldiefstallen"),
    "vernieling": ("vernieling", "vernielingen"),
}
ALPHA = 0.05
SMALL = 10  # below this count the rate is called uncertain in words


@dataclass(frozen=True)
class Figures:
    """One unit x theme of the key figures (scoring/keyfigures.py), as the sentences need it."""

    area: str  # "Oldenzaal", "Noordoost Twente"
    theme: str
    label: str
    count: float
    rate: float
    rate_low: float
    rate_high: float
    period_end: str  # ISO date of the window's last day
    prev_count: float
    prev_p: float
    prev_verdict: str
    base_label: str
    base_rate: float
    base_p: float
    base_verdict: str


def _known(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def month_year(iso: str) -> str:
    """'2026-10-31' -> 'oktober 2026'."""
    return format_date(date.fromisoformat(iso), "MMMM yyyy", locale=numbers.LOCALE)


def p_value(p: float) -> str:
    """'p = 0,01', 'p = 0,004', 'p < 0,001'."""
    if p < 0.001:
        return "p < " + numbers.decimal(0.001, 3)
    return "p = " + numbers.decimal(p, 2 if p >= 0.01 else 3)


def noun(theme: str, label: str, count: float) -> str:
    one, many = NOUNS.get(theme, (f"registratie voor {label.lower()}", f"registraties voor {label.lower()}"))
    return one if count == 1 else many


def rate(value: float) -> str:
    """A rate per 1,000: two decimals below 1 (0,05), one above (3,9)."""
    return numbers.decimal(value, 2 if _known(value) and abs(value) < 1 else 1)


def count_sentence(f: Figures, comparisons: Mapping[str, float]) -> str:
    """The count, its rate and the comparison areas' rates (those that are known)."""
    month = month_year(f.period_end)
    many = noun(f.theme, f.label, 2)
    if not _known(f.count):
        return (
            f"Voor {f.area} is het aantal {many} in de twaalf maanden tot en met {month} onbekend: "
            "niet elke maand is gepubliceerd (geheimgehouden kleine aantallen of nog niet beschikbaar)."
        )
    known = [f"{name} {rate(value)}" for name, value in comparisons.items() if _known(value)]
    cmp = f" ({'; '.join(known)})" if known else ""
    per = f", {rate(f.rate)} per 1.000 inwoners{cmp}" if _known(f.rate) else " (inwonertal onbekend)"
    text = (
        f"In {f.area} registreerde de politie in de twaalf maanden tot en met {month} "
        f"{numbers.integer(f.count)} {noun(f.theme, f.label, f.count)}{per}."
    )
    if f.count < SMALL and _known(f.rate):
        text += (
            f" Dat is een klein aantal: het cijfer per 1.000 inwoners ligt met 95% zekerheid tussen "
            f"{rate(f.rate_low)} en {rate(f.rate_high)}."
        )
    return text


def change_sentence(f: Figures) -> str:
    """Against the 12 months before."""
    if not _known(f.count):
        return ""
    verdict = f.prev_verdict
    if verdict == "unknown":
        return (
            "Of dat meer of minder is dan een jaar eerder, is onbekend: "
            "de cijfers van de twaalf maanden daarvoor zijn niet compleet."
        )
    before = numbers.integer(f.prev_count)
    if verdict == "same":
        return f"Dat is evenveel als een jaar eerder ({before})."
    if verdict in ("higher", "lower"):
        word = "meer" if verdict == "higher" else "minder"
        return f"Dat is waarschijnlijk {word} dan een jaar eerder ({before}; {p_value(f.prev_p)})."
    return f"Een jaar eerder waren het er {before}; dat verschil kan toeval zijn ({p_value(f.prev_p)})."


def baseline_sentence(f: Figures) -> str:
    """Against the baseline (the evaluation's baseline year, else the scoring baseline)."""
    if not _known(f.count) or not f.base_label:
        return ""
    what = f"het basisjaar {f.base_label}" if len(f.base_label) == 4 else f"de basisperiode {f.base_label}"
    if f.base_verdict == "unknown":
        return f"Een vergelijking met {what} is niet mogelijk: die cijfers zijn niet compleet."
    base = f"{rate(f.base_rate)} per 1.000"
    if f.base_verdict == "same":
        return f"Het cijfer per 1.000 inwoners is even hoog als in {what} ({base})."
    if f.base_verdict in ("higher", "lower"):
        word = "hoger" if f.base_verdict == "higher" else "lager"
        return (
            f"Het cijfer per 1.000 inwoners is waarschijnlijk {word} dan in {what} "
            f"({base}; {p_value(f.base_p)})."
        )
    return (
        f"Tegenover {what} ({base}) is er geen duidelijk verschil; "
        f"het verschil kan toeval zijn ({p_value(f.base_p)})."
    )


def theme_text(f: Figures, comparisons: Mapping[str, float]) -> str:
    """The paragraph of one unit x theme: count, change, baseline."""
    parts = [count_sentence(f, comparisons), change_sentence(f), baseline_sentence(f)]
    return " ".join(p for p in parts if p)
