"""`ivp` leaves without the interpreter's teardown (cli/__init__.py `leave`), losing nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output stays buffered
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, timeout=60, env=env
    )


@pytest.mark.parametrize(
    ("code", "status", "stderr"),
    [("0", 0, ""), ("3", 3, ""), ("None", 0, ""), ("'kapot'", 1, "kapot\n")],
)
def test_leave_keeps_the_status_of_sys_exit(code: str, status: int, stderr: str) -> None:
    done = _python(f"from ivp_pipeline.cli import leave; leave({code})")
    assert (done.returncode, done.stderr) == (status, stderr)


def test_leave_flushes_and_runs_the_exit_handlers() -> None:
    # buffered output (stdout is a pipe here) and an exit handler's output both arrive
    done = _python(
        "import atexit, sys\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "sys.stdout.write('x' * 100000)\n"
        "from ivp_pipeline.cli import leave\n"
        "leave(3)\n"
    )
    assert done.returncode == 3
    assert done.stdout == "x" * 100000 + "handler ran\n"


def test_the_console_script_leaves_with_the_commands_status() -> None:
    run = "import sys; sys.argv = ['ivp', *sys.argv[1:]]; from ivp_pipeline.cli import main; main()"
    version = _python(run, "--version")
    assert version.returncode == 0 and version.stdout.startswith("ivp ")
    wrong = _python(run, "score", "--bogus")
    assert wrong.returncode == 2 and "--bogus" in wrong.stderr


def test_a_bug_still_ends_with_its_traceback() -> None:
    done = _python(
        "import ivp_pipeline.cli.application as a\n"
        "def boom(args): raise ZeroDivisionError('bug')\n"
        "a.run = boom\n"
        "import sys; sys.argv = ['ivp', 'status']\n"
        "from ivp_pipeline.cli import main; main()\n"
    )
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "ZeroDivisionError: bug" in done.stderr


def test_while_a_thread_of_ours_runs_it_exits_the_normal_way() -> None:
    done = _python(
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.5), print('thread done'))).start()\n"
        "from ivp_pipeline.cli import leave\n"
        "leave(4)\n"
    )
    assert (done.returncode, done.stdout) == (4, "thread done\n")


def test_every_command_loads_the_program_without_a_collection() -> None:
    # cli.command loads the command line with the collector off and freezes what it built (loading.py)
    code = (
        "import gc\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and runs.append(1))\n"
        "from ivp_pipeline.cli import command\n"
        "code = command(['status', '--help'])\n"
        "print(code, gc.isenabled(), gc.get_freeze_count() > 10_000)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-3:] == ["0", "True", "True"]
