"""scoring/background.py: a function beside this process, in a forked child (Linux) or a thread."""

from __future__ import annotations

import os

import numpy as np
import pytest

from ivp_pipeline.scoring import background
from ivp_pipeline.scoring.background import Background, BackgroundError

MODES = [pytest.param(True, id="forked child"), pytest.param(False, id="thread")]


@pytest.fixture(params=MODES)
def fork(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param and not background.FORK:
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(background, "FORK", request.param)
    return bool(request.param)


def _square_sum(values: np.ndarray, scale: float) -> tuple[float, np.ndarray]:
    return float((values**2).sum() * scale), values[::-1].copy()


def _fails(word: str) -> None:
    raise ValueError(f"kapot: {word}")


def test_the_value_comes_back(fork: bool) -> None:
    values = np.arange(1_000_000, dtype=float)  # the child reads it from the fork, nothing pickled in
    with Background(_square_sum, values, 0.5) as running:
        total, backwards = running.result()
    assert total == float((values**2).sum() * 0.5)
    assert backwards[0] == 999_999.0 and backwards[-1] == 0.0


def test_an_exception_is_raised_again_with_its_message(fork: bool) -> None:
    with Background(_fails, "lus") as running:
        if fork:
            with pytest.raises(BackgroundError, match=r"(?s)ValueError: kapot: lus"):
                running.result()
        else:
            with pytest.raises(ValueError, match="kapot: lus"):
                running.result()


def _ends_without_result() -> None:
    os._exit(3)


def test_a_child_that_ends_without_a_result_is_an_error() -> None:
    if not background.FORK:
        pytest.skip("no fork on this platform")
    with (
        Background(_ends_without_result) as running,
        pytest.raises(BackgroundError, match="without a result"),
    ):
        running.result()


def _slow() -> int:
    import time

    time.sleep(30)
    return 1


def test_leaving_the_block_without_the_result_stops_and_reaps_the_child() -> None:
    if not background.FORK:
        pytest.skip("no fork on this platform")
    with Background(_slow) as running:
        pid = running._pid
        assert pid is not None
    with pytest.raises(ChildProcessError):  # reaped: no zombie left
        os.waitpid(pid, os.WNOHANG)


def _prints() -> str:
    print("uit het kind")
    import sys

    print("fout uit het kind", file=sys.stderr)
    return "klaar"


def test_the_childs_output_does_not_reach_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    if not background.FORK:
        pytest.skip("no fork on this platform")
    with Background(_prints) as running:
        assert running.result() == "klaar"
    out, err = capfd.readouterr()
    assert "kind" not in out and "kind" not in err
