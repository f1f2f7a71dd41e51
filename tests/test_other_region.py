"""Another region end to end: `ivp init` for Almelo, Wierden and Twenterand, then ingest and score.

The inputs are fictitious files in the real shapes (CBS bulk CSV 47013NED, OData JSON 47021NED, the
simple population CSV, the local-survey CSV, the professional workbook of `ivp template professional`),
built here. Nothing of Noordoost Twente may reach the reports: every label comes from [region].
"""

from __future__ import annotations

import csv
import json
import math
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from ivp_pipeline.cli import app
from ivp_pipeline.offences import offences
from ivp_pipeline.steps import settings
from ivp_pipeline.workspace import Workspace

REGION = "Noordwest Twente"
MUNICIPALITIES = {"GM0141": "Almelo", "GM0189": "Wierden", "GM1700": "Twenterand"}
# Monthly counts scale with these (fictitious) sizes; the comparison areas are much larger.
SIZE = {"GM0141": 8.0, "GM0189": 2.5, "GM1700": 3.0, "PV23": 120.0, "NL01": 1800.0}
INHABITANTS = {"GM0141": 73_000, "GM0189": 24_800, "GM1700": 34_100, "PV23": 1_180_000, "NL01": 17_900_000}
NAMES = {**MUNICIPALITIES, "PV23": "Overijssel (PV)", "NL01": "Nederland"}
MONTHS = [(y, m) for y in range(2019, 2027) for m in range(1, 13) if (y, m) <= (2026, 10)]
FORBIDDEN = (
    "Noordoost Twente",
    "Noordoost-Twente",
    "Dinkelland",
    "Losser",
    "Oldenzaal",
    "Tubbergen",
    "GM1774",
)


def _count(area: str, code_index: int, month_index: int) -> int:
    """A fictitious, deterministic count: size x code weight x a little seasonality."""
    weight = 1.0 / (1 + code_index % 7)
    season = 1.0 + 0.2 * math.sin(month_index / 12 * 2 * math.pi)
    return round(SIZE[area] * weight * season * (1 + (month_index * 7 + code_index * 3) % 5 / 10))


def _codes(measure: str) -> list[str]:
    return [o.code for o in offences().codes(measure) if not o.annual_only]


