"""The chart set across processes: a run whose charts are all unchanged loads no matplotlib and forks
no drawer; forked drawers draw the same bytes as this process."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
# Writes the reports of a small fixture result into argv[1] (with argv[2] as the previous reports/,
# "-" for none) and prints what the process loaded and started.
RUN = """
import json, multiprocessing, os, sys
from pathlib import Path
if os.environ.get("STANDBY"):  # as `ivp score` starts: the drawer forked before anything is imported
    from ivp_pipeline.steps.drawer import start_drawer
    start_drawer()
from ivp_pipeline import forked
from ivp_pipeline.reports import write_outputs
from outputs_fixtures import make_result

if __name__ == "__main__":
    result = make_result(n_themes=3, first_month="2023-01-01")
    previous = None if sys.argv[2] == "-" else Path(sys.argv[2])
    stages = []
    write_outputs(result, Path(sys.argv[1]), previous=previous, salt="test",
                  progress=lambda stage, done, total: stages.append([stage, done, total]))
    print(json.dumps({
        "matplotlib": "matplotlib" in sys.modules,
        "children": len(multiprocessing.active_children()),
        "charts": [s for s in stages if s[0] == "Grafieken tekenen"],
        "standby_left": forked.take_standby("charts") is not None,
    }))
"""


def run(out: Path, previous: Path | None, workers: int, standby: bool = False) -> dict[str, object]:
    env = {
        **os.environ,
        "STANDBY": "1" if standby else "",
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
        "IVP_CHART_WORKERS": str(workers),
        "SOURCE_DATE_EPOCH": "1764547200",
    }
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(out), str(previous) if previous else "-"],
        env=env, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def shas(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_unchanged_charts_load_no_matplotlib_and_fork_no_drawer(tmp_path: Path) -> None:
    pooled, serial, again = tmp_path / "pooled", tmp_path / "serial", tmp_path / "again"
    first = run(pooled, None, workers=2)
    assert first["matplotlib"] is False  # two forked children drew; this process never loaded it
    assert first["children"] == 0  # both collected
    assert run(serial, None, workers=1)["matplotlib"] is True  # drawn here, in this process
    assert shas(pooled / "figures") == shas(serial / "figures")  # same bytes from either path
    names = shas(pooled / "figures")
    assert {"waarom-losser.png", "waarom-noordoost-twente.svg", "voortgang.png"} <= set(names)
    total = len(names) // 2
    stages = first["charts"]
    assert isinstance(stages, list)  # nothing copied, then one step per child's share
    assert [s[1] for s in stages][0::2] == [0, total] and len(stages) == 3
    assert 0 < stages[1][1] < total

    warm = run(again, pooled, workers=2)
    assert warm == {
        "matplotlib": False,
        "children": 0,
        "charts": [["Grafieken tekenen", total, total]],  # every chart copied, at once
        "standby_left": False,
    }
    assert shas(again / "figures") == names
    index = json.loads((again / ".charts.json").read_text(encoding="utf-8"))
    assert {f"{k}{s}" for k in index["charts"] for s in (".png", ".svg")} == set(names)


def test_the_drawer_forked_at_start_up_draws_the_same_bytes(tmp_path: Path) -> None:
    serial, early = tmp_path / "serial", tmp_path / "early"
    run(serial, None, workers=1)
    done = run(early, None, workers=2, standby=True)
    assert done["matplotlib"] is False and done["children"] == 0
    assert done["standby_left"] is False  # it was handed the first share of the charts
    stages = done["charts"]
    assert isinstance(stages, list) and len(stages) == 3  # its share, then the forked drawer's
    assert shas(early / "figures") == shas(serial / "figures")
