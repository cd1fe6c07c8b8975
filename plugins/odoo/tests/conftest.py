"""A fake Odoo server (16, 17, 18 or 19) for the connector's tests, and contexts.

:class:`FakeOdoo` answers ``/jsonrpc`` and ``/json/2/<model>/<method>`` with
``responses`` callbacks, shaped as ``shared/reference/odoo-api.md`` §1 and §9 say:
JSON-RPC errors with HTTP 200 and ``code`` 200 (16-18) or 0 (19), JSON-2 errors with
their HTTP status, ``false`` for empty fields. It records every request so that tests
assert what was sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

from relance import PluginContext, Role
from relance.cli import main
from relance.config import CompanySettings
from relance_odoo.client import OdooClient
from relance_odoo.settings import OdooSettings
from relance_odoo.web import new_session

URL = "https://acme.odoo.com"
DB = "acme"
LOGIN = "relance-bot@acme.fr"
KEY = "9f1c2b7e0d4a4e8f9a6b3c2d1e0f9a8b7c6d5e4f"
KEY_VARIABLE = "ODOO_API_KEY"
UID = 7
TODAY = date(2025, 3, 15)
VERSIONS = (16, 17, 18, 19)

MOVE_FIELDS = [
    "name", "move_type", "state", "payment_state", "ref", "payment_reference", "invoice_date",
    "invoice_date_due", "amount_untaxed", "amount_total", "amount_residual",
    "amount_total_signed", "amount_residual_signed", "currency_id", "partner_id",
    "commercial_partner_id", "invoice_payment_term_id", "company_id", "invoice_user_id",
    "write_date",
]  # fmt: skip
PARTNER_FIELDS = [
    "name", "display_name", "email", "phone", "lang", "vat", "company_registry", "street",
    "street2", "zip", "city", "country_id", "country_code", "is_company", "parent_id",
    "commercial_partner_id", "type", "ref", "child_ids", "active",
]  # fmt: skip
LINE_FIELDS = [
    "move_id", "partner_id", "account_type", "date_maturity", "amount_currency",
    "amount_residual", "amount_residual_currency", "reconciled", "parent_state", "company_id",
]  # fmt: skip

JSON2_STATUS = {
    "odoo.exceptions.AccessError": 403,
    "odoo.exceptions.AccessDenied": 403,
    "odoo.exceptions.UserError": 422,
    "odoo.exceptions.ValidationError": 422,
    "odoo.exceptions.MissingError": 404,
    "werkzeug.exceptions.Unauthorized": 401,
    "werkzeug.exceptions.UnprocessableEntity": 422,
    "werkzeug.exceptions.NotFound": 404,
}


def fields_of(version: int, model: str, *, enterprise: bool = False) -> list[str]:
    """The field names ``fields_get`` lists per version (reference §1.0, §2.1, §2.4, §3)."""
    if model == "account.move":
        names = list(MOVE_FIELDS)
        if version >= 17:
            names += ["invoice_pdf_report_id", "invoice_pdf_report_file"]
        if version >= 19 or (version == 18 and enterprise):
            names.append("no_followup")
        if version >= 18:
            names.append("matched_payment_ids")
        return names
    if model == "res.partner":
        names = list(PARTNER_FIELDS)
        if version <= 18:
            names.append("mobile")
        if enterprise:
            names.append("followup_status")
        return names
    if model == "account.move.line":
        names = list(LINE_FIELDS)
        if version <= 17:
            names.append("blocked")
        if version >= 19 or (version == 18 and enterprise):
            names.append("no_followup")
        return names
    return ["name"]


def version_result(version: int) -> dict[str, Any]:
    return {
        "server_version": f"{version}.0",
        "server_version_info": [version, 0, 0, "final", 0, ""],
        "server_serie": f"{version}.0",
        "protocol_version": 1,
    }


def traceback_of(name: str, message: str) -> str:
    return f'Traceback (most recent call last):\n  File ".../odoo/http.py", line 1765, in _serve_db\n    ...\n{name}: {message}\n'


@dataclass(frozen=True)
class Fault:
    """An exception the fake Odoo raises: a ``data.name`` and a message."""

    name: str
    message: str
    arguments: list[Any] | None = None

    def data(self, version: int) -> dict[str, Any]:
        arguments = self.arguments if self.arguments is not None else [self.message]
        debug = traceback_of(self.name, self.message)
        if version >= 19:
            return {
                "name": self.name,
                "message": self.message,
                "arguments": arguments,
                "context": {},
                "debug": debug,
            }
        return {
            "name": self.name,
            "debug": debug,
            "message": self.message,
            "arguments": arguments,
            "context": {},
        }


ACCESS_ERROR_MOVE = Fault(
    "odoo.exceptions.AccessError",
    "You are not allowed to access 'Journal Entry' (account.move) records.\n\nThis operation is "
    "allowed for the following groups:\n\t- Accounting/Billing\n\t- Accounting/Read-only\n\n"
    "Contact your administrator to request access if necessary.",
)
ACCESS_DENIED = Fault("odoo.exceptions.AccessDenied", "Access Denied")


@dataclass
class Sent:
    """One request the connector sent, decoded."""

    protocol: str  # "jsonrpc", "json2", "version_info" or "http"
    url: str
    headers: dict[str, str]
    body: Any
    service: str | None = None
    model: str | None = None
    method: str | None = None
    ids: list[int] | None = None
    args: list[Any] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] | None = None


Answer = Any | Fault | Callable[["Sent"], Any]


class FakeOdoo:
    """Answers like an Odoo server of one major version; records every request."""

    def __init__(
        self, mock: responses.RequestsMock, version: int, *, enterprise: bool = False
    ) -> None:
        self.version = version
        self.enterprise = enterprise
        self.sent: list[Sent] = []
        self.answers: dict[tuple[str, str], list[Answer]] = {}
        self.sticky: dict[tuple[str, str], Answer] = {}
        self.login_answer: Any = UID
        self.key = KEY  # the API key the server accepts
        self.jsonrpc_served = True
        mock.add_callback(responses.POST, f"{URL}/jsonrpc", callback=self._jsonrpc)
        mock.add_callback(
            responses.POST, f"{URL}/web/webclient/version_info", callback=self._version_info
        )
        mock.add_callback(
            responses.POST,
            re.compile(re.escape(URL) + r"/json/2/[^/]+/[^/]+"),
            callback=self._json2,
        )
        mock.assert_all_requests_are_fired = False

    # -- scripting -------------------------------------------------------------

    def on(self, model: str, method: str, *answers: Answer) -> None:
        """Queue answers for ``model.method`` (one per call, in order)."""
        self.answers.setdefault((model, method), []).extend(answers)

    def always(self, model: str, method: str, answer: Answer) -> None:
        self.sticky[(model, method)] = answer

    # -- views of what was sent ----------------------------------------------------

    def model_calls(self, model: str | None = None, method: str | None = None) -> list[Sent]:
        return [
            sent
            for sent in self.sent
            if sent.model is not None
            and (model is None or sent.model == model)
            and (method is None or sent.method == method)
        ]

    def names(self) -> list[str]:
        """Every request as ``service.method`` or ``model.method``, in order."""
        return [f"{sent.model or sent.service}.{sent.method}" for sent in self.sent]

    # -- answering -----------------------------------------------------------------

    def _answer(self, sent: Sent) -> Any:
        key = (sent.model or "", sent.method or "")
        queue = self.answers.get(key)
        if queue:
            answer = queue.pop(0)
        elif key in self.sticky:
            answer = self.sticky[key]
        elif sent.method == "fields_get":
            answer = {
                name: {"type": "char"}
                for name in fields_of(self.version, key[0], enterprise=self.enterprise)
            }
        else:
            raise AssertionError(f"unexpected call {key[0]}.{key[1]}")
        return answer(sent) if callable(answer) else answer

    def _jsonrpc(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        if not self.jsonrpc_served:
            return 404, {"Content-Type": "text/html"}, "<html><body>404 Not Found</body></html>"
        envelope = json.loads(request.body or b"")
        params = envelope["params"]
        sent = Sent(
            "jsonrpc",
            request.url or "",
            dict(request.headers),
            envelope,
            service=params["service"],
            method=params["method"],
            args=params["args"],
        )
        self.sent.append(sent)
        if params["service"] == "common" and params["method"] == "version":
            return self._ok(envelope, version_result(self.version))
        if params["service"] == "common" and params["method"] in ("authenticate", "login"):
            answer = self.login_answer
            return self._rpc_answer(envelope, answer)
        db, uid, key, model, method, args, *rest = params["args"]
        kwargs = dict(rest[0]) if rest else {}
        sent.model, sent.method = model, method
        if (db, uid, key) != (DB, UID, self.key):
            return self._rpc_answer(envelope, ACCESS_DENIED)
        sent.context = kwargs.pop("context", None)
        if (
            args
            and isinstance(args[0], list)
            and all(isinstance(i, int) for i in args[0])
            and method not in ("search_read", "search_count")
        ):
            sent.ids = args[0]
            args = args[1:]
        if method in ("search_read", "search_count") and args:
            kwargs["domain"] = args[0]
        sent.params = kwargs
        return self._rpc_answer(envelope, self._answer(sent))

    def _rpc_answer(self, envelope: dict[str, Any], answer: Any) -> tuple[int, dict[str, str], str]:
        if isinstance(answer, Fault):
            error = {
                "code": 0 if self.version >= 19 else 200,
                "message": "Odoo Server Error",
                "data": answer.data(self.version),
            }
            body = {"jsonrpc": "2.0", "id": envelope["id"], "error": error}
            return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body)
        return self._ok(envelope, answer)

    def _ok(self, envelope: dict[str, Any], result: Any) -> tuple[int, dict[str, str], str]:
        body = {"jsonrpc": "2.0", "id": envelope["id"], "result": result}
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body)

    def _version_info(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        envelope = json.loads(request.body or b"")
        self.sent.append(
            Sent(
                "version_info",
                request.url or "",
                dict(request.headers),
                envelope,
                service="web",
                method="version_info",
            )
        )
        return self._ok(envelope, version_result(self.version))

    def _json2(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        if self.version < 19:
            return 404, {"Content-Type": "text/html"}, "<html>404: Not Found</html>"
        model, method = (request.url or "").rsplit("/", 2)[-2:]
        body = json.loads(request.body or b"")
        params = dict(body)
        sent = Sent(
            "json2",
            request.url or "",
            dict(request.headers),
            body,
            model=model,
            method=method,
            ids=params.pop("ids", None),
            context=params.pop("context", None),
            params=params,
        )
        self.sent.append(sent)
        if (request.headers.get("Authorization"), request.headers.get("X-Odoo-Database")) != (
            f"bearer {self.key}",
            DB,
        ):
            answer: Any = Fault("werkzeug.exceptions.Unauthorized", "Invalid apikey")
        else:
            answer = self._answer(sent)
        if isinstance(answer, Fault):
            status = JSON2_STATUS.get(answer.name, 500)
            headers = {"Content-Type": "application/json; charset=utf-8"}
            if status == 401:
                headers["WWW-Authenticate"] = "bearer"
            arguments = (
                answer.arguments
                if answer.arguments is not None
                else (
                    [answer.message, status]
                    if answer.name.startswith("werkzeug")
                    else [answer.message]
                )
            )
            data = Fault(answer.name, answer.message, arguments).data(19)
            return status, headers, json.dumps(data)
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(answer)


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    return KEY


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as requests_mock:
        yield requests_mock


@pytest.fixture
def odoo_factory(mock: responses.RequestsMock) -> Callable[..., FakeOdoo]:
    def make(version: int, **options: Any) -> FakeOdoo:
        return FakeOdoo(mock, version, **options)

    return make


def settings(**overrides: Any) -> OdooSettings:
    values: dict[str, Any] = {
        "url": URL,
        "database": DB,
        "login": LOGIN,
        "api_key_env": KEY_VARIABLE,
    }
    values.update(overrides)
    return OdooSettings(**values)


class Sleeps(list[float]):
    """An injectable ``sleep`` that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def connect(api_key: str, sleeps: Sleeps) -> Iterator[Callable[..., OdooClient]]:
    """Connect an :class:`OdooClient` with the given settings (sleeps recorded)."""
    sessions: list[requests.Session] = []

    def make(**overrides: Any) -> OdooClient:
        session = new_session()
        sessions.append(session)
        return OdooClient.connect(settings(**overrides), session, sleep=sleeps)

    yield make
    for session in sessions:
        session.close()


