"""Paid invoices for the reports (``relance_fetch_paid_invoices``) from Odoo 16-19."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from relance import ConnectorError, DocumentKind, EventType, InvoiceStatus, PluginContext
from relance.history import SQLiteStore
from relance.testing.ledgers import sent
from relance_odoo import relance_fetch_invoices, relance_fetch_paid_invoices

from .conftest import (
    DB,
    LOGIN,
    URL,
    FakeOdoo,
    Fault,
    Sent,
    invoice_rows,
    load,
    page,
    partner_rows,
    serve,
    serve_ledger,
)

START, END = date(2024, 3, 1), date(2025, 3, 15)
PAID_DOMAIN = [
    ["move_type", "=", "out_invoice"],
    ["state", "=", "posted"],
    ["payment_state", "in", ["paid", "in_payment"]],
]
PAID_FIELDS = [
    "name", "move_type", "payment_state", "invoice_date", "invoice_date_due", "amount_total",
    "currency_id", "partner_id", "commercial_partner_id",
]  # fmt: skip
PARTNER_FIELDS = [
    "name", "email", "phone", "lang", "vat", "company_registry", "street", "street2", "zip",
    "city", "country_code", "is_company", "parent_id", "commercial_partner_id", "type", "active",
]  # fmt: skip


def paid_rows(version: int = 17) -> list[dict[str, Any]]:
    """The paid invoices: on 18+ INV/2025/00061's payment has no journal entry, so
    nothing is matched and Odoo still shows its whole residual (``in_payment``)."""
    rows = list(load("paid_invoices"))
    if version >= 18:
        rows[1] = {**rows[1], "amount_residual": 600.0, "amount_residual_signed": 600.0}
    return rows


def serve_paid(odoo: FakeOdoo, paid: list[dict[str, Any]], partners: list[dict[str, Any]]) -> None:
    odoo.always("account.move", "search_read", serve(paid))
    odoo.always("res.partner", "search_read", serve(partners))
    serve_matchings(odoo)


def serve_matchings(odoo: FakeOdoo) -> None:
    """How the paid invoices were paid. INV/2024/00298 (USD): a credit note on 10
    January, a payment on 22 January with an exchange difference entry dated 31 January
    (after a lock date). INV/2025/00061: a payment on 3 February, matched on 16-17; on
    18+ a payment without a journal entry (no matching), and a cancelled one."""
    data = load("paid_matchings")
    partials = [p for p in data["partials"] if odoo.version <= 17 or p["id"] != 504]
    move_of = {line["id"]: line["move_id"][0] for line in data["lines"]}

    def matchings(sent: Sent) -> list[dict[str, Any]]:
        (invoices,) = [
            leaf[2] for leaf in sent.params["domain"] if leaf[0] == "debit_move_id.move_id"
        ]
        return page([p for p in partials if move_of[p["debit_move_id"][0]] in invoices], sent)

    odoo.always("account.partial.reconcile", "search_read", matchings)
    odoo.always("account.move.line", "read", serve(data["lines"]))
    odoo.always("account.payment", "read", serve(data["payments"]))


def login_names(version: int) -> list[str]:
    return ["common.version"] + (["common.authenticate"] if version < 19 else [])


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_paid_invoices_issued_by_the_end_are_read_with_their_customers(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    odoo = odoo_factory(version)
    serve_paid(odoo, paid_rows(version), partner_rows(version))

    found = relance_fetch_paid_invoices(source=make_context(company_ids=[1]), start=START, end=END)
    paid = list(found)

    # No payment terms: what a paid invoice owes is nothing. Its matchings say when.
    assert odoo.names() == [
        *login_names(version),
        "account.move.fields_get",
        "account.move.search_read",
        "account.partial.reconcile.search_read",
        "account.move.line.read",
        *(["account.payment.read"] if version >= 18 else []),
        "res.partner.fields_get",
        "res.partner.search_read",
    ]
    (moves,) = odoo.model_calls("account.move", "search_read")
    assert moves.protocol == ("json2" if version >= 19 else "jsonrpc")
    assert moves.params == {
        "domain": [
            *PAID_DOMAIN,
            ["invoice_date", "<=", "2025-03-15"],
            ["write_date", ">=", "2024-02-29 00:00:00"],
            ["company_id", "in", [1]],
        ],
        "fields": PAID_FIELDS + (["matched_payment_ids"] if version >= 18 else []),
        "order": "id asc",
        "limit": 500,
    }
    assert moves.context == {"allowed_company_ids": [1]}
    (partials,) = odoo.model_calls("account.partial.reconcile", "search_read")
    assert partials.params == {
        "domain": [
            ["debit_move_id.move_id", "in", [371, 405]],
            ["debit_move_id.account_id.account_type", "=", "asset_receivable"],
        ],
        "fields": ["debit_move_id", "credit_move_id", "max_date", "exchange_move_id"],
        "order": "id asc",
        "limit": 500,
    }
    (lines,) = odoo.model_calls("account.move.line", "read")
    assert lines.ids == sorted([3711, 8801, 8811, 9901] + ([4051, 8851] if version <= 17 else []))
    assert lines.params["fields"] == ["move_id"]
    if version >= 18:
        (payments,) = odoo.model_calls("account.payment", "read")
        assert (payments.ids, payments.params["fields"]) == ([77, 78], ["date", "state"])
    (partners,) = odoo.model_calls("res.partner", "search_read")
    assert partners.params == {
        "domain": [
            "|",
            ["id", "in", [14, 45, 52]],
            "&",
            ["commercial_partner_id", "in", [14, 45]],
            ["type", "=", "invoice"],
        ],
        "fields": PARTNER_FIELDS[:3] + (["mobile"] if version <= 18 else []) + PARTNER_FIELDS[3:],
        "order": "id asc",
        "limit": 500,
    }
    assert partners.context == {"active_test": False, "allowed_company_ids": [1]}

    azure, deco = paid
    assert [
        (i.source, i.id, i.number, i.kind, i.currency, i.total, i.residual, i.paid_date)
        for i in paid
    ] == [
        # Paid on the payment's day: not the credit note's, not the exchange entry's.
        ("odoo", "371", "INV/2024/00298", DocumentKind.INVOICE, "USD", Decimal(1500), 0,
         date(2025, 1, 22)),
        # The matching's day (16-17), the day of the payment not cancelled (18+).
        ("odoo", "405", "INV/2025/00061", DocumentKind.INVOICE, "EUR", Decimal(600), 0,
         date(2025, 2, 3)),
    ]  # fmt: skip
    assert (azure.issue_date, azure.due_date) == (date(2024, 12, 20), date(2025, 1, 19))
    assert (deco.issue_date, deco.due_date) == (date(2025, 1, 6), date(2025, 2, 5))
    assert (azure.status, deco.status) == (InvoiceStatus.PAID, InvoiceStatus.IN_PAYMENT)
    assert not azure.disputed
    assert not deco.disputed
    assert (azure.customer.id, azure.customer.name, deco.customer.id) == (
        "14",
        "Azure Interior",
        "45",
    )
    assert azure.contact is not None
    assert azure.contact.emails == ("compta@azure-interior.example",)
    assert deco.contact is None


@pytest.mark.parametrize("version", [16, 19])
def test_paid_invoices_carry_the_customers_the_open_invoices_carry(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    odoo = odoo_factory(version)
    serve_ledger(odoo, invoice_rows(version), partner_rows(version))
    context = make_context()
    open_items = list(relance_fetch_invoices(source=context, since=None))
    odoo.always("account.move", "search_read", serve(paid_rows()))
    serve_matchings(odoo)

    paid = list(relance_fetch_paid_invoices(source=context, start=START, end=END))

    customers = {invoice.customer.id: invoice.customer for invoice in open_items}
    assert [invoice.customer for invoice in paid] == [customers["14"], customers["45"]]
    assert paid[0].contact == open_items[0].contact
    # One client for the run: fields_get is not asked again.
    assert odoo.names().count("account.move.fields_get") == 1
    assert odoo.names().count("res.partner.fields_get") == 1


def test_the_period_bounds_the_issue_date_and_the_last_write(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    """Odoo does not say when an invoice was paid, but reconciling the payment writes it
    (reference §2.6): one last written more than a day before the period was paid
    before it. An invoice issued long before the period may have been paid in it: the
    issue date is bounded by the last day only."""
    odoo = odoo_factory(17)
    serve_paid(odoo, paid_rows(), partner_rows(17))
    context = make_context()

    list(relance_fetch_paid_invoices(source=context, start=date(2025, 1, 1), end=END))
    list(relance_fetch_paid_invoices(source=context, start=date(2020, 1, 1), end=date(2024, 6, 30)))

    first, second = odoo.model_calls("account.move", "search_read")
    assert first.params["domain"] == [
        *PAID_DOMAIN,
        ["invoice_date", "<=", "2025-03-15"],
        ["write_date", ">=", "2024-12-31 00:00:00"],
    ]
    assert second.params["domain"] == [
        *PAID_DOMAIN,
        ["invoice_date", "<=", "2024-06-30"],
        ["write_date", ">=", "2019-12-31 00:00:00"],
    ]
    assert first.context is None  # no company_ids: no multi-company context


@pytest.mark.parametrize(
    ("page_size", "bounds", "matching_reads"),
    [
        # A full page asks for the ids above its last one; a short page is the last.
        # Each page of invoices asks for its matchings in pages (INV/2024/00298 has 3),
        # reads their 4 journal items page_size at a time, and reads its payments.
        (1, [None, 371, 405, 420], (4 + 1 + 1, 4, 2)),
        (2, [None, 405], (2 + 1, 2, 1 + 1)),
        (3, [None, 420], (2, 2, 1)),
    ],
)
def test_paid_invoices_and_customers_are_read_in_keyset_pages(
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    page_size: int,
    bounds: list[int | None],
    matching_reads: tuple[int, int, int],
) -> None:
    odoo = odoo_factory(18)
    rows = paid_rows(18)
    extra = {**rows[1], "id": 420, "name": "INV/2025/00102", "invoice_date": "2025-02-11"}
    serve_paid(odoo, [*rows, extra], partner_rows(18))

    paid = list(
        relance_fetch_paid_invoices(source=make_context(page_size=page_size), start=START, end=END)
    )

    assert [invoice.id for invoice in paid] == ["371", "405", "420"]
    # Each page's matchings are asked for that page's invoices.
    assert [i.paid_date for i in paid] == [date(2025, 1, 22), date(2025, 2, 3), date(2025, 2, 3)]
    moves = odoo.model_calls("account.move", "search_read")
    partners = odoo.model_calls("res.partner", "search_read")
    assert [after(sent) for sent in moves] == bounds
    # 3 partner rows (14, 45, 52): as many pages as for the 3 invoices.
    assert len(partners) == len(bounds) <= math.ceil(3 / page_size) + 1
    assert all(sent.params["limit"] == page_size for sent in moves + partners)
    assert all("offset" not in sent.params for sent in moves + partners)
    matchings = odoo.model_calls("account.partial.reconcile", "search_read")
    items = odoo.model_calls("account.move.line", "read")
    payments = odoo.model_calls("account.payment", "read")
    assert (len(matchings), len(items), len(payments)) == matching_reads
    assert all(sent.params["limit"] == page_size for sent in matchings)
    assert all(len(sent.ids or []) <= page_size for sent in items)


@pytest.mark.parametrize("version", [16, 19])
def test_an_invoice_paid_without_a_matching_was_paid_on_its_date_if_it_owed_nothing(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    """A zero total is paid without a payment; an invoice whose matchings cannot be read
    (another company's payment) has no known payment day."""
    odoo = odoo_factory(version)
    azure, deco = paid_rows()
    free = {**azure, "id": 430, "name": "INV/2025/00110", "amount_total": 0.0,
            "invoice_date": "2025-02-14"}  # fmt: skip
    unknown = {**deco, "id": 431, "name": "INV/2025/00111", "matched_payment_ids": []}
    serve_paid(odoo, [free, unknown], partner_rows(version))

    paid = list(relance_fetch_paid_invoices(source=make_context(), start=START, end=END))

    assert [(i.id, i.total, i.paid_date) for i in paid] == [
        ("430", Decimal(0), date(2025, 2, 14)),
        ("431", Decimal(600), None),
    ]
    assert "account.payment.read" not in odoo.names()


@pytest.mark.parametrize("version", [17, 18])
def test_matchings_the_user_may_not_read_leave_the_payment_days_unknown(
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    caplog: pytest.LogCaptureFixture,
    version: int,
) -> None:
    """The planning commands (score scenarios) and the reports go on: the paid invoices
    without their payment day (on 18+, the registered payments still date theirs), the
    refusal said once and not asked again for the next page."""
    odoo = odoo_factory(version)
    serve_paid(odoo, paid_rows(version), partner_rows(version))
    refusal = (
        "You are not allowed to access 'Partial Reconcile' (account.partial.reconcile) records."
    )
    odoo.always(
        "account.partial.reconcile", "search_read", Fault("odoo.exceptions.AccessError", refusal)
    )

    paid = list(relance_fetch_paid_invoices(source=make_context(page_size=1), start=START, end=END))

    expected = {"INV/2024/00298": None, "INV/2025/00061": None}
    if version >= 18:
        expected["INV/2025/00061"] = date(2025, 2, 3)  # its payment without a journal entry
    assert {i.number: i.paid_date for i in paid} == expected
    assert odoo.names().count("account.partial.reconcile.search_read") == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"The Odoo user {LOGIN} may not use account.partial.reconcile")
    assert warnings[0].endswith("Until then, the paid invoices' payment days are unknown.")


