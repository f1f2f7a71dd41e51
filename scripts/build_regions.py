"""Build src/ivp_pipeline/data/regions.csv from the police code lists (run once per new indeling).

Inputs are the code lists served with police tables 47013NED (RegioS) and 47018NED
(WijkenEnBuurten, indeling 2024). Only codes and names are taken: facts, typed into our own table.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

NOT = {"GM1774", "GM0168", "GM0173", "GM0183"}
LEVELS = {"NL": "land", "LD": "landsdeel", "PV": "provincie", "RE": "regionale_eenheid", "GM": "gemeente"}


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
    with (reference / "WijkenEnBuurten_47018NED.csv").open(encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            code = rec["Key"].strip()
            if rec["Municipality"] in NOT and code[:2] in {"WK", "BU"}:
                level = "wijk" if code.startswith("WK") else "buurt"
                rows.append(
                    {
                        "code": code,
                        "name": rec["Title"].strip(),
                        "level": level,
                        "municipality": rec["Municipality"],
                    }
                )
    rows.append({"code": "BT_NOT", "name": "Noordoost-Twente", "level": "basisteam", "municipality": ""})
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["code", "name", "level", "municipality"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
