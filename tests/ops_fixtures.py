"""A loopback OData v3 service for the fetch tests: replays pages in the shape of the CBS police API.

Rows, TableInfos.Modified and failures are set per test; every request is recorded. The server
applies the `$filter` literally (padded keys, substring on WijkenEnBuurten) like the real one does.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

PREFIX = "/ODataApi/OData"
_EQ = re.compile(r"(\w+) eq '([^']*)'")
_SUBSTRING = re.compile(r"substring\((\w+),2,4\) eq '(\d{4})'")


def crime_rows(
    table: str = "47013NED",
    areas: tuple[str, ...] = ("GM1774", "GM0168", "PV23  ", "NL01  "),
    periods: tuple[str, ...] = ("2024MM01", "2024MM02"),
    value: int = 5,
) -> list[dict[str, Any]]:
    """TypedDataSet rows: padded keys, one count per area x period (the total 0.0.0 and 1.1.1)."""
    rows = []
    for area in areas:
        for period in periods:
            for code in ("0.0.0 ", "1.1.1 "):
                rows.append(
                    {
                        "ID": len(rows),
                        "SoortMisdrijf": code,
                        "RegioS": area,
                        "Perioden": period,
                        "GeregistreerdeMisdrijven_1": value if code == "1.1.1 " else value * 10,
                    }
                )
    return rows


def overlast_rows(
    areas: tuple[str, ...] = ("GM1774", "PV23  "), period: str = "2024MM01", value: int = 3
) -> list[dict[str, Any]]:
    """TypedDataSet rows of the overlast table 47021NED (E35 jeugd, E33 verward persoon)."""
    rows = []
    for area in areas:
        for code in ("E33   ", "E35   "):
            rows.append(
                {
                    "ID": len(rows),
                    "Overlast": code,
                    "RegioS": area,
                    "Perioden": period,
                    "GeregistreerdeOverlast_1": value,
                }
            )
    return rows


@dataclass
class Table:
    modified: str
    rows: list[dict[str, Any]]
    status: dict[str, str] = field(default_factory=dict)  # Perioden key -> Status


@dataclass
class FakeOData:
    tables: dict[str, Table] = field(default_factory=dict)
    server_page: int = 1000  # rows per page; more rows come with an odata.nextLink
    next_links: bool = True  # False: the service caps at $top without saying so
    fail_next: list[int] = field(default_factory=list)  # statuses answered before the real answers
    always: int | None = None  # a status for every request (an outage)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{PREFIX}/"

    def start(self) -> FakeOData:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = fake.answer(self.path)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def paths(self, entity: str) -> list[dict[str, str]]:
        return [q for p, q in self.requests if p.endswith("/" + entity)]

    def answer(self, raw_path: str) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(raw_path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.requests.append((parts.path, query))
        if self.always is not None:
            return self.always, {"odata.error": {"message": {"value": "unavailable"}}}
        if self.fail_next:
            return self.fail_next.pop(0), {"odata.error": {"message": {"value": "oops"}}}
        m = re.fullmatch(rf"{PREFIX}/(\w+)/(\w+)", parts.path)
        if not m or m.group(1) not in self.tables:
            return 404, {"odata.error": {"message": {"value": "not found"}}}
        table_id, entity = m.groups()
        table = self.tables[table_id]
        meta = f"{self.base_url}{table_id}/$metadata#Cbs.OData.WebAPI.{entity}"
        if entity == "TableInfos":
            return 200, {
                "odata.metadata": meta,
                "value": [{"ID": 0, "Identifier": table_id, "Modified": table.modified}],
            }
        if entity == "Perioden":
            keys = sorted({str(r["Perioden"]) for r in table.rows})
            return 200, {
                "odata.metadata": meta,
                "value": [
                    {"Key": k, "Title": k, "Description": "", "Status": table.status.get(k, "Definitief")}
                    for k in keys
                ],
            }
        if entity != "TypedDataSet":
            return 404, {}
        rows = _apply_filter(table.rows, query.get("$filter", ""))
        skip, top = int(query.get("$skip", 0)), int(query.get("$top", 10_000))
        take = min(top, self.server_page) if self.next_links else top
        page = rows[skip : skip + take]
        body: dict[str, Any] = {"odata.metadata": meta, "value": page}
        if self.next_links and skip + take < min(len(rows), top if "$top" in query else len(rows)):
            nq = {**query, "$skip": str(skip + take)}
            body["odata.nextLink"] = f"{self.base_url}{table_id}/TypedDataSet?{urlencode(nq)}"
        return 200, body


def _apply_filter(rows: list[dict[str, Any]], flt: str) -> list[dict[str, Any]]:
    if not flt:
        return rows
    eqs, subs = _EQ.findall(flt), _SUBSTRING.findall(flt)
    out = []
    for r in rows:
        if any(r.get(col) == val for col, val in eqs) or any(
            str(r.get(col, ""))[2:6] == digits for col, digits in subs
        ):
            out.append(r)
    return out