def test_a_refusal_of_anything_but_the_matchings_is_still_an_error(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    """A journal item the user may not read (a record rule) is not a missing right on
    the model that dates payments: the read fails, naming it, as any refusal does."""
    odoo = odoo_factory(17)
    serve_paid(odoo, paid_rows(17), partner_rows(17))
    refusal = "You are not allowed to access 'Journal Item' (account.move.line) records."
    odoo.always("account.move.line", "read", Fault("odoo.exceptions.AccessError", refusal))

    with pytest.raises(ConnectorError, match=r"may not use account\.move\.line"):
        list(relance_fetch_paid_invoices(source=make_context(), start=START, end=END))


@pytest.mark.parametrize("version", [17, 18])
def test_an_invoice_written_in_the_period_but_paid_outside_it_is_left_out(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    """Its last write (a note, a reconciliation undone and redone) is in the period, its
    payment not: INV/2024/00298 was paid on 22 January, INV/2025/00061 on 3 February."""
    odoo = odoo_factory(version)
    serve_paid(odoo, paid_rows(version), partner_rows(version))
    context = make_context()

    later = list(relance_fetch_paid_invoices(source=context, start=date(2025, 2, 1), end=END))
    earlier = relance_fetch_paid_invoices(source=context, start=START, end=date(2025, 1, 31))

    assert [(i.number, i.paid_date) for i in later] == [("INV/2025/00061", date(2025, 2, 3))]
    assert [(i.number, i.paid_date) for i in earlier] == [("INV/2024/00298", date(2025, 1, 22))]


def test_a_payment_without_a_journal_entry_after_a_matched_credit_note_dates_the_payment(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    """18+: a credit note matched on 10 January, then a payment without a journal entry
    registered on 20 February: the invoice was paid in full on the 20th."""
    odoo = odoo_factory(18)
    azure, _deco = paid_rows(18)
    serve_paid(odoo, [{**azure, "matched_payment_ids": [79]}], partner_rows(18))
    data = load("paid_matchings")
    odoo.always(
        "account.partial.reconcile", "search_read", serve([data["partials"][0]])
    )  # the credit note's
    odoo.always(
        "account.payment", "read", serve([{"id": 79, "date": "2025-02-20", "state": "in_process"}])
    )

    (paid,) = relance_fetch_paid_invoices(source=make_context(), start=START, end=END)

    assert paid.paid_date == date(2025, 2, 20)


@pytest.mark.parametrize(
    ("model", "method", "answer", "expected"),
    [
        ("account.move.line", "read", [{"move_id": [371, "INV/2024/00298"]}], "records with ids"),
        ("account.move.line", "read", {"id": 3711}, "a list of records"),
        (
            "account.partial.reconcile",
            "search_read",
            [{"id": 501, "debit_move_id": [3711, "x"], "credit_move_id": [9901, "y"],
              "max_date": "10/01/2025", "exchange_move_id": False}],
            "dates as YYYY-MM-DD",
        ),
        ("account.payment", "read", [{"id": 77, "date": "le 3 février", "state": "paid"}],
         "dates as YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_a_malformed_answer_about_payments_is_an_unexpected_answer(
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    model: str,
    method: str,
    answer: Any,
    expected: str,
) -> None:
    odoo = odoo_factory(18)
    serve_paid(odoo, paid_rows(18), partner_rows(18))
    odoo.always(model, method, lambda _sent: answer)

    with pytest.raises(ConnectorError) as caught:
        list(relance_fetch_paid_invoices(source=make_context(), start=START, end=END))

    assert f"{model}.{method}" in str(caught.value)
    assert f"unexpected data: expected {expected}" in str(caught.value)


def test_no_paid_invoice_costs_no_partner_read(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(19)
    serve_paid(odoo, [], partner_rows(19))

    assert list(relance_fetch_paid_invoices(source=make_context(), start=START, end=END)) == []
    assert odoo.names() == ["common.version", "account.move.fields_get", "account.move.search_read"]


def after(sent: Sent) -> int | None:
    """The keyset bound of a page (``["id", ">", n]``), ``None`` on the first page."""
    bounds = [leaf[2] for leaf in sent.params["domain"] if leaf[:2] == ["id", ">"]]
    return bounds[0] if bounds else None


def ledger_answer(open_rows: list[dict[str, Any]], paid: list[dict[str, Any]]) -> Any:
    """``account.move.search_read`` answering the open domain or the paid one."""
    open_answer, paid_answer = serve(open_rows), serve(paid)

    def answer(sent: Sent) -> list[dict[str, Any]]:
        states = next(leaf[2] for leaf in sent.params["domain"] if leaf[0] == "payment_state")
        return paid_answer(sent) if "paid" in states else open_answer(sent)

    return answer


@pytest.mark.parametrize("version", [17, 19])
def test_report_dso_counts_the_paid_invoices_in_the_sales(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    odoo_factory: Callable[..., FakeOdoo],
    api_key: str,
    version: int,
) -> None:
    odoo = odoo_factory(version)
    serve_ledger(odoo, invoice_rows(version), partner_rows(version))
    odoo.always("account.move", "search_read", ledger_answer(invoice_rows(version), paid_rows()))
    serve_matchings(odoo)
    path = write_config(
        f'[sources.odoo]\nurl = "{URL}"\ndatabase = "{DB}"\nlogin = "{LOGIN}"\n'
        'api_key_env = "ODOO_API_KEY"\n'
    )

    result = cli("report", "dso", "--config", str(path), "--today", "2025-03-15", "--json")

    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["cannot_give_paid_invoices"] == []
    by_currency = {c["currency"]: c for c in document["currencies"]}
    # Period 2024-12-16 to 2025-03-15. EUR: INV/2025/00087 (1 200.00, open) and the paid
    # INV/2025/00061 (600.00) were sold in it; USD: only the paid INV/2024/00298
    # (1 500.00); INV/2024/00311 (1 800.00 still owed) was issued before it.
    assert (by_currency["EUR"]["receivables"], by_currency["EUR"]["sales"]) == (
        "1200.00",
        "1800.00",
    )
    assert (by_currency["USD"]["receivables"], by_currency["USD"]["sales"]) == (
        "1800.00",
        "1500.00",
    )
    assert by_currency["EUR"]["simple"] == "60.0"  # 1 200 / 1 800 x 90
    paid_reads = [
        sent
        for sent in odoo.model_calls("account.move", "search_read")
        if ["payment_state", "in", ["paid", "in_payment"]] in sent.params["domain"]
    ]
    assert len(paid_reads) == 1
    # The period ends today at the latest, never before the as-of day.
    (issued_by,) = [leaf for leaf in paid_reads[0].params["domain"] if leaf[0] == "invoice_date"]
    assert issued_by[1] == "<="
    assert issued_by[2] >= "2025-03-15"


@pytest.mark.parametrize("version", [17, 18])
def test_report_activity_credits_an_odoo_payment_to_the_reminder_before_it(
    cli: Callable[..., Any],
    write_config: Callable[[str], Path],
    tmp_path: Path,
    odoo_factory: Callable[..., FakeOdoo],
    api_key: str,
    version: int,
) -> None:
    """INV/2025/00061 was reminded on 28 January and paid on 3 February: the recovery is
    credited to that reminder, which needs the payment's day."""
    odoo = odoo_factory(version)
    serve_ledger(odoo, invoice_rows(version), partner_rows(version))
    odoo.always("account.move", "search_read", ledger_answer(invoice_rows(version), paid_rows()))
    serve_matchings(odoo)
    history = tmp_path / "history.sqlite3"
    reminder = sent("first", {"405": "first"}, on=date(2025, 1, 28), who="45")
    reminder = reminder.model_copy(update={"source": "odoo"})
    intent = reminder.model_copy(update={"type": EventType.INTENT, "id": "intent-405"})
    with SQLiteStore(history) as store:
        store.claim(intent)
        store.settle(reminder.model_copy(update={"settles": intent.id}))
    path = write_config(
        f'[history]\npath = "{history}"\n'
        f'[sources.odoo]\nurl = "{URL}"\ndatabase = "{DB}"\nlogin = "{LOGIN}"\n'
        'api_key_env = "ODOO_API_KEY"\n'
    )

    result = cli("report", "activity", "--config", str(path), "--today", "2025-03-15", "--json")

    assert result.code == 0, result.err
    (first,) = [r for r in json.loads(result.out)["recovered"] if r["level"] == "first"]
    assert (first["currency"], first["invoices"], first["amount"]) == ("EUR", 1, "600.00")
