"""Privacy: no name, e-mail address or phone number of a respondent reaches data/processed."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq

from inputs_fixtures import (
    PLANTED_DIGITS,
    PLANTED_EMAIL,
    PLANTED_NAME,
    PLANTED_PHONES,
    messy_workbook,
    professional_workbook,
)
from ivp_pipeline.schemas import PROFESSIONAL
from ivp_pipeline.sources.professional import privacy
from ivp_pipeline.steps.ingest import ingest, shown_name
from ivp_pipeline.store import read_dataset
from ivp_pipeline.workspace import Workspace

REMARK = (
    f"Vraag {PLANTED_NAME} ({PLANTED_EMAIL}), tel. {PLANTED_PHONES[0]} of {PLANTED_PHONES[1]}; "
    f"kantoor {PLANTED_PHONES[2]}, buitenland {PLANTED_PHONES[3]}. Voorbeeld weet ervan."
)
SECRETS = [
    PLANTED_NAME,
    "Voorbeeld",
    PLANTED_EMAIL,
    "voorbeeld.invalid",
    *PLANTED_PHONES,
    "Sanne Testpersoon",
    "Testpersoon",
    "sanne@voorbeeld.invalid",
    "12345678",
    "87654321",
]


def _plant(ws: Workspace) -> None:
    professional_workbook(
        ws.raw / "professional" / "politie.xlsx",
        [
            ["Losser", "Geweld", 3, 4, 3, 3, REMARK],
            ["Losser", "Ondermijning", 9, 4, 3, 3, f"bel {PLANTED_PHONES[0]}"],  # a reject: value is scrubbed
            ["Losser", f"Thema van {PLANTED_NAME}", 2, 2, 2, 2, None],  # reject with the name in the value
        ],
    )
    messy_workbook(ws.raw / "professional" / "jongerenwerk.xlsx")


def _all_text(root: Path) -> str:
    """Every file under root: raw bytes (latin-1, so nothing is lost) plus parquet values decoded."""
    chunks = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            chunks.append(path.read_bytes().decode("latin-1"))
            if path.suffix == ".parquet":
                chunks.append(str(pq.read_table(path).to_pylist()))
    return "\n".join(chunks)


def test_no_contact_details_in_processed(ws: Workspace) -> None:
    _plant(ws)
    report = ingest(ws)
    assert [o.status for o in report.outcomes] == ["ingested", "ingested"]
    assert {p.code for p in report.rejects} >= {"rating-out-of-range", "unknown-theme"}
    text = _all_text(ws.processed)
    assert "parquet" in " ".join(p.name for p in ws.processed.rglob("*"))  # there is something to scan
    for secret in SECRETS:
        assert secret.casefold() not in text.casefold(), secret
    digits = re.sub(r"\D", "", text)
    for number in PLANTED_DIGITS:
        assert number not in digits, number
    remarks = {r["remark"] for r in read_dataset(ws.processed, PROFESSIONAL).to_pylist()}
    assert (
        "Vraag [verwijderd] ([verwijderd]), tel. [verwijderd] of [verwijderd]; kantoor [verwijderd], "
        "buitenland [verwijderd]. [verwijderd] weet ervan."
    ) in remarks


def test_key_outside_processed_and_pseudonyms_stable(ws: Workspace) -> None:
    professional_workbook(ws.raw / "a.xlsx", [["Losser", "Geweld", 3, 3, 3, 3, None]])
    professional_workbook(
        ws.raw / "b.xlsx", [["Tubbergen", "Geweld", 3, 3, 3, 3, None]], name="  jan   VOORBEELD "
    )  # the same person, typed differently
    professional_workbook(
        ws.raw / "c.xlsx",
        [["Tubbergen", "Geweld", 3, 3, 3, 3, None]],
        name="Piet Fictief",
        email="piet@voorbeeld.invalid",
    )
    ingest(ws)
    key_file = ws.state_dir / privacy.KEY_FILE
    assert key_file.exists() and len(key_file.read_text().strip()) == 64
    assert not list(ws.processed.rglob("*.key"))
    shown = {shown_name(ws, ws.raw / f"{n}.xlsx"): f"data/raw/{n}.xlsx" for n in "abc"}
    by_file = {
        shown[r["source_file"]]: r["respondent"] for r in read_dataset(ws.processed, PROFESSIONAL).to_pylist()
    }
    assert by_file["data/raw/a.xlsx"] == by_file["data/raw/b.xlsx"] != by_file["data/raw/c.xlsx"]
    key = privacy.load_key(key_file, "key")
    assert by_file["data/raw/c.xlsx"] == privacy.pseudonym(
        key, "Piet Fictief", "piet@voorbeeld.invalid", "Politie (fictief)"
    )
    assert (
        privacy.pseudonym(b"another key", "Piet Fictief", "piet@voorbeeld.invalid", "Politie (fictief)")
        != by_file["data/raw/c.xlsx"]
    )


def test_reingest_changes_nothing(ws: Workspace) -> None:
    _plant(ws)
    ingest(ws)
    before = {p: p.read_bytes() for p in ws.processed.rglob("*") if p.is_file()}
    report = ingest(ws)
    assert [o.status for o in report.outcomes] == ["unchanged", "unchanged"] and not report.committed
    assert {p: p.read_bytes() for p in ws.processed.rglob("*") if p.is_file()} == before


def test_same_input_same_parquet_bytes(ws: Workspace, tmp_path: Path) -> None:
    _plant(ws)
    ingest(ws)
    first = {p.relative_to(ws.processed): p.read_bytes() for p in ws.processed.rglob("*.parquet")}
    import shutil

    shutil.rmtree(ws.processed)
    ingest(ws)
    second = {p.relative_to(ws.processed): p.read_bytes() for p in ws.processed.rglob("*.parquet")}
    assert first == second and first


def test_scrub_phone_formats_and_keeps_ordinary_numbers() -> None:
    names = privacy.name_patterns(["Jan de Voorbeeld"])
    text = (
        "06-12345678, 06 12 34 56 78, +31 6 12345678, +31(0)6-12345678, 0031612345678, (053) 123 45 67, "
        "0541-123456; jan.de.voorbeeld@gemeente.invalid; J. de Voorbeeld; jan de voorbeeld"
    )
    assert (
        privacy.scrub(text, names) == ", ".join(["[verwijderd]"] * 7) + "; [verwijderd]; J. [verwijderd]; "
        "[verwijderd]"
    )
    ordinary = "In 2019-2023 steeg het met 12 procent; 1.234 meldingen op 01-02-2024 in 7575 AB."
    assert privacy.scrub(ordinary, names) == ordinary


def test_damaged_key_is_a_clear_error(ws: Workspace) -> None:
    professional_workbook(ws.raw / "a.xlsx", [["Losser", "Geweld", 3, 3, 3, 3, None]])
    ws.state_dir.mkdir()
    (ws.state_dir / privacy.KEY_FILE).write_text("niet hex\n")
    (outcome,) = ingest(ws).outcomes
    assert [(p.code, p.file) for p in outcome.problems] == [("bad-key", ".ivp/pseudonym.key")]


# --- issue 11: BSN (11-proef), IBAN, addresses, colleagues' names ------------------------------------

PII_REMARK = (
    "Melding van Piet Collega over BSN 111222333 en 123456782 (ook 1112.22.333), rekening "
    "NL91 ABNA 0417 1643 00 en NL91ABNA0417164300; adres Hoofdstraat 12, 7631 AB Ootmarsum en "
    "7581 AC 3. In 2023 waren er 123456789 euro schade en 15 meldingen in 7575 AB."
)


def test_scrub_bsn_iban_and_addresses_but_not_ordinary_numbers() -> None:
    assert privacy.scrub(PII_REMARK, privacy.name_patterns(["Piet Collega"])) == (
        "Melding van [verwijderd] over BSN [verwijderd] en [verwijderd] (ook [verwijderd]), rekening "
        "[verwijderd] en [verwijderd]; adres [verwijderd] Ootmarsum en "
        "[verwijderd]. In 2023 waren er 123456789 euro schade en 15 meldingen in 7575 AB."
    )  # 123456789 fails the 11-proef; a postcode alone names an area, not a home
    assert privacy.elfproef("111222333") and privacy.elfproef("123456782")
    assert not privacy.elfproef("123456789") and not privacy.elfproef("000000000")


def test_colleagues_named_in_the_workbook_are_scrubbed_from_every_remark(ws: Workspace) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = "Invoer"
    sheet.append(
        [
            "Naam",
            "E-mail",
            "Type organisatie",
            "Gemeente",
            "Thema",
            "Grootte",
            "Ernst",
            "Ontwikkeling",
            "Urgentie",
            "Toelichting",
        ]
    )
    sheet.append(["Anna Eerste", "anna@voorbeeld.invalid", "politie", "Losser", "Geweld", 3, 3, 3, 3,
                  f"overleg met Bram Tweede; {PII_REMARK}"])  # fmt: skip
    sheet.append(["Bram Tweede", "bram@voorbeeld.invalid", "zorg", "Losser", "Ondermijning", 2, 2, 2, 2,
                  "Anna Eerste weet meer, zie ook Eerste"])  # fmt: skip
    path = ws.raw / "professional" / "gedeeld.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    report = ingest(ws)
    assert report.committed and report.rejects == []
    text = _all_text(ws.processed).casefold()
    for secret in ("Anna Eerste", "Bram Tweede", "Tweede", "111222333", "NL91", "Hoofdstraat 12", "7631 AB"):
        assert secret.casefold() not in text, secret
    remarks = {r["remark"] for r in read_dataset(ws.processed, PROFESSIONAL).to_pylist()}
    assert "[verwijderd] weet meer, zie ook [verwijderd]" in remarks
