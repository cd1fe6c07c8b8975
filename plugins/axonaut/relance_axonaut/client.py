"""The HTTP client of Axonaut's API v2: one session, timeouts, retries, pages, errors.

* Authentication is the ``userApiKey`` header, set once on the run's session; the key is
  never put in a URL, a log line, an error or a repr.
* Lists are bare JSON arrays, paged with a ``page`` **request header** (1-based) of an
  undocumented size: pages are read until an empty one. Some endpoints are said to repeat
  their last page instead, so a page whose ids were all seen before also ends the list,
  and ``max_pages`` caps the loop (reaching it is an error, never a silent truncation).
* GETs are retried with exponential backoff on connection errors, timeouts, 429 and 5xx
  (``Retry-After`` is honoured when present). POSTs are not idempotent: they are retried
  only on 429, which says the request was not processed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from relance import ConnectorError, __version__
from relance.i18n import _
from relance_axonaut.errors import (
    Request,
    error_for_status,
    not_json,
    unexpected_shape,
    unreachable,
)
from relance_axonaut.settings import AxonautSettings

log = logging.getLogger(__name__)

JsonObject = dict[str, Any]
Sleep = Callable[[float], None]

_MAX_RETRY_AFTER = 60.0
_RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
ME = "/me"


def new_session(settings: AxonautSettings) -> requests.Session:
    """A session that authenticates every request with the instance's API key."""
    session = requests.Session()
    session.headers.update(
        {
            "userApiKey": settings.api_key_env.reveal(),
            "Accept": "application/json",
            "User-Agent": f"relance/{__version__} (+relance_axonaut)",
        }
    )
    return session


@dataclass
class AxonautClient:
    """Talks to one Axonaut account through one ``requests.Session``."""

    session: requests.Session = field(repr=False)
    base_url: str
    key_variable: str
    timeout: tuple[float, float] = (5.0, 30.0)
    retries: int = 3
    backoff: float = 1.0
    max_pages: int = 500
    sleep: Sleep = field(default=time.sleep, repr=False)
    _key_accepted: bool = field(default=False, init=False, repr=False)

    @classmethod
    def from_settings(
        cls, settings: AxonautSettings, session: requests.Session, sleep: Sleep = time.sleep
    ) -> AxonautClient:
        return cls(
            session=session,
            base_url=settings.base_url,
            key_variable=settings.api_key_env.variable,
            timeout=(settings.connect_timeout, settings.read_timeout),
            retries=settings.retries,
            backoff=settings.backoff,
            max_pages=settings.max_pages,
            sleep=sleep,
        )

    # -- public API ------------------------------------------------------------

    def get_object(self, path: str, params: Mapping[str, str] | None = None) -> JsonObject:
        """GET one object (``/me``, ``/companies/{id}``...)."""
        request = self._request("GET", path)
        body = self._json(request, self._send(request, params=params))
        if not isinstance(body, dict):
            raise unexpected_shape(request, _("an object"))
        return body

    def get_page(
        self, path: str, page: int, params: Mapping[str, str] | None = None
    ) -> list[JsonObject]:
        """GET one page of a list, with the ``page`` header."""
        request = self._request("GET", path)
        response = self._send(request, params=params, headers={"page": str(page)})
        body = self._json(request, response)
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise unexpected_shape(request, _("a list of objects"))
        return body

    def iter_list(self, path: str, params: Mapping[str, str] | None = None) -> Iterator[JsonObject]:
        """Every item of a paged list, each once, page after page until an empty page."""
        seen: set[object] = set()
        for page in range(1, self.max_pages + 1):
            items = self.get_page(path, page, params)
            fresh = [item for item in items if item.get("id") is None or item["id"] not in seen]
            if not fresh:
                if items:
                    log.info("GET %s: page %d repeats earlier items; end of the list", path, page)
                return
            seen.update(item["id"] for item in fresh if item.get("id") is not None)
            yield from fresh
        raise ConnectorError(
            _(
                "Axonaut's list {path} has more than {pages} pages; raise max_pages if "
                "that is expected."
            ).format(path=path, pages=self.max_pages)
        )

    def post(self, path: str, body: JsonObject) -> JsonObject:
        """POST a JSON body and return the created object."""
        request = self._request("POST", path)
        answer = self._json(request, self._send(request, json=body))
        if not isinstance(answer, dict):
            raise unexpected_shape(request, _("an object"))
        return answer

    def download(self, url: str, *, label: str) -> requests.Response:
        """GET an absolute URL (a public PDF link) without sending the API key.

        ``label`` names the download in errors instead of the URL, which is a token.
        """
        request = Request("GET", url, self.key_variable, label=label, public=True)
        return self._send(request, url=url, headers={"userApiKey": None, "Accept": "*/*"})

    # -- plumbing --------------------------------------------------------------

    def _request(self, method: str, path: str) -> Request:
        return Request(method, path, self.key_variable)

    def _send(
        self,
        request: Request,
        *,
        url: str | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str | None] | None = None,
        json: JsonObject | None = None,
    ) -> requests.Response:
        idempotent = request.method == "GET"
        attempt = 0
        while True:
            attempt += 1
            last = attempt > self.retries
            failure: ConnectorError | None = None
            reason = ""
            try:
                response = self.session.request(
                    request.method,
                    url or f"{self.base_url}{request.path}",
                    params=params,
                    headers=headers,
                    json=json,
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                # requests' message quotes the URL, and a public PDF link is a token: the
                # error names the exception's type only, and is raised outside this block
                # so that the original is neither its cause nor its context
                # (``relance --debug`` prints the whole chain).
                failure = unreachable(request, self.base_url, exc, attempt)
                reason = type(exc).__name__
            if failure is not None:
                if last or not idempotent:
                    raise failure from None
                log.info("%s failed (%s); retrying", request, reason)
                self.sleep(self._delay(attempt, None))
                continue
            if response.ok:
                if not request.public:
                    self._key_accepted = True
                return response
            retryable = response.status_code == 429 or (
                idempotent and response.status_code in _RETRIED_STATUSES
            )
            if last or not retryable:
                raise error_for_status(
                    request, response, attempt, key_works=lambda: self._key_works(request)
                )
            log.info("%s answered HTTP %d; retrying", request, response.status_code)
            self.sleep(self._delay(attempt, response.headers.get("Retry-After")))

    def _key_works(self, refused: Request) -> bool:
        """Whether Axonaut accepts the key, for telling a missing right from a wrong key.

        True when a request with the key succeeded earlier in the run; otherwise asked
        once of ``GET /me``, which any user's key may read (not when ``/me`` itself was
        refused). The answer echoes the key: it is not read.
        """
        if self._key_accepted or refused.path == ME:
            return self._key_accepted
        try:
            response = self.session.request("GET", f"{self.base_url}{ME}", timeout=self.timeout)
        except requests.RequestException:
            return False
        self._key_accepted = response.ok
        return self._key_accepted

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = self.backoff * 2.0 ** (attempt - 1)
        if retry_after is not None and retry_after.strip().isdigit():
            delay = max(delay, min(float(retry_after), _MAX_RETRY_AFTER))
        return delay

    def _json(self, request: Request, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise not_json(request, response, self.base_url) from None
