"""Reading open invoices and customers from Odoo 16-19: requests sent, records built."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from relance import Balance, CustomerKind, DocumentKind, Instalment, InvoiceStatus, PluginContext
from relance_odoo import relance_fetch_invoices, relance_refresh_balances

from .conftest import FakeOdoo, Sent, invoice_rows, partner_rows, serve, serve_ledger

OPEN_DOMAIN = [
    ["move_type", "in", ["out_invoice", "out_refund"]],
    ["state", "=", "posted"],
    ["payment_state", "in", ["not_paid", "partial", "blocked"]],
]
MOVE_FIELDS = [
    "name", "move_type", "state", "payment_state", "payment_reference", "invoice_date",
    "invoice_date_due", "amount_total", "amount_residual", "currency_id", "partner_id",
    "commercial_partner_id", "invoice_payment_term_id", "company_id", "write_date",
]  # fmt: skip
PARTNER_FIELDS = [
    "name", "email", "phone", "lang", "vat", "company_registry", "street", "street2", "zip",
    "city", "country_code", "is_company", "parent_id", "commercial_partner_id", "type", "active",
]  # fmt: skip
BLOCKED_DOMAIN = [
    ["blocked", "=", True],
    ["account_type", "=", "asset_receivable"],
    ["parent_state", "=", "posted"],
    ["reconciled", "=", False],
    ["move_id.move_type", "in", ["out_invoice", "out_refund"]],
]


def expected_names(version: int, *, blocked_search: bool) -> list[str]:
    names = ["common.version"]
    if version < 19:
        names.append("common.authenticate")
    names += ["account.move.fields_get", "account.move.search_read", "account.move.line.fields_get"]
    if blocked_search:
        names.append("account.move.line.search_read")
    names += ["account.payment.term.read", "res.partner.fields_get", "res.partner.search_read"]
    return names


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_open_invoices_and_their_customers_are_read_in_batches(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    odoo = odoo_factory(version)
    serve_ledger(odoo, invoice_rows(version), partner_rows(version))

    invoices = list(relance_fetch_invoices(source=make_context(company_ids=[1]), since=None))

    assert odoo.names() == expected_names(version, blocked_search=version <= 17)
    (moves,) = odoo.model_calls("account.move", "search_read")
    assert moves.params == {
        "domain": [*OPEN_DOMAIN, ["company_id", "in", [1]]],
        "fields": MOVE_FIELDS[:-1] + (["no_followup"] if version >= 19 else []) + ["write_date"],
        "order": "id asc",
        "limit": 500,
    }
    assert moves.context == {"allowed_company_ids": [1]}
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
    (terms,) = odoo.model_calls("account.payment.term", "read")
    assert (terms.ids, terms.params) == ([4], {"fields": ["line_ids"]})
    for fields_get in odoo.model_calls(method="fields_get"):
        assert fields_get.params == {"attributes": ["type"]}

    azure, deco = invoices
    assert (azure.source, azure.id, azure.number, azure.kind) == (
        "odoo",
        "398",
        "INV/2024/00311",
        DocumentKind.INVOICE,
    )
    assert (azure.currency, azure.total, azure.residual, azure.status) == (
        "USD",
        Decimal("3000.0"),
        Decimal("1800.0"),
        InvoiceStatus.PARTIAL,
    )
    assert (azure.issue_date, azure.due_date, azure.payment_reference) == (
        date(2024, 12, 2),
        date(2025, 1, 31),
        "INV/2024/00311",
    )
    assert (azure.disputed, azure.instalments) == (False, ())
    customer = azure.customer
    assert (customer.id, customer.name, customer.kind) == (
        "14",
        "Azure Interior",
        CustomerKind.BUSINESS,
    )
    assert (customer.language, customer.country, customer.vat_number) == (
        "fr_FR",
        "FR",
        "FR23334175221",
    )
    assert customer.address is not None
    assert (customer.address.lines, customer.address.postal_code, customer.address.city) == (
        ("12 rue de la Paix",),
        "75002",
        "Paris",
    )
    billing = customer.billing_contact
    assert billing is not None
    assert (billing.name, billing.emails, billing.role) == (
        "Comptabilité fournisseurs",
        ("compta@azure-interior.example",),
        "billing",
    )
    assert billing.phone == ("+33 6 12 34 56 78" if version <= 18 else None)
    assert [contact.emails for contact in customer.contacts] == [
        ("compta@azure-interior.example",),
        ("contact@azure-interior.example",),
    ]
    assert azure.contact == billing

    assert (deco.id, deco.currency, deco.status, deco.residual) == (
        "412",
        "EUR",
        InvoiceStatus.OPEN,
        Decimal("1200.0"),
    )
    assert deco.customer.billing_contact is not None
    assert deco.customer.billing_contact.emails == ("info@deco-addict.example",)
    assert (deco.customer.language, deco.customer.country, deco.contact) == ("en_US", "US", None)


@pytest.mark.parametrize("version", [16, 17])
def test_no_follow_up_on_a_receivable_line_marks_the_invoice_disputed(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    odoo = odoo_factory(version)
    blocked = [{"id": 2207, "move_id": [412, "INV/2025/00087"]}]
    serve_ledger(odoo, invoice_rows(version), partner_rows(version), blocked=blocked)

    azure, deco = relance_fetch_invoices(source=make_context(), since=None)

    (search,) = odoo.model_calls("account.move.line", "search_read")
    assert search.params == {
        "domain": BLOCKED_DOMAIN,
        "fields": ["move_id"],
        "order": "id asc",
        "limit": 500,
    }
    assert search.context is None
    assert (azure.disputed, deco.disputed) == (False, True)
    assert deco.dispute_reason == "excluded from follow-up in Odoo (No Follow-up)"


@pytest.mark.parametrize(("version", "enterprise"), [(19, False), (18, True)])
def test_no_followup_on_the_invoice_marks_it_disputed(
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    version: int,
    enterprise: bool,
) -> None:
    odoo = odoo_factory(version, enterprise=enterprise)
    rows = invoice_rows(version)
    for row in rows:
        row["no_followup"] = row["id"] == 398
    serve_ledger(odoo, rows, partner_rows(version))

    azure, deco = relance_fetch_invoices(source=make_context(), since=None)

    assert (azure.disputed, deco.disputed) == (True, False)
    assert "no_followup" in odoo.model_calls("account.move", "search_read")[0].params["fields"]
    assert odoo.model_calls("account.move.line", "search_read") == []


def test_without_company_ids_no_context_and_no_company_filter_is_sent(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(17)
    serve_ledger(odoo, invoice_rows(17), partner_rows(17))

    list(relance_fetch_invoices(source=make_context(), since=None))

    (moves,) = odoo.model_calls("account.move", "search_read")
    assert moves.params["domain"] == OPEN_DOMAIN
    assert moves.context is None
    assert "context" not in moves.body["params"]["args"][6]


def test_an_incremental_sync_reads_what_changed_since_with_an_overlap(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(19)
    serve_ledger(odoo, invoice_rows(19)[:1], partner_rows(19))
    since = datetime(2025, 3, 15, 0, 0, tzinfo=ZoneInfo("Europe/Paris"))

    (invoice,) = relance_fetch_invoices(source=make_context(overlap_minutes=15), since=since)

    (moves,) = odoo.model_calls("account.move", "search_read")
    assert moves.params["domain"] == [*OPEN_DOMAIN, ["write_date", ">=", "2025-03-14 22:45:00"]]
    assert invoice.id == "398"


@pytest.mark.parametrize("version", [16, 19])
def test_requests_are_bounded_by_pages_of_invoices_and_of_customers(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    odoo = odoo_factory(version)
    template = invoice_rows(version)[1]
    customers = [
        {
            **partner_rows(version)[2],
            "id": 100 + n,
            "name": f"Client {n}",
            "commercial_partner_id": [100 + n, f"Client {n}"],
        }
        for n in range(5)
    ]
    invoices = [
        {**template, "id": 500 + n, "name": f"INV/2025/{n:05}", "invoice_payment_term_id": False,
         "partner_id": [100 + n % 5, f"Client {n % 5}"], "commercial_partner_id": [100 + n % 5, f"Client {n % 5}"]}
        for n in range(7)
    ]  # fmt: skip
    serve_ledger(odoo, invoices, customers)
    page = 2

    fetched = list(relance_fetch_invoices(source=make_context(page_size=page), since=None))

    assert [invoice.id for invoice in fetched] == [str(500 + n) for n in range(7)]
    assert len({id(invoice.customer) for invoice in fetched}) == 5  # one object per customer
    move_pages = odoo.model_calls("account.move", "search_read")
    assert [call.params["domain"][len(OPEN_DOMAIN) :] for call in move_pages] == [
        [],
        [["id", ">", 501]],
        [["id", ">", 503]],
        [["id", ">", 505]],
    ]
    assert {call.params["limit"] for call in move_pages} == {2}
    assert all("offset" not in call.params for call in odoo.model_calls(method="search_read"))
    partner_pages = odoo.model_calls("res.partner", "search_read")
    assert [call.params["domain"][-1] for call in partner_pages[1:]] == [
        ["id", ">", 101],
        ["id", ">", 103],
    ]
    constant = 6  # version, login, 3 x fields_get, blocked lines (16-17); 19: no login, no lines
    assert len(odoo.sent) <= math.ceil(7 / page) + math.ceil(5 / page) + constant
    assert len(odoo.sent) == 4 + 3 + (6 if version <= 17 else 4)


@pytest.mark.parametrize("version", [16, 19])
def test_an_invoice_paid_during_the_fetch_does_not_hide_the_next_one(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    """Pages are asked by id: a record leaving the domain between two pages (paid while
    relance reads) cannot shift the next one out of reach, as an offset would."""
    odoo = odoo_factory(version)
    rows = invoice_rows(version)
    serve_ledger(odoo, rows, partner_rows(version))
    pages = serve(rows)

    def paid_after_first_page(sent: Sent) -> list[dict[str, Any]]:
        answer = pages(sent)
        if len(odoo.model_calls("account.move", "search_read")) == 1:
            rows.pop(0)  # the first invoice read is paid before the next page is asked
        return answer

    odoo.always("account.move", "search_read", paid_after_first_page)

    fetched = list(relance_fetch_invoices(source=make_context(page_size=1), since=None))

    assert [invoice.id for invoice in fetched] == ["398", "412"]


def test_instalments_come_from_the_receivable_lines(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(18)
    rows = invoice_rows(
        18,
        **{
            "412": {
                "invoice_payment_term_id": [5, "30% Now, Balance 60 Days"],
                "amount_residual": 840.0,
                "payment_state": "partial",
            }
        },
    )
    serve_ledger(odoo, rows, partner_rows(18))
    odoo.always("account.payment.term", "read", serve([{"id": 5, "line_ids": [10, 11]}]))
    lines = [
        {
            "id": 2301,
            "move_id": [412, "INV/2025/00087"],
            "date_maturity": "2025-03-11",
            "amount_currency": 840.0,
            "amount_residual_currency": 840.0,
        },
        {
            "id": 2300,
            "move_id": [412, "INV/2025/00087"],
            "date_maturity": "2025-01-10",
            "amount_currency": 360.0,
            "amount_residual_currency": 0.0,
        },
    ]
    odoo.always("account.move.line", "search_read", serve(lines))

    _, deco = relance_fetch_invoices(source=make_context(), since=None)

    (terms,) = odoo.model_calls("account.payment.term", "read")
    assert terms.ids == [5]
    (search,) = odoo.model_calls("account.move.line", "search_read")
    assert search.params == {
        "domain": [["move_id", "in", [412]], ["account_type", "=", "asset_receivable"]],
        "fields": ["move_id", "date_maturity", "amount_currency", "amount_residual_currency"],
        "order": "id asc",
        "limit": 500,
    }
    assert deco.instalments == (
        Instalment(due_date=date(2025, 1, 10), amount=Decimal("360.0"), residual=Decimal("0.0")),
        Instalment(due_date=date(2025, 3, 11), amount=Decimal("840.0"), residual=Decimal("840.0")),
    )


def test_a_credit_note_is_read_as_a_credit(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(17)
    refund = {
        "move_type": "out_refund",
        "name": "RINV/2025/00004",
        "amount_total": 200.0,
        "amount_residual": 200.0,
        "invoice_payment_term_id": False,
    }
    serve_ledger(odoo, invoice_rows(17, **{"412": refund}), partner_rows(17))

    _, credit = relance_fetch_invoices(source=make_context(), since=None)

    assert (credit.kind, credit.number, credit.signed_residual) == (
        DocumentKind.CREDIT_NOTE,
        "RINV/2025/00004",
        Decimal("-200.0"),
    )


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_balances_are_read_again_in_pages_for_exactly_the_ids_asked(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    odoo = odoo_factory(version)
    current = [
        {
            "id": 398,
            "state": "posted",
            "payment_state": "partial",
            "amount_residual": 300.0,
            "currency_id": [2, "USD"],
            "no_followup": False,
        },
        {
            "id": 412,
            "state": "posted",
            "payment_state": "in_payment",
            "amount_residual": 0.0,
            "currency_id": [1, "EUR"],
            "no_followup": True,
        },
        {
            "id": 777,
            "state": "posted",
            "payment_state": "blocked",
            "amount_residual": 80.0,
            "currency_id": [1, "EUR"],
            "no_followup": False,
        },
    ]
    odoo.always("account.move", "search_read", serve(current))
    # 16-17: "No Follow-up" ticked on 398's receivable line since the fetch
    odoo.always("account.move.line", "search_read", serve([{"id": 7, "move_id": [398, "x"]}]))

    balances = relance_refresh_balances(
        source=make_context(page_size=2), invoice_ids=["412", "398", "777", "csv-1"]
    )

    searches = odoo.model_calls("account.move", "search_read")
    fields = ["state", "payment_state", "amount_residual", "currency_id"]
    fields += ["no_followup"] if version >= 19 else []
    assert [search.params for search in searches] == [
        {"domain": [["id", "in", ids]], "fields": fields, "order": "id asc", "limit": len(ids)}
        for ids in ([398, 412], [777])
    ]
    lines = odoo.model_calls("account.move.line", "search_read")
    if version <= 17:
        assert [line.params["domain"][-1] for line in lines] == [
            ["move_id", "in", [398, 412]],
            ["move_id", "in", [777]],
        ]
        assert lines[0].params["domain"][:-1] == BLOCKED_DOMAIN
    else:
        assert lines == []
    assert balances == [
        Balance(
            invoice_id="398",
            residual=Decimal("300.0"),
            currency="USD",
            status=InvoiceStatus.PARTIAL,
            disputed=version <= 17,
        ),
        Balance(
            invoice_id="412",
            residual=Decimal("0.0"),
            currency="EUR",
            status=InvoiceStatus.IN_PAYMENT,
            disputed=version >= 19,
        ),
        Balance(invoice_id="777", residual=Decimal("80.0"), currency="EUR", disputed=True),
    ]


@pytest.mark.parametrize("version", [18, 19])
def test_an_invoice_whose_payment_is_blocked_is_read_and_held_as_disputed(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    """Odoo 18+ "payment blocked": the money is still owed (the reports count it), but
    it is not chased."""
    odoo = odoo_factory(version)
    serve_ledger(
        odoo, invoice_rows(version, **{"412": {"payment_state": "blocked"}}), partner_rows(version)
    )

    azure, deco = relance_fetch_invoices(source=make_context(), since=None)

    assert (azure.disputed, azure.dispute_reason) == (False, None)
    assert (deco.disputed, deco.dispute_reason) == (True, "payment blocked in Odoo")
    assert deco.status is InvoiceStatus.OPEN


def test_a_country_code_relance_does_not_know_is_left_out_with_a_warning(
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Odoo lets users add countries; an unknown code must not stop the whole read."""
    odoo = odoo_factory(17)
    partners = partner_rows(17)
    partners[0]["country_code"] = "XK1"
    serve_ledger(odoo, invoice_rows(17), partners)

    invoices = relance_fetch_invoices(source=make_context(), since=None)

    azure = next(i.customer for i in invoices if i.customer.id == "14")
    assert (azure.country, azure.address and azure.address.country) == (None, None)
    assert azure.address is not None
    assert azure.address.city == "Paris"
    assert "Odoo partner 14: country code 'XK1' is not an ISO 3166 code; left out" in caplog.text


