"""loading.py: no garbage collection while modules load, then what they built is frozen."""

from __future__ import annotations

import gc
import subprocess
import sys

from ivp_pipeline.loading import loading


def test_no_collection_inside_and_everything_frozen_at_the_end() -> None:
    assert gc.isenabled()
    before = gc.get_freeze_count()
    built = [[object()] for _ in range(1000)]  # tracked containers made before the block
    try:
        with loading():
            assert not gc.isenabled()
            inside = [[i] for i in range(500)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + len(built) + len(inside)
    finally:
        gc.unfreeze()


def test_the_collector_stays_off_when_it_was_off_and_comes_back_after_an_error() -> None:
    try:
        gc.disable()
        with loading():
            pass
        assert not gc.isenabled()
        gc.enable()
        try:
            with loading():
                raise KeyError("x")
        except KeyError:
            pass
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_score_loads_its_modules_without_a_collection() -> None:
    # the imports of `ivp score` (the command line, the score step and the report writers) in a fresh
    # interpreter: no collection runs while they load, and what they built is frozen
    code = (
        "import gc\n"
        "from ivp_pipeline.loading import loading\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and runs.append(info['generation']))\n"
        "with loading():\n"
        "    import ivp_pipeline.steps.score\n"
        "    from ivp_pipeline import reports\n"
        "    reports.load()\n"
        "print(len(runs), gc.isenabled(), gc.get_freeze_count() > 100_000)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "True", "True"]


def test_a_lazy_name_is_imported_when_first_asked_for_then_an_ordinary_attribute() -> None:
    code = (
        "import sys\n"
        "import ivp_pipeline.store as store\n"
        "print('ivp_pipeline.store.transaction' in sys.modules, 'merge' in vars(store))\n"
        "merge = store.merge\n"
        "print('ivp_pipeline.store.transaction' in sys.modules, vars(store)['merge'] is merge)\n"
        "try:\n"
        "    store.nothing_of_that_name\n"
        "except AttributeError as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "False False",
        "True True",
        "module 'ivp_pipeline.store' has no attribute 'nothing_of_that_name'",
    ]
