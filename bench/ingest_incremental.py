"""Benchmark (issue 13, point 4): adding one month to a store that holds the national police file.

A store is filled with the national bulk file of bench/ingest_national.py (every municipality, every
month since 2012); then one new month (2026MM11, every crime code) is added as a file of its own,
once for the four NOT municipalities and once for every municipality, each in a copy of that store.
Every case is timed as a child process (`ivp ingest`), interleaved with a full ingest and a
nothing-new ingest in the same round. The work of a case is its time less the nothing-new ingest
(start-up, scanning data/raw, hashing the national file). Its peer is the same new file ingested into
an empty store (its work: its time less an ingest of an empty data/raw): "proportional to the new
file, not to the store" means the national store adds next to nothing to that work (the figure: what
it adds, as a share of a full ingest's work). CPU seconds (see `figures`), the least of each case over
at least ROUNDS rounds.

Nothing is deleted while the rounds run: each round's workspaces are moved aside and removed at the
end. On ext4 without a journal (this machine's disk) a new inode is never one freed in the last
minutes, and the search for a free one steps over each recently freed inode of its group: deleting
the previous round's copy of the national store (some 700 inodes) right before a case made each of
its new folders and files cost a scan of those, kernel time that depended on the bench's own
deletions, not on ivp.

    .venv/bin/python bench/ingest_incremental.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

import numpy as np
from ingest_national import checked, fresh, generate

from ivp_pipeline.offences import offences
from ivp_pipeline.regions import registry

OUT = Path(__file__).resolve().parent / "out"
BIN = Path(sys.executable).parent
NATIONAL = OUT / "national_47013NED.csv"
NEW_MONTH = "2026MM11"
NOT = ("GM0168", "GM0173", "GM1700", "GM1774")
SEED = 20261201


def month_file(path: Path, municipalities: list[str], period: str = NEW_MONTH) -> int:
    """One month of every crime code for the given municipalities, in the bulk CSV shape; rows."""
    rng = np.random.default_rng(SEED)
    lines = ["\ufeffID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1\n"]
    for off in offences().codes("crime"):
        counts = rng.poisson(30.0, size=len(municipalities))
        for gm, count in zip(municipalities, counts.tolist(), strict=True):
            cell = "" if off.annual_only else f"{count:>8}"
            lines.append(f"{len(lines) - 1};{off.code:<6};{gm};{period};{cell}\n")
    path.write_text("".join(lines), encoding="utf-8", newline="\n")
    return len(lines) - 1


def run(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child that must succeed."""
    wall, cpu, _mb = checked(cmd)
    return wall, cpu


def ingest(ws: Path) -> tuple[float, float]:
    return run([str(BIN / "ivp"), "ingest", "-w", str(ws)])


def measure(repeat: int, national: Path = NATIONAL) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds per round: full ingest, nothing new, one month for four / all municipalities."""
    if not national.exists():
        generate(national, None if national == NATIONAL else int(national.stem.split("_")[1][:-1]))
    every = sorted(r.code for r in registry().municipalities())
    files = {"four": OUT / "month_four.csv", "all": OUT / "month_all.csv"}
    rows = {"four": month_file(files["four"], list(NOT)), "all": month_file(files["all"], every)}
    work = OUT / f"ws-incremental-{os.getpid()}"  # every workspace of the run, removed at the end
    names = ("full", "noop", "four", "all", "empty", "four_alone", "all_alone")
    times: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    try:
        for r in range(max(repeat, ROUNDS)):
            base = work / f"base-{r}"
            fresh(base, national)
            times["full"].append(ingest(base))
            times["noop"].append(ingest(base))
            for name, path in files.items():
                case = work / f"{name}-{r}"
                # Files in the store are never changed in place, so a hard-linked copy is a true copy.
                shutil.copytree(base, case, copy_function=os.link)
                shutil.copy2(path, case / "data" / "raw" / f"{name}_{NEW_MONTH}.csv")
                times[name].append(ingest(case))
            # the peers: the same new file into an empty store, and an ingest of nothing at all
            empty = work / f"empty-{r}"
            (empty / "data" / "raw").mkdir(parents=True)
            times["empty"].append(ingest(empty))
            for name, path in files.items():
                alone = work / f"{name}-alone-{r}"
                (alone / "data" / "raw").mkdir(parents=True)
                shutil.copy2(path, alone / "data" / "raw" / f"{name}_{NEW_MONTH}.csv")
                times[f"{name}_alone"].append(ingest(alone))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    times["rows_four"] = [(float(rows["four"]), 0.0)]
    times["rows_all"] = [(float(rows["all"]), 0.0)]
    return times


def _work(times: dict[str, list[tuple[float, float]]], name: str, what: int) -> list[float]:
    """Per round: (case - nothing new) / (full - nothing new), on wall (0) or CPU (1) seconds."""
    return [
        (t[what] - n[what]) / (f[what] - n[what])
        for t, n, f in zip(times[name], times["noop"], times["full"], strict=True)
    ]


def _store_extra(times: dict[str, list[tuple[float, float]]], name: str) -> list[float]:
    """Per round, CPU seconds: what adding the file to the national store costs beyond adding it to an
    empty store, (case - nothing new) - (alone - start-up), as a share of a full ingest's work."""
    return [
        ((t[1] - n[1]) - (a[1] - e[1])) / (f[1] - n[1])
        for t, n, a, e, f in zip(
            times[name], times["noop"], times[f"{name}_alone"], times["empty"], times["full"], strict=True
        )
    ]


