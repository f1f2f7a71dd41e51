"""Write the fictitious police sample data (fictieve voorbeelddata) in data/raw/police/, deterministically.

Three files in the exact shapes analysts download (see docs/sources-police.md):
  47013NED_misdrijven_maand.csv   CBS bulk TypedDataSet CSV, monthly crime, 4 NOT gemeenten + PV23 + NL01
  47021NED_overlast_maand.json    OData v3 JSON page, monthly overlast, same areas
  Misdrijven__wijken_28112026_101500.csv   data.politie.nl portal CSV, yearly crime per gemeente and wijk

    .venv/bin/python scripts/make_sample_police.py [OUT_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from ivp_pipeline.offences import offences
from ivp_pipeline.regions import registry

SEED = 2027_2030
FIRST, LAST = (2019, 1), (2026, 10)
# Inhabitants (about, 1 January 2024) and registered crimes per 1,000 inhabitants a year.
AREAS = {
    "NL01": (17_900_000, 27.0),
    "PV23": (1_180_000, 22.0),
    "GM0168": (23_400, 6.0),  # Losser
    "GM0173": (31_800, 7.0),  # Oldenzaal
    "GM0183": (21_400, 5.0),  # Tubbergen
    "GM1774": (26_700, 5.0),  # Dinkelland
}
OVERLAST_PER_1000 = {"NL01": 48.0, "PV23": 40.0, "GM0168": 24.0, "GM0173": 30.0, "GM0183": 20.0,
                     "GM1774": 21.0}  # fmt: skip
# Share of each crime code in the total (percent; the rest of 100 is spread over the small codes).
CRIME_SHARE = {
    "1.1.1": 6, "1.1.2": 4, "1.2.1": 6, "1.2.2": 1, "1.2.3": 12, "1.2.4": 1.5, "1.2.5": 2, "1.3.1": 4,
    "1.4.1": 1.2, "1.4.2": 0.1, "1.4.3": 0.5, "1.4.4": 4, "1.4.5": 8, "1.4.6": 0.5, "1.4.7": 0.1,
    "1.5.2": 0.3, "1.6.1": 0.8, "1.6.2": 8, "1.6.3": 0.05, "2.1.1": 0.5, "2.2.1": 10, "2.4.1": 0.3,
    "2.4.2": 0.8, "2.5.1": 3, "2.5.2": 6, "2.7.2": 0.5, "2.7.3": 0.3, "3.1.1": 1.5, "3.1.2": 0.05,
    "3.1.3": 0.4, "3.2.1": 0.3, "3.2.2": 0.02, "3.5.2": 3, "3.5.5": 2, "3.6.4": 1.5, "3.7.1": 0.2,
    "3.7.2": 0.2, "3.7.3": 0.3, "3.7.4": 1.5, "3.9.1": 10, "3.9.2": 0.3, "3.9.3": 0.5,
}  # fmt: skip
OVERLAST_SHARE = {"E33": 15, "E35": 18, "E38": 5, "E41": 1, "F010": 1.5, "M061": 2, "M062": 1, "M22": 20}
PORTAL_CODES = ["0.0.0", "1.1.1", "1.1.2", "1.2.1", "1.2.3", "1.4.4", "1.4.5", "1.6.2", "2.2.1",
                "2.4.2", "2.5.1", "2.5.2", "3.1.1", "3.5.2", "3.7.4", "3.9.1"]  # fmt: skip
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december"]  # fmt: skip


def months() -> list[tuple[int, int]]:
    return [(y, m) for y in range(FIRST[0], LAST[0] + 1) for m in range(1, 13) if FIRST <= (y, m) <= LAST]


def monthly_counts(rng: np.random.Generator, per_1000: dict[str, float], shares: dict[str, float],
                   codes: list[str]) -> dict[str, np.ndarray]:  # fmt: skip
    """area -> array [code, month] of counts; the total (first code 0.0.0) includes unlisted codes."""
    periods = months()
    season = np.array([1 + 0.12 * np.sin((m - 4) / 12 * 2 * np.pi) for _y, m in periods])
    # Lower in the lockdown months of 2020-2021, fraud and cybercrime grow over the years.
    dip = np.array([0.85 if (2020, 3) <= p <= (2021, 6) else 1.0 for p in periods])
    growth = np.linspace(0.8, 1.4, len(periods))
    rest = max(0.0, 100 - sum(shares.values())) / 100
    out = {}
    for area, (inhabitants, _rate) in AREAS.items():
        monthly = inhabitants * per_1000[area] / 1000 / 12 * season * dip
        counts = np.zeros((len(codes), len(periods)), np.int64)
        for i, code in enumerate(codes[1:], start=1):
            trend = growth if code in {"3.7.4", "3.9.1"} else 1.0
            counts[i] = rng.poisson(monthly * shares.get(code, 0.01) / 100 * trend)
        counts[0] = counts[1:].sum(axis=0) + rng.poisson(monthly * rest)
        out[area] = counts
    return out


def write_bulk(path: Path, rng: np.random.Generator) -> dict[str, np.ndarray]:
    table = offences()
    codes = [o.code for o in table.codes("crime")]
    counts = monthly_counts(rng, {a: r for a, (_n, r) in AREAS.items()}, CRIME_SHARE, codes)
    periods = months()
    lines = ["\ufeffID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1"]
    row_id = 0
    for i, code in enumerate(codes):
        off = table.get("crime", code)
        assert off is not None
        for area in AREAS:
            for j, (y, m) in enumerate(periods):
                if off.annual_only:  # published per year only: empty per month, '.' for the totals
                    cell = "       ." if area in {"NL01", "PV23"} else ""
                elif area.startswith("GM") and i and rng.random() < 0.01:
                    cell = "       ."
                else:
                    cell = f"{counts[area][i, j]:>8}"
                lines.append(f"{row_id};{code:<6};{area:<6};{y}MM{m:02d};{cell}")
                row_id += 1
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return {a: c for a, c in counts.items()} | {"_codes": np.array(codes)}


def write_odata(path: Path, rng: np.random.Generator) -> None:
    codes = ["0.0.0", *OVERLAST_SHARE]
    counts = monthly_counts(rng, OVERLAST_PER_1000, OVERLAST_SHARE, codes)
    rows = []
    for i, code in enumerate(codes):
        for area in AREAS:
            for j, (y, m) in enumerate(months()):
                value: int | None = int(counts[area][i, j])
                if area.startswith("GM") and i and rng.random() < 0.005:
                    value = None
                rows.append({"ID": len(rows), "Overlast": f"{code:<6}", "RegioS": f"{area:<6}",
                             "Perioden": f"{y}MM{m:02d}", "GeregistreerdeOverlast_1": value})  # fmt: skip
    meta = "https://dataderden.cbs.nl/ODataApi/OData/47021NED/$metadata#Cbs.OData.WebAPI.TypedDataSet"
    body = ",\n".join(json.dumps(r, separators=(",", ":")) for r in rows)
    path.write_bytes(f'{{"odata.metadata":"{meta}","value":[\n{body}\n]}}\n'.encode())


def write_portal(path: Path, rng: np.random.Generator, monthly: dict[str, np.ndarray]) -> None:
    reg = registry()
    codes = list(monthly["_codes"])
    labels = {c: offences().get("crime", c).label for c in PORTAL_CODES}  # type: ignore[union-attr]
    years = list(range(2019, 2026))
    lines = ['"Soort misdrijf";"Perioden";"Wijken en buurten";"Geregistreerde misdrijven (aantal)"']
    for gm in ("GM1774", "GM0168", "GM0173", "GM0183"):
        wijken = sorted(
            (r for r in reg.regions if r.level == "wijk" and r.municipality == gm), key=lambda r: r.code
        )
        weights = rng.dirichlet(np.ones(len(wijken)) * 2)
        for code in PORTAL_CODES:
            i = codes.index(code)
            for year in years:
                cols = [j for j, (y, _m) in enumerate(months()) if y == year]
                total = int(monthly[gm][i, cols].sum())
                label = f"{year}*" if year == years[-1] else str(year)  # the latest year is provisional
                lines.append(_portal_row(labels[code], label, reg.get(gm).name, total))  # type: ignore[union-attr]
                # About 5 % of registrations have no known location: the wijken add up to less.
                located = rng.binomial(total, 0.95)
                for wijk, n in zip(wijken, rng.multinomial(located, weights), strict=True):
                    cell = None if (n and rng.random() < 0.01) else int(n)
                    lines.append(_portal_row(labels[code], label, wijk.name, cell))
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def _portal_row(label: str, period: str, area: str, value: int | None) -> str:
    cell = "       ." if value is None else f"{value:>8}"
    return f'"{label}";"{period}";"{area}";"{cell}"'


README = """# Politiecijfers: fictieve voorbeelddata

