"""Benchmark of issue 13 point 5 (scale): `ivp score` on a store that holds every municipality.

Builds (in bench/out/, git-ignored) a national workspace: the bundled sample (survey, professionals,
population of the comparison areas) plus the generated national police file of
bench/ingest_national.py and a generated population file for every municipality, ingested once.
A "small" copy holds only the partitions the default scope reads (the four NOT municipalities and
their comparison areas). Then it times

- `ivp score --force` for the four NOT municipalities (all outputs) on the small and on the national
  store: the same work, so the same time (reads are pushed down to the partitions in scope);
- `ivp score --force` over 4, 43 and 342 municipalities of the national store with
  `[report] charts = "regio"` (no charts per municipality): the time should grow linearly.

    .venv/bin/python bench/scale.py [--months N] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
from ingest_national import OUT, SEED, checked, generate

from ivp_pipeline.regions import registry

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IVP = str(BIN / "ivp")
SCOPE_SIZES = (4, 43, 342)
NOT_CODES = ("GM1774", "GM0168", "GM0173", "GM0183")
KEEP_SMALL = {*NOT_CODES, "NOT", "NL01", "PV23", "BT_NOT"}
POPULATION_HEADER = "\ufeffID;Geslacht;Leeftijd;BurgerlijkeStaat;RegioS;Perioden;BevolkingOp1Januari_1\n"


def municipalities() -> list[str]:
    return sorted(r.code for r in registry().municipalities())


def write_population(path: Path, codes: list[str]) -> None:
    """CBS 03759ned in its bulk shape: total inhabitants (all sexes, ages, marital states) per year."""
    rng = np.random.default_rng(SEED + 1)
    size = rng.lognormal(mean=10.0, sigma=0.8, size=len(codes)).astype(int) + 900
    lines = [POPULATION_HEADER]
    n = 0
    for code, base in zip(codes, size, strict=True):
        for year in range(2012, 2027):
            lines.append(f"{n};T001038;10000;T001019;{code};{year}JJ00;{base + 40 * (year - 2012):>8}\n")
            n += 1
    path.write_text("".join(lines), encoding="utf-8")


def run(cmd: list[str]) -> float:
    wall = checked(cmd)[0]
    print(f"  {wall:7.1f} s  {' '.join(cmd[1:])}", file=sys.stderr)
    return wall


def build(months: int | None) -> tuple[Path, Path]:
    """(national workspace, small workspace), both ingested; reused while the police file is the same."""
    data = OUT / ("national_47013NED.csv" if months is None else f"national_{months}m.csv")
    if not data.exists():
        generate(data, months)
    national = OUT / f"ws-scale-{data.stem}"
    small = OUT / f"ws-scale-small-{data.stem}"
    if (national / "data" / "processed").is_dir() and (small / "data" / "processed").is_dir():
        return national, small
    shutil.rmtree(national, ignore_errors=True)
    shutil.rmtree(small, ignore_errors=True)
    (national / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "raw", national / "data" / "raw")
    os.link(data, national / "data" / "raw" / "police" / f"zz_{data.name}")
    write_population(
        national / "data" / "raw" / "population" / "03759ned_alle_gemeenten.csv", municipalities()
    )
    shutil.copy2(ROOT / "ivp.toml", national / "ivp.toml")
    t0 = time.perf_counter()
    run([IVP, "ingest", "-w", str(national)])
    print(f"national store ingested in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    # the small store: the same files, only the partitions of the default scope
    shutil.copytree(national, small, copy_function=os.link)
    for dataset in (small / "data" / "processed").iterdir():
        for part in dataset.glob("municipality=*") if dataset.is_dir() else []:
            if part.name.split("=", 1)[1] not in KEEP_SMALL:
                shutil.rmtree(part)
    return national, small


def configure(ws: Path, n: int) -> Path:
    """A workspace (hard links to the national store) scoring the first n municipalities, no charts
    per municipality."""
    codes = list(NOT_CODES) if n == 4 else municipalities()[:n]
    target = ws.parent / f"{ws.name}-n{n}"
    if not target.exists():
        (target / "data").mkdir(parents=True)
        shutil.copytree(ws / "data" / "processed", target / "data" / "processed", copy_function=os.link)
    listed = ", ".join(f'"{c}"' for c in codes)
    (target / "ivp.toml").write_text(
        '[scoring]\nreference_area = "PV23"\n\n'
        f'[region]\nname = "Schaaltest ({n} gemeenten)"\ncode = "SCHAAL"\nmunicipalities = [{listed}]\n\n'
        '[report]\ncharts = "regio"\n',
        encoding="utf-8",
    )
    return target


def measure(repeat: int, months: int | None) -> dict[str, list[float]]:
    """Interleaved rounds; every score is --force (a full run, no chart copied)."""
    national, small = build(months)
    scoped = {n: configure(national, n) for n in SCOPE_SIZES}
    times: dict[str, list[float]] = {"small": [], "national": [], **{f"n{n}": [] for n in SCOPE_SIZES}}
    for _ in range(repeat):
        times["small"].append(run([IVP, "score", "-w", str(small), "--force"]))
        times["national"].append(run([IVP, "score", "-w", str(national), "--force"]))
        for n, ws in scoped.items():
            times[f"n{n}"].append(run([IVP, "score", "-w", str(ws), "--force"]))
        print("scale: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), file=sys.stderr)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=None, help="fewer months in the national file")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    times = measure(args.repeat, args.months)
    for name, values in times.items():
        print(f"{name:10s} " + " ".join(f"{v:6.1f}" for v in values))


if __name__ == "__main__":
    main()
