"""forked.py: a function run in a forked child gives its value, or its error, to the parent."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from ivp_pipeline import forked
from ivp_pipeline.forked import ChildFailed, Forked, RemoteTraceback
from ivp_pipeline.problems import IvpError, Problem


def test_the_value_and_the_files_of_the_child_reach_the_parent(tmp_path: Path) -> None:
    def work() -> list[int]:
        (tmp_path / "out.txt").write_text(str(os.getpid()), encoding="utf-8")
        return [1, 2, 3]

    job = Forked(work)
    assert job.forked
    assert job.result() == [1, 2, 3]
    assert int((tmp_path / "out.txt").read_text(encoding="utf-8")) != os.getpid()  # written by the child


def test_not_forked_the_function_runs_here_at_result() -> None:
    calls: list[int] = []
    job = Forked(lambda: calls.append(os.getpid()) or 7, parallel=False)
    assert not job.forked and calls == []
    assert job.result() == 7
    assert calls == [os.getpid()]


def test_an_error_of_the_child_is_raised_in_the_parent_with_its_traceback() -> None:
    def fail() -> None:
        raise ValueError("kapot in het kind")

    with pytest.raises(ValueError, match="kapot in het kind") as caught:
        Forked(fail).result()
    assert isinstance(caught.value.__cause__, RemoteTraceback)
    assert "in fail" in str(caught.value.__cause__)


def test_an_ivp_error_keeps_its_problems() -> None:
    problem = Problem("unknown-profile", "er is geen wegingsprofiel met deze naam", value="x")

    def fail() -> None:
        raise IvpError(problem)

    with pytest.raises(IvpError) as caught:
        Forked(fail).result()
    assert caught.value.problems == [problem]
    assert str(caught.value) == problem.line()


def test_a_child_that_dies_is_reported() -> None:
    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(ChildFailed, match=f"signaal {int(signal.SIGKILL)}"):
        Forked(die).result()


def test_close_stops_a_child_that_still_runs() -> None:
    job = Forked(lambda: signal.pause())
    pid = job._pid
    job.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # stopped and reaped


def _prints() -> str:
    print("uit het kind")
    print("fout uit het kind", file=sys.stderr)
    return "klaar"


def test_the_childs_output_does_not_reach_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    if not forked.FORK:
        pytest.skip("no fork on this platform")
    child = Forked(_prints)
    assert child.forked and child.result() == "klaar"
    out, err = capfd.readouterr()
    assert "kind" not in out and "kind" not in err
