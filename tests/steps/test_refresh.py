"""`ivp refresh`: all or nothing, one run at a time, revisions and moved priorities in the changes."""

from __future__ import annotations

import csv
import hashlib
import threading
import time
from pathlib import Path

import pytest

from ivp_pipeline.problems import IvpError
from ivp_pipeline.steps import rollback
from ivp_pipeline.steps.refresh import refresh
from ivp_pipeline.store import MANIFEST, load_manifest
from ivp_pipeline.workspace import Workspace
from ops_reader import fake_score, write_raw

JAN = [
    {"area": "GM1774", "code": "1.1.1", "period": "2024-01-01", "value": 5, "status": "provisional"},
    {"area": "GM1774", "code": "1.4.5", "period": "2024-01-01", "value": 3, "status": "provisional"},
]
# A later download: January revised (5 -> 2), February new.
FEB = [
    {"area": "GM1774", "code": "1.1.1", "period": "2024-01-01", "value": 2, "status": "final"},
    {"area": "GM1774", "code": "1.4.5", "period": "2024-01-01", "value": 3, "status": "final"},
    {"area": "GM1774", "code": "1.1.1", "period": "2024-02-01", "value": 1, "status": "provisional"},
]


@pytest.fixture(autouse=True)
def only_the_test_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ivp_pipeline.sources.detection.READERS", ("ops_reader",))