**Alle cijfers in deze map zijn verzonnen (fictieve voorbeelddata).** Ze hebben precies de vorm van
echte downloads, zodat `ivp ingest` en `ivp score` iets te verwerken hebben. Gebruik ze nooit als
echte cijfers. Opnieuw maken (deterministisch): `.venv/bin/python scripts/make_sample_police.py`.

- `47013NED_misdrijven_maand.csv`: CBS bulk TypedDataSet CSV (UTF-8 met BOM, LF, `;`, codes, waarden
  op breedte 8). Geregistreerde misdrijven per maand, 2019-01 t/m 2026-10, alle 59 codes, voor
  Dinkelland, Losser, Oldenzaal, Tubbergen, Overijssel (PV23) en Nederland (NL01). Enkele cellen `.`
  (geheim/onbekend); de alleen-per-jaar codes 1.4.1, 3.2.1, 3.2.2 en 3.7.3 zijn per maand leeg
  (gemeenten) of `.` (PV23, NL01).
- `47021NED_overlast_maand.json`: OData v3 JSON (`odata.metadata`, `value`), zoals `ivp fetch` die
  schrijft. Geregistreerde overlast per maand (0.0.0, E33, E35, E38, E41, F010, M061, M062, M22),
  dezelfde gebieden en maanden; enkele waarden `null`.
- `Misdrijven__wijken_28112026_101500.csv`: data.politie.nl portaal-CSV (UTF-8 met BOM, CRLF, alles
  tussen aanhalingstekens, alleen labels). Geregistreerde misdrijven per jaar 2019-2025 (`2025*` =
  voorlopig) voor 16 gekozen soorten, per gemeente en wijk door elkaar.
"""


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    monthly = write_bulk(out / "47013NED_misdrijven_maand.csv", rng)
    write_odata(out / "47021NED_overlast_maand.json", rng)
    write_portal(out / "Misdrijven__wijken_28112026_101500.csv", rng, monthly)
    (out / "README.md").write_text(README, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "data/raw/police")
