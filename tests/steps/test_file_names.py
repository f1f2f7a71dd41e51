"""Issue 11, point 6: a respondent's name in a file name never reaches any output; downloads keep theirs."""

from __future__ import annotations

import hashlib

from inputs_fixtures import professional_workbook
from ivp_pipeline.cli import app
from ivp_pipeline.schemas import POLICE, PROFESSIONAL
from ivp_pipeline.scoring.tables import sources_frame
from ivp_pipeline.store import load_manifest, read_dataset
from ivp_pipeline.workspace import Workspace
from police_fixtures import BULK, write

PERSON = "jan_jansen"


def test_a_name_in_a_workbook_file_name_is_replaced_by_its_hash(ws: Workspace, runner) -> None:
    path = ws.raw / "professional" / f"inbreng_{PERSON}.xlsx"
    professional_workbook(path, [["Losser", "Geweld", 3, 9, 3, 3, None]])  # 9: one rejected rating
    loose = ws.raw / f"{PERSON}_ook.xlsx"  # a workbook outside the folder of downloads
    professional_workbook(loose, [["Tubbergen", "Geweld", 2, 2, 2, 2, None]], name="Piet Fictief")
    write(ws, "47013NED_misdrijven_maand.csv", BULK)
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 3, result.output  # written, one rating rejected
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    shown = f"data/raw/professional/bestand-{digest}.xlsx"
    manifest = load_manifest(ws.processed)
    assert shown in manifest["files"] and manifest["files"][shown]["rejected"] == 1
    everything = [
        result.output,
        (ws.processed / "_manifest.json").read_text("utf-8"),
        (ws.processed / "_rejects.csv").read_text("utf-8"),
        sources_frame(manifest).to_csv(),
        *(str(r["source_file"]) for r in read_dataset(ws.processed, PROFESSIONAL).to_pylist()),
    ]
    assert not [text for text in everything if PERSON in text]
    assert shown in (ws.processed / "_rejects.csv").read_text("utf-8")
    assert sum("bestand-" in f for f in manifest["files"]) == 2
    # downloads are named after their table, not a person: kept
    assert {r["source_file"] for r in read_dataset(ws.processed, POLICE).to_pylist()} == {
        "data/raw/police/47013NED_misdrijven_maand.csv"
    }
    status = runner.invoke(app, ["status", "-w", str(ws.root)])
    assert PERSON not in status.output and "nog niet ingelezen" not in status.output


def test_a_workspace_ingested_under_the_real_names_is_renamed_not_doubled(ws: Workspace, monkeypatch) -> None:
    from ivp_pipeline.steps import ingest as ingest_step

    path = ws.raw / "professional" / f"inbreng_{PERSON}.xlsx"
    professional_workbook(path, [["Losser", "Geweld", 3, 3, 3, 3, None]])
    with monkeypatch.context() as m:  # as ivp did before: the file under its own name
        m.setattr(ingest_step, "shown_name", lambda w, p, sha=None: w.relative(p))
        assert ingest_step.ingest(ws).committed
    assert f"data/raw/professional/inbreng_{PERSON}.xlsx" in load_manifest(ws.processed)["files"]
    report = ingest_step.ingest(ws)
    assert report.committed and report.outcomes[0].status == "ingested"
    assert PERSON not in (ws.processed / "_manifest.json").read_text("utf-8")
    rows = read_dataset(ws.processed, PROFESSIONAL).to_pylist()
    assert len(rows) == 4 and all("bestand-" in r["source_file"] for r in rows)
