"""Fixtures for the survey, professional and population inputs, built from readable Python."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.sources.professional.template import HEADER_ROW, template_bytes

# Planted personal data: none of it may reach data/processed.
PLANTED_NAME = "Jan Voorbeeld"
PLANTED_EMAIL = "jan@voorbeeld.invalid"
PLANTED_PHONES = ("06-12345678", "+31 6 87654321", "053-1234567", "0031 6 11223344")
PLANTED_DIGITS = ("0612345678", "31687654321", "0531234567", "0031611223344")

H_ALG = "(On)veiligheidsbeleving /Algemeen/Onveiligheidsgevoelens/Voelt zich wel eens onveilig (%)"
H_BUURT = "(On)veiligheidsbeleving /Buurt/Onveiligheidsgevoelens/Voelt zich wel eens onveilig in buurt (%)"
H_CIJFER = (
    "(On)veiligheidsbeleving /Buurt/Beoordeling criminaliteit/Rapportcijfer veiligheid in buurt  "
    "(rapportcijfer)"
)

# StatLine VM CSV in the genuine shape: BOM, ';', quoted labels, decimal comma, Marges rows.
VM_CSV = (
    "\ufeff"
    f'"Marges";"Perioden";"Regio\'s";"{H_ALG}";"{H_BUURT}";"{H_CIJFER}"\n'
    '"Waarde";"2019";"Nederland";34,1;14,2;7,3\n'  # line 2
    '"Waarde";"2025*";"Overijssel (PV)";30;12,8;7,5\n'  # line 3
    '"Waarde";"2023";"Noordoost-Twente";25,5;.;7,8\n'  # line 4
    '"Waarde";"2019";"Friesland (PV)";27,8;11,1;7,7\n'  # line 5
    '"Waarde";"2019";"Atlantis (PV)";1;2;3\n'  # line 6: unknown region
    '"Ondergrens 95%-interval";"2019";"Nederland";33,8;13,9;7,2\n'  # line 7
    '"Ondergrens 95%-interval";"2023";"Noordoost-Twente";22,1;.;7,6\n'  # line 8
    '"Bovengrens 95%-interval";"2019";"Nederland";34,4;14,5;7,4\n'  # line 9
    '"Bovengrens 95%-interval";"2023";"Noordoost-Twente";28,9;.;8\n'  # line 10
)

LOCAL_HEADER = (
    "gebied;indicator;jaar;waarde;eenheid;marge;ondergrens;bovengrens;respondenten;"
    "vergelijkingsgebied;vergelijkingswaarde"
)


def local_csv(*rows: str) -> str:
    return "\n".join([LOCAL_HEADER, *rows]) + "\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def professional_workbook(
    path: Path,
    rows: list[list[Any]],
    *,
    name: str = PLANTED_NAME,
    organisation: str = "Politie (fictief)",
    org_type: str | None = "politie",
    email: str = PLANTED_EMAIL,
) -> Path:
    """The template, filled in with openpyxl as a respondent would (rows start under the header)."""
    wb = load_workbook(io.BytesIO(template_bytes(load_catalogue(None))))
    ws = wb["Invoer"]
    for r, value in enumerate((name, organisation, org_type, email), start=2):
        ws.cell(r, 2, value)
    for i, row in enumerate(rows):
        for c, value in enumerate(row, start=1):
            ws.cell(HEADER_ROW + 1 + i, c, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def messy_workbook(path: Path) -> Path:
    """A workbook as people really send it: not made from the template.

    Sheet 'Notities' (hidden) holds an old table; sheet 'Beoordeling' has two title rows, a respondent
    block, a two-row header with merged cells ('Beoordeling (1-5)' over the four ratings, 'Gemeente',
    'Thema' and 'Opmerkingen' merged vertically), an empty row, ratings typed as text, typos in
    municipality names, a municipality cell merged down over two rows, and formulas.
    """
    wb = Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "Notities"
    notes.append(["Gemeente", "Thema", "Grootte", "Ernst", "Ontwikkeling", "Urgentie"])
    notes.append(["Losser", "Geweld", 5, 5, 5, 5])  # hidden: must be ignored
    notes.sheet_state = "hidden"
    ws = wb.create_sheet("Beoordeling")
    ws["A1"] = "INBRENG VEILIGHEIDSPLAN - JONGERENWERK"
    ws.merge_cells("A1:G1")
    ws["A2"] = "Ingevuld door:"
    ws["B2"] = "Sanne Testpersoon"
    ws["D2"] = "E-mail:"
    ws["E2"] = "sanne@voorbeeld.invalid"
    ws["A3"] = "Soort organisatie"
    ws["B3"] = "Jongerenwerk"
    ws["A5"], ws["B5"], ws["C5"], ws["G5"] = "Gemeente", "Thema", "Beoordeling (1-5)", "Opmerkingen"
    ws.merge_cells("A5:A6")
    ws.merge_cells("B5:B6")
    ws.merge_cells("C5:F5")
    ws.merge_cells("G5:G6")
    for c, label in enumerate(("Grootte", "Ernst", "Ontwikkeling", "Urgentie"), start=3):
        ws.cell(6, c, label)
    data = [
        [
            "Oldenzal",
            "Jeugdoverlast en -criminaliteit",
            "4 - hoog",
            "vier",
            " 3 ",
            4.0,
            "Groep bij het station, bel Sanne Testpersoon 06-12345678",
        ],  # row 7
        [None] * 7,  # row 8: empty
        ["Dinkeland", "ondermijning", "=2+2", "=1+2", 3, "5 (zeer hoog)", None],  # row 9: formulas
        ["Losser", "Drugs- en alcoholoverlast", 2, "=A1", 2, 2, None],  # row 10: formula w/o value
        ["Tubbergen", "Woninginbraak", 3, 3, 3, 3, None],  # row 11: merged down over row 12
        [None, "Geweld", 2, 2, 2, 1, "mail sanne@voorbeeld.invalid"],  # row 12
        ["heel noordoost twente", "Digitale criminaliteit", 5, 4, 5, 5, None],  # row 13
    ]
    for i, row in enumerate(data):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(7 + i, c, value)
    ws.merge_cells("A11:A12")
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(with_cached_values(buf.getvalue(), {"2+2": "4", "1+2": "3"}))
    return path


def with_cached_values(xlsx: bytes, cached: dict[str, str]) -> bytes:
    """Give formulas a cached value, as Excel does when it saves (openpyxl writes none)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                for formula, value in cached.items():
                    data = re.sub(
                        rb"<f>"
                        + re.escape(formula.encode())
                        + rb"</f>(?:<v\s*/>|<v></v>)",  # lxml writes <v></v>
                        b"<f>" + formula.encode() + b"</f><v>" + value.encode() + b"</v>",
                        data,
                    )
            dst.writestr(info, data)
    return out.getvalue()
