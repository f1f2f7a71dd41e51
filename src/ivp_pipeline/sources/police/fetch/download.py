"""Download the configured police tables into data/raw/police/, one JSON file per table download.

Each download is one OData v3 JSON object (all pages' rows in one `value` list) written atomically,
with a `<name>.provenance.json` sidecar. A table whose `TableInfos.Modified` has not changed since
the last download is not downloaded again; that memory lives in .ivp/fetch-state.json.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ivp_pipeline import atomic
from ivp_pipeline.problems import IvpError, Problem, shown_path
from ivp_pipeline.sources.base import sha256_of
from ivp_pipeline.sources.police.fetch.client import ODataClient
from ivp_pipeline.sources.police.fetch.config import FetchConfig

log = logging.getLogger(__name__)

# The geographic dimension of the known police tables; others are looked up in DataProperties.
GEO_DIMENSIONS = {
    "47013NED": ("RegioS", "GeoDimension"),
    "47021NED": ("RegioS", "GeoDimension"),
    "47022NED": ("WijkenEnBuurten", "GeoDetail"),
    "47024NED": ("WijkenEnBuurten", "GeoDetail"),
    "47018NED": ("WijkenEnBuurten", "GeoDetail"),
}
KEY_WIDTH = {"GeoDimension": 6, "GeoDetail": 10}  # keys are space padded to a fixed width


@dataclass(frozen=True)
class FetchOutcome:
    table: str
    status: str  # downloaded | unchanged
    rows: int
    file: str  # the data file (relative to the workspace); the last one when unchanged
    modified: str
    filter: str


def geo_filter(dimension: str, kind: str, municipalities: list[str], references: list[str]) -> str:
    """An OData v3 `$filter` (no `in` operator) on the padded keys of the geographic dimension."""
    if kind == "GeoDetail":
        # Every gemeente, wijk and buurt of a municipality: the 4 digits after GM/WK/BU.
        parts = [f"substring({dimension},2,4) eq '{code[2:]}'" for code in municipalities]
    else:
        width = KEY_WIDTH.get(kind, 6)
        parts = [f"{dimension} eq '{code.ljust(width)}'" for code in [*municipalities, *references]]
    return " or ".join(f"({p})" for p in parts)


def _areas(cfg: FetchConfig, kind: str) -> list[str]:
    """The municipalities asked for: with the peers in the tables per gemeente, not in the wijk tables."""
    if kind == "GeoDetail":
        return list(cfg.municipalities)
    return [*cfg.municipalities, *(p for p in cfg.peers if p not in cfg.municipalities)]


@dataclass(frozen=True)
class FetchTarget:
    """Where downloads go and what is remembered between runs (the caller holds the workspace lock)."""

    root: Path  # file names in the state and in outcomes are relative to it (the workspace root)
    folder: Path  # data/raw/police
    state_file: Path  # .ivp/fetch-state.json: Modified date, rows and file of each table's last download

    def relative(self, path: Path) -> str:
        return shown_path(path, self.root)


def fetch_tables(
    target: FetchTarget,
    cfg: FetchConfig,
    *,
    sleep: Callable[[float], None] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[FetchOutcome]:
    """Download each configured table unless unchanged; raises IvpError when the service fails."""
    outcomes = []
    with ODataClient(
        cfg.base_url,
        retries=cfg.retries,
        backoff=cfg.backoff_seconds,
        timeout=cfg.timeout_seconds,
        sleep=sleep,
    ) as client:
        state = _load_state(target)
        for table in cfg.tables:
            outcome = _fetch_one(target, cfg, client, table, state, now)
            outcomes.append(outcome)
            if outcome.status == "downloaded":
                _save_state(target, state)
    return outcomes


def _fetch_one(
    target: FetchTarget,
    cfg: FetchConfig,
    client: ODataClient,
    table: str,
    state: dict[str, Any],
    now: Callable[[], datetime],
) -> FetchOutcome:
    infos = client.get_json(f"{table}/TableInfos", {"$format": "json"})["value"]
    modified = str(infos[0].get("Modified", "")) if infos else ""
    dimension, kind = _geo_dimension(client, table)
    flt = geo_filter(dimension, kind, _areas(cfg, kind), cfg.reference_areas)
    key = f"{client.base_url}{table}"
    before = state["tables"].get(key, {})
    if (
        modified
        and before.get("modified") == modified
        and before.get("filter") == flt
        and (target.root / before.get("file", "\0")).is_file()
    ):
        log.info("%s: ongewijzigd sinds %s (laatste download %s)", table, modified, before["file"])
        return FetchOutcome(table, "unchanged", int(before.get("rows", 0)), before["file"], modified, flt)

    fetched_at = now().astimezone(UTC).replace(microsecond=0)
    path = _target(target.folder, table, fetched_at)
    params = {"$format": "json", "$filter": flt}
    first_url = client.url(f"{table}/TypedDataSet", {**params, "$top": cfg.page_size, "$skip": 0})
    statuses = _period_statuses(client, table)
    rows, pages = _download(client, table, params, cfg.page_size, path)
    sha = sha256_of(path)
    provenance = {
        "table": table,
        "table_id": table,  # the key the police reader looks for
        "filter": flt,
        "url": first_url,
        "base_url": client.base_url,
        "fetched_at": fetched_at.isoformat(),
        "modified": modified,
        "rows": rows,
        "pages": pages,
        "file": path.name,
        "sha256": sha,
        # TypedDataSet rows do not say which periods are provisional; the Perioden code list does.
        "period_status": statuses,
    }
    atomic.write_bytes_atomic(
        path.with_name(path.name + ".provenance.json"),
        (json.dumps(provenance, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    )
    outcome = FetchOutcome(table, "downloaded", rows, target.relative(path), modified, flt)
    state["tables"][key] = {**asdict(outcome), "fetched_at": fetched_at.isoformat()}
    log.info(
        "%s: %d rijen gedownload in %d %s naar %s (gewijzigd %s)",
        table,
        rows,
        pages,
        "pagina" if pages == 1 else "pagina's",
        outcome.file,
        modified or "onbekend",
    )
    return outcome


def _geo_dimension(client: ODataClient, table: str) -> tuple[str, str]:
    if table in GEO_DIMENSIONS:
        return GEO_DIMENSIONS[table]
    props = client.get_json(f"{table}/DataProperties", {"$format": "json"})["value"]
    for prop in props:
        if prop.get("Type") in KEY_WIDTH:
            return str(prop["Key"]), str(prop["Type"])
    raise IvpError(
        Problem(
            "fetch-failed",
            "de tabel heeft geen gebiedsdimensie om op te filteren",
            value=table,
            hint="ivp fetch haalt politietabellen per gemeente of wijk/buurt op",
        )
    )


def _period_statuses(client: ODataClient, table: str) -> dict[str, str]:
    """Perioden key -> Status ("Definitief", "Voorlopig", "Nader voorlopig"); {} when not served."""
    try:
        items = client.get_json(f"{table}/Perioden", {"$format": "json"})["value"]
    except IvpError as exc:
        if exc.problem.code != "fetch-failed":
            raise
        return {}
    return {str(i["Key"]).strip(): str(i.get("Status") or "") for i in items if "Key" in i}


def _target(folder: Path, table: str, fetched_at: datetime) -> Path:
    stem = f"{table}_{fetched_at:%Y%m%dT%H%M%S}"
    target, n = folder / f"{stem}.json", 1
    while target.exists():  # two downloads within one second
        n += 1
        target = folder / f"{stem}_{n}.json"
    return target


def _download(
    client: ODataClient, table: str, params: dict[str, Any], page_size: int, target: Path
) -> tuple[int, int]:
    """Stream every page into a hidden temporary file, then rename it: never a half file in raw."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    rows = pages = 0
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            for page in client.pages(f"{table}/TypedDataSet", params, page_size):
                if pages == 0:
                    meta = page.get("odata.metadata") or (
                        f"{client.base_url}{table}/$metadata#Cbs.OData.WebAPI.TypedDataSet"
                    )
                    fh.write('{"odata.metadata": ' + json.dumps(meta) + ', "value": [')
                for row in page["value"]:
                    fh.write(("\n" if rows == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
                    rows += 1
                pages += 1
            fh.write("\n]}\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return rows, pages


def _load_state(target: FetchTarget) -> dict[str, Any]:
    path = target.state_file
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("tables"), dict):
                return data
        except ValueError:
            log.warning(
                "%s is geen geldige JSON; alle tabellen worden opnieuw gedownload", target.relative(path)
            )
    return {"version": 1, "tables": {}}


def _save_state(target: FetchTarget, state: dict[str, Any]) -> None:
    text = json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic.write_bytes_atomic(target.state_file, text.encode("utf-8"))
