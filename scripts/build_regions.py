"""Build the region data of src/ivp_pipeline/data/ from the police code lists (once per new indeling).

Inputs are the code lists served with police tables 47013NED (RegioS) and 47018NED
(WijkenEnBuurten, indeling 2024). Only codes and names are taken: facts, typed into our own tables.

    python scripts/build_regions.py ../shared/reference/codes src/ivp_pipeline/data

writes `regions.csv` (the country, landsdelen, provinces, eenheden and municipalities, plus the
wijken and buurten of Noordoost Twente and its basisteam) and `wijkenbuurten_<year>.csv` (the
wijken and buurten of every municipality, the year of the indeling in the file name).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

NOT = {"GM1774", "GM0168", "GM0173", "GM0183"}
LEVELS = {"NL": "land", "LD": "landsdeel", "PV": "provincie", "RE": "regionale_eenheid", "GM": "gemeente"}
INDELING_YEAR = 2024  # the year of the WijkenEnBuurten code list of 47018NED
FIELDS = ["code", "name", "level", "municipality"]


def wijken_buurten(reference: Path, municipalities: set[str] | None = None) -> list[dict[str, str]]:
    """Every wijk and buurt of the code list (of `municipalities` only, when given), in list order."""
    rows: list[dict[str, str]] = []
    with (reference / "WijkenEnBuurten_47018NED.csv").open(encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            code = rec["Key"].strip()
            if code[:2] not in {"WK", "BU"}:
                continue
            if municipalities is not None and rec["Municipality"] not in municipalities:
                continue
            rows.append(
                {
                    "code": code,
                    "name": rec["Title"].strip(),
                    "level": "wijk" if code.startswith("WK") else "buurt",
                    "municipality": rec["Municipality"].strip(),
                }
            )
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main(reference: Path, out: Path) -> None:
    rows: list[dict[str, str]] = []
    with (reference / "RegioS_police.csv").open(encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            code = rec["Key"].strip()
            rows.append(
                {
                    "code": code,
                    "name": rec["Title"].strip(),
                    "level": LEVELS[code[:2]],
                    "municipality": code if code.startswith("GM") else "",
                }
            )
    rows += wijken_buurten(reference, NOT)
    rows.append({"code": "BT_NOT", "name": "Noordoost-Twente", "level": "basisteam", "municipality": ""})
    write(out / "regions.csv", rows)
    write(out / f"wijkenbuurten_{INDELING_YEAR}.csv", wijken_buurten(reference))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
