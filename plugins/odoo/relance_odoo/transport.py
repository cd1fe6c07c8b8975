"""The two ways to call Odoo's models, behind one interface.

* :class:`JsonRpc`: ``POST /jsonrpc`` (Odoo 16-19; deprecated in 19), ``common.authenticate``
  once for the uid, then ``object.execute_kw(db, uid, key, model, method, args, kwargs)``.
  Record ids are the first positional argument; a search's domain is the next one, as
  Odoo's own examples send it; everything else goes by name in ``kwargs``.
* :class:`Json2`: ``POST /json/2/<model>/<method>`` (Odoo 19+), bearer API key and
  ``X-Odoo-Database``; ``ids``, ``context`` and every argument by name at the top level.

After an authentication failure a transport refuses every further call without asking
Odoo again: Odoo blocks an address for a minute after five failed logins.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from relance import ConnectorAuthError, ConnectorError
from relance.i18n import _
from relance_odoo.errors import (
    UNAUTHORIZED,
    Call,
    Fault,
    JsonRpcDisabled,
    Target,
    bad_credentials,
    fault_error,
    http_error,
    json2_unsupported,
    jsonrpc_disabled,
    not_found,
    not_json,
    unexpected,
)
from relance_odoo.web import Web

JSON2_SINCE = 19
"""First major version with the JSON-2 API."""

_POSITIONAL = {"search_read": ("domain",), "search_count": ("domain",)}


@dataclass(frozen=True)
class ServerVersion:
    """What ``common.version`` says: ``17.0``, ``saas~18.1+e``..."""

    major: int
    text: str

    @classmethod
    def parse(cls, result: Any) -> ServerVersion | None:
        if not isinstance(result, dict):
            return None
        info = result.get("server_version_info")
        if not isinstance(info, list) or not info:
            return None
        try:
            major = int(str(info[0]).replace("saas~", ""))
        except ValueError:
            return None
        return cls(major=major, text=str(result.get("server_version") or major))


class Transport(Protocol):
    """Calls a model method on the Odoo database and returns its JSON result."""

    name: str

    def call(
        self,
        model: str,
        method: str,
        *,
        ids: Sequence[int] | None = None,
        context: Mapping[str, Any] | None = None,
        write: bool = False,
        **params: Any,
    ) -> Any:
        """``ids`` for record methods; ``write=True`` for calls that change data."""
        ...

    def whoami(self) -> int:
        """The uid of the API user (logs in if needed)."""
        ...


class _Guard:
    """Remembers an authentication failure and replays it instead of asking again."""

    def __init__(self) -> None:
        self.failure: ConnectorAuthError | None = None

    def check(self) -> None:
        if self.failure is not None:
            raise self.failure

    def record(self, error: ConnectorError) -> ConnectorError:
        if isinstance(error, ConnectorAuthError):
            self.failure = error
        return error


class JsonRpc:
    """``/jsonrpc`` with ``common`` and ``object`` services."""

    name = "jsonrpc"

    def __init__(self, web: Web, key: str) -> None:
        self._web = web
        self._key = key
        self._ids = itertools.count(1)
        self._uid: int | None = None
        self._guard = _Guard()

    @property
    def _target(self) -> Target:
        return self._web.target

    def rpc(self, service: str, method: str, args: list[Any], *, call: Call, write: bool) -> Any:
        """One JSON-RPC envelope; the ``result``, or the mapped ``error``."""
        envelope = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": args},
        }
        response = self._web.post("/jsonrpc", envelope, call=call, idempotent=not write)
        if response.status_code == 404:
            raise jsonrpc_disabled(self._target)
        return _envelope_result(self._target, call, response)

    def version(self) -> ServerVersion:
        call = Call("common", "version")
        result = self.rpc("common", "version", [], call=call, write=False)
        return _version_or_fail(self._target, call, result)

    def whoami(self) -> int:
        self._guard.check()
        if self._uid is None:
            target = self._target
            call = Call("common", "authenticate")
            try:
                uid = self.rpc(
                    "common",
                    "authenticate",
                    [target.database, target.login, self._key, {}],
                    call=call,
                    write=False,
                )
            except ConnectorError as exc:
                raise self._guard.record(exc) from None
            if uid is False:
                raise self._guard.record(bad_credentials(target))
            if not isinstance(uid, int) or isinstance(uid, bool):
                raise unexpected(target, call, _("a user id"))
            self._uid = uid
        return self._uid

    def call(
        self,
        model: str,
        method: str,
        *,
        ids: Sequence[int] | None = None,
        context: Mapping[str, Any] | None = None,
        write: bool = False,
        **params: Any,
    ) -> Any:
        uid = self.whoami()
        args: list[Any] = [list(ids)] if ids is not None else []
        args.extend(params.pop(name) for name in _POSITIONAL.get(method, ()) if name in params)
        kwargs = dict(params)
        if context:
            kwargs["context"] = dict(context)
        target = self._target
        try:
            return self.rpc(
                "object",
                "execute_kw",
                [target.database, uid, self._key, model, method, args, kwargs],
                call=Call(model, method),
                write=write,
            )
        except ConnectorError as exc:
            raise self._guard.record(exc) from None


class Json2:
    """Odoo 19's ``/json/2/<model>/<method>``."""

    name = "json2"

    def __init__(self, web: Web, key: str) -> None:
        self._web = web
        self._key = key
        self._guard = _Guard()

    def whoami(self) -> int:
        call = Call("res.users", "context_get")
        context = self.call("res.users", "context_get")
        uid = context.get("uid") if isinstance(context, dict) else None
        if not isinstance(uid, int):
            raise unexpected(self._web.target, call, _("a context with the user id"))
        return uid

    def call(
        self,
        model: str,
        method: str,
        *,
        ids: Sequence[int] | None = None,
        context: Mapping[str, Any] | None = None,
        write: bool = False,
        **params: Any,
    ) -> Any:
        self._guard.check()
        target = self._web.target
        call = Call(model, method)
        body: dict[str, Any] = {}
        if ids is not None:
            body["ids"] = list(ids)
        if context:
            body["context"] = dict(context)
        body.update(params)
        headers = {
            "Authorization": f"bearer {self._key}",
            "X-Odoo-Database": target.database,
            "Content-Type": "application/json; charset=utf-8",
        }
        response = self._web.post(
            f"/json/2/{model}/{method}", body, call=call, headers=headers, idempotent=not write
        )
        if response.ok:
            return _json(target, call, response)
        fault = Fault.parse(_json_or_none(response))
        if response.status_code == 401 or (fault is not None and fault.name == UNAUTHORIZED):
            raise self._guard.record(bad_credentials(target))
        if fault is not None:
            raise self._guard.record(fault_error(fault, call, target))
        if response.status_code == 404:
            raise not_found(target, call, response.status_code)
        raise http_error(target, call, response.status_code, 1)


