"""Benchmark of issue 13 (scoring layer): `read_inputs` + `scoring.compute` as `ivp score` calls them.

Prints CPU and wall seconds per part (reading the store, each stage of `compute`, voortgang) and the
cost of `import ivp_pipeline.scoring` in a fresh interpreter (next to `python -c pass`).

    .venv/bin/python bench/compute.py                      # the bundled sample (built once in bench/out)
    .venv/bin/python bench/compute.py -w WORKSPACE         # any ingested workspace
    .venv/bin/python bench/compute.py --scale 4 43 342     # the national store of bench/scale.py
    .venv/bin/python bench/compute.py --profile out.prof   # cProfile of the last run

Not a test: the numbers depend on the machine. CPU time (user + system, all threads) is the figure
to compare on a busy machine.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ingest_national import OUT

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SAMPLE = OUT / "ws-compute-sample"

# The stages of scoring.compute, as the names scoring/pipeline.py calls them by.
PARTS = (
    ("facts", "clean_police"),
    ("facts", "unit_series"),
    ("pipeline", "published"),
    ("pipeline", "theme_table"),
    ("pipeline", "perception_table"),
    ("pipeline", "professional_tables"),
    ("pipeline", "_model"),
    ("pipeline", "simulate"),
    ("pipeline", "criteria_frame"),
    ("tables", "scores_frame"),
    ("pipeline", "key_figures"),
    ("tables", "indicators_frame"),
    ("tables", "trends_frame"),
    ("tables", "funnel_frame"),
    ("pipeline", "voices_extras"),
    ("pipeline", "local_figures_table"),
    ("pipeline", "wijk_table"),
)


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


class Clock:
    """CPU and wall seconds per named part (a part called more than once is summed)."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.depth = 0

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            c, w = _cpu(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.cpu[name] = self.cpu.get(name, 0.0) + _cpu() - c
                self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - w

        return timed


def _instrument(clock: Clock) -> None:
    from ivp_pipeline.scoring import facts, pipeline, tables

    modules = {"facts": facts, "pipeline": pipeline, "tables": tables}
    for mod, name in PARTS:
        module = modules[mod]
        setattr(module, name, clock.wrap(name, getattr(module, name)))


def sample_workspace() -> Path:
    if not (SAMPLE / "data" / "processed").is_dir():
        shutil.rmtree(SAMPLE, ignore_errors=True)
        ivp = str(BIN / "ivp")
        subprocess.run([ivp, "init", str(SAMPLE), "--sample"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([ivp, "ingest", "-w", str(SAMPLE)], check=True, stdout=subprocess.DEVNULL)
    return SAMPLE


def run_once(ws_path: Path, clock: Clock, profile: Path | None = None) -> int:
    """read_inputs + compute + voortgang exactly as steps/score.py; returns the number of units."""
    from ivp_pipeline.scoring import compute, result_themes, voortgang
    from ivp_pipeline.steps import settings
    from ivp_pipeline.steps.score import read_inputs
    from ivp_pipeline.workspace import Workspace

    ws = Workspace(ws_path)
    prof = cProfile.Profile() if profile is not None else None
    c0, w0 = _cpu(), time.perf_counter()
    if prof is not None:
        prof.enable()
    cfg = settings.scoring(ws)
    catalogue = settings.catalogue(ws)
    inputs = clock.wrap("read_inputs", read_inputs)(ws)
    result = clock.wrap("compute", compute)(
        inputs, cfg, catalogue, settings.comparison(ws), settings.region(ws)
    )
    evaluation = settings.evaluation(ws, result_themes(result))
    if evaluation is not None:
        result.extras["voortgang"] = clock.wrap("voortgang", voortgang)(result, evaluation)
    if prof is not None:
        prof.disable()
        prof.dump_stats(profile)
    clock.cpu["total"] = _cpu() - c0
    clock.wall["total"] = time.perf_counter() - w0
    return len(cfg.municipalities)


def import_cost(module: str) -> tuple[float, float]:
    """(CPU seconds of `python -c "import module"`, of `python -c pass`), best of three."""

    def child(code: str) -> float:
        best = float("inf")
        for _ in range(3):
            proc = subprocess.Popen([sys.executable, "-c", code])
            _pid, _status, usage = os.wait4(proc.pid, 0)
            best = min(best, usage.ru_utime + usage.ru_stime)
        return best

    return child(f"import {module}"), child("pass")


def report(title: str, clock: Clock) -> None:
    print(f"\n{title}")
    print(f"  {'part':22s} {'CPU s':>8s} {'wall s':>8s}")
    for name in ("read_inputs", *(n for _, n in PARTS), "voortgang", "compute", "total"):
        if name in clock.cpu:
            print(f"  {name:22s} {clock.cpu[name]:8.3f} {clock.wall[name]:8.3f}")
    inner = sum(v for k, v in clock.cpu.items() if k not in ("read_inputs", "compute", "total", "voortgang"))
    print(f"  {'(compute, not listed)':22s} {clock.cpu.get('compute', 0.0) - inner:8.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-w", "--workspace", type=Path, help="an ingested workspace (default: the sample)")
    parser.add_argument("--scale", type=int, nargs="*", help="municipalities of bench/scale.py's store")
    parser.add_argument("--repeat", type=int, default=1, help="runs per workspace (the last is shown)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the last run here")
    parser.add_argument("--no-import", action="store_true", help="skip the import measurement")
    args = parser.parse_args()
    if not args.no_import:
        scoring, bare = import_cost("ivp_pipeline.scoring")
        print(f"import ivp_pipeline.scoring: {scoring:.3f} s CPU (python -c pass: {bare:.3f} s)")
    targets: list[tuple[str, Path]] = []
    if args.scale:
        import scale

        national, _small = scale.build(None)
        targets = [(f"{n} municipalities (national store)", scale.configure(national, n)) for n in args.scale]
    else:
        ws = args.workspace or sample_workspace()
        targets = [(str(ws), ws)]
    clock = Clock()
    _instrument(clock)
    for title, ws in targets:
        for i in range(args.repeat):
            clock.cpu.clear()
            clock.wall.clear()
            last = i == args.repeat - 1
            n = run_once(ws, clock, args.profile if last else None)
        report(f"{title}: {n} municipalities scored", clock)


if __name__ == "__main__":
    main()
