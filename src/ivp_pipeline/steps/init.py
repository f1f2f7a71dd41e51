"""`ivp init` as a library call: a new workspace with ivp.toml, data/raw/<kind>/ and a .gitignore.

The ivp.toml written is `data/ivp.template.toml` with the region filled in: every setting is there,
commented in Dutch. `sample=True` copies the fictitious sample data of Noordoost Twente shipped in
the package (`data/sample/`), so an installed wheel can start without a checkout of the repository.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

from pydantic import ValidationError

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.config import validation_problems
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.regions import (
    DEFAULT_REGION,
    Region,
    RegionConfig,
    registry,
    resolve_municipality,
)

KINDS = ("police", "survey", "professional", "population", "local_figures", "geo")

# What each data/raw/<kind>/ folder is for, in the README written into it (Dutch: for the user).
_KIND_README = {
    "police": (
        "Politiecijfers",
        "Downloads van de politiecijfers, precies zoals ontvangen: de CSV van data.politie.nl, de CSV\n"
        "van Politie StatLine, of de bulk-CSV en OData-JSON van het CBS (tabellen 47013NED, 47018NED,\n"
        "47021NED, ...). `ivp fetch` zet nieuwe downloads hier neer.",
    ),
    "survey": (
        "Enquêtes",
        "De CSV van de Veiligheidsmonitor (StatLine) en uitkomsten van lokale enquêtes (CSV of xlsx,\n"
        "in de indeling van `ivp template survey`).",
    ),
    "professional": (
        "Inbreng van professionals",
        "De ingevulde werkmappen van `ivp template professional` (politie, welzijn, jongerenwerk,\n"
        "woningcorporaties, onderwijs, zorg, ...). Namen, e-mailadressen en telefoonnummers komen\n"
        "nooit in data/processed of in de rapporten.",
    ),
    "local_figures": (
        "Lokale cijfers",
        "Cijfers die niet in de politiecijfers staan (Halt-verwijzingen, RIEC-signalen, Bibob-onderzoeken,\n"
        "meldingen woonoverlast, contacten jongerenwerk): CSV of xlsx in de indeling van\n"
        "`ivp template lokaal`.",
    ),
    "geo": (
        "Wijkgrenzen",
        "Optioneel: de wijk- en buurtkaart van het CBS (PDOK) als GeoJSON of GeoPackage. Dan tekent\n"
        "`ivp score` kaarten per thema en wijk; zonder bestand alleen tabellen. `ivp ingest` slaat deze\n"
        "map over.",
    ),
    "population": (
        "Bevolking",
        "Inwoners per gemeente en jaar: de bulk-CSV van het CBS (03759ned, 85984NED) of een eenvoudige\n"
        "CSV met de kolommen `gemeente;jaar;inwoners`.",
    ),
}

_README = """# {title}

{body}

Bewerk bestanden hier nooit: zet een nieuwe download naast de oude. `ivp ingest` herkent de soort van
elk bestand aan de inhoud, niet aan de naam of de map. Bestanden met de naam `README.md` worden niet
ingelezen.
"""

_GITIGNORE = """\
# Gemaakt door `ivp init`. Gegenereerd (opnieuw te maken met `ivp ingest` en `ivp score`):
/data/processed/
/data/.processed-*
/data/.processed.spare/
/data/.ivp.lock
/reports/
/.reports-staging-*
/.reports-old-*
/.processed-*
# Lokale toestand: de pseudoniemsleutel van respondenten. Nooit delen.
/.ivp/
"""

_COMMENTED_EVALUATION = """\
# [evaluation]
# Basisjaar waartegen de voortgang wordt gemeten.
# baseline_year = 2023
# Doel per thema: gewenste verandering in procent t.o.v. het basisjaar, per gemeente (GMxxxx) of
# voor de hele regio (de regiocode).
# [evaluation.targets.woninginbraak]
# $region_code = -10
"""

# The evaluation of the sample workspace: the same settings as data/sample/ivp.toml (a test checks it).
_SAMPLE_EVALUATION = """\
[evaluation]
# Basisjaar waartegen de voortgang wordt gemeten (fictieve voorbeelddoelen).
baseline_year = 2023