def open_transport(web: Web, key: str, protocol: str) -> tuple[ServerVersion, Transport]:
    """Detect the server's version and pick the transport (``auto``: JSON-2 from 19).

    The version comes from ``common.version`` on ``/jsonrpc``; where an Odoo 19
    operator switched that endpoint off, from ``/web/webclient/version_info``.
    """
    jsonrpc = JsonRpc(web, key)
    try:
        version = jsonrpc.version()
        served = True
    except JsonRpcDisabled:
        version = _web_version(web)
        served = False
    use_json2 = protocol == "json2" or (protocol == "auto" and version.major >= JSON2_SINCE)
    if use_json2:
        if version.major < JSON2_SINCE:
            raise json2_unsupported(web.target, version.text)
        return version, Json2(web, key)
    if not served:
        raise jsonrpc_disabled(web.target)
    return version, jsonrpc


def _web_version(web: Web) -> ServerVersion:
    call = Call("web", "version_info")
    envelope = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 0}
    response = web.post("/web/webclient/version_info", envelope, call=call)
    if response.status_code == 404:
        raise not_found(web.target, call, 404)
    return _version_or_fail(web.target, call, _envelope_result(web.target, call, response))


def _version_or_fail(target: Target, call: Call, result: Any) -> ServerVersion:
    version = ServerVersion.parse(result)
    if version is None:
        raise unexpected(target, call, _("a version such as 17.0"))
    return version


def _envelope_result(target: Target, call: Call, response: requests.Response) -> Any:
    if not response.ok:
        raise http_error(target, call, response.status_code, 1)
    body = _json(target, call, response)
    if not isinstance(body, dict):
        raise unexpected(target, call, _("a JSON-RPC answer"))
    if "error" in body:
        error = body["error"]
        fault = Fault.parse(error.get("data") if isinstance(error, dict) else None)
        if fault is None:
            message = error.get("message") if isinstance(error, dict) else None
            fault = Fault(name="?", message=str(message or error))
        raise fault_error(fault, call, target)
    if "result" not in body:
        raise unexpected(target, call, _("a JSON-RPC answer"))
    return body["result"]


def _json(target: Target, call: Call, response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise not_json(target, call, response.headers.get("Content-Type", "")) from None


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
