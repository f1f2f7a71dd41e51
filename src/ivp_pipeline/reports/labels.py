"""Dutch labels for columns, criteria, profiles, municipalities and sources, and Dutch number formatting."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from ivp_pipeline.regions import RegionConfig, municipality_label, registry

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
    # "dekking" reads as budget cover to council members: the share of the weight with evidence
    "coverage": "Onderbouwing",
    "published_periods": "Maanden gepubliceerd",
    "window_periods": "Maanden in venster",
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
    "partial_coverage": "onvolledige onderbouwing",
    "low_coverage": "lage onderbouwing: minder dan de helft van de weging onderbouwd",
    "tied": "gedeelde rang (gelijke score)",
    "small_number": "klein aantal",
    "missing_values": "ontbrekende waarden",
    "codes_absent": "codes ontbreken in de bron",
    "incomplete_window": "onvolledig venster (te weinig maanden gepubliceerd)",
    "basisteam": "beleving alleen op basisteamniveau",
    "margin_assumed": "marge aangenomen",
    "rank_uncertain": "rang onzeker",
    "score_banded": "score afgerond op 10 punten (openbare versie: rust op verborgen aantallen)",
    "local_figure_unknown": "lokaal cijfer onbekend (onzekerheid groter, score niet verhoogd)",
}

VALUES: dict[str, str] = {
    # indicators.source / measure / window, perception.unit / direction
    "police": "Politie",
    "politie": "Politie",
    "survey": "Enquête",
    "enquete": "Enquête",
    "professional": "Professionals",
    "population": "Bevolking",
    "local_figures": "Lokale cijfers",
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
    """'partial_coverage;small_number' -> 'onvolledige onderbouwing; klein aantal' (unknown codes kept)."""
    return "; ".join(FLAGS.get(f, f) for f in str(text).split(";") if f)


# Below this share of the weight with evidence a score carries the warning "lage onderbouwing"
# (the scoring flags it as low_coverage with the same default, scoring/config.py).
LOW_COVERAGE = 0.5
TIED = "tied"
NO_SCORE = "geen score"
UNKNOWN = "onbekend"


def flag_set(text: Any) -> set[str]:
    return set() if is_missing(text) else {f for f in str(text).split(";") if f}


def is_tied(text: Any) -> bool:
    return TIED in flag_set(text)


def low_coverage(coverage: Any, flag_text: Any = "") -> bool:
    """True when less than half of the weight rests on evidence (or the scoring says so)."""
    if "low_coverage" in flag_set(flag_text):
        return True
    return not is_missing(coverage) and float(coverage) < LOW_COVERAGE


def rank(value: Any, flag_text: Any = "") -> str:
    """3 -> '3'; a shared rank -> '3 (gelijk)'; no rank (a theme without a score) -> ''."""
    if is_missing(value):
        return ""
    text = number(value, 0)
    return f"{text} (gelijk)" if is_tied(flag_text) else text


def rank_prefix(value: Any, flag_text: Any = "") -> str:
    """Before a theme name: '1.' or '2 (gelijk)'; '–' for a theme without a rank."""
    if is_missing(value):
        return "–"
    return rank(value, flag_text) if is_tied(flag_text) else f"{number(value, 0)}."


def coverage(value: Any, flag_text: Any = "") -> str:
    """0.3 -> 'onderbouwing 30 % (lage onderbouwing)'; 1.0 -> 'onderbouwing 100 %'."""
    if is_missing(value):
        return f"onderbouwing {UNKNOWN}"
    text = f"onderbouwing {percent(value)}"
    return f"{text} (lage onderbouwing)" if low_coverage(value, flag_text) else text


def signals(flag_text: Any, coverage_value: Any = None, score: Any = 0.0) -> str:
    """The flags of a score in Dutch, with "lage onderbouwing" and "geen score" always said."""
    codes = [f for f in ("" if is_missing(flag_text) else str(flag_text)).split(";") if f]
    if is_missing(score) and "no_score" not in codes:
        codes.insert(0, "no_score")
    if low_coverage(coverage_value) and "low_coverage" not in codes and "no_score" not in codes:
        codes.append("low_coverage")
    return flags(";".join(codes))


def window_state(flag_text: Any, published: Any, window: Any, value: Any) -> str:
    """Why an indicator has no number: 'onvolledig (7 van 12 maanden gepubliceerd)' or 'onbekend'.

    '' when it has a number. A missing value is never shown as 0.
    """
    if not is_missing(value):
        return ""
    # the scoring's flag is the one rule (scoring/facts.py: fewer than 9 of 12 months published)
    if "incomplete_window" in flag_set(flag_text):
        if not is_missing(published) and not is_missing(window):
            return f"onvolledig ({int(published)} van {int(window)} maanden gepubliceerd)"
        return "onvolledig (te weinig maanden gepubliceerd)"
    return UNKNOWN


def value(text: str) -> str:
    return VALUES.get(str(text), str(text))


# trends.period_kind: "year" rows of a monthly series are rolling 12-month sums, not calendar years
PERIOD_KINDS: dict[str, str] = {"month": "maand", "year": "12 maanden"}


def period_kind(text: str) -> str:
    return PERIOD_KINDS.get(str(text), str(text))


def area(code: str, region: RegionConfig | None = None) -> str:
    """'PV23' -> 'Overijssel (PV23)'; the region's code -> its name; unknown codes stay as they are."""

    if region is not None and code == region.code:
        return municipality_label(code, region)
    found = registry().get(code) if code else None
    if found is None or found.name == code:
        return code
    return f"{re.sub(r' [(](PV|LD|RE|BT|gemeente)[)]$', '', found.name)} ({code})"


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