[evaluation.targets.woninginbraak]
NOT = -10                       # -10 % t.o.v. het aantal per 1.000 inwoners in 2023

[evaluation.targets.jeugd]
GM0173 = -15
NOT = -10

[evaluation.targets.ondermijning]
NOT = 0
"""


@dataclass(frozen=True)
class InitResult:
    root: Path
    region_name: str
    region_code: str
    municipalities: tuple[Region, ...]
    written: list[Path] = field(default_factory=list)
    comparison_areas: tuple[Region, ...] = ()  # the province first, then Nederland

    @property
    def province(self) -> Region | None:
        return next((r for r in self.comparison_areas if r.level == "provincie"), None)


def resolve_municipalities(given: Sequence[str]) -> tuple[Region, ...]:
    """Codes or names (also comma-separated) -> municipalities; every unknown one is a problem."""
    items = [part.strip() for text in given for part in text.split(",") if part.strip()]
    found: list[Region] = []
    problems: list[Problem] = []
    for item in items:
        resolved = resolve_municipality(item)
        if isinstance(resolved, Problem):
            problems.append(resolved.at(column="--municipalities"))
        elif resolved not in found:
            found.append(resolved)
    if problems:
        raise IvpError(problems[0], problems[1:])
    if not found:
        raise IvpError(
            Problem(
                "missing-value",
                "geen gemeenten opgegeven",
                column="--municipalities",
                hint="geef gemeentecodes of -namen, gescheiden door komma's",
            )
        )
    return tuple(found)


def resolve_province(text: str) -> Region:
    """A province given as a code (PV23) or a name ("Overijssel", "Overijssel (PV)")."""
    reg = registry()
    found = reg.get(text) if reg.is_code(text) else reg.resolve(text, levels=("provincie",))
    if found is None and not reg.is_code(text):
        found = reg.resolve(f"{text} (PV)", levels=("provincie",))
    if found is None or found.level != "provincie":
        raise IvpError(
            Problem(
                "unknown-region",
                "geen provincie met deze code of naam",
                column="--province",
                value=text,
                hint="geef de naam van de provincie (bv. Overijssel) of de code (PV23)",
            )
        )
    return found


def _default_code(name: str) -> str:
    """A region code from its name: the initials of its words ("Noord Veluwe" -> "NV"), at least 2."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", name)
    code = "".join(w[0] for w in words) if len(words) > 1 else "".join(words)[:3]
    code = code.upper()
    return code if len(code) >= 2 and code[0].isalpha() else "REGIO"


def _toml_list(codes: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in codes)


def _toml_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def render_config(
    region_name: str,
    region_code: str,
    municipalities: Sequence[str],
    *,
    sample: bool = False,
    comparison_areas: Sequence[str] | None = None,
) -> str:
    """The text of a new ivp.toml: the template with the region filled in.

    `comparison_areas` (the province first, then Nederland): those of Noordoost Twente for its four
    municipalities, else only Nederland unless given (the registry does not know which province a
    municipality lies in: `ivp init --province`).
    """
    template = resources.files("ivp_pipeline").joinpath("data", "ivp.template.toml").read_text("utf-8")
    is_not = set(municipalities) == set(DEFAULT_REGION.municipalities)
    if comparison_areas is None:
        comparison_areas = DEFAULT_REGION.comparison_areas if is_not else ("NL01",)
    has_province = any(c.startswith("PV") for c in comparison_areas)
    province_note = (
        ""
        if has_province
        else '\n# Zet de provincie van de gemeenten vooraan, bijvoorbeeld ["PV23", "NL01"] voor Overijssel.'
    )
    if sample:
        evaluation = _SAMPLE_EVALUATION
    else:
        evaluation = Template(_COMMENTED_EVALUATION).substitute(region_code=region_code)
    return Template(template).substitute(
        region_name=_toml_string(region_name),
        region_code=region_code,
        municipalities=_toml_list(municipalities),
        basisteam_line=(
            f'basisteam = "{DEFAULT_REGION.basisteam}"'
            if is_not
            else 'basisteam = ""  # bijvoorbeeld "BT_NOT"'
        ),
        comparison_areas=_toml_list(comparison_areas),
        province_note=province_note,
        evaluation=evaluation,
        fetch_section="# [fetch]",
        fetch_tables_line='# tables = ["47013NED", "47021NED"]',
    )


