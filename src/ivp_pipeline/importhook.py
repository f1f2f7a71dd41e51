"""Run a function on a module right after it has been imported, without importing it.

Two start-up savings rest on this: the CLI makes typer's help panels Dutch only when typer loads
`typer.rich_utils` (for a help screen or a usage error; cli/common.py), and a lean reading process
has pyarrow look for pandas again once something imports pandas (sources/startup.py). A meta path
finder at the front of `sys.meta_path` sees the import, takes itself out, lets the normal finders
find the module and wraps that module's loader, so `then(module)` runs right after the module's
own code and before the import returns.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class AfterImport:
    """A meta path finder that calls `then(module)` once `name` has loaded (once, then it is gone)."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module, then = spec.loader.exec_module, self.then

        def exec_then(module: ModuleType) -> None:
            exec_module(module)
            then(module)

        spec.loader.exec_module = exec_then  # type: ignore[method-assign]  # this module's loader only
        return spec


def waiting(name: str) -> bool:
    """Whether something waits for `name` to be imported."""
    return any(isinstance(f, AfterImport) and f.name == name for f in sys.meta_path)


def after_import(name: str, then: Callable[[ModuleType], None]) -> None:
    """`then(module)` now when `name` is imported already, else right after it is (once: a hook that
    waits for `name` already is not added again)."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        then(loaded)
    elif not waiting(name):
        sys.meta_path.insert(0, AfterImport(name, then))
