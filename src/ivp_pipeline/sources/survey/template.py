"""The empty local-survey workbook (`ivp template survey`): the layout the survey_local reader reads."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from ivp_pipeline.regions import DEFAULT_REGION, RegionConfig, registry
from ivp_pipeline.sources.survey.common import KNOWN_INDICATORS
from ivp_pipeline.xlsxsave import add_list_validation, deterministic_bytes, write_instructions, write_lists

INFO_SHEET = "Toelichting"
DATA_SHEET = "Resultaten"
LISTS_SHEET = "Lijsten"
HEADERS = (
    "gebied",
    "indicator",
    "jaar",
    "waarde",
    "eenheid",
    "marge",
    "ondergrens",
    "bovengrens",
    "respondenten",
    "vergelijkingsgebied",
    "vergelijkingswaarde",
)
UNITS = ("percent", "rapportcijfer", "schaalscore")
DATA_ROWS = 500


def areas(region: RegionConfig) -> list[str]:
    """The gebied choices: the region's municipalities, then the region as a whole when the survey
    reader knows it (its basisteam: "Noordoost Twente" is the basisteam Noordoost-Twente)."""
    return [*region.municipality_names(), *([region.name] if region.basisteam else [])]


def comparison_areas(region: RegionConfig) -> list[str]:
    """The vergelijkingsgebied choices: the region's comparison areas (Nederland, the province), then
    the areas of the region itself."""
    found = [registry().get(c) for c in reversed(region.comparison_areas)]
    names = [r.name for r in found if r is not None]
    whole = [region.name] if region.basisteam else []
    return list(dict.fromkeys([*names, *whole, *region.municipality_names()]))


def instructions(region: RegionConfig) -> list[str | tuple[str, str]]:
    names = region.municipality_names()
    example = region.municipalities[0]
    whole = (
        f" of '{region.name}' voor de {len(names)} gemeenten samen"
        if region.basisteam and len(names) > 1
        else ""
    )
    return [
        f"Resultaten lokale veiligheidsenquête - Integraal Veiligheidsplan {region.name}",
        "",
        "Vul op het tabblad 'Resultaten' één regel in per gebied, indicator en jaar.",
        ("gebied", f"De gemeente ({', '.join(names)}), een CBS-code ({example}){whole}."),
        (
            "indicator",
            "Kies uit de lijst (bijvoorbeeld 'Voelt zich wel eens onveilig in buurt') of gebruik een "
            "eigen korte omschrijving.",
        ),
        ("jaar", "Het jaar van de meting, bijvoorbeeld 2023 (een voorlopig cijfer mag als 2025*)."),
        ("waarde", "De uitkomst als getal (36,7 voor 36,7 procent; een rapportcijfer als 7,2)."),
        ("eenheid", "percent (0-100), rapportcijfer (1-10) of schaalscore (0-10)."),
        ("marge", "De foutmarge in plus of min (bijvoorbeeld 2,5); of vul ondergrens en bovengrens in."),
        ("ondergrens", "Ondergrens van het 95%-betrouwbaarheidsinterval (optioneel)."),
        ("bovengrens", "Bovengrens van het 95%-betrouwbaarheidsinterval (optioneel)."),
        ("respondenten", "Het aantal mensen dat de vraag beantwoordde."),
        ("vergelijkingsgebied", "Optioneel: het gebied waarmee u vergelijkt, bijvoorbeeld Nederland."),
        ("vergelijkingswaarde", "Optioneel: de waarde van dat gebied."),
        "",
        "Een waarde die niet bekend is of te weinig respondenten heeft: vul een punt (.) in.",
        "ivp controleert of de waarde binnen het bereik van de eenheid valt en binnen het interval ligt.",
    ]


def build(region: RegionConfig = DEFAULT_REGION) -> Workbook:
    """The workbook for the workspace's region ([region] of ivp.toml)."""
    area_list, comparison = areas(region), comparison_areas(region)

    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = INFO_SHEET
    write_instructions(info, instructions(region), 22, bold_labels=False)

    data = wb.create_sheet(DATA_SHEET)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    columns = {
        "A": area_list,
        "B": [label for label, _ in KNOWN_INDICATORS.values()],
        "C": list(UNITS),
        "D": comparison,
        "E": list(KNOWN_INDICATORS),  # the ids beside the labels of column B
    }
    write_lists(lists, columns)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, h in enumerate(HEADERS, start=1):
        cell = data.cell(1, c, h)
        cell.font = Font(bold=True)
        cell.fill = fill
        data.column_dimensions[cell.column_letter].width = 40 if h == "indicator" else 14
    data.freeze_panes = "A2"
    last = DATA_ROWS + 1
    for formula, ref in (
        (f"{LISTS_SHEET}!$A$1:$A${len(area_list)}", f"A2:A{last}"),
        (f"{LISTS_SHEET}!$B$1:$B${len(KNOWN_INDICATORS)}", f"B2:B{last}"),
        (f"{LISTS_SHEET}!$C$1:$C${len(UNITS)}", f"E2:E{last}"),
        (f"{LISTS_SHEET}!$D$1:$D${len(comparison)}", f"J2:J{last}"),
    ):
        add_list_validation(data, formula, ref)
    wb.active = 0
    return wb


def template_bytes(region: RegionConfig = DEFAULT_REGION) -> bytes:
    """`ivp template survey` for the workspace's region."""
    return deterministic_bytes(build(region))
