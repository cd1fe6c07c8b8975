"""Axonaut's error answers, turned into relance errors a person can act on.

Axonaut answers errors with ``{"error": {"message": "...", "status_code": "403"}}``
(``status_code`` is a string, and ``pages`` is added when a list was asked for without
the ``page`` header). The HTTP status decides the kind of error; the server's message
is only quoted, scrubbed of secrets, because Axonaut sometimes echoes what it was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from relance import ConnectorAuthError, ConnectorError, ConnectorUnavailable
from relance.i18n import _
from relance.secrets import redact

_MAX_DETAIL = 200
_TOO_MANY_RESULTS = "too many results"
_MISSING_HEADER = "missing header"


class AxonautNotFound(ConnectorError):
    """Axonaut has no object with the id asked for (HTTP 404)."""


@dataclass(frozen=True)
class ErrorBody:
    """What an Axonaut error body says, when it says anything."""

    message: str | None = None
    pages: int | None = None

    @property
    def detail(self) -> str:
        """The server's message, safe to show: secrets scrubbed, length bounded."""
        if not self.message:
            return _("no error message")
        return redact(self.message)[:_MAX_DETAIL]


def read_error_body(response: requests.Response) -> ErrorBody:
    """Read ``{"error": {"message", "pages"}}`` from a response, tolerating anything else."""
    try:
        body: Any = response.json()
    except ValueError:
        return ErrorBody()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return ErrorBody()
    message = error.get("message")
    pages = error.get("pages")
    return ErrorBody(
        message=str(message) if message is not None else None,
        pages=int(pages) if isinstance(pages, int | str) and str(pages).isdigit() else None,
    )


@dataclass(frozen=True)
class Request:
    """The request an error is about, as shown in messages (never with headers)."""

    method: str
    path: str
    key_variable: str
    label: str | None = None
    """How to name the request instead of method and path (e.g. when the URL is a token)."""
    public: bool = False
    """A public link (an invoice's PDF): sent without the API key, so never a key problem."""

    def __str__(self) -> str:
        return self.label or f"{self.method} {self.path}"


def _no_proof() -> bool:
    return False


def error_for_status(  # noqa: PLR0911 - one return per kind of answer
    request: Request,
    response: requests.Response,
    attempts: int,
    *,
    key_works: Callable[[], bool] = _no_proof,
) -> ConnectorError:
    """The relance error for a non-2xx answer to ``request``.

    Axonaut answers a wrong key and a right the key's user lacks with the same 403
    (reference §6.1 documents only "Forbidden access" for a wrong key): ``key_works``
    tells them apart, saying whether the same key was accepted elsewhere (asked only
    for a 401 or 403).
    """
    status = response.status_code
    if request.public and 400 <= status < 500 and status != 429:
        return link_refused(request, status)
    body = read_error_body(response)
    lowered = (body.message or "").lower()
    if status == 400 and _MISSING_HEADER in lowered:
        return ConnectorAuthError(
            _(
                "Axonaut refused {request}: the userApiKey header is missing ({detail}). "
                "Check that the environment variable {variable} holds your API key."
            ).format(request=request, detail=body.detail, variable=request.key_variable)
        )
    if status == 403 and _TOO_MANY_RESULTS in lowered:
        pages = body.pages if body.pages is not None else "?"
        return ConnectorError(
            _(
                "Axonaut refused {request} without the page header ({detail}; {pages} pages). "
                "This is a bug in the Axonaut connector: please report it."
            ).format(request=request, detail=body.detail, pages=pages)
        )
    if status in (401, 403):
        if key_works():
            return ConnectorError(
                _(
                    "Axonaut refused {request} (HTTP {status}: {detail}) although it accepts "
                    "the API key from {variable}: the Axonaut user the key belongs to lacks the "
                    "right to do this. Give that user the right in Axonaut (its role), or use "
                    "the key of a user who has it."
                ).format(
                    request=request,
                    status=status,
                    detail=body.detail,
                    variable=request.key_variable,
                )
            )
        return ConnectorAuthError(
            _(
                "Axonaut refused the API key from {variable} ({detail}). Copy the key again "
                "from Axonaut (Settings > API > Show your API key) into {variable}."
            ).format(variable=request.key_variable, detail=body.detail)
        )
    if status == 404:
        return AxonautNotFound(
            _("Axonaut has no such object: {request} answered 404 ({detail}).").format(
                request=request, detail=body.detail
            )
        )
    if status == 429:
        return ConnectorUnavailable(
            _(
                "Axonaut limits the request rate: {request} was still refused after "
                "{attempts} attempts; try again later."
            ).format(request=request, attempts=attempts)
        )
    if status >= 500:
        return ConnectorUnavailable(
            _(
                "Axonaut had a server error on {request} (HTTP {status}, {detail}) after "
                "{attempts} attempts; try again later."
            ).format(request=request, status=status, detail=body.detail, attempts=attempts)
        )
    return ConnectorError(
        _("Axonaut refused {request} (HTTP {status}: {detail}).").format(
            request=request, status=status, detail=body.detail
        )
    )


def link_refused(request: Request, status: int) -> ConnectorError:
    """A public link (sent without the key) that is refused, expired or gone."""
    return ConnectorError(
        _(
            "Axonaut refused {request} (HTTP {status}): the link has expired, was disabled "
            "or no longer exists (the API key is not used for it). Open the invoice in "
            "Axonaut to check its public link."
        ).format(request=request, status=status)
    )


def unreachable(
    request: Request, base_url: str, exc: requests.RequestException, attempts: int
) -> ConnectorUnavailable:
    """The relance error for a request that never got an answer."""
    return ConnectorUnavailable(
        _(
            "Cannot reach Axonaut at {base_url} ({request}) after {attempts} attempts: {reason}."
        ).format(
            base_url=base_url,
            request=request,
            attempts=attempts,
            reason=type(exc).__name__,
        )
    )


def not_json(request: Request, response: requests.Response, base_url: str) -> ConnectorError:
    """The relance error for a 2xx answer that is not the JSON Axonaut always sends."""
    content_type = response.headers.get("Content-Type") or _("no content type")
    return ConnectorError(
        _(
            "Axonaut answered {request} with something that is not JSON ({content_type}); "
            "check base_url ({base_url})."
        ).format(request=request, content_type=content_type, base_url=base_url)
    )


def unexpected_shape(request: Request, expected: str) -> ConnectorError:
    """The relance error for JSON that is not shaped as the reference says."""
    return ConnectorError(
        _("Axonaut answered {request} with unexpected data: expected {expected}.").format(
            request=request, expected=expected
        )
    )