def _least_extra(times: dict[str, list[tuple[float, float]]], name: str) -> float:
    """`_store_extra` of the least CPU time of each case over the rounds. What another process on
    the machine does can only add to a run's CPU time (cache misses, migrations), never take from it,
    so the least of each is the closest to its own cost; a per-round difference of four runs is
    mostly their noise (from -0.1 to 0.1 of a full ingest in three rounds)."""
    least = {k: min(c for _w, c in v) for k, v in times.items()}
    return ((least[name] - least["noop"]) - (least[f"{name}_alone"] - least["empty"])) / (
        least["full"] - least["noop"]
    )


# Proportional to the new file, not to the store: what the national store adds to the cost of the
# new file may be at most this share of a full ingest's work (the rest of the store is neither read
# nor rewritten; what remains is the staging copy of its partition folders and the manifest).
TARGET = 0.05
ROUNDS = 5  # rounds at least, whatever --repeat says: the figure is the least of each case


def figures(repeat: int, months: int | None = None) -> list[tuple[str, str, str, str, bool | None]]:
    """Rows for bench/run.py: (figure, value, target, peer, met); `months`: a smaller national file.

    Taken on CPU seconds (user + system): on a busy machine wall-clock differences of a tenth of a
    second are noise, while the CPU a run spends is its own; the wall times are shown beside it.
    """
    times = measure(repeat, NATIONAL if months is None else OUT / f"national_{months}m.csv")
    wall = {k: statistics.median(w for w, _c in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _w, c in v) for k, v in times.items()}
    out: list[tuple[str, str, str, str, bool | None]] = []
    least = {k: min(c for _w, c in v) for k, v in times.items()}
    rounds = len(times["full"])
    for name, who in (("four", "4 municipalities"), ("all", "all 344 municipalities")):
        extra = _store_extra(times, name)
        figure = _least_extra(times, name)
        shares = _work(times, name, 1)
        rows = int(times["rows_" + name][0][0])
        out.append((
            f"ivp ingest, one new month ({rows:,} rows) for {who}: what the national store adds to "
            "the work of the new file, share of a full ingest's work (CPU, least of each case over "
            f"{rounds} rounds)",
            f"{figure:.3f} (per round {min(extra):.3f}-{max(extra):.3f}, "
            f"median {statistics.median(extra):.3f})",
            f"<= {TARGET}",
            f"into the national store: CPU {least[name]:.2f} s less {least['noop']:.2f} s nothing new "
            f"(median {cpu[name]:.2f} s less {cpu['noop']:.2f} s, wall {wall[name]:.2f} s); into an empty "
            f"store: CPU {least[name + '_alone']:.2f} s less {least['empty']:.2f} s start-up; the month's "
            f"whole work {statistics.median(shares):.3f} of a full ingest's "
            f"(full: CPU {least['full']:.2f} s, wall {wall['full']:.2f} s)",
            figure <= TARGET,
        ))  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    for row in figures(args.repeat):
        print(" | ".join(str(x) for x in row))


if __name__ == "__main__":
    main()
