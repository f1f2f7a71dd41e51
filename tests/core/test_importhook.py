"""importhook: a function runs on a module right after its import, once, without importing it."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from ivp_pipeline import importhook


def test_the_function_runs_right_after_the_import_and_the_hook_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ivp_hooked_demo.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "ivp_hooked_demo", raising=False)
    seen: list[int] = []

    def then(module: ModuleType) -> None:
        seen.append(module.VALUE)
        module.VALUE = 2

    importhook.after_import("ivp_hooked_demo", then)
    importhook.after_import("ivp_hooked_demo", then)  # waits already: not added twice
    assert "ivp_hooked_demo" not in sys.modules and importhook.waiting("ivp_hooked_demo")
    import ivp_hooked_demo  # type: ignore[import-not-found]

    assert seen == [1] and ivp_hooked_demo.VALUE == 2  # after the module's code, before the import returned
    assert not importhook.waiting("ivp_hooked_demo")
    importhook.after_import("ivp_hooked_demo", then)  # loaded: runs at once
    assert seen == [1, 2]
