"""Benchmark: a national police bulk CSV through `ivp ingest` against DuckDB, in one run.

Generates (into bench/out/, git-ignored) a CBS bulk TypedDataSet CSV in the real shape of 47013NED:
every municipality in the registry x 59 crime codes x every month 2012-01..2026-10, then times
`ivp ingest` on it (subprocess, fresh workspace) and DuckDB converting the same file to
hive-partitioned Parquet (all columns varchar, PARTITION_BY RegioS), interleaved over `--rounds`
rounds (the order alternates, so neither always runs on a warmer or quieter machine). Reports wall
time, CPU time and peak memory (max RSS of each child process) per round, and the medians of the
per-round ratios. Target (issue 13): at most 1.0x DuckDB's wall time and peak memory.

    .venv/bin/python bench/ingest_national.py [--regenerate] [--months N] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from ivp_pipeline.offences import offences
from ivp_pipeline.regions import registry

OUT = Path(__file__).resolve().parent / "out"
BIN = Path(sys.executable).parent
SEED = 20261128
DUCKDB_SCRIPT = """
import sys, duckdb
src, dst = sys.argv[1], sys.argv[2]
duckdb.sql(f\"\"\"COPY (SELECT * FROM read_csv('{src}', delim=';', header=true, all_varchar=true))
TO '{dst}' (FORMAT parquet, PARTITION_BY (RegioS), OVERWRITE_OR_IGNORE)\"\"\")
"""


def months(first_year: int = 2012, last: tuple[int, int] = (2026, 10)) -> list[str]:
    out = []
    for year in range(first_year, last[0] + 1):
        for month in range(1, 13):
            if (year, month) <= last:
                out.append(f"{year}MM{month:02d}")
    return out


def generate(path: Path, n_months: int | None) -> int:
    """Write the national file; returns the number of data rows. Deterministic (seeded)."""
    rng = np.random.default_rng(SEED)
    periods = months()[: n_months or None]
    gemeenten = sorted(r.code for r in registry().municipalities())
    codes = offences().codes("crime")
    # Rough sizes: inhabitants vary a lot, so draw a scale per municipality (crimes per month).
    scale = rng.lognormal(mean=3.5, sigma=1.0, size=len(gemeenten))
    share = rng.dirichlet(np.ones(len(codes) - 1) * 0.7)
    rows = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("\ufeffID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1\n")
        for ci, off in enumerate(codes):
            key = f"{off.code:<6}"
            lam = scale if off.is_rollup else scale * share[ci - 1]
            counts = rng.poisson(np.repeat(lam[:, None], len(periods), axis=1))
            for gi, gm in enumerate(gemeenten):
                lines = []
                for pi, per in enumerate(periods):
                    if off.annual_only:
                        cell = ""
                    elif counts[gi, pi] == 0 and (gi + pi) % 97 == 0:
                        cell = "       ."
                    else:
                        cell = f"{counts[gi, pi]:>8}"
                    lines.append(f"{rows + pi};{key};{gm};{per};{cell}\n")
                fh.write("".join(lines))
                rows += len(periods)
    return rows


def _child(cmd: list[str]) -> tuple[float, float, int, int, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit code, stderr) of one child process; its
    stdout is dropped, its stderr goes to a file (a pipe read only at the end could fill and block)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode(errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status), text


def timed(cmd: list[str]) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit code) of one child process; the tail of its
    stderr is shown."""
    elapsed, cpu, mb, rc, err = _child(cmd)
    if err.strip():
        print(err[-2000:], file=sys.stderr)
    return elapsed, cpu, mb, rc


def checked(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB) of a child that must succeed: when it fails, the
    tail of its stderr is shown and the bench stops."""
    elapsed, cpu, mb, rc, err = _child(cmd)
    if rc != 0:
        print(err[-2000:], file=sys.stderr)
        sys.exit(f"failed (exit {rc}): {' '.join(cmd)}")
    return elapsed, cpu, mb


def fresh(ws: Path, national: Path) -> None:
    """A new workspace `ws` whose data/raw holds only the national file (a hard link, no copy)."""
    shutil.rmtree(ws, ignore_errors=True)
    (ws / "data" / "raw").mkdir(parents=True)
    os.link(national, ws / "data" / "raw" / national.name)


def ivp_round(data: Path) -> tuple[float, float, int, int, dict[str, Any]]:
    """`ivp ingest` of the file into a fresh workspace: timings and the manifest entry."""
    ws = OUT / "ws-ivp"
    fresh(ws, data)
    wall, cpu, mb, rc = timed([str(BIN / "ivp"), "ingest", "-w", str(ws)])
    manifest = json.loads((ws / "data" / "processed" / "_manifest.json").read_text(encoding="utf-8"))
    return wall, cpu, mb, rc, next(iter(manifest["files"].values()))


def duckdb_round(data: Path) -> tuple[float, float, int, int]:
    duck_out = OUT / "duckdb-parquet"
    shutil.rmtree(duck_out, ignore_errors=True)
    return timed([str(BIN / "python"), "-c", DUCKDB_SCRIPT, str(data), str(duck_out)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true", help="write the national file again")
    parser.add_argument("--months", type=int, default=None, help="fewer months (a quick run)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (default 2)")
    args = parser.parse_args()

    data = OUT / ("national_47013NED.csv" if args.months is None else f"national_{args.months}m.csv")
    if args.regenerate or not data.exists():
        t0 = time.perf_counter()
        n = generate(data, args.months)
        print(f"generated {data.relative_to(OUT.parent)}: {n:,} rows in {time.perf_counter() - t0:.1f} s")
    size_mb = data.stat().st_size / 1e6

    load = os.getloadavg()[0]
    walls, cpus, mems = [], [], []
    entry: dict[str, Any] = {}
    for r in range(max(1, args.rounds)):
        if r % 2 == 0:
            ivp_s, ivp_cpu, ivp_mb, ivp_rc, entry = ivp_round(data)
            duck_s, duck_cpu, duck_mb, duck_rc = duckdb_round(data)
        else:
            duck_s, duck_cpu, duck_mb, duck_rc = duckdb_round(data)
            ivp_s, ivp_cpu, ivp_mb, ivp_rc, entry = ivp_round(data)
        print(f"round {r + 1}: ivp {ivp_s:5.2f} s (cpu {ivp_cpu:5.2f} s, {ivp_mb} MB, exit {ivp_rc})  "
              f"duckdb {duck_s:5.2f} s (cpu {duck_cpu:5.2f} s, {duck_mb} MB, exit {duck_rc})")  # fmt: skip
        walls.append(ivp_s / duck_s if duck_s else float("inf"))
        cpus.append(ivp_cpu / duck_cpu if duck_cpu else float("inf"))
        mems.append(ivp_mb / duck_mb if duck_mb else float("inf"))

    print(f"file: {size_mb:.0f} MB, {entry['rows_read']:,} rows read, {entry['accepted']:,} accepted, "
          f"{entry['rejected']:,} rejected, {len(entry['partitions'])} partitions")  # fmt: skip
    print(f"load average before the runs: {load:.2f} on {os.cpu_count()} cores; {len(walls)} round(s)")
    ratio, cpu, mem = statistics.median(walls), statistics.median(cpus), statistics.median(mems)
    verdict = "OK" if ratio <= 1 else "SLOWER THAN TARGET"
    print(f"wall ivp/duckdb: {ratio:.2f}x ({min(walls):.2f}-{max(walls):.2f}) (target <= 1.0x) -> {verdict}")
    print(f"cpu ivp/duckdb: {cpu:.2f}x ({min(cpus):.2f}-{max(cpus):.2f})")
    print(
        f"peak memory ivp/duckdb: {mem:.2f}x ({min(mems):.2f}-{max(mems):.2f}) (target <= 1.0x) -> "
        f"{'OK' if mem <= 1 else 'MORE THAN TARGET'}"
    )


if __name__ == "__main__":
    main()
