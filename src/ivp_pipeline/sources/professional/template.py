"""The professional-input workbook to hand out: instructions, input sheet with drop-down lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from ivp_pipeline.regions import DEFAULT_REGION, RegionConfig
from ivp_pipeline.schemas import ORGANISATION_TYPES
from ivp_pipeline.sources.professional import layout
from ivp_pipeline.xlsxsave import add_list_validation, deterministic_bytes, write_instructions, write_lists

if TYPE_CHECKING:
    from ivp_pipeline.catalogue import Catalogue

HEADER_ROW = 7
DATA_ROWS = 300


def title(region: RegionConfig) -> str:
    return f"Inbreng professionals - Integraal Veiligheidsplan {region.name} 2027-2030"


def _and_list(names: list[str]) -> str:
    """["A", "B", "C"] -> "A, B en C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def instructions(region: RegionConfig) -> list[str | tuple[str, str]]:
    """The Toelichting sheet for the workspace's region: its municipalities and its whole-region choice."""
    names = region.municipality_names()
    whole = layout.whole_region_label(region)
    count = layout.COUNT_WORDS.get(len(names), str(len(names)))
    if len(names) == 1:
        intro = f"De gemeente {names[0]} stelt het Integraal Veiligheidsplan op. "
        together, one_of = "de hele gemeente", f"De gemeente {names[0]}"
    else:
        intro = f"De gemeenten {_and_list(names)} stellen samen het Integraal Veiligheidsplan op. "
        together, one_of = f"alle {count} gemeenten samen", f"Een van de {count} gemeenten"
    return [
        title(region),
        "",
        "Waarvoor is dit bestand?",
        intro + "Naast cijfers van politie en de Veiligheidsmonitor telt uw kennis als professional mee bij "
        "het kiezen van de prioriteiten.",
        "",
        "Hoe vult u het in?",
        "1. Ga naar het tabblad 'Invoer'. Vul bovenaan uw naam, organisatie, type organisatie en "
        "e-mailadres in.",
        "2. Vul daaronder per regel één gemeente en één thema in (kies uit de lijst). Gaat uw "
        f"beoordeling over {together}, kies dan '{whole}'.",
        "3. Geef per thema een cijfer van 1 tot en met 5 in de kolommen hieronder.",
        "4. Laat een cel leeg als u het niet weet. Een thema dat u niet kent, slaat u over.",
        "",
        ("Gemeente", f"{one_of}, of '{whole}' voor de hele regio."),
        ("Thema", "Het veiligheidsthema, uit de lijst."),
        ("Grootte", "Hoe vaak komt het voor, hoeveel mensen raakt het (1 = zeer klein, 5 = zeer groot)."),
        (
            "Ernst",
            "Hoe ernstig zijn de gevolgen voor slachtoffers en buurt (1 = zeer licht, 5 = zeer ernstig).",
        ),
        ("Ontwikkeling", "Neemt het af of toe (1 = neemt sterk af, 3 = gelijk, 5 = neemt sterk toe)."),
        (
            "Urgentie",
            "Hoe dringend is aanpak in de komende vier jaar (1 = niet dringend, 5 = zeer dringend).",
        ),
        ("Toelichting", "Uw uitleg: signalen, locaties, ontwikkelingen."),
        "",
        "Privacy",
        "Uw naam en e-mailadres worden alleen gebruikt om een anonieme code te maken, zodat dubbele "
        "inzendingen herkend worden. Ze komen niet in de analyse of in rapporten. Noem in de toelichting "
        "geen namen, e-mailadressen of telefoonnummers van personen: die worden verwijderd.",
        "",
        "Stuur het ingevulde bestand terug aan de adviseur Openbare Orde en Veiligheid van uw gemeente.",
    ]


def build(catalogue: Catalogue, region: RegionConfig = DEFAULT_REGION) -> Workbook:

    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = layout.INFO_SHEET
    write_instructions(info, instructions(region), 16)

    inp = wb.create_sheet(layout.INPUT_SHEET)
    lists = wb.create_sheet(layout.LISTS_SHEET)
    lists.sheet_state = "hidden"
    themes = list(catalogue.themes.values())
    columns = {
        "A": list(layout.municipality_choices(region)),
        "B": list(ORGANISATION_TYPES),
        "C": [t.label for t in themes],
        "D": [t.id for t in themes],  # ids beside the labels, so a reader of this sheet sees both
    }
    write_lists(lists, columns)

    inp["A1"] = title(region)
    inp["A1"].font = Font(bold=True, size=13)
    inp.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(layout.TABLE_HEADERS))
    for r, key in enumerate(("name", "organisation", "organisation_type", "email"), start=2):
        inp.cell(r, 1, layout.RESPONDENT_LABELS[key]).font = Font(bold=True)
        inp.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, label in enumerate(layout.TABLE_HEADERS.values(), start=1):
        cell = inp.cell(HEADER_ROW, c, label)
        cell.font = Font(bold=True)
        cell.fill = fill
    for col, width in zip("ABCDEFG", (24, 36, 11, 11, 14, 11, 60), strict=True):
        inp.column_dimensions[col].width = width
    inp.freeze_panes = f"A{HEADER_ROW + 1}"

    first, last = HEADER_ROW + 1, HEADER_ROW + DATA_ROWS

    n_muni, n_org, n_theme = len(columns["A"]), len(columns["B"]), len(columns["C"])
    lists = layout.LISTS_SHEET
    add_list_validation(inp, f"{lists}!$B$1:$B${n_org}", "B4", "Type organisatie")
    add_list_validation(inp, f"{lists}!$A$1:$A${n_muni}", f"A{first}:A{last}", "Gemeente")
    add_list_validation(inp, f"{lists}!$C$1:$C${n_theme}", f"B{first}:B{last}", "Thema")
    add_list_validation(inp, '"1,2,3,4,5"', f"C{first}:F{last}", "1 = zeer laag ... 5 = zeer hoog")
    wb.active = 0
    return wb


def template_bytes(catalogue: Catalogue, region: RegionConfig = DEFAULT_REGION) -> bytes:
    """The workbook for the workspace's themes and region (`ivp template professional`)."""
    return deterministic_bytes(build(catalogue, region))
