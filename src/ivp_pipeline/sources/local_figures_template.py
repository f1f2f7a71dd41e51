"""The empty local-figures workbook (`ivp template lokaal`): the layout sources/local_figures.py reads."""

from __future__ import annotations

from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from ivp_pipeline.regions import DEFAULT_REGION, RegionConfig
from ivp_pipeline.sources.local_figures import KNOWN_FIGURES
from ivp_pipeline.sources.survey.template import areas
from ivp_pipeline.xlsxsave import add_list_validation, deterministic_bytes, write_instructions, write_lists

INFO_SHEET = "Toelichting"
DATA_SHEET = "Cijfers"
LISTS_SHEET = "Lijsten"
HEADERS = ("gebied", "cijfer", "omschrijving", "thema", "periode", "aantal", "bron")
WIDTHS = (22, 18, 34, 30, 12, 10, 28)
DATA_ROWS = 500


def instructions(region: RegionConfig, themes: Mapping[str, str]) -> list[str | tuple[str, str]]:
    known = "; ".join(f"{k} ({label}, thema {themes.get(t, t)})" for k, (label, t) in KNOWN_FIGURES.items())
    return [
        f"Lokale cijfers - Integraal Veiligheidsplan {region.name}",
        "",
        "Cijfers die niet in de politiecijfers staan. Vul op het tabblad 'Cijfers' één regel in per "
        "gebied, cijfer en periode.",
        ("gebied", f"De gemeente ({', '.join(region.municipality_names())}) of een CBS-code."),
        ("cijfer", f"Een van: {known}. Een eigen cijfer mag ook (een korte naam), met een thema."),
        ("omschrijving", "Optioneel: hoe het cijfer in het rapport heet."),
        ("thema", "Optioneel bij de bekende cijfers; verplicht bij een eigen cijfer. Kies uit de lijst."),
        ("periode", "Een jaar (2025), een kwartaal (2025-K3) of een maand (2025-10)."),
        (
            "aantal",
            "Het aantal, een geheel getal. Geheim of te klein om te delen: een punt (.). Niet bekend: "
            "onbekend. Werkelijk nul: 0. Laat de cel niet leeg: een leeg aantal wordt geweigerd.",
        ),
        ("bron", "Optioneel: wie het cijfer leverde (Halt, RIEC, gemeente, woningcorporatie)."),
        "",
        "ivp rekent aantallen om naar per 1.000 inwoners (Halt: per 10.000 jongeren van 12-17 jaar, "
        "als die bevolking is ingelezen). Onbekend en geheim tellen nooit als 0.",
    ]


def build(region: RegionConfig = DEFAULT_REGION, themes: Mapping[str, str] | None = None) -> Workbook:
    """The workbook for the workspace's region and theme catalogue (theme id -> Dutch label)."""
    themes = dict(themes or {})
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = INFO_SHEET
    write_instructions(info, instructions(region, themes), 16)

    data = wb.create_sheet(DATA_SHEET)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    area_list = areas(region)
    write_lists(lists, {"A": area_list, "B": list(KNOWN_FIGURES), "C": list(themes.values())})
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, (h, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        cell = data.cell(1, c, h)
        cell.font = Font(bold=True)
        cell.fill = fill
        data.column_dimensions[cell.column_letter].width = width
    data.freeze_panes = "A2"
    last = DATA_ROWS + 1
    add_list_validation(data, f"{LISTS_SHEET}!$A$1:$A${len(area_list)}", f"A2:A{last}", "Gemeente")
    add_list_validation(data, f"{LISTS_SHEET}!$B$1:$B${len(KNOWN_FIGURES)}", f"B2:B{last}", "Cijfer")
    if themes:
        add_list_validation(data, f"{LISTS_SHEET}!$C$1:$C${len(themes)}", f"D2:D{last}", "Thema")
    wb.active = 0
    return wb


def template_bytes(region: RegionConfig = DEFAULT_REGION, themes: Mapping[str, str] | None = None) -> bytes:
    """`ivp template lokaal` for the workspace's region and catalogue."""
    return deterministic_bytes(build(region, themes))
