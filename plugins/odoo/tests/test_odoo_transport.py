"""Version detection, JSON-RPC and JSON-2 requests, retries and backoff."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
import requests
import responses

from relance import ConnectorError, ConnectorUnavailable
from relance_odoo.client import OdooClient

from .conftest import DB, KEY, LOGIN, UID, URL, FakeOdoo, Fault, Sleeps

pytestmark = pytest.mark.usefixtures("api_key")


@pytest.mark.parametrize(
    ("version", "protocol"), [(16, "jsonrpc"), (17, "jsonrpc"), (18, "jsonrpc"), (19, "json2")]
)
def test_the_protocol_follows_the_server_version(
    odoo_factory: Callable[..., FakeOdoo],
    connect: Callable[..., OdooClient],
    version: int,
    protocol: str,
) -> None:
    odoo = odoo_factory(version)

    client = connect()

    assert (client.version.major, client.transport.name) == (version, protocol)
    assert odoo.sent[0].url == f"{URL}/jsonrpc"
    assert odoo.sent[0].body == {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {"service": "common", "method": "version", "args": []},
    }


def test_jsonrpc_logs_in_once_then_calls_execute_kw_with_the_uid(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient]
) -> None:
    odoo = odoo_factory(17)
    odoo.always("account.move", "search_count", 2)
    client = connect(company_ids=[1])

    assert client.call("account.move", "search_count", domain=[["state", "=", "posted"]]) == 2
    assert client.call("account.move", "search_count", domain=[]) == 2

    assert odoo.names() == [
        "common.version",
        "common.authenticate",
        "account.move.search_count",
        "account.move.search_count",
    ]
    login = odoo.sent[1].body
    assert login["params"] == {
        "service": "common",
        "method": "authenticate",
        "args": [DB, LOGIN, KEY, {}],
    }
    assert odoo.sent[2].body["params"] == {
        "service": "object",
        "method": "execute_kw",
        "args": [
            DB,
            UID,
            KEY,
            "account.move",
            "search_count",
            [[["state", "=", "posted"]]],
            {"context": {"allowed_company_ids": [1]}},
        ],
    }
    assert odoo.sent[2].headers["Content-Type"] == "application/json"


def test_json2_sends_the_key_as_bearer_with_the_database_and_named_arguments(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient]
) -> None:
    odoo = odoo_factory(19)
    odoo.on("account.move", "message_post", [90871])
    client = connect()

    result = client.call(
        "account.move", "message_post", ids=[412], write=True, body="x", message_type="comment"
    )

    assert result == [90871]
    assert odoo.names() == ["common.version", "account.move.message_post"]  # no login call
    sent = odoo.sent[1]
    assert sent.url == f"{URL}/json/2/account.move/message_post"
    assert sent.headers["Authorization"] == f"bearer {KEY}"
    assert sent.headers["X-Odoo-Database"] == DB
    assert sent.headers["Content-Type"].startswith("application/json")
    assert sent.headers["User-Agent"].startswith("relance-odoo-connector/")
    assert sent.body == {"ids": [412], "body": "x", "message_type": "comment"}


def test_an_odoo_online_version_string_is_understood(
    mock: responses.RequestsMock, connect: Callable[..., OdooClient]
) -> None:
    info = {
        "server_version": "saas~18.1+e",
        "server_version_info": ["saas~18", 1, 0, "final", 0, "e"],
        "server_serie": "saas~18.1",
        "protocol_version": 1,
    }
    mock.post(f"{URL}/jsonrpc", json={"jsonrpc": "2.0", "id": 1, "result": info})

    client = connect()

    assert (client.version.major, client.version.text, client.transport.name) == (
        18,
        "saas~18.1+e",
        "jsonrpc",
    )


def test_json2_on_a_server_older_than_19_is_refused_with_advice(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient]
) -> None:
    odoo_factory(17)

    with pytest.raises(ConnectorError) as raised:
        connect(protocol="json2")

    assert str(raised.value) == (
        f'Odoo 17.0 at {URL} has no JSON-2 API (it arrived in Odoo 19); set protocol = "jsonrpc" or "auto".'
    )


def test_odoo_19_without_jsonrpc_is_read_with_json2_in_auto_mode(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient]
) -> None:
    odoo = odoo_factory(19)
    odoo.jsonrpc_served = False

    client = connect()

    assert (client.version.major, client.transport.name) == (19, "json2")
    assert [sent.protocol for sent in odoo.sent] == ["version_info"]
    assert odoo.sent[0].body == {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 0}


def test_forcing_jsonrpc_on_an_odoo_19_that_disabled_it_says_so(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient]
) -> None:
    odoo = odoo_factory(19)
    odoo.jsonrpc_served = False

    with pytest.raises(ConnectorError) as raised:
        connect(protocol="jsonrpc")

    assert str(raised.value) == (
        f"Odoo at {URL} does not serve /jsonrpc (on Odoo 19 the 'rpc' module that provides it "
        'can be switched off). Set protocol = "json2" (or "auto") to use Odoo 19\'s JSON-2 API.'
    )


def test_proxy_errors_and_dropped_connections_are_retried_with_exponential_backoff(
    mock: responses.RequestsMock,
    odoo_factory: Callable[..., FakeOdoo],
    connect: Callable[..., OdooClient],
    sleeps: Sleeps,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    mock.post(f"{URL}/jsonrpc", body=requests.ConnectionError("reset"))
    mock.post(
        f"{URL}/jsonrpc", status=502, body="<html>Bad Gateway</html>", content_type="text/html"
    )
    mock.post(f"{URL}/jsonrpc", status=429, body="slow down", headers={"Retry-After": "7"})
    odoo = odoo_factory(16)

    client = connect(backoff=0.5)

    assert client.version.major == 16
    assert sleeps == [0.5, 1.0, 7.0]
    assert len(mock.calls) == 4
    assert odoo.names() == ["common.version"]
    assert "common.version answered HTTP 502; retrying" in caplog.text
    client.call("res.partner", "fields_get", attributes=["type"])
    assert KEY not in caplog.text


def test_retries_stop_after_the_configured_number(
    mock: responses.RequestsMock, connect: Callable[..., OdooClient], sleeps: Sleeps
) -> None:
    for _ in range(3):
        mock.post(
            f"{URL}/jsonrpc",
            status=503,
            body="<html>Service Unavailable</html>",
            content_type="text/html",
        )

    with pytest.raises(ConnectorUnavailable) as raised:
        connect(retries=2)

    assert (
        str(raised.value)
        == f"Odoo at {URL} answered common.version with HTTP 503 after 3 attempts; try again later."
    )
    assert sleeps == [1.0, 2.0]
    assert len(mock.calls) == 3


def test_an_unreachable_server_is_named_without_the_key(
    mock: responses.RequestsMock, connect: Callable[..., OdooClient], sleeps: Sleeps
) -> None:
    for _ in range(2):
        mock.post(f"{URL}/jsonrpc", body=requests.ConnectTimeout(f"timeout talking to {URL}"))

    with pytest.raises(ConnectorUnavailable) as raised:
        connect(retries=1)

    assert (
        str(raised.value)
        == f"Cannot reach Odoo at {URL} (common.version) after 2 attempts: ConnectTimeout."
    )
    assert sleeps == [1.0]


def test_an_odoo_error_answer_is_not_retried(
    odoo_factory: Callable[..., FakeOdoo], connect: Callable[..., OdooClient], sleeps: Sleeps
) -> None:
    odoo = odoo_factory(19)
    odoo.on(
        "account.move",
        "search_count",
        Fault("builtins.ValueError", "Invalid field 'x' on model 'account.move'"),
    )
    client = connect()

    with pytest.raises(ConnectorError) as raised:
        client.call("account.move", "search_count", domain=[["x", "=", 1]])

    assert (
        str(raised.value)
        == "Odoo could not run account.move.search_count: Invalid field 'x' on model 'account.move' (builtins.ValueError)."
    )
    assert sleeps == []
    assert odoo.names() == ["common.version", "account.move.search_count"]


def test_a_write_is_not_retried_after_a_server_error(
    mock: responses.RequestsMock,
    odoo_factory: Callable[..., FakeOdoo],
    connect: Callable[..., OdooClient],
    sleeps: Sleeps,
) -> None:
    mock.post(
        f"{URL}/json/2/account.move/message_post",
        status=502,
        body="<html>Bad Gateway</html>",
        content_type="text/html",
    )
    odoo = odoo_factory(19)
    client = connect()

    with pytest.raises(ConnectorError) as raised:
        client.call("account.move", "message_post", ids=[412], write=True, body="x")

    assert "HTTP 502" in str(raised.value)
    assert sleeps == []
    assert odoo.model_calls("account.move", "message_post") == []


def test_a_write_is_retried_on_429_which_was_not_processed(
    mock: responses.RequestsMock,
    odoo_factory: Callable[..., FakeOdoo],
    connect: Callable[..., OdooClient],
    sleeps: Sleeps,
) -> None:
    mock.post(f"{URL}/json/2/account.move/message_post", status=429, body="")
    odoo = odoo_factory(19)
    odoo.on("account.move", "message_post", [90871])
    client = connect()

    assert client.call("account.move", "message_post", ids=[412], write=True, body="x") == [90871]
    assert sleeps == [1.0]
