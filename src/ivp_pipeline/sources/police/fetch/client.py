"""A small client for the CBS OData v3 service: JSON pages, bounded retries with back-off, paging."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from ivp_pipeline.problems import IvpError, Problem

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_PAGES = 5_000  # a guard against a service that keeps sending next links


class ODataClient:
    """GET JSON from one OData v3 service; transient failures are retried, then reported in one line."""

    def __init__(
        self,
        base_url: str,
        *,
        retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        timeout: float = 60.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep or time.sleep
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": "ivp-pipeline"},
            follow_redirects=True,
        )

    def __enter__(self) -> ODataClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        """The full URL a request goes to (for provenance and messages)."""
        return str(self._http.build_request("GET", path, params=params).url)

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One JSON object; 5xx, 429, time-outs and connection errors are retried with back-off."""
        url = self.url(path, params)
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                delay = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
                log.warning(
                    "%s: %s; nieuwe poging (%d van %d) over %.1f s", url, last, attempt, self.retries, delay
                )
                self.sleep(delay)
            try:
                response = self._http.get(url)
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                last = f"{_network_trouble(exc)} ({type(exc).__name__})"  # httpx's own text is English
                continue
            if response.status_code in RETRY_STATUSES:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 400:
                raise IvpError(
                    Problem(
                        "fetch-failed",
                        f"de dienst antwoordde met HTTP {response.status_code}",
                        file=url,
                        hint="controleer `tables` in de sectie [fetch] en het adres `base_url`",
                    )
                )
            return _decode(response, url)
        raise IvpError(
            Problem(
                "service-unavailable",
                f"geen antwoord na {self.retries + 1} pogingen (laatste: {last})",
                file=url,
                hint="de dienst met politiecijfers is misschien uit de lucht; probeer het later opnieuw "
                "(data/raw is niet veranderd)",
            )
        )

    def pages(self, path: str, params: dict[str, Any], page_size: int) -> Iterator[dict[str, Any]]:
        """Every page of an entity set: follows odata.nextLink, else asks $top/$skip until a short page."""
        next_path: str = path
        next_params: dict[str, Any] | None = {**params, "$top": page_size, "$skip": 0}
        skip = 0
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            page = self.get_json(next_path, next_params)
            rows = page["value"]
            yield page
            link = page.get("odata.nextLink")
            if link:
                link = self._check_link(str(link), seen)
                next_path, next_params = link, None
            elif next_params is not None and len(rows) >= page_size:
                # The API caps a response without saying so: ask for the next slice ourselves.
                skip += len(rows)
                next_params = {**next_params, "$skip": skip}
            else:
                return
        raise IvpError(Problem("bad-response", f"meer dan {MAX_PAGES} pagina's", file=self.url(path, params)))

    def _check_link(self, link: str, seen: set[str]) -> str:
        base, target = urlsplit(self.base_url), urlsplit(link)
        if target.netloc and (target.scheme, target.netloc) != (base.scheme, base.netloc):
            raise IvpError(
                Problem(
                    "bad-response", "de link naar de volgende pagina wijst naar een andere server", value=link
                )
            )
        if link in seen:
            raise IvpError(
                Problem("bad-response", "de dienst herhaalt een link naar de volgende pagina", value=link)
            )
        seen.add(link)
        return link


def _network_trouble(exc: Exception) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "geen verbinding binnen de wachttijd"
    if isinstance(exc, httpx.TimeoutException):
        return "geen antwoord binnen de wachttijd"
    if isinstance(exc, httpx.ConnectError):
        return "geen verbinding"
    return "de verbinding is verbroken"


def _decode(response: httpx.Response, url: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:
        raise IvpError(
            Problem(
                "bad-response",
                "het antwoord is geen JSON",
                file=url,
                value=response.text[:60],
                hint="de dienst is misschien in onderhoud; probeer het later opnieuw",
            )
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("value"), list):
        raise IvpError(Problem("bad-response", "het antwoord heeft geen lijst 'value'", file=url))
    return data
