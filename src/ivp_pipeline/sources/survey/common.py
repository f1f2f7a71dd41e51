"""Shared rules of the survey readers: units and their ranges, indicator ids, numbers, areas, rows."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ivp_pipeline.problems import Problem
from ivp_pipeline.regions import Region, normalise_name, registry
from ivp_pipeline.schemas import STATUS_BY_MARKER, SURVEY

# Unit as written (header suffix or `eenheid` cell, normalised) -> canonical unit.
UNIT_ALIASES = {
    "%": "percent",
    "procent": "percent",
    "percent": "percent",
    "percentage": "percent",
    "rapportcijfer": "rapportcijfer",
    "cijfer": "rapportcijfer",
    "gemiddeld rapportcijfer": "rapportcijfer",
    "schaalscore": "schaalscore",
    "score": "schaalscore",
    "gemiddelde schaalscore": "schaalscore",
}
# Valid range per unit: percent 0-100, rapportcijfer 1-10, VM schaalscores are on a 0-10 scale.
UNIT_RANGES = {"percent": (0.0, 100.0), "rapportcijfer": (1.0, 10.0), "schaalscore": (0.0, 10.0)}

# Indicators an IVP uses, with the id the Veiligheidsmonitor StatLine header gives them, so a local
# survey that names them by label gets the same id (see docs/inputs.md).
KNOWN_INDICATORS: dict[str, tuple[str, str]] = {
    "onveiligheidsbeleving.algemeen.onveiligheidsgevoelens.voelt_zich_wel_eens_onveilig": (
        "Voelt zich wel eens onveilig",
        "percent",
    ),
    "onveiligheidsbeleving.buurt.onveiligheidsgevoelens.voelt_zich_wel_eens_onveilig_in_buurt": (
        "Voelt zich wel eens onveilig in buurt",
        "percent",
    ),
    "onveiligheidsbeleving.buurt.beoordeling_criminaliteit.denkt_dat_er_veel_criminaliteit_in_buurt": (
        "Denkt dat er veel criminaliteit in buurt",
        "percent",
    ),
    "onveiligheidsbeleving.buurt.beoordeling_criminaliteit.vindt_criminaliteit_in_buurt_toegenomen": (
        "Vindt criminaliteit in buurt toegenomen",
        "percent",
    ),
    "onveiligheidsbeleving.buurt.beoordeling_criminaliteit.rapportcijfer_veiligheid_in_buurt": (
        "Rapportcijfer veiligheid in buurt",
        "rapportcijfer",
    ),
    "onveiligheidsbeleving.buurt.onveiligheidsgevoelens.onveilig_op_plekken_waar_jongeren_rondhangen": (
        "Onveilig op plekken waar jongeren rondhangen",
        "percent",
    ),
    "overlast_in_de_buurt.sociale_overlast.overlast_van_groepen_jongeren": (
        "Overlast van groepen jongeren",
        "percent",
    ),
    "overlast_in_de_buurt.sociale_overlast.drugsoverlast": ("Drugsoverlast", "percent"),
    "overlast_in_de_buurt.fysieke_verloedering.schaalscore_fysieke_verloedering": (
        "Schaalscore fysieke verloedering",
        "schaalscore",
    ),
    "slachtofferschap.traditionele_criminaliteit.slachtoffer_traditionele_criminaliteit": (
        "Slachtoffer traditionele criminaliteit",
        "percent",
    ),
    "slachtofferschap.traditionele_criminaliteit.slachtoffer_geweldsdelicten": (
        "Slachtoffer geweldsdelicten",
        "percent",
    ),
    "slachtofferschap.traditionele_criminaliteit.slachtoffer_vermogensdelicten": (
        "Slachtoffer vermogensdelicten",
        "percent",
    ),
    "slachtofferschap.online_criminaliteit.slachtoffer_online_criminaliteit": (
        "Slachtoffer online criminaliteit",
        "percent",
    ),
    "slachtofferschap.online_criminaliteit.slachtoffer_online_oplichting_en_fraude": (
        "Slachtoffer online oplichting en fraude",
        "percent",
    ),
    "respectloos_gedrag.respectloos_gedrag_door_onbekenden": (
        "Respectloos gedrag door onbekenden",
        "percent",
    ),
}
_KNOWN_BY_LABEL = {normalise_name(label): iid for iid, (label, _) in KNOWN_INDICATORS.items()}

# Names a survey uses for the region as a whole: the basisteam covers exactly the four municipalities.
_NOT_ALIASES = {"not", "noordoost twente", "noordoost-twente", "heel noordoost twente", "regio", "regio not"}
# StatLine still labels the province Friesland; the registry uses the official name Fryslân.
_EXTRA_NAMES = {"friesland (pv)": "PV21", "friesland": "PV21"}

SPECIAL_VALUES = {".": "suppressed", "x": "suppressed", "-": "zero", "–": "zero", "": "not_applicable"}


def slug(text: str) -> str:
    """A readable, stable id part: accents folded, case folded, runs of non-letters -> '_'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[()]", "", text)  # "(On)veiligheidsbeleving" -> "onveiligheidsbeleving"
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def path_id(parts: list[str]) -> str:
    return ".".join(s for s in (slug(p) for p in parts) if s)


