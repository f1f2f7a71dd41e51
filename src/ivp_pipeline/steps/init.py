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
    NOT_MUNICIPALITIES,
    REGION_NOT,
    REGION_NOT_LABEL,
    Region,
    RegionConfig,
    resolve_municipality,
)

KINDS = ("police", "survey", "professional", "population")

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
    region_name: str, region_code: str, municipalities: Sequence[str], *, sample: bool = False
) -> str:
    """The text of a new ivp.toml: the template with the region filled in."""
    template = resources.files("ivp_pipeline").joinpath("data", "ivp.template.toml").read_text("utf-8")
    is_not = set(municipalities) == set(NOT_MUNICIPALITIES)
    if sample:
        evaluation = _SAMPLE_EVALUATION
    else:
        evaluation = Template(_COMMENTED_EVALUATION).substitute(region_code=region_code)
    return Template(template).substitute(
        region_name=_toml_string(region_name),
        region_code=region_code,
        municipalities=_toml_list(municipalities),
        basisteam_line='basisteam = "BT_NOT"' if is_not else 'basisteam = ""  # bijvoorbeeld "BT_NOT"',
        comparison_areas=_toml_list(["PV23", "NL01"]),
        reference_area="PV23",
        evaluation=evaluation,
        fetch_section="# [fetch]",
        fetch_tables_line='# tables = ["47013NED", "47021NED"]',
        fetch_municipalities_line=f"# municipalities = [{_toml_list(municipalities)}]",
        fetch_reference_line='# reference_areas = ["PV23", "NL01"]',
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
    codes = tuple(r.code for r in regions) if regions else tuple(NOT_MUNICIPALITIES)
    if sample and set(codes) != set(NOT_MUNICIPALITIES):
        raise IvpError(
            Problem(
                "sample-region",
                "de voorbeelddata zijn van Noordoost Twente (Dinkelland, Losser, Oldenzaal, Tubbergen)",
                column="--sample",
                hint="laat --sample weg, of laat --municipalities weg",
            )
        )
    is_not = set(codes) == set(NOT_MUNICIPALITIES)
    name = region_name or (REGION_NOT_LABEL if is_not else "Mijn regio")
    code = region_code or (REGION_NOT if is_not and not region_name else _default_code(name))
    if regions is None:
        regions = tuple(Region(c, n, "gemeente", c) for c, n in NOT_MUNICIPALITIES.items())
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
    text = render_config(name, code, codes, sample=sample)
    write_bytes_atomic(config_file, text.encode("utf-8"))
    written.append(config_file)
    return InitResult(root, name, code, regions, written)