def tree_hashes(*roots: Path) -> dict[str, str]:
    out = {}
    for root in roots:
        for p in sorted(root.rglob("*")) if root.exists() else []:
            if p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def changes_csv(ws: Workspace) -> list[dict[str, str]]:
    with (ws.reports / "tables" / "wijzigingen.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_first_refresh_ingests_scores_and_writes_changes(ws: Workspace) -> None:
    write_raw(ws, "a_2024-02.json", JAN)
    report = refresh(ws, score=fake_score)
    assert report.ingest is not None and report.ingest.committed
    assert [o.status for o in report.ingest.outcomes] == ["ingested"]
    rows = changes_csv(ws)
    assert [(r["change"], r["municipality"], r["period"]) for r in rows] == [
        ("first_ingest", "GM1774", "2024-01-01 t/m 2024-01-01")
    ]
    md = (ws.reports / "wijzigingen.md").read_text(encoding="utf-8")
    assert "Dit is de eerste run" in md and "Dinkelland" in md
    assert not (ws.state_dir / rollback.JOURNAL).exists()
    assert not list(ws.root.glob(".reports-refresh-*")) and not list(ws.processed.parent.glob(".processed-*"))


def test_revision_new_month_and_moved_priority_are_in_the_changes(ws: Workspace) -> None:
    write_raw(ws, "a_2024-02.json", JAN)
    refresh(ws, score=fake_score)
    write_raw(ws, "b_2024-03.json", FEB)
    report = refresh(ws, score=fake_score)
    got = {(r["change"], r["item"], r["period"], r["old"], r["new"]) for r in changes_csv(ws)}
    assert ("revised", "1.1.1", "2024-01-01", "5", "2") in got  # the provisional figure was replaced
    assert ("new_period", "", "2024-02-01", "", "") in got
    # woninginbraak 5 > geweld 3 before; 2 + 1 = 3 ties with geweld 3 after: geweld takes rank 1.
    assert ("rank_changed", "geweld", "", "2", "1") in got
    assert ("rank_changed", "woninginbraak", "", "1", "2") in got
    assert report.change_counts == {"new_period": 1, "rank_changed": 2, "revised": 1}
    md = (ws.reports / "wijzigingen.md").read_text(encoding="utf-8")
    assert "| Dinkelland | Dinkelland | misdrijven | 1.1.1 | 2024-01 | 5 | 2 |" in md
    assert "| Dinkelland | evenwichtig | Woninginbraak | 1 → 2 | gelijk |" in md  # catalogue label
    # Only the revision was counted: the unchanged geweld figure is not listed.
    assert sum(1 for r in changes_csv(ws) if r["change"] == "revised") == 1


def test_same_input_twice_gives_the_same_bytes(ws: Workspace) -> None:
    write_raw(ws, "a_2024-02.json", JAN)
    refresh(ws, score=fake_score)
    write_raw(ws, "b_2024-03.json", FEB)
    refresh(ws, score=fake_score)
    first = tree_hashes(ws.reports)
    listed = changes_csv(ws)
    third = refresh(ws, score=fake_score)  # nothing new: no changes, reports rewritten identically
    assert third.change_counts == {} and third.written == []
    assert changes_csv(ws) == listed and listed  # the record of the last real change stays
    again = tree_hashes(ws.reports)
    assert again == first
    assert (
        again[str(ws.reports / "tables" / "scores.csv")] == first[str(ws.reports / "tables" / "scores.csv")]
    )


def test_refresh_failing_in_score_leaves_everything_as_it_was(ws: Workspace) -> None:
    write_raw(ws, "a_2024-02.json", JAN)
    refresh(ws, score=fake_score)
    before = tree_hashes(ws.processed, ws.reports)
    write_raw(ws, "b_2024-03.json", FEB)

    def half_then_crash(w: Workspace) -> None:
        # A broken score step that scribbles over the live reports before it dies.
        (w.reports / "tables" / "scores.csv").write_text("garbage", encoding="utf-8")
        (w.reports / "half.png").write_bytes(b"\x89PNG")
        raise RuntimeError("score exploded")

    with pytest.raises(RuntimeError, match="score exploded"):
        refresh(ws, score=half_then_crash)
    assert tree_hashes(ws.processed, ws.reports) == before
    assert "data/raw/police/b_2024-03.json" not in load_manifest(ws.processed)["files"]
    assert not (ws.state_dir / rollback.JOURNAL).exists()
    # The next refresh picks the new file up normally.
    refresh(ws, score=fake_score)
    assert "data/raw/police/b_2024-03.json" in load_manifest(ws.processed)["files"]


def test_refresh_with_an_unreadable_file_changes_nothing(ws: Workspace) -> None:
    write_raw(ws, "a_2024-02.json", JAN)
    refresh(ws, score=fake_score)
    before = tree_hashes(ws.processed, ws.reports)
    (ws.raw / "police" / "c.csv").write_text("what is this\n", encoding="utf-8")
    with pytest.raises(IvpError) as exc:
        refresh(ws, score=fake_score)
    assert exc.value.problem.code == "unrecognised-file"
    assert tree_hashes(ws.processed, ws.reports) == before


def test_first_refresh_that_fails_leaves_no_processed_or_reports(ws: Workspace) -> None:
    write_raw(ws, "a_2024-02.json", JAN)

    def crash(w: Workspace) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        refresh(ws, score=crash)
    assert not ws.processed.exists() and not ws.reports.exists()


def test_a_killed_refresh_is_rolled_back_by_the_next_one(ws: Workspace) -> None:
    write_raw(ws, "a_2024-02.json", JAN)
    refresh(ws, score=fake_score)
    before = tree_hashes(ws.processed, ws.reports)
    rollback.Rollback.begin(ws)  # a refresh that began ...
    (ws.processed / MANIFEST).unlink()  # ... changed things and was killed before it finished
    (ws.reports / "tables" / "scores.csv").write_text("half", encoding="utf-8")
    assert rollback.recover_interrupted(ws) is True
    assert tree_hashes(ws.processed, ws.reports) == before
    assert rollback.recover_interrupted(ws) is False


def test_two_refreshes_at_once_run_one_after_the_other(ws: Workspace) -> None:
    write_raw(ws, "a_2024-02.json", JAN)
    active, overlaps, errors = [0], [0], []

    def slow_score(w: Workspace) -> None:
        active[0] += 1
        overlaps[0] = max(overlaps[0], active[0])
        time.sleep(0.3)
        fake_score(w)
        active[0] -= 1

    def run() -> None:
        try:
            refresh(ws, score=slow_score)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and overlaps[0] == 1  # both succeeded, never at the same time
    files = load_manifest(ws.processed)["files"]
    assert list(files) == ["data/raw/police/a_2024-02.json"]
    assert [r["change"] for r in changes_csv(ws)] == ["first_ingest"]  # the second run found nothing
    # new, so the record of the first one stays
    assert (ws.reports / "tables" / "scores.csv").read_text(encoding="utf-8").count("\n") == 3


def test_cli_refresh_reports_failure_with_exit_1(ws: Workspace, runner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ivp_pipeline.cli import app

    write_raw(ws, "a_2024-02.json", JAN)
    monkeypatch.setattr("ivp_pipeline.steps.refresh.default_score", fake_score)
    ok = runner.invoke(app, ["refresh", "-w", str(ws.root)])
    assert ok.exit_code == 0, ok.stderr
    assert "Geschreven: reports/wijzigingen.md" in ok.stdout
    assert (
        "ophalen: niet ingesteld" in ok.stderr
        and "inlezen: ingelezen data/raw/police/a_2024-02.json" in ok.stderr
    )
    before = tree_hashes(ws.processed, ws.reports)
    (ws.raw / "police" / "c.csv").write_text("what is this\n", encoding="utf-8")
    bad = runner.invoke(app, ["refresh", "-w", str(ws.root)])
    assert bad.exit_code == 1
    assert "[unrecognised-file]" in bad.stderr and "Verversen mislukt" in bad.stderr
    assert tree_hashes(ws.processed, ws.reports) == before  # the failed run changed nothing


_CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
import ivp_pipeline.sources.detection as detect
detect.READERS = ("ops_reader",)
from ops_reader import fake_score
from ivp_pipeline.steps.refresh import refresh
from ivp_pipeline.workspace import Workspace

def slow(ws):
    start = time.time()
    time.sleep(0.5)
    fake_score(ws)
    with open(sys.argv[3], "a") as fh:
        fh.write(f"{start} {time.time()}\\n")

refresh(Workspace.at(sys.argv[2]), score=slow)
"""


def test_two_refresh_processes_take_turns(ws: Workspace, tmp_path: Path) -> None:
    import subprocess
    import sys

    write_raw(ws, "a_2024-02.json", JAN)
    log = tmp_path / "spans.txt"
    args = [sys.executable, "-c", _CHILD, str(Path(__file__).parents[1]), str(ws.root), str(log)]
    procs = [subprocess.Popen(args, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    spans = sorted(tuple(map(float, line.split())) for line in log.read_text().splitlines())
    assert len(spans) == 2 and spans[0][1] <= spans[1][0]  # the second scored after the first finished
    assert list(load_manifest(ws.processed)["files"]) == ["data/raw/police/a_2024-02.json"]
    assert not (ws.state_dir / rollback.JOURNAL).exists()
