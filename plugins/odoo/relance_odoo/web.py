"""HTTP plumbing: one session, timeouts, retries with exponential backoff.

Retried: connection errors and timeouts, HTTP 429, and HTTP 5xx answers that are not
one of Odoo's own error bodies (a proxy's 502/503/504, a worker killed at its time
limit). An Odoo error answer (a JSON-2 ``500`` naming ``builtins.ValueError``, any
JSON-RPC error) cannot succeed on a second try and is returned at once. Writes
(``idempotent=False``) are retried only on 429, which says the request was not
processed: a note must never be posted twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from relance import ConnectorUnavailable, __version__
from relance_odoo.errors import Call, Target, http_error, unreachable

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]

_MAX_RETRY_AFTER = 60.0
USER_AGENT = f"relance-odoo-connector/{__version__} python-requests/{requests.__version__}"


def new_session() -> requests.Session:
    """The run's session; credentials are added per request, never to the session."""
    session = requests.Session()
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
    return session


def is_odoo_error(response: requests.Response) -> bool:
    """True when the body is an error Odoo itself produced (JSON-2 or JSON-RPC shape)."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and ("name" in body or "error" in body)


@dataclass
class Web:
    """Sends requests to one Odoo server through the run's ``requests.Session``."""

    session: requests.Session = field(repr=False)
    target: Target
    timeout: tuple[float, float] = (5.0, 90.0)
    retries: int = 3
    backoff: float = 1.0
    sleep: Sleep = field(default=time.sleep, repr=False)

    def post(
        self,
        path: str,
        body: Any,
        *,
        call: Call,
        headers: Mapping[str, str] | None = None,
        idempotent: bool = True,
    ) -> requests.Response:
        """POST a JSON body; the answer once it is final (Odoo errors included)."""
        return self._send("POST", path, call, json=body, headers=headers, idempotent=idempotent)

    def get(self, path: str, *, call: Call) -> requests.Response:
        """GET without following redirects (a redirect to ``/web/login`` is a failure)."""
        return self._send("GET", path, call, allow_redirects=False, headers={"Accept": "*/*"})

    def _send(
        self, method: str, path: str, call: Call, *, idempotent: bool = True, **options: Any
    ) -> requests.Response:
        url = f"{self.target.url}{path}"
        attempt = 0
        while True:
            attempt += 1
            last = attempt > self.retries
            failure: ConnectorUnavailable | None = None
            reason = ""
            try:
                response = self.session.request(method, url, timeout=self.timeout, **options)
            except requests.RequestException as exc:
                # requests' message quotes the URL, and a portal link carries its
                # access_token: the error names the exception's type only, and is raised
                # outside this block so that the original is neither its cause nor its
                # context (``relance --debug`` prints the whole chain).
                failure = unreachable(self.target, call, exc, attempt)
                reason = type(exc).__name__
            if failure is not None:
                if last or not idempotent:
                    raise failure from None
                log.info("%s failed (%s); retrying", call, reason)
                self.sleep(self._delay(attempt, None))
                continue
            retryable = response.status_code == 429 or (
                idempotent and response.status_code >= 500 and not is_odoo_error(response)
            )
            if not retryable:
                return response
            if last:
                raise http_error(self.target, call, response.status_code, attempt)
            log.info("%s answered HTTP %d; retrying", call, response.status_code)
            self.sleep(self._delay(attempt, response.headers.get("Retry-After")))

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = self.backoff * 2.0 ** (attempt - 1)
        if retry_after is not None and retry_after.strip().isdigit():
            delay = max(delay, min(float(retry_after), _MAX_RETRY_AFTER))
        return delay
