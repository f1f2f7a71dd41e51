"""Benchmark of the reports stage alone: CSV tables, workbook, analysis, HTML and Word, from a pickle.

`capture` runs `ivp score --force` on a workspace once and pickles what the reports stage receives
(the result, the result shown, the charts), copying the drawn figures beside the pickle, so the
writers can be timed again and again without recomputing:

    .venv/bin/python bench/reports.py capture WORKSPACE bench/out/reports-WS.pkl
    .venv/bin/python bench/reports.py time bench/out/reports-WS.pkl [--repeat N] [--profile OUT.prof]

`time --keep DIR` leaves the files of its last round in DIR (to compare two versions byte for
byte). `time` prints the CPU seconds (user + system of this process) and wall seconds of each part, the
best of `--repeat` rounds. The parts: tables (CSV), workbook, analysis (document sections, including
the small figures why.py and wijken.py draw), the HTML and Word drafts (made while the charts are
drawn) and their writing (the pictures and the files, once the charts are drawn).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ivp_pipeline.reports import analysis, outputs
from ivp_pipeline.reports.documents import draft_documents
from ivp_pipeline.reports.sheets import write_workbook
from ivp_pipeline.reports.tables import write_tables
from ivp_pipeline.steps.score import score
from ivp_pipeline.workspace import Workspace


class _Captured(Exception):
    """Stops `ivp score` once the reports stage has what it needs (nothing is published)."""


def capture(workspace: Path, target: Path) -> None:
    """One forced score of `workspace`; its reports-stage inputs go to `target` (+ figures)."""
    seen: dict[str, Any] = {}
    original_tables = outputs.write_tables
    original_sections = outputs.build_sections

    def tables(result: Any, tables_dir: Path) -> list[Path]:
        seen["result"] = result
        return original_tables(result, tables_dir)

    def sections(shown: Any, charts: list[Any]) -> Any:
        seen["shown"], seen["charts"] = shown, charts
        return original_sections(shown, charts)

    class Drafts:
        """Stands for the drafted documents: written once the charts are drawn, where it captures."""

        def __init__(self, out_dir: Path) -> None:
            self.out_dir = out_dir

        def write(self) -> list[Path]:
            figures = target.with_suffix(".figures")
            shutil.rmtree(figures, ignore_errors=True)
            shutil.copytree(self.out_dir / "figures", figures)
            seen["out_dir"] = self.out_dir
            target.write_bytes(pickle.dumps(seen, protocol=pickle.HIGHEST_PROTOCOL))
            raise _Captured

    def drafts(_shown: Any, _sections: Any, out_dir: Path) -> Drafts:
        return Drafts(out_dir)

    outputs.write_tables = tables
    outputs.build_sections = sections
    outputs.draft_documents = drafts
    os.environ["IVP_CHART_WORKERS"] = "1"  # everything in this process (no forked writer)
    try:
        score(Workspace.at(workspace), force=True)
    except _Captured:
        print(f"captured {target}", file=sys.stderr)
        return
    sys.exit("the reports stage was not reached")


def _clock(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.process_time() - c0, time.perf_counter() - t0, out


def run_once(state: dict[str, Any], out: Path) -> dict[str, tuple[float, float]]:
    """Each part once into `out` (the figures of the capture copied in first)."""
    shutil.rmtree(out, ignore_errors=True)
    old = Path(state["out_dir"])
    figures = out / "figures"
    shutil.copytree(state["figures"], figures)
    charts = [_moved(c, old, out) for c in state["charts"]]
    result, shown = state["result"], state["shown"]
    times: dict[str, tuple[float, float]] = {}
    cpu, wall, _ = _clock(lambda: write_tables(result, out / "tables"))
    times["tables (CSV)"] = (cpu, wall)
    cpu, wall, _ = _clock(lambda: write_workbook(shown, out / "tables"))
    times["workbook"] = (cpu, wall)
    cpu, wall, sections = _clock(lambda: analysis.build(shown, charts))
    times["analysis"] = (cpu, wall)
    cpu, wall, drafts = _clock(lambda: draft_documents(shown, sections, out))
    times["html+docx draft"] = (cpu, wall)  # while the charts are drawn
    cpu, wall, _ = _clock(drafts.write)
    times["html+docx write"] = (cpu, wall)  # once they are: the pictures and the files
    return times


def _moved(chart: Any, old: Path, new: Path) -> Any:
    """The chart with its paths under the new output folder (a dataclass with png/svg paths)."""
    changes = {
        k: new / Path(v).relative_to(old)
        for k, v in vars(chart).items()
        if isinstance(v, Path) and Path(v).is_relative_to(old)
    }
    return type(chart)(**{**vars(chart), **changes})


def time_parts(pickled: Path, repeat: int, profile: Path | None, keep: Path | None = None) -> None:
    state = pickle.loads(pickled.read_bytes())
    state["figures"] = pickled.with_suffix(".figures")
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="ivp-bench-reports-") as tmp:
        for _ in range(repeat):
            for part, (cpu, wall) in run_once(state, Path(tmp) / "reports").items():
                old = best.get(part)
                best[part] = (cpu, wall) if old is None or cpu < old[0] else old
        if keep is not None:  # to compare the files of two versions of the writers
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(Path(tmp) / "reports", keep)
        if profile is not None:
            prof = cProfile.Profile()
            prof.runcall(run_once, state, Path(tmp) / "reports")
            prof.dump_stats(profile)
    print(f"{'part':16s} {'cpu s':>7s} {'wall s':>7s}   ({pickled.name}, best of {repeat})")
    for part, (cpu, wall) in best.items():
        print(f"{part:16s} {cpu:7.3f} {wall:7.3f}")
    print(f"{'total':16s} {sum(c for c, _ in best.values()):7.3f} {sum(w for _, w in best.values()):7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("workspace", type=Path)
    cap.add_argument("target", type=Path)
    tim = sub.add_parser("time")
    tim.add_argument("pickled", type=Path)
    tim.add_argument("--repeat", type=int, default=3)
    tim.add_argument("--profile", type=Path, default=None)
    tim.add_argument("--keep", type=Path, default=None, help="copy the last round's files here")
    args = parser.parse_args()
    if args.cmd == "capture":
        capture(args.workspace, args.target)
    else:
        time_parts(args.pickled, args.repeat, args.profile, args.keep)


if __name__ == "__main__":
    main()
