"""Every error of the reference (§1.1.4, §1.3, §9.4-9.6) as the user reads it.

Errors are told apart by ``error.data.name`` (JSON-RPC, whose ``code`` is 200 in 16-18
and 0 in 19) or by the JSON-2 body's ``name`` and status. The API key never appears in
a message, and after a refused login nothing more is asked.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import responses

from relance import ConnectorAuthError, ConnectorError
from relance_odoo.client import OdooClient

from .conftest import ACCESS_DENIED, ACCESS_ERROR_MOVE, DB, KEY, LOGIN, URL, FakeOdoo, Fault

pytestmark = pytest.mark.usefixtures("api_key")

BAD_CREDENTIALS = (
    f"Odoo refused the login {LOGIN} with the API key from ODOO_API_KEY on database {DB}: the "
    "login or the key is wrong, or the key expired (Odoo 18+ keys expire). Create a new key "
    "(see docs/connectors/odoo.md); relance will not try again in this run, as repeated "
    "failures make Odoo block logins from this address."
)
ACCESS_MOVE = (
    f"The Odoo user {LOGIN} may not use account.move (account.move.search_count): You are not "
    "allowed to access 'Journal Entry' (account.move) records. Give it the access rights "
    "listed in docs/connectors/odoo.md."
)
COUNT = {"domain": [["state", "=", "posted"]]}


def protocol_for(version: int) -> str:
    return "json2" if version >= 19 else "jsonrpc"


def fail(client: OdooClient) -> ConnectorError:
    with pytest.raises(ConnectorError) as raised:
        client.call("account.move", "search_count", **COUNT)
    assert KEY not in str(raised.value)
    return raised.value


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_a_refused_login_is_reported_once_and_never_retried(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient], version: int
) -> None:
    odoo = odoo_factory(version)
    odoo.login_answer = False  # §9.1: wrong or expired key
    client = connect(protocol="jsonrpc")

    first = fail(client)
    second = fail(client)

    assert isinstance(first, ConnectorAuthError)
    assert str(first) == BAD_CREDENTIALS
    assert second is first
    assert odoo.names() == ["common.version", "common.authenticate"]


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_access_denied_on_execute_kw_is_bad_credentials_and_stops_the_run(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient], version: int
) -> None:
    odoo = odoo_factory(version)
    odoo.on("account.move", "search_count", ACCESS_DENIED)
    client = connect(protocol="jsonrpc")

    assert str(fail(client)) == BAD_CREDENTIALS
    fail(client)

    assert odoo.names() == ["common.version", "common.authenticate", "account.move.search_count"]


def test_the_error_code_is_not_what_decides(
    mock: responses.RequestsMock,
    connect: Callable[..., OdooClient],
    odoo_factory: Callable[..., FakeOdoo],
) -> None:
    odoo = odoo_factory(19)
    odoo.on("account.move", "search_count", ACCESS_DENIED)
    client = connect(protocol="jsonrpc")

    fail(client)

    error_body = mock.calls[-1].response.json()["error"]
    assert error_body["code"] == 0  # 19; 16-18 send 200 for the same error
    assert list(error_body["data"]) == ["name", "message", "arguments", "context", "debug"]


def test_the_login_cooldown_is_explained(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient]
) -> None:
    odoo = odoo_factory(17)
    odoo.on(
        "account.move",
        "search_count",
        Fault(
            "odoo.exceptions.AccessDenied",
            "Too many login failures, please wait a bit before trying again.",
        ),
    )
    client = connect()

    error = fail(client)

    assert isinstance(error, ConnectorAuthError)
    assert str(error) == (
        "Odoo is blocking logins from this address after too many failures (it lifts the block "
        f"after a minute). Check the login {LOGIN} and the key in ODOO_API_KEY, wait a minute, then try once."
    )
    fail(client)
    assert len(odoo.model_calls()) == 1


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_missing_access_rights_name_the_model(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient], version: int
) -> None:
    odoo = odoo_factory(version)
    odoo.on("account.move", "search_count", ACCESS_ERROR_MOVE)
    client = connect()

    error = fail(client)

    assert not isinstance(error, ConnectorAuthError)
    assert str(error) == ACCESS_MOVE
    assert "Traceback" not in str(error)
    assert odoo.model_calls()[-1].protocol == protocol_for(version)


@pytest.mark.parametrize("version", [17, 19])
def test_a_company_the_user_cannot_access(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient], version: int
) -> None:
    odoo = odoo_factory(version)
    odoo.on(
        "account.move",
        "search_count",
        Fault("odoo.exceptions.AccessError", "Access to unauthorized or invalid companies."),
    )
    client = connect(company_ids=[1, 3])

    assert str(fail(client)) == (
        f"Odoo refused the companies in company_ids for user {LOGIN}: Access to unauthorized or "
        "invalid companies. List only companies this user may access."
    )
    assert odoo.model_calls()[-1].context == {"allowed_company_ids": [1, 3]}


@pytest.mark.parametrize("version", [16, 19])
@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            Fault("odoo.exceptions.UserError", "Object account.movee doesn't exist"),
            "Odoo could not run account.move.search_count: Object account.movee doesn't exist (odoo.exceptions.UserError).",
        ),
        (
            Fault("builtins.ValueError", "Invalid field 'mobile' on model 'res.partner'"),
            "Odoo could not run account.move.search_count: Invalid field 'mobile' on model 'res.partner' (builtins.ValueError).",
        ),
        (
            Fault(
                "builtins.AttributeError", "The method 'account.move.search_countt' does not exist"
            ),
            "Odoo could not run account.move.search_count: The method 'account.move.search_countt' does not exist (builtins.AttributeError).",
        ),
        (
            Fault(
                "odoo.exceptions.MissingError",
                "Record does not exist or has been deleted.\n(Record: account.move(412,), User: 7)",
            ),
            "Odoo could not run account.move.search_count: Record does not exist or has been deleted. (Record: account.move(412,), User: 7) (odoo.exceptions.MissingError).",
        ),
        (
            Fault("odoo.exceptions.ValidationError", "The operation cannot be completed."),
            "Odoo could not run account.move.search_count: The operation cannot be completed. (odoo.exceptions.ValidationError).",
        ),
    ],
)
def test_server_errors_quote_odoos_own_message(
    odoo_factory: Callable[..., FakeOdoo],
    connect: Callable[..., OdooClient],
    version: int,
    fault: Fault,
    message: str,
) -> None:
    odoo = odoo_factory(version)
    odoo.on("account.move", "search_count", fault)
    client = connect()

    assert str(fail(client)) == message


def test_an_unknown_database(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient]
) -> None:
    odoo = odoo_factory(16)
    odoo.login_answer = Fault(
        "psycopg2.OperationalError",
        'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "acme" does not exist\n',
    )
    client = connect()

    error = fail(client)

    assert isinstance(error, ConnectorAuthError)
    assert str(error) == (
        f"Odoo at {URL} has no database named {DB}; check database in the configuration (it is "
        "shown on Odoo's database selector, or in Settings)."
    )
    fail(client)
    assert odoo.names() == ["common.version", "common.authenticate"]


def test_json2_invalid_api_key_stops_the_run(
    odoo_factory: Callable[..., FakeOdoo],
    connect: Callable[..., OdooClient],
    mock: responses.RequestsMock,
) -> None:
    odoo = odoo_factory(19)
    odoo.on(
        "account.move", "search_count", Fault("werkzeug.exceptions.Unauthorized", "Invalid apikey")
    )
    client = connect()

    assert str(fail(client)) == BAD_CREDENTIALS
    fail(client)

    assert mock.calls[-1].response.status_code == 401
    assert mock.calls[-1].response.headers["WWW-Authenticate"] == "bearer"
    assert odoo.names() == ["common.version", "account.move.search_count"]


def test_json2_unprocessable_request(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient]
) -> None:
    odoo = odoo_factory(19)
    odoo.on(
        "account.move",
        "search_count",
        Fault("werkzeug.exceptions.UnprocessableEntity", "missing a required argument: 'domain'"),
    )
    client = connect()

    assert str(fail(client)) == (
        "Odoo could not run account.move.search_count: missing a required argument: 'domain' "
        "(werkzeug.exceptions.UnprocessableEntity)."
    )


def test_json2_without_a_known_database_answers_a_404_page(
    mock: responses.RequestsMock,
    odoo_factory: Callable[..., FakeOdoo],
    connect: Callable[..., OdooClient],
) -> None:
    mock.post(
        f"{URL}/json/2/account.move/search_count",
        status=404,
        body="<html>URL was not found in the server-wide controllers</html>",
        content_type="text/html",
    )
    odoo_factory(19)
    client = connect()

    assert str(fail(client)) == (
        f"Odoo at {URL} answered account.move.search_count with HTTP 404: the database {DB} or the "
        "API was not found; check url and database."
    )


def test_a_web_page_instead_of_json_points_at_the_url(
    mock: responses.RequestsMock, connect: Callable[..., OdooClient]
) -> None:
    mock.post(f"{URL}/jsonrpc", body="<html><title>Odoo</title></html>", content_type="text/html")

    with pytest.raises(ConnectorError) as raised:
        connect()

    assert (
        str(raised.value)
        == f"Odoo at {URL} answered common.version with something that is not JSON (text/html); check url."
    )
