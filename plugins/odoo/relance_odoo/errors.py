"""Odoo's error answers, turned into relance errors a person can act on.

Odoo names the exception it raised in ``error.data.name`` (JSON-RPC, always HTTP 200)
or in the body's ``name`` (JSON-2, with an HTTP status). That name, never
``error.code`` (200 in 16-18, 0 in 19), decides the kind of error. Odoo's own message is
quoted (first paragraph, scrubbed of secrets); its traceback (``debug``) never is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import requests

from relance import ConnectorAuthError, ConnectorError, ConnectorUnavailable
from relance.i18n import _
from relance.secrets import redact

DOCS = "docs/connectors/odoo.md"
ACCESS_DENIED = "odoo.exceptions.AccessDenied"
ACCESS_ERROR = "odoo.exceptions.AccessError"
UNAUTHORIZED = "werkzeug.exceptions.Unauthorized"
_COOLDOWN = "too many login failures"
_BAD_COMPANIES = "unauthorized or invalid companies"
_MODEL_IN_MESSAGE = re.compile(r"\(([a-z0-9_]+(?:\.[a-z0-9_]+)+)\) records")
_MAX_DETAIL = 300


@dataclass(frozen=True)
class Target:
    """The Odoo database relance talks to, as errors name it (never the key itself)."""

    url: str
    database: str
    login: str
    key_variable: str


@dataclass(frozen=True)
class Call:
    """What was asked: ``account.move.search_read``, ``common.authenticate``..."""

    model: str
    method: str

    def __str__(self) -> str:
        return f"{self.model}.{self.method}"


@dataclass(frozen=True)
class Fault:
    """An exception Odoo reports: its qualified class name and its message."""

    name: str
    message: str

    @classmethod
    def parse(cls, data: Any) -> Fault | None:
        """Read ``error.data`` (JSON-RPC) or a JSON-2 error body; ``None`` if neither."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return None
        message = data.get("message")
        return cls(name=data["name"], message=message if isinstance(message, str) else "")

    @property
    def detail(self) -> str:
        """Odoo's message, first paragraph only, without secrets, of a readable length."""
        first = self.message.strip().split("\n\n")[0].strip() or self.name
        first = redact(" ".join(first.split()))
        return first if len(first) <= _MAX_DETAIL else first[: _MAX_DETAIL - 1] + "…"


class OdooAccessError(ConnectorError):
    """The Odoo user may not use a model: ``model`` names it."""

    def __init__(self, message: str, model: str) -> None:
        super().__init__(message)
        self.model = model


def fault_error(fault: Fault, call: Call, target: Target) -> ConnectorError:
    """The relance error for an exception Odoo raised while serving ``call``."""
    if fault.name == ACCESS_DENIED:
        if _COOLDOWN in fault.message.lower():
            return login_cooldown(target)
        return bad_credentials(target)
    if fault.name == ACCESS_ERROR:
        if _BAD_COMPANIES in fault.message.lower():
            return ConnectorError(
                _(
                    "Odoo refused the companies in company_ids for user {login}: {detail} "
                    "List only companies this user may access."
                ).format(login=target.login, detail=fault.detail)
            )
        found = _MODEL_IN_MESSAGE.search(fault.message)
        model = found.group(1) if found else call.model
        return OdooAccessError(
            _(
                "The Odoo user {login} may not use {model} ({call}): {detail} Give it the "
                "access rights listed in {docs}."
            ).format(login=target.login, model=model, call=call, detail=fault.detail, docs=DOCS),
            model,
        )
    if fault.name.startswith("psycopg2.") and "does not exist" in fault.message:
        return unknown_database(target)
    return ConnectorError(
        _("Odoo could not run {call}: {detail} ({name}).").format(
            call=call, detail=fault.detail, name=fault.name
        )
    )


def bad_credentials(target: Target) -> ConnectorAuthError:
    """Wrong login, wrong or expired API key: relance stops asking at once."""
    return ConnectorAuthError(
        _(
            "Odoo refused the login {login} with the API key from {variable} on database "
            "{database}: the login or the key is wrong, or the key expired (Odoo 18+ keys "
            "expire). Create a new key (see {docs}); relance will not try again in this run, "
            "as repeated failures make Odoo block logins from this address."
        ).format(
            login=target.login, variable=target.key_variable, database=target.database, docs=DOCS
        )
    )


def login_cooldown(target: Target) -> ConnectorAuthError:
    return ConnectorAuthError(
        _(
            "Odoo is blocking logins from this address after too many failures (it lifts "
            "the block after a minute). Check the login {login} and the key in {variable}, "
            "wait a minute, then try once."
        ).format(login=target.login, variable=target.key_variable)
    )


def unknown_database(target: Target) -> ConnectorAuthError:
    return ConnectorAuthError(
        _(
            "Odoo at {url} has no database named {database}; check database in the "
            "configuration (it is shown on Odoo's database selector, or in Settings)."
        ).format(url=target.url, database=target.database)
    )


class JsonRpcDisabled(ConnectorError):
    """``/jsonrpc`` is not served (HTTP 404): Odoo 19 with its ``rpc`` module off."""


def jsonrpc_disabled(target: Target) -> JsonRpcDisabled:
    return JsonRpcDisabled(
        _(
            "Odoo at {url} does not serve /jsonrpc (on Odoo 19 the 'rpc' module that "
            'provides it can be switched off). Set protocol = "json2" (or "auto") to use '
            "Odoo 19's JSON-2 API."
        ).format(url=target.url)
    )


def json2_unsupported(target: Target, version: str) -> ConnectorError:
    return ConnectorError(
        _(
            "Odoo {version} at {url} has no JSON-2 API (it arrived in Odoo 19); set "
            'protocol = "jsonrpc" or "auto".'
        ).format(version=version, url=target.url)
    )


def not_found(target: Target, call: Call, status: int) -> ConnectorError:
    return ConnectorError(
        _(
            "Odoo at {url} answered {call} with HTTP {status}: the database {database} or "
            "the API was not found; check url and database."
        ).format(url=target.url, call=call, status=status, database=target.database)
    )


def http_error(target: Target, call: Call, status: int, attempts: int) -> ConnectorError:
    """An HTTP failure that is not one of Odoo's own error answers."""
    if status == 429 or status >= 500:
        return ConnectorUnavailable(
            _(
                "Odoo at {url} answered {call} with HTTP {status} after {attempts} attempts; "
                "try again later."
            ).format(url=target.url, call=call, status=status, attempts=attempts)
        )
    return ConnectorError(
        _("Odoo at {url} refused {call} (HTTP {status}).").format(
            url=target.url, call=call, status=status
        )
    )


def unreachable(
    target: Target, call: Call, exc: requests.RequestException, attempts: int
) -> ConnectorUnavailable:
    return ConnectorUnavailable(
        _("Cannot reach Odoo at {url} ({call}) after {attempts} attempts: {reason}.").format(
            url=target.url, call=call, attempts=attempts, reason=type(exc).__name__
        )
    )


def not_json(target: Target, call: Call, content_type: str) -> ConnectorError:
    return ConnectorError(
        _(
            "Odoo at {url} answered {call} with something that is not JSON "
            "({content_type}); check url."
        ).format(url=target.url, call=call, content_type=content_type or _("no content type"))
    )


def unexpected(target: Target, call: Call, expected: str) -> ConnectorError:
    return ConnectorError(
        _("Odoo at {url} answered {call} with unexpected data: expected {expected}.").format(
            url=target.url, call=call, expected=expected
        )
    )
