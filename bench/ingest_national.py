"""Benchmark: a national police bulk CSV through `ivp ingest` against DuckDB, in one run.

Generates (into bench/out/, git-ignored) a CBS bulk TypedDataSet CSV in the real shape of 47013NED:
every municipality in the registry x 59 crime codes x every month 2012-01..2026-10, then times
`ivp ingest` on it (subprocess, fresh workspace) and DuckDB converting the same file to
hive-partitioned Parquet (all columns varchar, PARTITION_BY RegioS). Reports wall time and peak
memory (max RSS of each child process) and the ratios. Target (issue 13): at most 1.0x DuckDB's
wall time and peak memory.

    .venv/bin/python bench/ingest_national.py [--regenerate] [--months N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

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


def timed(cmd: list[str]) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit code) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if proc.stderr:
        err = proc.stderr.read().decode(errors="replace")
        if err.strip():
            print(err[-2000:], file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true", help="write the national file again")
    parser.add_argument("--months", type=int, default=None, help="fewer months (a quick run)")
    args = parser.parse_args()

    data = OUT / ("national_47013NED.csv" if args.months is None else f"national_{args.months}m.csv")
    if args.regenerate or not data.exists():
        t0 = time.perf_counter()
        n = generate(data, args.months)
        print(f"generated {data.relative_to(OUT.parent)}: {n:,} rows in {time.perf_counter() - t0:.1f} s")
    size_mb = data.stat().st_size / 1e6

    load = os.getloadavg()[0]
    ws = OUT / "ws-ivp"
    shutil.rmtree(ws, ignore_errors=True)
    (ws / "data" / "raw").mkdir(parents=True)
    os.link(data, ws / "data" / "raw" / data.name)
    ivp_s, ivp_cpu, ivp_mb, ivp_rc = timed([str(BIN / "ivp"), "ingest", "-w", str(ws)])
    manifest = json.loads((ws / "data" / "processed" / "_manifest.json").read_text(encoding="utf-8"))
    entry = next(iter(manifest["files"].values()))

    duck_out = OUT / "duckdb-parquet"
    shutil.rmtree(duck_out, ignore_errors=True)
    duck_cmd = [str(BIN / "python"), "-c", DUCKDB_SCRIPT, str(data), str(duck_out)]
    duck_s, duck_cpu, duck_mb, duck_rc = timed(duck_cmd)

    print(f"file: {size_mb:.0f} MB, {entry['rows_read']:,} rows read, {entry['accepted']:,} accepted, "
          f"{entry['rejected']:,} rejected, {len(entry['partitions'])} partitions")  # fmt: skip
    print(f"load average before the runs: {load:.2f} on {os.cpu_count()} cores (timings are wall clock)")
    print(f"ivp ingest : {ivp_s:6.1f} s  cpu {ivp_cpu:6.1f} s  peak {ivp_mb:5d} MB  exit {ivp_rc}")
    print(f"duckdb     : {duck_s:6.1f} s  cpu {duck_cpu:6.1f} s  peak {duck_mb:5d} MB  exit {duck_rc}")
    ratio = ivp_s / duck_s if duck_s else float("inf")
    print(
        f"ratio ivp/duckdb: {ratio:.2f}x (target <= 1.0x) -> {'OK' if ratio <= 1 else 'SLOWER THAN TARGET'}"
    )
    mem = ivp_mb / duck_mb if duck_mb else float("inf")
    print(
        f"peak memory ivp/duckdb: {mem:.2f}x (target <= 1.0x) -> {'OK' if mem <= 1 else 'MORE THAN TARGET'}"
    )


if __name__ == "__main__":
    main()
