"""What `ivp` does before typer loads: `ivp ingest` reads its first large new file ahead (its command
line read by `cli.ingest_arguments`), and rich's help machinery loads only for help and errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ivp_pipeline.cli import ingest_arguments
from ivp_pipeline.workspace import Workspace
from police_fixtures import BULK, write


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ingest"], (Path("."), [])),
        (["ingest", "-w", "ws"], (Path("ws"), [])),
        (
            ["ingest", "--workspace=ws", "a.csv", "--keep-going", "b"],
            (Path("ws"), [Path("a.csv"), Path("b")]),
        ),
        (["ingest", "--allow-shrink", "--", "-odd.csv"], (Path("."), [Path("-odd.csv")])),
        (["ingest", "--help"], None),  # typer draws the help, nothing is read
        (["ingest", "-w"], None),  # typer says the value is missing
        (["ingest", "--bogus", "x"], None),
        (["score", "-w", "ws"], None),
        ([], None),
    ],
)
def test_an_ingest_command_line_is_read_before_typer(args: list[str], expected: object) -> None:
    assert ingest_arguments(args) == expected


# `ivp ingest -w WS` in a fresh process, as the console script runs it; prints (at exit: `main` ends
# the process itself) whether rich's help machinery (typer.rich_utils) was loaded and whether the
# read-ahead was taken.
INGEST = """
import atexit, gc, sys
from ivp_pipeline.sources import detection, readahead
detection.READ_AHEAD_BYTES = 1
taken = []
take = readahead.take
readahead.take = lambda path, token: taken.append(path.name) or take(path, token)
sys.argv = ["ivp", "ingest", "-w", sys.argv[1]]
from ivp_pipeline.cli import main
atexit.register(lambda: print("rich_utils" if "typer.rich_utils" in sys.modules else "no rich_utils",
                              taken, gc.isenabled(), gc.get_freeze_count() > 10_000, file=sys.stderr))
main()
print("main returned", file=sys.stderr)
"""


def test_ingest_reads_ahead_and_loads_no_help_machinery(ws: Workspace) -> None:
    write(ws, "47013NED.csv", BULK)
    done = subprocess.run(
        [sys.executable, "-c", INGEST, str(ws.root)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    # ... and the collector back on for the command, over objects the imports made frozen
    assert done.stderr.strip().splitlines()[-1] == "no rich_utils ['47013NED.csv'] True True", done.stderr
    assert "main returned" not in done.stderr  # the process ended in `main` (cli.leave)
    assert "ingelezen" in done.stdout  # the report reached the pipe before the process ended
    assert (ws.processed / "police" / "municipality=GM1774" / "part-0.parquet").exists()


def console_script(args: list[str], columns: int) -> subprocess.CompletedProcess[str]:
    """`ivp ARGS` as the console script runs it, on a plain terminal `columns` wide."""
    return subprocess.run(
        [sys.executable, "-c", "from ivp_pipeline.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": str(columns), "TERM": "dumb", "NO_COLOR": "1", "PATH": "/usr/bin:/bin",
             "PYTHONPATH": ":".join(sys.path)},
    )  # fmt: skip


def test_ingest_with_rejected_rows_exits_3_through_the_quick_exit(ws: Workspace) -> None:
    write(ws, "47013NED.csv", BULK + "7;9.9.9 ;GM1774;2024MM01;       1\n")  # line 9: unknown code
    done = console_script(["ingest", "-w", str(ws.root)], columns=200)
    assert done.returncode == 3, done.stderr
    # the report, flushed before the process ended: 8 rows read, 7 accepted, 1 rejected
    assert "│ ingelezen │ 8 │ 7 │ 1 │ 0 │" in re.sub(r" +", " ", done.stdout), done.stdout
    rejects = (ws.processed / "_rejects.csv").read_text(encoding="utf-8")
    assert "unknown-code" in rejects and "9.9.9" in rejects


def test_a_usage_error_is_still_dutch(ws: Workspace) -> None:
    done = console_script(["ingest", "--bogus"], columns=100)
    assert done.returncode == 2
    assert "Onbekende optie: --bogus" in done.stderr and "Fout" in done.stderr


def test_numpy_imported_for_an_ingest_starts_no_blas_threads() -> None:
    # OpenBLAS starts a thread per core on import (on a machine of one core both counts are 1)
    code = (
        "import os, sys\n"
        "from ivp_pipeline.loading import one_blas_thread\n"
        "if sys.argv[1] == 'one':\n"
        "    with one_blas_thread():\n"
        "        import numpy\n"
        "else:\n"
        "    import numpy\n"
        "print(len(os.listdir('/proc/self/task')), os.environ.get('OPENBLAS_NUM_THREADS'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    runs = {
        how: subprocess.run(
            [sys.executable, "-c", code, how], capture_output=True, text=True, check=True, env=env
        ).stdout.split()
        for how in ("one", "default")
    }
    assert runs["one"] == ["1", "None"]  # one thread, and the environment as it was
    assert runs["default"] == [str(min(os.cpu_count() or 1, 64)), "None"]


def test_the_report_modules_load_in_a_daemon_thread_while_the_ingest_runs() -> None:
    code = (
        "import sys\n"
        "from ivp_pipeline.cli.ingest_cmd import REPORT_MODULES, load_report_meanwhile\n"
        "before = [m for m in REPORT_MODULES if m in sys.modules]\n"
        "thread = load_report_meanwhile()\n"
        "daemon = thread.daemon\n"
        "thread.join()\n"
        "print(before, daemon, [m for m in REPORT_MODULES if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[] True ['rich.console', 'rich.table']", done.stderr
