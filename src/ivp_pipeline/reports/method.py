"""The method facts of a ScoreResult as Dutch label/value rows, shared by the workbook and the report."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ivp_pipeline import __version__
from ivp_pipeline.reports import labels, views
from ivp_pipeline.reports.charts.captions import MONTHS

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

METHOD_LABELS = {
    "catalogue_version": "Versie themacatalogus",
    "ivp_version": "Versie ivp",
    "default_profile": "Standaardprofiel",
    "draws": "Aantal trekkingen (Monte Carlo)",
    "seed": "Startwaarde toevalsgenerator",
    "reference_area": "Referentiegebied",
    "reference_area_configured": "Referentiegebied (ingesteld)",
    "latest_complete_month": "Laatste volledige maand",
    "latest_complete_period": "Laatste volledige periode",
    "period_kind": "Soort periode",
    "latest_window": "Laatste 12 maanden",
    "baseline_window": "Basisperiode (trend)",
    "series_break": "Trendbreuk politiecijfers",
    "small_number_threshold": "Drempel kleine aantallen",
    "interval_level": "Betrouwbaarheid score-interval",
    "weight_concentration": "Spreiding gewichten (concentratie)",
    "top_n": "Aantal prioriteiten (top)",
    "municipalities": "Gemeenten",
    "peers": "Vergelijkingsgemeenten",
    "scales": "Vaste schalen",
    "region": "Regio",
    "profile_labels": "Namen van profielen",
    "public": "Openbare modus",
    "public_threshold": "Drempel openbare modus",
}
PERIOD_KINDS = {"month": "maand", "quarter": "kwartaal", "year": "jaar"}
# method["windows"]: the window each source's criteria use (its own latest complete 12 months)
WINDOW_LABELS = {
    "crime": "Venster misdrijven (politie)",
    "overlast": "Venster overlast (politie)",
    "survey": "Venster enquête (jaar)",
}
WINDOWS_APART_LABEL = "Vensters lopen uiteen"
WINDOWS_APART_WARNING = (
    "Let op: de bronnen eindigen meer dan 3 maanden uit elkaar. Elk criterium gebruikt het venster van "
    "zijn eigen bron (zie hierboven); vergelijk de criteria van verschillende bronnen daarom met zorg."
)


def windows(result: ScoreResult) -> list[tuple[str, str]]:
    """(label, window) per source, in the order crime, overlast, survey, then any other."""
    given = result.method.get("windows")
    if not isinstance(given, dict):
        return []
    keys = [k for k in WINDOW_LABELS if k in given] + sorted(k for k in given if k not in WINDOW_LABELS)
    out = []
    for k in keys:
        text = given[k]
        shown = "onbekend (geen gegevens)" if labels.is_missing(text) or not str(text) else str(text)
        out.append((WINDOW_LABELS.get(k, f"Venster {k}"), shown))
    return out


def windows_apart(result: ScoreResult) -> bool:
    return bool(result.method.get("windows_apart"))


def method_rows(result: ScoreResult, *, nested: bool, with_windows: bool = True) -> list[tuple[str, Any]]:
    """(label, value) per method fact; nested values (dicts, lists) as JSON text, or left out.

    The windows per source come first (with the warning when they end far apart), unless the caller
    shows them itself (`with_windows=False`).
    """
    rows: list[tuple[str, Any]] = list(windows(result)) if with_windows else []
    if with_windows and "windows_apart" in result.method:
        rows.append((WINDOWS_APART_LABEL, WINDOWS_APART_WARNING if windows_apart(result) else "nee"))
    for key, value in result.method.items():
        if key in ("profiles", "profile_labels", "windows", "windows_apart"):  # shown above or as weights
            continue
        if isinstance(value, dict | list | tuple):
            if key in ("municipalities", "peers"):
                names = ", ".join(result.region.label(str(c)) for c in value) or "geen"
                rows.append((METHOD_LABELS[key], names))
            elif key == "region" and isinstance(value, dict):
                shown = ", ".join(f"{name} ({code})" for code, name in value.items())
                rows.append((METHOD_LABELS[key], shown))
            elif nested:
                rows.append((METHOD_LABELS.get(key, key), json.dumps(value, ensure_ascii=False, default=str)))
            continue
        rows.append((METHOD_LABELS.get(key, key), _shown(result, key, value)))
    ivp_version = _package_version()
    if "ivp_version" not in result.method and ivp_version:
        rows.append((METHOD_LABELS["ivp_version"], ivp_version))
    return rows


def _shown(result: ScoreResult, key: str, value: Any) -> Any:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if key == "default_profile":
        return views.profile_label(result, str(value))
    if key.startswith("reference_area"):
        return labels.area(str(value))
    if key == "period_kind":
        return PERIOD_KINDS.get(str(value), str(value))
    if key == "interval_level" and isinstance(value, float | int):
        return labels.number(float(value) * 100, 0) + " %"
    if key == "series_break" and value:
        when = views.series_break(result)
        return f"{MONTHS[when.month - 1]} {when.year}" if when else str(value)
    return value


def _package_version() -> str:

    return str(__version__)


def weights(result: ScoreResult) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """Criteria (in order of first use) and, per profile, its weights (None where a profile lacks one)."""
    profiles = result.method.get("profiles")
    if not isinstance(profiles, dict) or not profiles:
        return [], []
    crits = list(dict.fromkeys(c for w in profiles.values() if isinstance(w, dict) for c in w))
    rows = [
        (views.profile_label(result, str(p)), [w.get(c) if isinstance(w, dict) else None for c in crits])
        for p, w in profiles.items()
    ]
    return crits, rows
