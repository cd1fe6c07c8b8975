"""Talking to Facturo: one session per run, the API key in a header, errors translated."""

from __future__ import annotations

from typing import Any

import requests

from relance import ConnectorAuthError, ConnectorError, ConnectorUnavailable
from relance_facturo.settings import FacturoSettings


class NotFound(ConnectorError):
    """Facturo has no such document (HTTP 404)."""


class FacturoClient:
    """Sends requests to Facturo; every failure becomes a relance ConnectorError."""

    def __init__(self, settings: FacturoSettings) -> None:
        self.settings = settings
        self.session = requests.Session()
        self.session.headers["X-Api-Key"] = settings.api_key_env.reveal()

    def __repr__(self) -> str:  # the session's headers hold the key: never show them
        return f"FacturoClient({self.settings.url!r})"

    def __enter__(self) -> FacturoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()

    def send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = f"{self.settings.url}{path}"
        variable = self.settings.api_key_env.variable
        try:
            response = self.session.request(method, url, timeout=self.settings.timeout, **kwargs)
        except requests.RequestException as exc:
            raise ConnectorUnavailable(
                f"Cannot reach Facturo at {self.settings.url} ({type(exc).__name__}); "
                "check the url setting and the network."
            ) from exc
        status = response.status_code
        if status == 401:
            raise ConnectorAuthError(
                f"Facturo refused the API key from {variable} (HTTP 401); create a key in "
                f"Facturo (Settings > API) and put it in {variable}."
            )
        if status == 404:
            raise NotFound(f"Facturo has no document at {method} {path} (HTTP 404).")
        if status >= 500:
            raise ConnectorUnavailable(
                f"Facturo had a server error on {method} {path} (HTTP {status}); try later."
            )
        if not response.ok:
            raise ConnectorError(f"Facturo refused {method} {path} (HTTP {status}).")
        try:
            body = response.json()
        except ValueError:
            raise ConnectorError(
                f"Facturo answered {method} {path} with something that is not JSON."
            ) from None
        if not isinstance(body, dict):
            raise ConnectorError(f"Facturo answered {method} {path} with unexpected data.")
        return body
