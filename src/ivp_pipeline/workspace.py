"""Where a project's files live: one root folder with data/raw, data/processed, reports and config."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ivp_pipeline.problems import shown_path


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, root: Path | str = ".") -> Workspace:
        return cls(Path(root).resolve())

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def config_file(self) -> Path:
        return self.root / "ivp.toml"

    @property
    def state_dir(self) -> Path:
        """Local state that must never reach data/processed or reports (e.g. the pseudonym key)."""
        return self.root / ".ivp"

    @property
    def lock_file(self) -> Path:
        return self.root / "data" / ".ivp.lock"

    def relative(self, path: Path) -> str:
        """A path as shown to users and stored in provenance: relative to the root when inside it."""
        return shown_path(path, self.root)