def phone_only(row: dict[str, Any], version: int) -> dict[str, Any]:
    """An invoice contact with a phone number and no e-mail address."""
    row.update(email=False, phone="+33 1 84 88 00 52")
    if version <= 18:
        row["mobile"] = "+33 6 12 34 56 78"
    return row


@pytest.mark.parametrize("version", [16, 19])
def test_an_invoice_contact_without_e_mail_leaves_the_reminders_to_the_company_s_e_mail(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    """Reminders must not go by post because the accounting contact has only a phone."""
    odoo = odoo_factory(version)
    partners = partner_rows(version)
    phone_only(partners[1], version)  # 52, Comptabilité fournisseurs (type invoice)
    serve_ledger(odoo, invoice_rows(version), partners)

    azure, _deco = relance_fetch_invoices(source=make_context(), since=None)

    customer = azure.customer
    billing = customer.billing_contact
    assert billing is not None
    assert (billing.name, billing.emails, billing.phone, billing.role) == (
        "Azure Interior",
        ("contact@azure-interior.example",),
        "+33 1 84 88 00 00",
        "billing",
    )
    # The accounting contact stays, for its phone number, without the billing role.
    assert [(c.name, c.emails, c.phone, c.role) for c in customer.contacts] == [
        ("Azure Interior", ("contact@azure-interior.example",), "+33 1 84 88 00 00", "billing"),
        ("Comptabilité fournisseurs", (), "+33 1 84 88 00 52", None),
    ]
    # The invoice is addressed to that contact, which has no e-mail: relance uses the billing one.
    assert azure.contact is not None
    assert azure.contact.emails == ()
    (partners_read,) = odoo.model_calls("res.partner", "search_read")
    assert partners_read.params["domain"] == [
        "|",
        ["id", "in", [14, 45, 52]],
        "&",
        ["commercial_partner_id", "in", [14, 45]],
        ["type", "=", "invoice"],
    ]


def test_invoice_contacts_with_an_e_mail_are_the_billing_contacts_before_those_without(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(17)
    partners = partner_rows(17)
    phone_only(partners[1], 17)  # 52: phone only
    second = dict(partners[1], id=53, name="Service facturation", phone=False, mobile=False)
    second.update(
        email="factures@azure-interior.example",
        display_name="Azure Interior, Service facturation",
    )
    partners.insert(2, second)
    serve_ledger(odoo, invoice_rows(17), partners)
    # 53 is read by the invoice-contact leaf of the domain, which the fake's ``serve``
    # (filtering on the id leaf only) would drop: the whole answer is given as is.
    odoo.always("res.partner", "search_read", partners)

    azure, _deco = relance_fetch_invoices(source=make_context(), since=None)

    customer = azure.customer
    assert customer.billing_contact is not None
    assert customer.billing_contact.emails == ("factures@azure-interior.example",)
    assert [(c.name, c.role) for c in customer.contacts] == [
        ("Service facturation", "billing"),
        ("Comptabilité fournisseurs", None),
        ("Azure Interior", None),
    ]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"id": 4, "line_ids": [9, 10]}, "a list of records"),
        ([4], "a list of records"),
        (None, "a list of records"),
        ([{"line_ids": [9, 10]}], "records with ids"),
    ],
)
def test_a_malformed_payment_term_read_is_an_unexpected_answer_not_a_crash(
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    answer: Any,
    expected: str,
) -> None:
    from relance import ConnectorError

    odoo = odoo_factory(17)
    serve_ledger(odoo, invoice_rows(17), partner_rows(17))
    odoo.always("account.payment.term", "read", answer)

    with pytest.raises(ConnectorError) as raised:
        list(relance_fetch_invoices(source=make_context(), since=None))

    assert str(raised.value) == (
        "Odoo at https://acme.odoo.com answered account.payment.term.read with unexpected "
        f"data: expected {expected}."
    )
    (terms,) = odoo.model_calls("account.payment.term", "read")
    assert (terms.ids, terms.params) == ([4], {"fields": ["line_ids"]})
