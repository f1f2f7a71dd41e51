"""Police fixtures in the real shapes (our own small texts), and a helper to read one file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa

from ivp_pipeline.schemas import POLICE
from ivp_pipeline.sources.base import ReadContext, Source
from ivp_pipeline.sources.detection import detect
from ivp_pipeline.store import conform
from ivp_pipeline.workspace import Workspace

BOM = "\ufeff"

# CBS bulk TypedDataSet CSV: BOM, LF, ';', codes padded, values padded to width 8.
BULK = (
    BOM + "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1\n"
    "0;0.0.0 ;GM1774;2024MM01;      14\n"  # line 2: roll-up
    "1;1.1.1 ;GM1774;2024MM01;       2\n"  # line 3: observed
    "2;1.4.1 ;GM1774;2024MM01;\n"  # line 4: empty -> not applicable
    "3;1.1.1 ;PV23  ;2024MM01;       .\n"  # line 5: suppressed
    "4;1.1.1 ;NL01  ;2024MM01;       -\n"  # line 6: nil -> zero
    "5;2.6.10;GM0168;2024KW01;       3\n"  # line 7: quarter, 6-char code
    "6;1.1.1 ;RE02  ;2024JJ00;     120\n"  # line 8: year, regionale eenheid
)

# OData v3 JSON page (TypedDataSet), keys padded, null = suppressed.
ODATA_ROWS = [
    {"ID": 0, "Overlast": "0.0.0 ", "WijkenEnBuurten": "GM1774    ", "Perioden": "2024MM01",
     "GeregistreerdeOverlast_1": 31},
    {"ID": 1, "Overlast": "E35   ", "WijkenEnBuurten": "WK177410  ", "Perioden": "2024MM01",
     "GeregistreerdeOverlast_1": 4},
    {"ID": 2, "Overlast": "E33   ", "WijkenEnBuurten": "BU17741021", "Perioden": "2024MM01",
     "GeregistreerdeOverlast_1": None},
    {"ID": 3, "Overlast": "M22   ", "WijkenEnBuurten": "NL00      ", "Perioden": "2024MM01",
     "GeregistreerdeOverlast_1": 0},
]  # fmt: skip
ODATA_META = "https://dataderden.cbs.nl/ODataApi/OData/47024NED/$metadata#Cbs.OData.WebAPI.TypedDataSet"

# data.politie.nl portal CSV: BOM, CRLF, everything quoted, labels, padded counts, any column order.
PORTAL = BOM + "\r\n".join([
    '"Perioden";"Wijken en buurten";"Geregistreerde misdrijven (aantal)";"Soort misdrijf"',
    '"2024";"Dinkelland";"     127";"Totaal misdrijven"',  # line 2
    '"2024";"Wijk 10 Denekamp";"      30";"1.2.3 Diefstal van brom-, snor-, fietsen"',  # line 3
    '"2025*";"Wijk 10 Denekamp";"       .";"1.1.1 Diefstal/inbraak woning"',  # line 4
    '"2025 januari**";"Ootmarsum Kern";"       -";"1.1.1 Diefstal/inbraak woning"',  # line 5
    '"2024 1e kwartaal";"Losser";"       5";"Misdrijven, totaal"',  # line 6
]) + "\r\n"  # fmt: skip

# Politie StatLine CSV (2019): BOM, LF, text quoted, numbers bare, the genuine header typo.
STATLINE = BOM + "\n".join([
    '"Soort misdrijf";"Perioden";"Regio\'s";"Geregisteerde misdrijven (aantal)"',
    '"Totaal misdrijven";"2018";"Nederland";768099',
    '"Totaal misdrijven";"2018";"Friesland (PV)";21705',
    '"2.5.2 Winkeldiefstal";"2018";"Overijssel (PV)";2309',
    '"2.5.2 Winkeldiefstal";"2018";"Oost-Nederland (RE)";',
]) + "\n"  # fmt: skip

# A CBS table of its own (83651NED-like): not a police table.
CBS_OWN = (
    BOM + "ID;GebruikVanGeweld;SoortDiefstal;RegioS;Perioden;TotaalGeregistreerdeDiefstallen_1;"
    "GeregistreerdeDiefstallenPer1000Inw_3\n"
    "6116;T001540;CRI1122;GM1680;2018JJ00;25;       .\n"
)


def odata_text(rows: list[dict] | None = None, meta: str = ODATA_META) -> str:
    return json.dumps({"odata.metadata": meta, "value": ODATA_ROWS if rows is None else rows})


def write(ws: Workspace, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = ws.raw / "police" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def read(ws: Workspace, path: Path) -> tuple[pa.Table, ReadContext, str]:
    """Detect and read one file as `ivp ingest` does: (table in the pinned schema, context, kind)."""
    source = Source(path, ws.relative(path), hashlib.sha256(path.read_bytes()).hexdigest())
    reader = detect(source)
    ctx = ReadContext()
    tables = [conform(t, POLICE) for t in reader.read(source, ctx)]
    table = pa.concat_tables(tables) if tables else POLICE.schema.empty_table()
    return table, ctx, reader.KIND


def rows(table: pa.Table) -> list[dict]:
    return sorted(table.to_pylist(), key=lambda r: r["source_row"])
