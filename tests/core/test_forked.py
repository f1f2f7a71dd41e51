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


# --- Standby: a child forked early that imports meanwhile and runs the one call it is sent ---------


def _where(text: str) -> tuple[int, str, bool]:
    return os.getpid(), text.upper(), "colorsys" in sys.modules


def _fails() -> None:
    raise ValueError("kapot in de wachtende")


def _size(data: bytes) -> int:
    return len(data)


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def test_a_standby_imports_its_modules_and_runs_the_call_it_is_sent() -> None:
    sys.modules.pop("colorsys", None)
    standby = forked.Standby(["colorsys"])
    assert standby.ready
    job = standby.send(_where, "kind")
    assert job is not None and not standby.ready
    pid, text, preloaded = job.result()
    assert pid != os.getpid() and text == "KIND" and preloaded
    assert "colorsys" not in sys.modules  # imported there, not here
    assert standby.send(_where, "again") is None  # one call only


def test_the_error_of_a_standbys_call_is_raised_here() -> None:
    job = forked.Standby([]).send(_fails)
    assert job is not None
    with pytest.raises(ValueError, match="kapot in de wachtende"):
        job.result()


def test_a_large_call_reaches_the_standby_whole() -> None:
    job = forked.Standby(["colorsys"]).send(_size, b"x" * 5_000_000)  # far beyond a pipe's buffer
    assert job is not None and job.result() == 5_000_000


def test_children_forked_after_the_standby_do_not_hold_up_its_call() -> None:
    # a later child inherits the standby's request pipe; the call is length-prefixed, so the standby
    # does not wait for that child to close it
    import time

    standby = forked.Standby([])
    sleeper = Forked(lambda: _sleep(5))
    started = time.monotonic()
    job = standby.send(_where, "x")
    assert job is not None and job.result()[1] == "X"
    assert time.monotonic() - started < 4
    sleeper.close()


def test_an_unused_standby_is_stopped_and_reaped() -> None:
    standby = forked.Standby(["colorsys"])
    pid = standby._pid
    standby.close()
    assert not standby.ready and standby.send(_where, "x") is None
    with pytest.raises(ChildProcessError):  # reaped: no such child any more
        os.waitpid(pid, os.WNOHANG)


def test_without_fork_there_is_no_standby(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "FORK", False)
    standby = forked.Standby(["colorsys"])
    assert not standby.ready and standby.send(_where, "x") is None
    forked.stand_by("test", ["colorsys"])
    assert forked.take_standby("test") is None


def test_a_named_standby_is_taken_once_and_stopped_when_left() -> None:
    forked.stand_by("test", [])
    forked.stand_by("test", [])  # once: the second call starts nothing
    first = forked.take_standby("test")
    assert first is not None and forked.take_standby("test") is None
    first.close()
    forked.stand_by("test", [])
    pid = forked._STANDBY["test"]._pid
    forked.stop_standby("test")
    assert forked.take_standby("test") is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
