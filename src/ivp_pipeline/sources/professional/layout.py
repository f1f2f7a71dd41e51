"""The professional workbook's layout: sheet names, header texts and the aliases people use for them."""

from __future__ import annotations

import re

from ivp_pipeline.regions import RegionConfig, normalise_name
from ivp_pipeline.schemas import CRITERIA_PROFESSIONAL

INPUT_SHEET = "Invoer"
INFO_SHEET = "Toelichting"
LISTS_SHEET = "Lijsten"

# The number of the region's municipalities in words: the template says "alle vier gemeenten
# samen", and the reader takes "alle vier gemeenten" back as the whole region.
COUNT_WORDS = {2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven", 8: "acht", 9: "negen"}


def whole_region_label(region: RegionConfig) -> str:
    """The choice for ratings about the whole region: "Heel Noordoost Twente"."""
    return f"Heel {region.name}"


def municipality_choices(region: RegionConfig) -> tuple[str, ...]:
    """The drop-down list of the Gemeente column: the region's municipalities, then the whole region."""
    return (*region.municipality_names(), whole_region_label(region))


# Canonical column -> header text in the template (Dutch), in template order.
TABLE_HEADERS = {
    "municipality": "Gemeente",
    "theme": "Thema",
    "size": "Grootte",
    "seriousness": "Ernst",
    "development": "Ontwikkeling",
    "urgency": "Urgentie",
    "remark": "Toelichting",
}
RATING_COLUMNS = CRITERIA_PROFESSIONAL
# Respondent block above the table (label in column A, value in column B); read only for the pseudonym.
RESPONDENT_LABELS = {
    "name": "Naam",
    "organisation": "Organisatie",
    "organisation_type": "Type organisatie",
    "email": "E-mail",
    "phone": "Telefoon",
}

# Header text (normalised, without '(1-5)', ':' or '*') -> canonical column. Longest alias wins.
ALIASES: dict[str, str] = {
    "gemeente": "municipality",
    "gebied": "municipality",
    "municipality": "municipality",
    "thema": "theme",
    "theme": "theme",
    "onderwerp": "theme",
    "veiligheidsthema": "theme",
    "grootte": "size",
    "omvang": "size",
    "size": "size",
    "ernst": "seriousness",
    "ernstig": "seriousness",
    "seriousness": "seriousness",
    "ontwikkeling": "development",
    "trend": "development",
    "development": "development",
    "urgentie": "urgency",
    "urgency": "urgency",
    "toelichting": "remark",
    "opmerking": "remark",
    "opmerkingen": "remark",
    "remark": "remark",
    "type organisatie": "organisation_type",
    "soort organisatie": "organisation_type",
    "organisatietype": "organisation_type",
    "organisation type": "organisation_type",
    "naam": "name",
    "naam invuller": "name",
    "ingevuld door": "name",
    "contactpersoon": "name",
    "organisatie": "organisation",
    "naam organisatie": "organisation",
    "organisation": "organisation",
    "e-mail": "email",
    "email": "email",
    "e-mailadres": "email",
    "mail": "email",
    "telefoon": "phone",
    "telefoonnummer": "phone",
    "tel": "phone",
}
_ORDERED = sorted(ALIASES, key=len, reverse=True)


def classify(header: str) -> str | None:
    """Which canonical column a header (or respondent label) names, or None."""
    t = normalise_name(header)
    t = re.sub(r"\([^)]*\)", " ", t)  # "Grootte (1-5)" -> "grootte"
    t = " ".join(t.replace("*", " ").replace(":", " ").split())
    if t in ALIASES:
        return ALIASES[t]
    for alias in _ORDERED:  # "Grootte van het probleem" -> size; longest alias first
        if t.startswith(alias + " "):
            return ALIASES[alias]
    return None