def write_police(raw: Path) -> None:
    """47013NED as a CBS bulk CSV (padded codes, ';'), 47021NED as OData JSON, for all five areas."""
    lines = ["ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1"]
    rid = 0
    for area in SIZE:
        for ci, code in enumerate(_codes("crime")):
            for mi, (y, m) in enumerate(MONTHS):
                lines.append(f"{rid};{code:<6};{area:<6};{y}MM{m:02d};{_count(area, ci, mi):>8}")
                rid += 1
    (raw / "police" / "47013NED_misdrijven_maand.csv").write_text(
        "\ufeff" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    values = []
    for area in SIZE:
        for ci, code in enumerate(_codes("overlast")):
            for mi, (y, m) in enumerate(MONTHS):
                values.append(
                    {
                        "ID": len(values),
                        "Overlast": f"{code:<6}",
                        "RegioS": f"{area:<6}",
                        "Perioden": f"{y}MM{m:02d}",
                        "GeregistreerdeOverlast_1": _count(area, ci + 2, mi),
                    }
                )
    doc = {
        "odata.metadata": "https://dataderden.cbs.nl/ODataApi/OData/47021NED/$metadata#Cbs.OData.WebAPI.TypedDataSet",
        "value": values,
    }
    (raw / "police" / "47021NED_overlast_maand.json").write_text(json.dumps(doc), encoding="utf-8")


def write_population(raw: Path) -> None:
    rows = ["gemeente;jaar;inwoners;leeftijd"]
    for year in range(2019, 2027):
        for area, n in INHABITANTS.items():
            rows.append(f"{NAMES[area]};{year};{n + (year - 2019) * n // 200};totaal")
    (raw / "population" / "bevolking.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def write_survey(raw: Path) -> None:
    head = (
        "gebied;indicator;jaar;waarde;eenheid;marge;ondergrens;bovengrens;respondenten;"
        "vergelijkingsgebied;vergelijkingswaarde"
    )
    rows = [head]
    for i, name in enumerate(MUNICIPALITIES.values()):
        rows.append(
            f"{name};Voelt zich wel eens onveilig in buurt;2025;{14 + i},0;percent;2,0;;;480;Nederland;15,8"
        )
        rows.append(f"{name};Overlast van groepen jongeren;2025;{6 + i},5;percent;2,0;;;480;Nederland;7,2")
    (raw / "survey" / "enquete.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def write_professional(ws_root: Path, runner: CliRunner) -> list[str]:
    """The handed-out template, filled in: one row per municipality and one for the whole region."""
    out = ws_root / "data" / "raw" / "professional" / "inbreng_jongerenwerk.xlsx"
    made = runner.invoke(app, ["template", "professional", "-w", str(ws_root), "--out", str(out)])
    assert made.exit_code == 0, made.output
    wb = load_workbook(out)
    choices = [c.value for c in wb["Lijsten"]["A"] if c.value]
    themes = [c.value for c in wb["Lijsten"]["C"] if c.value]
    sheet = wb["Invoer"]
    for row, value in enumerate(
        ("Fictief Persoon", "Jongerenwerk (fictief)", "jongerenwerk", "x@voorbeeld.invalid"), 2
    ):
        sheet.cell(row, 2, value)
    rows = [("Almelo", 4, 3, 4, 4), ("Twenterand", 3, 3, 3, 2), (f"Heel {REGION}", 4, 4, 4, 5)]
    for r, (where, *ratings) in enumerate(rows, start=8):
        sheet.cell(r, 1, where)
        sheet.cell(r, 2, themes[0])
        for c, value in enumerate(ratings, start=3):
            sheet.cell(r, c, value)
    wb.save(out)
    return choices


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _texts(reports: Path) -> dict[str, str]:
    """The text of every file in reports/: CSV, HTML, Markdown, SVG as is, xlsx/docx as their XML."""
    out: dict[str, str] = {}
    for path in sorted(p for p in reports.rglob("*") if p.is_file()):
        name = str(path.relative_to(reports))
        if path.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as z:
                out[name] = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        elif path.suffix in (".csv", ".html", ".md", ".svg", ".json", ".txt"):
            out[name] = path.read_text(encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], CliRunner]:
    runner = CliRunner()
    root = tmp_path_factory.mktemp("other") / "ws"
    made = runner.invoke(
        app,
        [
            "init",
            str(root),
            "--municipalities",
            "Almelo,Wierden,Twenterand",
            "--region-name",
            REGION,
            "--province",
            "Overijssel",
        ],
    )
    assert made.exit_code == 0, made.output
    assert f"{REGION} (NT): Almelo, Wierden, Twenterand" in made.stdout
    assert "Vergelijkingsgebieden: Overijssel (PV), Nederland" in made.stdout
    raw = root / "data" / "raw"
    write_police(raw)
    write_population(raw)
    write_survey(raw)
    choices = write_professional(root, runner)
    ingested = runner.invoke(app, ["ingest", "-w", str(root)])
    assert ingested.exit_code == 0, ingested.output
    score = runner.invoke(app, ["score", "-w", str(root), "--draws", "200"])
    assert score.exit_code == 0, score.output
    return root, choices, runner


def test_the_region_is_the_configured_one(scored: tuple[Path, list[str], CliRunner]) -> None:
    root, _, _ = scored
    ws = Workspace.at(root)
    region = settings.region(ws)
    assert (region.name, region.code, region.municipalities) == (REGION, "NT", ("GM0141", "GM0189", "GM1700"))
    assert region.comparison_areas == ("PV23", "NL01")  # the province of the three: Overijssel
    cfg = settings.scoring(ws)
    assert (cfg.municipalities, cfg.reference_area, cfg.fallback_reference_area) == (
        ("GM0141", "GM0189", "GM1700"),
        "PV23",
        "NL01",
    )
    fetch = settings.fetch(ws)
    assert (fetch.municipalities, fetch.reference_areas) == (["GM0141", "GM0189", "GM1700"], ["PV23", "NL01"])


def test_scores_csv_labels_the_region_and_names_the_municipalities(
    scored: tuple[Path, list[str], CliRunner],
) -> None:
    root, _, _ = scored
    rows = _csv(root / "reports" / "tables" / "scores.csv")
    labels = {r["municipality"]: r["municipality_label"] for r in rows}
    assert labels == {"GM0141": "Almelo", "GM1700": "Twenterand", "GM0189": "Wierden", "NT": REGION}
    # the reading order: municipalities by name, then the region total
    assert list(dict.fromkeys(labels)) == ["GM0141", "GM1700", "GM0189", "NT"]


def test_workbook_and_report_carry_the_region_name(scored: tuple[Path, list[str], CliRunner]) -> None:
    root, _, _ = scored
    wb = load_workbook(root / "reports" / "tables" / "ivp-prioriteiten.xlsx", read_only=True)
    assert "Samenvatting NT" in wb.sheetnames and {"Almelo", "Wierden", "Twenterand"} <= set(wb.sheetnames)
    first = [c for row in wb["Samenvatting NT"].iter_rows(max_row=1, values_only=True) for c in row if c]
    assert str(first[0]).startswith(f"Samenvatting {REGION}: prioriteiten")
    html = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert re.search(rf"<h1>[^<]* {REGION}</h1>", html)  # the title names the region
    assert f"per gemeente en voor {REGION}" in html
    for name in ("Almelo", "Wierden", "Twenterand"):
        assert name in html
    assert "Overijssel" in html  # the reference area of the comparison criterion


def test_nothing_of_noordoost_twente_reaches_the_reports(scored: tuple[Path, list[str], CliRunner]) -> None:
    root, _, _ = scored
    texts = _texts(root / "reports")
    assert "tables/scores.csv" in texts and "index.html" in texts
    found = {name: [w for w in FORBIDDEN if w in text] for name, text in texts.items()}
    assert {name: words for name, words in found.items() if words} == {}
    names = [str(p.relative_to(root / "reports")) for p in (root / "reports").rglob("*")]
    assert not [n for n in names if "noordoost" in n.lower() or "dinkelland" in n.lower()]


def test_the_professional_rows_count_for_their_municipality_and_the_region(
    scored: tuple[Path, list[str], CliRunner],
) -> None:
    root, choices, _ = scored
    assert choices == ["Almelo", "Twenterand", "Wierden", f"Heel {REGION}"]
    rows = _csv(root / "reports" / "tables" / "professionals.csv")
    overall = {r["municipality"]: int(r["respondents"]) for r in rows if r["criterion"] == "overall"}
    # one respondent: for Almelo and Twenterand (own row plus the whole-region row), for Wierden
    # (the whole-region row only) and for the region total
    assert overall == {"GM0141": 1, "GM1700": 1, "GM0189": 1, "NT": 1}
    region = {r["criterion"]: float(r["mean_rating"]) for r in rows if r["municipality"] == "NT"}
    wierden = {r["criterion"]: float(r["mean_rating"]) for r in rows if r["municipality"] == "GM0189"}
    assert wierden["urgency"] == 5.0  # the whole-region row alone
    assert region["urgency"] == pytest.approx((4 + 2 + 5) / 3)


def test_the_templates_list_the_three_municipalities(
    scored: tuple[Path, list[str], CliRunner], tmp_path: Path
) -> None:
    root, _, runner = scored
    out = tmp_path / "enquete.xlsx"
    made = runner.invoke(app, ["template", "survey", "-w", str(root), "--out", str(out)])
    assert made.exit_code == 0, made.output
    wb = load_workbook(out)
    areas = [c.value for c in wb["Lijsten"]["A"] if c.value]
    assert areas == ["Almelo", "Twenterand", "Wierden"]
    comparison = [c.value for c in wb["Lijsten"]["D"] if c.value]
    assert comparison == ["Nederland", "Overijssel (PV)", "Almelo", "Twenterand", "Wierden"]
    info = "\n".join(str(c.value) for row in wb["Toelichting"].iter_rows() for c in row if c.value)
    assert "Integraal Veiligheidsplan Noordwest Twente" in info and "Almelo, Twenterand, Wierden" in info
    prof = tmp_path / "prof.xlsx"
    assert (
        runner.invoke(app, ["template", "professional", "-w", str(root), "--out", str(prof)]).exit_code == 0
    )
    info = "\n".join(
        str(c.value) for row in load_workbook(prof)["Toelichting"].iter_rows() for c in row if c.value
    )
    assert "De gemeenten Almelo, Twenterand en Wierden stellen samen" in info
    assert "alle drie gemeenten samen, kies dan 'Heel Noordwest Twente'" in info
    for word in FORBIDDEN:
        assert word not in info