def _sample() -> Traversable:
    return resources.files("ivp_pipeline").joinpath("data", "sample")


def _copy_tree(src: Traversable, dest: Path, written: list[Path]) -> None:
    for entry in sorted(src.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            _copy_tree(entry, dest / entry.name, written)
        elif entry.is_file():
            target = dest / entry.name
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(target, entry.read_bytes())
            written.append(target)


def _check_region(name: str, code: str, codes: Sequence[str]) -> None:
    try:
        RegionConfig(name=name, code=code, municipalities=tuple(codes))
    except ValidationError as exc:
        options = {"name": "--region-name", "code": "--region-code", "municipalities": "--municipalities"}
        problems = validation_problems(exc, column=lambda loc: options.get(loc[0], loc[0]) if loc else "")
        raise IvpError(problems[0], problems[1:]) from exc


def init(
    root: Path,
    *,
    sample: bool = False,
    municipalities: Sequence[str] | None = None,
    region_name: str | None = None,
    region_code: str | None = None,
    province: str | None = None,
) -> InitResult:
    """Create a workspace in `root` (made when missing); refuses a folder that already has ivp.toml."""
    config_file = root / "ivp.toml"
    if config_file.exists():
        raise IvpError(
            Problem(
                "workspace-exists",
                "deze map is al een werkruimte (er staat een ivp.toml)",
                file=str(config_file),
                hint="kies een andere map, of pas de bestaande ivp.toml aan",
            )
        )
    if root.exists() and not root.is_dir():
        raise IvpError(
            Problem("missing-folder", "dit is een bestand, geen map", file=str(root), hint="kies een map")
        )
    regions = resolve_municipalities(municipalities) if municipalities else None
    default = DEFAULT_REGION
    codes = tuple(r.code for r in regions) if regions else default.municipalities
    if sample and set(codes) != set(default.municipalities):
        raise IvpError(
            Problem(
                "sample-region",
                "de voorbeelddata zijn van Noordoost Twente (Dinkelland, Losser, Oldenzaal, Tubbergen)",
                column="--sample",
                hint="laat --sample weg, of laat --municipalities weg",
            )
        )
    is_not = set(codes) == set(default.municipalities)
    name = region_name or (default.name if is_not else "Mijn regio")
    code = region_code or (default.code if is_not and not region_name else _default_code(name))
    if regions is None:
        regions = tuple(r for c in default.municipalities if (r := registry().get(c)) is not None)
    if province is not None:
        comparison: tuple[str, ...] = (resolve_province(province).code, "NL01")
    else:
        comparison = default.comparison_areas if is_not else ("NL01",)
    _check_region(name, code, codes)

    written: list[Path] = []
    root.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        folder = root / "data" / "raw" / kind
        folder.mkdir(parents=True, exist_ok=True)
        title, body = _KIND_README[kind]
        readme = folder / "README.md"
        if not readme.exists():
            write_bytes_atomic(readme, _README.format(title=title, body=body).encode("utf-8"))
            written.append(readme)
    if sample:
        _copy_tree(_sample().joinpath("raw"), root / "data" / "raw", written)
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        write_bytes_atomic(gitignore, _GITIGNORE.encode("utf-8"))
        written.append(gitignore)
    text = render_config(name, code, codes, sample=sample, comparison_areas=comparison)
    write_bytes_atomic(config_file, text.encode("utf-8"))
    written.append(config_file)
    areas = tuple(r for c in comparison if (r := registry().get(c)) is not None)
    return InitResult(root, name, code, regions, written, areas)
