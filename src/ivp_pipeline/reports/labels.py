"""Dutch labels for columns, criteria, profiles, municipalities and sources, and Dutch number formatting."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from ivp_pipeline.regions import REGION_NOT, municipality_label, registry

COLUMNS: dict[str, str] = {
    "municipality": "Gemeente",
    "municipality_label": "Gemeente",
    "theme": "Thema",
    "theme_label": "Thema",
    "veiligheidsveld": "Veiligheidsveld",
    "profile": "Profiel",
    "score": "Score",
    "score_low": "Ondergrens",
    "score_high": "Bovengrens",
    "rank": "Rang",
    "p_top3": "Kans op top 3",
    "coverage": "Dekking",
    "flags": "Signalen",
    "criterion": "Criterium",
    "raw": "Waarde",
    "raw_low": "Ondergrens",
    "raw_high": "Bovengrens",
    "scaled": "Geschaald (0-100)",
    "unit": "Eenheid",
    "n": "Basis (n)",
    "note": "Toelichting",
    "source": "Bron",
    "offence_code": "Code",
    "indicator": "Indicator",
    "label": "Omschrijving",
    "count": "Aantal",
    "count_low": "Ondergrens",
    "count_high": "Bovengrens",
    "inhabitants": "Inwoners",
    "rate_per_1000": "Per 1.000 inwoners",
    "rate_low": "Ondergrens",
    "rate_high": "Bovengrens",
    "period_start": "Begin periode",
    "period_end": "Eind periode",
    "period_kind": "Soort periode",
    "small_number": "Klein aantal",
    "source_files": "Bronbestanden",
    "probability": "Kans",
    "mean_rating": "Gemiddelde beoordeling",
    "respondents": "Respondenten",
    "organisation_types": "Soorten organisaties",
    "agreement": "Overeenstemming",
    "year": "Jaar",
    "value": "Waarde",
    "ci_low": "Ondergrens",
    "ci_high": "Bovengrens",
    "comparison_area": "Vergelijkingsgebied",
    "comparison_value": "Vergelijkingswaarde",
    "direction": "Richting",
    "area_code": "Gebiedscode",
    "area_name": "Gebied",
    "reference_rate_per_1000": "Referentie per 1.000 inwoners",
    "measure": "Maatstaf",
    "baseline_year": "Basisjaar",
    "baseline_value": "Basiswaarde",
    "current_period": "Huidige periode",
    "current_value": "Huidige waarde",
    "target_value": "Streefwaarde",
    "change_pct": "Verandering (%)",
    "status": "Status",
    "file": "Bestand",
    "sha256": "SHA-256",
    "kind": "Soort bron",
    "dataset": "Dataset",
    "table_id": "Tabel",
    "periods": "Perioden",
    "rows": "Rijen",
    "ingested_at": "Ingelezen op",
}

CRITERIA: dict[str, str] = {
    "volume": "Omvang",
    "harm": "Ernst",
    "trend": "Trend",
    "comparison": "Vergelijking",
    "perception": "Beleving",
    "professionals": "Professionals",
    # what professionals rate in their workbook
    "size": "Omvang",
    "seriousness": "Ernst",
    "development": "Ontwikkeling",
    "urgency": "Urgentie",
    "overall": "Totaaloordeel",
    "omvang": "Omvang",
    "ernst": "Ernst",
    "urgentie": "Urgentie",
    "ontwikkeling": "Ontwikkeling",
}

# Flags on a score (scores.flags, ";"-separated codes) as a reader should see them.
FLAGS: dict[str, str] = {
    "no_score": "geen score (geen gegevens)",
    "partial_coverage": "onvolledige dekking",
    "low_coverage": "lage dekking: minder dan de helft van de weging beschikbaar",
    "small_number": "klein aantal",
    "missing_values": "ontbrekende waarden",
    "codes_absent": "codes ontbreken in de bron",
    "incomplete_window": "onvolledige periode",
    "basisteam": "beleving alleen op basisteamniveau",
    "margin_assumed": "marge aangenomen",
    "rank_uncertain": "rang onzeker",
}

VALUES: dict[str, str] = {
    # indicators.source / measure / window, perception.unit / direction
    "police": "Politie",
    "politie": "Politie",
    "survey": "Enquête",
    "enquete": "Enquête",
    "professional": "Professionals",
    "population": "Bevolking",
    "crime": "misdrijven",
    "overlast": "overlast",
    "nuisance": "overlast",
    "latest": "laatste 12 maanden",
    "baseline": "basisperiode",
    "percent": "%",
    "rapportcijfer": "rapportcijfer",
    "higher_worse": "hoger is ongunstiger",
    "higher_better": "hoger is gunstiger",
    "lower_worse": "lager is ongunstiger",
    "lower_better": "lager is gunstiger",
}

PROFILES: dict[str, str] = {
    "evenwichtig": "Evenwichtig",
    "feiten": "Feiten",
    "beleving_professionals": "Beleving en professionals",
}

# The dataset a source file fed, as the source line under a chart names it.
DATASETS: dict[str, str] = {
    "police": "politie (data.politie.nl)",
    "survey": "Veiligheidsmonitor en eigen enquêtes",
    "professional": "uitvraag professionals",
    "population": "CBS (bevolking)",
}


def column(name: str) -> str:
    return COLUMNS.get(name, name.replace("_", " ").capitalize())


def criterion(name: str) -> str:
    return CRITERIA.get(name, name.replace("_", " ").capitalize())


def profile(name: str, configured: dict[str, str] | None = None) -> str:
    """Dutch name of a weight profile: the label configured in ivp.toml wins over the built-in one."""
    if configured and configured.get(name):
        return str(configured[name])
    return PROFILES.get(name, name.replace("_", " ").capitalize())


def flags(text: str) -> str:
    """'partial_coverage;small_number' -> 'onvolledige dekking; klein aantal' (unknown codes kept)."""
    return "; ".join(FLAGS.get(f, f) for f in str(text).split(";") if f)


def value(text: str) -> str:
    return VALUES.get(str(text), str(text))


# trends.period_kind: "year" rows of a monthly series are rolling 12-month sums, not calendar years
PERIOD_KINDS: dict[str, str] = {"month": "maand", "year": "12 maanden"}


def period_kind(text: str) -> str:
    return PERIOD_KINDS.get(str(text), str(text))


def area(code: str) -> str:
    """'PV23' -> 'Overijssel (PV23)'; unknown codes stay as they are."""

    if code == REGION_NOT:
        return municipality_label(code)
    region = registry().get(code) if code else None
    if region is None or region.name == code:
        return code
    return f"{re.sub(r' [(](PV|LD|RE|BT|gemeente)[)]$', '', region.name)} ({code})"


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: Any, decimals: int = 1) -> str:
    """Dutch notation: 1.234,5; text (e.g. a suppressed "<5") passes unchanged; missing -> "–"."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return "–"
    x = float(value)
    if math.isinf(x):
        return "–"
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(value: Any, decimals: int = 0) -> str:
    if isinstance(value, str):
        return value
    if is_missing(value):
        return "–"
    return number(float(value) * 100, decimals) + " %"
