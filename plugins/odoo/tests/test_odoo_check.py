"""``relance check`` with ``[sources.odoo]``, through relance's real plugin manager."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import ACCESS_ERROR_MOVE, DB, KEY, LOGIN, URL, FakeOdoo, Fault

TABLE = f'[sources.odoo]\nurl = "{URL}"\ndatabase = "{DB}"\nlogin = "{LOGIN}"\napi_key_env = "ODOO_API_KEY"\n'


def rows(output: str) -> list[tuple[str, str, str, str]]:
    return [
        (r["instance"], r["plugin"], r["status"], r["summary"])
        for r in json.loads(output)["results"]
    ]


@pytest.mark.parametrize(
    ("version", "protocol", "uid_call", "user"),
    [
        (
            16,
            "jsonrpc",
            "common.authenticate",
            f"logged in as {LOGIN} on database {DB} — user id 7",
        ),
        # JSON-2 ignores the login: the user is the key's owner (reference §1.3).
        (
            19,
            "json2",
            "res.users.context_get",
            f"API key from ODOO_API_KEY accepted on database {DB} — it belongs to the Odoo "
            "user with id 7 (JSON-2 ignores the login setting)",
        ),
    ],
)
def test_check_reports_version_login_rights_and_open_invoices(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    odoo_factory: Callable[..., FakeOdoo],
    api_key: str,
    version: int,
    protocol: str,
    uid_call: str,
    user: str,
) -> None:
    odoo = odoo_factory(version)
    odoo.on("res.users", "context_get", {"lang": "fr_FR", "tz": "Europe/Paris", "uid": 7})
    odoo.on("account.move", "search_count", 12)
    odoo.on("res.partner", "search_read", [{"id": 1, "name": "Acme SAS"}])
    odoo.on("account.partial.reconcile", "search_read", [{"id": 9, "max_date": "2025-02-03"}])
    odoo.on("account.payment", "search_read", [{"id": 77, "date": "2025-02-03"}])
    path = write_config(TABLE + "company_ids = [1]\n")

    result = cli("check", "--config", str(path), "--json")

    assert result.code == 0, result.err
    dating = "the reports date the paid invoices by them"
    payments = [
        ("sources.odoo", "odoo", "ok", f"registered payments readable (account.payment) — {dating}")
    ]
    assert rows(result.out) == [
        ("sources.odoo", "odoo", "ok", f"Odoo {version}.0 at {URL} — protocol {protocol}"),
        ("sources.odoo", "odoo", "ok", user),
        ("sources.odoo", "odoo", "ok", "12 open customer invoices and credit notes readable"),
        ("sources.odoo", "odoo", "ok", "customers readable (res.partner)"),
        (
            "sources.odoo",
            "odoo",
            "ok",
            f"payment matchings readable (account.partial.reconcile) — {dating}",
        ),
        *(payments if version >= 18 else []),
    ]
    assert odoo.names() == [
        "common.version",
        uid_call,
        "account.move.search_count",
        "res.partner.search_read",
        "account.partial.reconcile.search_read",
        *(["account.payment.search_read"] if version >= 18 else []),
        "res.partner.fields_get",
    ]
    (count,) = odoo.model_calls("account.move", "search_count")
    assert count.params == {
        "domain": [
            ["move_type", "in", ["out_invoice", "out_refund"]],
            ["state", "=", "posted"],
            ["payment_state", "in", ["not_paid", "partial", "blocked"]],
            ["company_id", "in", [1]],
        ]
    }
    assert count.context == {"allowed_company_ids": [1]}
    assert KEY not in result.out + result.err
    if protocol == "json2":
        (whoami,) = odoo.model_calls("res.users", "context_get")
        assert (whoami.ids, whoami.params) == (None, {})
        assert not any(LOGIN in json.dumps(sent.body) for sent in odoo.sent)  # never sent


def test_check_warns_about_deprecated_jsonrpc_an_empty_ledger_and_odoos_own_follow_up(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    odoo_factory: Callable[..., FakeOdoo],
    api_key: str,
) -> None:
    odoo = odoo_factory(19, enterprise=True)
    odoo.on("account.move", "search_count", 0)
    odoo.on("res.partner", "search_read", [])
    odoo.on("account.partial.reconcile", "search_read", [])
    odoo.on("account.payment", "search_read", [])
    path = write_config(TABLE + 'protocol = "jsonrpc"\n')

    result = cli("check", "--config", str(path), "--json")

    assert result.code == 0, result.err
    assert [row[2:] for row in rows(result.out)][-3:] == [
        (
            "warning",
            '/jsonrpc is deprecated from Odoo 19 and will be removed; use protocol "auto" or "json2"',
        ),
        (
            "warning",
            "no open customer invoice found — check company_ids and the companies of the Odoo user",
        ),
        (
            "warning",
            "Odoo's own follow-up (Enterprise) is installed: switch its automatic reminders off for the customers relance reminds, or they will be reminded twice — see docs/connectors/odoo.md",
        ),
    ]


def reading_three_invoices(odoo_factory: Callable[..., FakeOdoo], version: int) -> FakeOdoo:
    """An Odoo of ``version`` whose user reads 3 open invoices and the customers."""
    odoo = odoo_factory(version)
    odoo.on("account.move", "search_count", 3)
    odoo.always("res.partner", "search_read", lambda _sent: [{"id": 1, "name": "Acme SAS"}])
    return odoo


def test_check_names_the_model_the_user_cannot_read(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    odoo_factory: Callable[..., FakeOdoo],
    api_key: str,
) -> None:
    model, label = "res.partner", "Contact"
    odoo = reading_three_invoices(odoo_factory, 17)
    refusal = f"You are not allowed to access '{label}' ({model}) records."
    odoo.on(
        model,
        "search_read",
        Fault(
            "odoo.exceptions.AccessError",
            refusal + "\n\nThis operation is allowed for the following groups:\n\t- Internal User",
        ),
    )
    path = write_config(TABLE)

    result = cli("check", "--config", str(path), "--json")

    assert result.code == 2
    (row,) = rows(result.out)
    assert row[2:] == (
        "error",
        f"[odoo] The Odoo user {LOGIN} may not use {model} ({model}.search_read): {refusal} "
        "Give it the access rights listed in docs/connectors/odoo.md.",
    )


def test_payments_the_user_cannot_read_are_a_warning_on_18(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    odoo_factory: Callable[..., FakeOdoo],
    api_key: str,
) -> None:
    odoo = reading_three_invoices(odoo_factory, 18)
    odoo.on("account.partial.reconcile", "search_read", [])
    refusal = "You are not allowed to access 'Payments' (account.payment) records."
    odoo.on("account.payment", "search_read", Fault("odoo.exceptions.AccessError", refusal))
    path = write_config(TABLE)

    result = cli("check", "--config", str(path), "--json")

    assert result.code == 0, result.err
    (row,) = [row for row in rows(result.out) if "account.payment" in row[3]]
    assert row[2] == "warning"
    assert row[3].startswith(
        "registered payments not readable (account.payment): the payment days of invoices "
        "paid without a journal entry will be unknown to the reports — The Odoo user"
    )


def test_matchings_the_user_cannot_read_are_a_warning(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    odoo_factory: Callable[..., FakeOdoo],
    api_key: str,
) -> None:
    """Reminders do not need them: the reports and the score scenarios then count the
    paid invoices without their payment day."""
    odoo = reading_three_invoices(odoo_factory, 17)
    refusal = (
        "You are not allowed to access 'Partial Reconcile' (account.partial.reconcile) records."
    )
    odoo.on(
        "account.partial.reconcile", "search_read", Fault("odoo.exceptions.AccessError", refusal)
    )
    path = write_config(TABLE)

    result = cli("check", "--config", str(path), "--json")

    assert result.code == 0, result.err
    found = {row[3]: row[2] for row in rows(result.out)}
    warning = (
        "payment matchings not readable (account.partial.reconcile): the paid invoices' "
        "payment days will be unknown to the reports and the scores — The Odoo user "
        f"{LOGIN} may not use account.partial.reconcile "
        f"(account.partial.reconcile.search_read): {refusal} Give it the access rights "
        "listed in docs/connectors/odoo.md."
    )
    assert found[warning] == "warning"


def test_a_wrong_key_fails_the_check_after_one_login(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    odoo_factory: Callable[..., FakeOdoo],
    api_key: str,
) -> None:
    odoo = odoo_factory(18)
    odoo.login_answer = False
    path = write_config(TABLE)

    result = cli("check", "--config", str(path))

    assert result.code == 2
    assert "Odoo refused the login" in result.out
    assert KEY not in result.out + result.err
    assert odoo.names() == ["common.version", "common.authenticate"]


def test_an_access_error_on_invoices_fails_the_check(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    odoo_factory: Callable[..., FakeOdoo],
    api_key: str,
) -> None:
    odoo = odoo_factory(19)
    odoo.on("res.users", "context_get", {"uid": 7})
    odoo.on("account.move", "search_count", ACCESS_ERROR_MOVE)
    path = write_config(TABLE)

    result = cli("check", "--config", str(path), "--json")

    assert result.code == 2
    assert "may not use account.move (account.move.search_count)" in rows(result.out)[0][3]


def test_a_bad_table_is_reported_with_its_keys_and_no_request(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    odoo_factory: Callable[..., FakeOdoo],
) -> None:
    odoo = odoo_factory(17)
    pasted = "a1b2c3d4e5f6a7b8c9d0"
    path = write_config(
        '[sources.odoo]\nurl = "acme.odoo.com"\ndatabase = "acme"\nlogin = "bot"\n'
        f'api_key_env = "{pasted}"\nprotocol = "xmlrpc"\npage_size = 0\n'
        "sent_values = { amount_residual = 0 }\n"
    )

    result = cli("check", "--config", str(path))

    assert result.code == 1
    for expected in (
        "sources.odoo.url: must be the http(s) address of the Odoo server",
        "sources.odoo.api_key_env: must be the name of an environment variable",
        "sources.odoo.protocol:",
        "sources.odoo.page_size:",
        "sources.odoo.sent_values: 'amount_residual': only custom fields (named x_...) may be written by relance",
    ):
        assert expected in result.err
    assert pasted not in result.out + result.err
    assert odoo.sent == []


def test_a_missing_key_is_a_configuration_error_before_any_request(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    odoo_factory: Callable[..., FakeOdoo],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ODOO_API_KEY", raising=False)
    odoo = odoo_factory(17)

    result = cli("check", "--config", str(write_config(TABLE)))

    assert result.code == 1
    assert (
        "sources.odoo.api_key_env: environment variable ODOO_API_KEY is not set (it must hold the secret)"
        in result.err
    )
    assert odoo.sent == []