def canonical_unit(text: str) -> str | None:
    return UNIT_ALIASES.get(normalise_name(text).strip("() "))


def known_indicator(text: str) -> tuple[str, str, str] | None:
    """(id, label, unit) when `text` is a known indicator id or label."""
    key = text.strip()
    if key in KNOWN_INDICATORS:
        return key, *KNOWN_INDICATORS[key]
    iid = _KNOWN_BY_LABEL.get(normalise_name(key))
    if iid:
        return iid, *KNOWN_INDICATORS[iid]
    return None


def parse_decimal(text: str) -> float:
    """'36,7' or '36.7' -> 36.7 (survey values are never in thousands); raises ValueError."""
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if not re.fullmatch(r"[-+]?\d+(?:[.,]\d+)?", t):
        raise ValueError(text)
    return float(t.replace(",", "."))


def parse_count(text: str) -> int:
    """'1234', '1.234' or '1 234' -> 1234 (counts are integers, so a dot groups thousands)."""
    t = text.strip().replace("\u00a0", " ")
    if re.fullmatch(r"\d+", t) or re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+", t):
        return int(re.sub(r"\D", "", t))
    if re.fullmatch(r"\d+\.0+", t):  # a count re-saved as a float
        return int(t.split(".")[0])
    raise ValueError(text)


def parse_year(text: str) -> tuple[int, str]:
    """'2019' -> (2019, final), '2025*' -> provisional, '2025**' -> further_provisional, '2019JJ00' too."""
    t = text.strip()
    m = re.fullmatch(r"((?:19|20)\d\d)(?:JJ00)?\s*(\*{0,2})", t)
    if not m:
        raise ValueError(text)
    status = STATUS_BY_MARKER[m.group(2)]
    return int(m.group(1)), status


def resolve_area(text: str) -> Region | None:
    """A code or a name of any level; bare province names and 'Noordoost Twente' included."""
    reg = registry()
    name = text.strip()
    if not name:
        return None
    norm = normalise_name(name)
    if norm in _NOT_ALIASES:
        return reg.get("BT_NOT")
    if norm in _EXTRA_NAMES:
        return reg.get(_EXTRA_NAMES[norm])
    found = reg.resolve(name)
    if found is None and not reg.is_code(name):
        for tag in ("(PV)", "(LD)", "(RE)", "(BT)"):
            found = reg.resolve(f"{name} {tag}")
            if found:
                break
    return found


def range_problem(unit: str, value: float | None) -> bool:
    """True when a value lies outside its unit's range."""
    if value is None or unit not in UNIT_RANGES:
        return False
    low, high = UNIT_RANGES[unit]
    return not low <= value <= high


@dataclass
class SurveyRows:
    """Column-wise buffer of canonical survey rows for one file."""

    source_file: str
    source_sha256: str
    columns: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, area: Region, source_row: int, **values: Any) -> None:
        rec = {
            "municipality": area.partition,
            "area_code": area.code,
            "area_level": area.level,
            "area_name": area.name,
            "table_id": None,
            "period_status": "final",
            "value_state": "observed",
            "ci_low": None,
            "ci_high": None,
            "margin": None,
            "respondents": None,
            "comparison_area": None,
            "comparison_value": None,
            **values,
            "source_file": self.source_file,
            "source_sha256": self.source_sha256,
            "source_row": source_row,
        }
        for name in SURVEY.schema.names:
            self.columns.setdefault(name, []).append(rec[name])

    def table(self) -> pa.Table:

        if not self.columns:
            return SURVEY.schema.empty_table()
        return SURVEY.build(self.columns)


def problem_at(
    code: str,
    message: str,
    file: str,
    row: int,
    column: str,
    value: str = "",
    hint: str = "",
    sheet: str = "",
) -> Problem:
    return Problem(code, message, file=file, sheet=sheet, row=row, column=column, value=value, hint=hint)
