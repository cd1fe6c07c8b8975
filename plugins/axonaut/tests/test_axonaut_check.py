"""``relance check`` with ``[sources.axonaut]``, through relance's real plugin manager."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import responses
from responses import matchers

from relance.testing.cli import CliRunner

BASE = "https://axonaut.com/api/v2"


def serve_me(api: responses.RequestsMock, fixture: Callable[[str], Any], api_key: str) -> None:
    me = fixture("me")
    me["user_api_key"] = api_key  # Axonaut echoes the key back
    api.get(f"{BASE}/me", json=me, match=[matchers.header_matcher({"userApiKey": api_key})])


def serve_open_invoices(api: responses.RequestsMock, fixture: Callable[[str], Any]) -> None:
    for page, body in (("1", fixture("invoices_page_1")), ("2", [])):
        api.get(
            f"{BASE}/invoices",
            json=body,
            match=[
                matchers.header_matcher({"page": page}),
                matchers.query_param_matcher({"is_paid": "false"}),
            ],
        )


def test_check_reports_the_account_the_unpaid_invoices_and_the_double_reminder_risk(
    relance_cli: CliRunner,
    write_config: Callable[[str], Path],
    api: responses.RequestsMock,
    fixture: Callable[[str], Any],
    api_key: str,
) -> None:
    path = write_config('[sources.axonaut]\napi_key_env = "AXONAUT_API_KEY"\n')
    serve_me(api, fixture, api_key)
    serve_open_invoices(api, fixture)

    result = relance_cli("check", "--config", str(path), "--json")

    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["ok"] is True
    assert [
        (r["instance"], r["plugin"], r["status"], r["summary"]) for r in document["results"]
    ] == [
        (
            "sources.axonaut",
            "axonaut",
            "ok",
            "API key accepted for Claire Rousseau — account Rousseau Maintenance",
        ),
        ("sources.axonaut", "axonaut", "ok", "2 unpaid invoices readable"),
        (
            "sources.axonaut",
            "axonaut",
            "warning",
            "Axonaut's own automatic reminders must be switched off for the customers relance "
            "reminds, or they will be reminded twice — see docs/connectors/axonaut.md",
        ),
    ]
    assert api_key not in result.out + result.err
    assert [call.request.url for call in api.calls] == [
        f"{BASE}/me",
        f"{BASE}/invoices?is_paid=false",
        f"{BASE}/invoices?is_paid=false",
    ]


def test_check_in_a_table_never_shows_the_key(
    relance_cli: CliRunner,
    write_config: Callable[[str], Path],
    api: responses.RequestsMock,
    fixture: Callable[[str], Any],
    api_key: str,
) -> None:
    path = write_config("[sources.axonaut]\n")
    serve_me(api, fixture, api_key)
    serve_open_invoices(api, fixture)

    result = relance_cli("check", "--config", str(path))

    assert result.code == 0, result.err
    assert "2 unpaid invoices readable" in result.out
    assert "warning" in result.out
    assert api_key not in result.out + result.err


def test_a_wrong_key_fails_the_check_and_nothing_else_is_asked(
    relance_cli: CliRunner,
    write_config: Callable[[str], Path],
    api: responses.RequestsMock,
    fixture: Callable[[str], Any],
    api_key: str,
) -> None:
    path = write_config("[sources.axonaut]\n")
    api.get(f"{BASE}/me", status=403, json=fixture("error_403_forbidden"))

    result = relance_cli("check", "--config", str(path), "--json")

    assert result.code == 2
    (row,) = json.loads(result.out)["results"]
    assert row["status"] == "error"
    assert row["summary"] == (
        "[axonaut] Axonaut refused the API key from AXONAUT_API_KEY (Forbidden access). Copy "
        "the key again from Axonaut (Settings > API > Show your API key) into AXONAUT_API_KEY."
    )
    assert len(api.calls) == 1
    assert api_key not in result.out + result.err


def test_a_missing_key_is_a_configuration_error_before_any_request(
    relance_cli: CliRunner,
    write_config: Callable[[str], Path],
    api: responses.RequestsMock,
    monkeypatch: Any,
) -> None:
    monkeypatch.delenv("AXONAUT_API_KEY", raising=False)
    path = write_config('[sources.axonaut]\napi_key_env = "AXONAUT_API_KEY"\n')

    result = relance_cli("check", "--config", str(path))

    assert result.code == 1
    assert (
        "relance.toml: sources.axonaut.api_key_env: environment variable AXONAUT_API_KEY is not "
        "set (it must hold the secret)"
    ) in result.err
    assert len(api.calls) == 0


def test_a_key_pasted_into_the_file_is_refused_without_being_echoed(
    relance_cli: CliRunner, write_config: Callable[[str], Path], api: responses.RequestsMock
) -> None:
    pasted = "a1b2c3d4e5f6a7b8c9d0"
    path = write_config(
        f'[sources.axonaut]\napi_key_env = "{pasted}"\nbase_url = "axonaut.com"\nmax_pages = 0\n'
    )

    result = relance_cli("check", "--config", str(path))

    assert result.code == 1
    assert "sources.axonaut.api_key_env: must be the name of an environment variable" in result.err
    assert "sources.axonaut.base_url: must be an http(s) URL" in result.err
    assert "sources.axonaut.max_pages:" in result.err
    assert pasted not in result.err + result.out
    assert len(api.calls) == 0