@pytest.fixture
def make_context(api_key: str) -> Iterator[Callable[..., PluginContext]]:
    """The context of an ``[sources.odoo]`` instance, as the plugin host builds it."""
    made: list[PluginContext] = []

    def make(*, dry_run: bool = False, language: str = "fr", **overrides: Any) -> PluginContext:
        context = PluginContext(
            name="odoo",
            plugin="odoo",
            role=Role.SOURCE,
            settings=settings(**overrides),
            company=CompanySettings(name="Acme SAS", language=language),
            today=TODAY,
            dry_run=dry_run,
        )
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


COMPANY = """\
[company]
name = "Acme SAS"
iban = "FR7630006000011234567890189"
bic = "BNPAFRPPXXX"
email = "compta@acme.fr"
"""


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "relance.toml"
        path.write_text(COMPANY + text, encoding="utf-8")
        return path

    return write


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run the ``relance`` command in-process, as ``tests/conftest.py`` does."""
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("RELANCE_LANG", "en")

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code=code, out=captured.out, err=captured.err)

    return run


DATA = Path(__file__).parent / "data"


def load(name: str) -> Any:
    """A fresh copy of a reference fixture from ``data/``."""
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def project(rows: list[dict[str, Any]], sent: Sent) -> list[dict[str, Any]]:
    """What ``search_read``/``read`` returns: ``id`` plus exactly the fields asked for.

    A field the record lacks is an error, as in Odoo ("Invalid field").
    """
    fields = sent.params["fields"]
    return [{"id": row["id"], **{name: row[name] for name in fields}} for row in rows]


def serve(rows: list[dict[str, Any]]) -> Callable[[Sent], list[dict[str, Any]]]:
    """An answer that serves ``rows`` filtered by an ``id in`` domain and paged like Odoo."""

    def answer(sent: Sent) -> list[dict[str, Any]]:
        selected = rows
        if sent.ids is not None:
            selected = [row for row in rows if row["id"] in sent.ids]
        return page(selected, sent)

    return answer


def page(rows: list[dict[str, Any]], sent: Sent) -> list[dict[str, Any]]:
    """The page of ``rows`` the call's ``offset``, ``limit`` and ``["id", ">", n]`` or
    ``["id", "in", ids]`` domain leaves ask for, in id order, projected."""
    leaves = [leaf for leaf in sent.params.get("domain", []) if leaf[:1] == ["id"]]
    selected = sorted((row for row in rows if all(_keeps(leaf, row) for leaf in leaves)), key=_id)
    offset = sent.params.get("offset", 0)
    limit = sent.params.get("limit")
    return project(selected[offset : offset + limit if limit else None], sent)


def _id(row: dict[str, Any]) -> int:
    return int(row["id"])


def _keeps(leaf: list[Any], row: dict[str, Any]) -> bool:
    operator, value = leaf[1], leaf[2]
    if operator == ">":
        return bool(row["id"] > value)
    if operator == "in":
        return row["id"] in value
    raise AssertionError(f"the fake does not filter on {leaf}")


def invoice_rows(version: int, **changes: dict[str, Any]) -> list[dict[str, Any]]:
    rows = load("invoices")
    for row in rows:
        if version >= 19:
            row["no_followup"] = False
        row.update(changes.get(str(row["id"]), {}))
    return rows


def partner_rows(version: int) -> list[dict[str, Any]]:
    rows = load("partners")
    if version >= 19:
        for row in rows:
            del row["mobile"]  # gone in 19
    return rows


def serve_ledger(
    odoo: FakeOdoo,
    invoices: list[dict[str, Any]],
    partners: list[dict[str, Any]],
    *,
    blocked: list[dict[str, Any]] | None = None,
) -> None:
    odoo.always("account.move", "search_read", serve(invoices))
    odoo.always("res.partner", "search_read", serve(partners))
    odoo.always(
        "account.payment.term", "read", serve([{"id": 4, "name": "30 jours", "line_ids": [9]}])
    )
    if odoo.version <= 17:
        odoo.always("account.move.line", "search_read", serve(blocked or []))


def message_id(version: int, value: int) -> Any:
    """What ``message_post`` returns: an id (16-18) or a list of one id (19)."""
    return [value] if version >= 19 else value
