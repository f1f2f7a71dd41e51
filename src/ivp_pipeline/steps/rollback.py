"""All-or-nothing across steps: copies of data/processed and reports, restored if a refresh fails.

Ingest and score each swap their folder in whole, but a refresh runs both: when score fails after
ingest succeeded, the processed data would be newer than the reports. A refresh therefore keeps a
copy of both folders, restores them on failure, and notes in .ivp/refresh-journal.json that it is
running, so a refresh killed half-way is rolled back at the next refresh.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ivp_pipeline import atomic
from ivp_pipeline.workspace import Workspace

log = logging.getLogger(__name__)

JOURNAL = "refresh-journal.json"


def _copy(src: str, dst: str) -> None:
    # Parquet partitions are only ever replaced by rename, so a hard link is a safe, free copy;
    # anything else (manifest, rejects, reports) may be rewritten in place by some writer: copy it.
    if src.endswith(".parquet"):
        try:
            os.link(src, dst)
            return
        except OSError:
            pass
    shutil.copy2(src, dst)


@dataclass
class Rollback:
    workspace: Workspace
    snapshots: dict[str, str]  # target folder -> its copy ("" when the target did not exist)

    @classmethod
    def begin(cls, ws: Workspace) -> Rollback:
        """Copy data/processed and reports aside; call under the workspace lock."""
        recover_interrupted(ws)
        snapshots: dict[str, str] = {}
        for target in (ws.processed, ws.reports):
            atomic.recover(target)
            copy = target.parent / f".{target.name}-refresh-{os.getpid()}"
            if copy.exists():
                shutil.rmtree(copy)
            if target.exists():
                shutil.copytree(target, copy, copy_function=_copy)
                snapshots[str(target)] = str(copy)
            else:
                snapshots[str(target)] = ""
        rb = cls(ws, snapshots)
        rb._journal("running")
        return rb

    def restore(self) -> None:
        """Put every folder back as it was when the refresh began."""
        for target_s, copy_s in sorted(self.snapshots.items()):
            target = Path(target_s)
            atomic.recover(target)
            if copy_s and Path(copy_s).exists():
                atomic.swap_in(Path(copy_s), target)
            elif not copy_s and target.exists():
                gone = target.parent / f".{target.name}-old-{os.getpid()}"
                os.replace(target, gone)
                shutil.rmtree(gone)
            log.info("%s teruggezet naar de toestand van voor de verversing", self.workspace.relative(target))
        _journal_path(self.workspace).unlink(missing_ok=True)

    def discard(self) -> None:
        """The refresh succeeded: drop the copies (the journal first says so, in case of a kill)."""
        self._journal("done")
        for copy_s in self.snapshots.values():
            if copy_s:
                shutil.rmtree(copy_s, ignore_errors=True)
        _journal_path(self.workspace).unlink(missing_ok=True)

    def _journal(self, phase: str) -> None:
        text = json.dumps({"phase": phase, "snapshots": self.snapshots}, indent=2, sort_keys=True)
        atomic.write_bytes_atomic(_journal_path(self.workspace), text.encode("utf-8"))


def _journal_path(ws: Workspace) -> Path:
    return ws.state_dir / JOURNAL


def recover_interrupted(ws: Workspace) -> bool:
    """Finish what a killed refresh left: roll back when it was running. True when it rolled back."""
    path = _journal_path(ws)
    if not path.exists():
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rb = Rollback(ws, {str(k): str(v) for k, v in data["snapshots"].items()})
        phase = data["phase"]
    except (ValueError, KeyError, TypeError, AttributeError):
        log.warning("%s is beschadigd; zo gelaten", ws.relative(path))
        return False
    if phase == "running":
        log.warning("een vorige verversing is onderbroken; de toestand van daarvoor wordt teruggezet")
        rb.restore()
        return True
    rb.discard()
    return False
