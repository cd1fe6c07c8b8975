"""Reading Axonaut: open invoices, their customers, request budget, fresh balances."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
import responses
from responses import matchers

from relance import (
    ConnectorError,
    CustomerKind,
    DocumentKind,
    Invoice,
    InvoiceStatus,
    PluginContext,
)
from relance_axonaut import relance_fetch_invoices, relance_refresh_balances
from relance_axonaut.plugin import client_of

BASE = "https://axonaut.com/api/v2"
OPEN = {"is_paid": "false"}

Fixture = Callable[[str], Any]


def serve_invoices(
    api: responses.RequestsMock, pages: list[list[dict[str, Any]]], query: dict[str, str] = OPEN
) -> None:
    """Answer GET /invoices page by page, then with an empty page."""
    for number, body in enumerate([*pages, []], start=1):
        api.get(
            f"{BASE}/invoices",
            json=body,
            match=[
                matchers.header_matcher({"page": str(number)}),
                matchers.query_param_matcher(query),
            ],
        )


def serve_company(api: responses.RequestsMock, company: dict[str, Any]) -> None:
    api.get(f"{BASE}/companies/{company['id']}", json=company)


def fetch(context: PluginContext, since: datetime | None = None) -> list[Invoice]:
    return list(relance_fetch_invoices(source=context, since=since))


def test_open_invoices_come_with_their_customers(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    fixture: Fixture,
    api_key: str,
) -> None:
    serve_invoices(api, [fixture("invoices_page_1")])
    serve_company(api, fixture("company_28100457"))
    serve_company(api, fixture("company_6801122"))

    partial, unpaid = fetch(make_context())

    assert [(c.request.method, c.request.url) for c in api.calls] == [
        ("GET", f"{BASE}/invoices?is_paid=false"),
        ("GET", f"{BASE}/companies/28100457"),
        ("GET", f"{BASE}/companies/6801122"),
        ("GET", f"{BASE}/invoices?is_paid=false"),
    ]
    assert all(call.request.headers["userApiKey"] == api_key for call in api.calls)
    assert [call.request.headers.get("page") for call in api.calls] == ["1", None, None, "2"]

    assert partial.source == "axonaut"
    assert partial.id == "4812345"
    assert partial.number == "F20250314-10021"
    assert partial.kind is DocumentKind.INVOICE
    assert partial.issue_date == date(2025, 3, 14)
    assert partial.due_date == date(2025, 4, 13)
    assert partial.currency == "EUR"
    assert (partial.total, partial.residual) == (Decimal("1200.00"), Decimal("700.00"))
    assert partial.status is InvoiceStatus.PARTIAL
    assert partial.document_url == (
        "https://axonaut.com/public/invoice/pdf/"
        "5f1c2a9e7b3d4c8e9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f"
    )
    assert partial.days_late(date(2025, 4, 20)) == 7

    customer = partial.customer
    assert (customer.id, customer.name) == ("28100457", "Boulangerie Martin SARL")
    assert customer.kind is CustomerKind.BUSINESS
    assert (customer.language, customer.country) == ("fr", "FR")
    assert customer.address is not None
    assert customer.address.lines == ("12 rue des Lois",)
    assert (customer.address.postal_code, customer.address.city) == ("31000", "Toulouse")
    assert customer.vat_number == "FR12834567890"
    assert customer.registration_number == "83456789000018"
    assert customer.tags == frozenset({"B2B"})
    billing = customer.billing_contact
    assert billing is not None
    assert (billing.name, billing.emails, billing.phone, billing.role, billing.language) == (
        "Sophie Martin",
        ("compta@boulangerie-martin.fr",),
        "0600000000",
        "billing",
        "fr",
    )
    assert [c.name for c in customer.contacts] == ["Sophie Martin", "Paul Martin"]
    assert partial.contact == billing  # billing_address.contact_name: "Sophie Martin"

    assert unpaid.id == "4812377"
    assert unpaid.status is InvoiceStatus.OPEN
    assert (unpaid.total, unpaid.residual) == (Decimal("540.00"), Decimal("540.00"))
    assert unpaid.due_date == date(2025, 5, 2)
    # No employee is flagged billing contact: the first one with an e-mail is the
    # customer's, and the invoice's contact_name ("Marc Lefèvre") is the invoice's own.
    assert unpaid.customer.billing_contact is not None
    assert unpaid.customer.billing_contact.emails == ("julien@atelier-dupuis.fr",)
    assert unpaid.contact is not None
    assert (unpaid.contact.name, unpaid.contact.emails, unpaid.contact.phone) == (
        "Marc Lefèvre",
        ("m.lefevre@atelier-dupuis.fr",),
        "0622222222",
    )


def test_a_customer_is_read_once_and_shared_between_its_invoices(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    first, second = fixture("invoices_page_1")
    second["company"] = first["company"]
    serve_invoices(api, [[first], [second]])
    serve_company(api, fixture("company_28100457"))

    invoices = fetch(make_context())

    assert invoices[0].customer is invoices[1].customer
    company_reads = [c for c in api.calls if "/companies/" in c.request.url]
    assert len(company_reads) == 1


def test_each_invoice_of_a_customer_has_the_contact_it_names(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    """The customer is read once, with the first invoice; a later invoice naming another
    employee still gets that employee as its contact."""
    first, second = fixture("invoices_page_1")
    second["company"] = first["company"]
    second["billing_address"] = {**first["billing_address"], "contact_name": "martin PAUL"}
    third = {**first, "id": 4812399, "number": "F20250410-10040"}
    third["billing_address"] = {**first["billing_address"], "contact_name": "Service comptable"}
    fourth = {**first, "id": 4812400, "number": "F20250411-10041", "billing_address": None}
    serve_invoices(api, [[first, second, third, fourth]])
    serve_company(api, fixture("company_28100457"))

    invoices = fetch(make_context())

    assert [(c.request.method, c.request.url) for c in api.calls] == [
        ("GET", f"{BASE}/invoices?is_paid=false"),
        ("GET", f"{BASE}/companies/28100457"),
        ("GET", f"{BASE}/invoices?is_paid=false"),
    ]
    assert len({id(invoice.customer) for invoice in invoices}) == 1
    contacts = [invoice.contact for invoice in invoices]
    assert [(c.name, c.emails) if c else None for c in contacts] == [
        ("Sophie Martin", ("compta@boulangerie-martin.fr",)),
        ("Paul Martin", ("paul@boulangerie-martin.fr",)),
        None,  # names nobody the company lists
        None,  # names nobody
    ]
    # The customer's billing contact does not depend on which invoice came first.
    billing = invoices[1].customer.billing_contact
    assert billing is not None
    assert billing.name == "Sophie Martin"


@pytest.mark.parametrize(
    ("invoices", "companies", "page_size"), [(7, 3, 3), (10, 10, 4), (5, 1, 5)]
)
def test_the_request_count_is_bounded(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    fixture: Fixture,
    invoices: int,
    companies: int,
    page_size: int,
) -> None:
    template = fixture("invoices_page_1")[0]
    company_ids = [28100000 + n for n in range(companies)]
    rows = [
        {
            **template,
            "id": 5000000 + n,
            "company": {**template["company"], "id": company_ids[n % companies]},
        }
        for n in range(invoices)
    ]
    serve_invoices(api, [rows[i : i + page_size] for i in range(0, invoices, page_size)])
    for company_id in company_ids:
        serve_company(api, {**fixture("company_28100457"), "id": company_id})
    context = make_context()

    assert len(fetch(context)) == invoices
    first_run = len(api.calls)
    assert first_run == math.ceil(invoices / page_size) + 1 + companies

    # A second read in the same run asks for the lists again, never for the customers.
    serve_invoices(api, [rows[i : i + page_size] for i in range(0, invoices, page_size)])
    assert len(fetch(context)) == invoices
    assert len(api.calls) - first_run == math.ceil(invoices / page_size) + 1


def test_unix_second_dates_string_amounts_and_tax_rates_are_read(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    row = fixture("invoices_page_1")[0]
    row.update({"date": "1741910400", "due_date": "1744502400", "paid_date": None})
    row.update({"total": "1200.00", "outstanding_amount": "700.00", "pre_tax_amount": "1000.00"})
    line = row["invoice_lines"][0]
    line["tax_rates"] = line.pop("taxes")
    serve_invoices(api, [[row]])
    serve_company(api, fixture("company_28100457"))

    (invoice,) = fetch(make_context())

    assert (invoice.issue_date, invoice.due_date) == (date(2025, 3, 14), date(2025, 4, 13))
    assert (invoice.total, invoice.residual) == (Decimal("1200.00"), Decimal("700.00"))
    assert invoice.status is InvoiceStatus.PARTIAL


def test_an_incremental_sync_asks_for_invoices_updated_since_the_day_before(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    since = datetime(2025, 4, 14, 6, 30, tzinfo=timezone(timedelta(hours=2)))
    serve_invoices(
        api, [fixture("invoices_page_1")[1:]], {"is_paid": "false", "updated_after": "13/04/2025"}
    )
    serve_company(api, fixture("company_6801122"))

    assert [i.id for i in fetch(make_context(), since)] == ["4812377"]


def test_since_is_taken_in_the_company_timezone(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    since = datetime(2025, 4, 13, 22, 30, tzinfo=UTC)  # already the 14th in Paris
    serve_invoices(api, [], {"is_paid": "false", "updated_after": "13/04/2025"})
    assert fetch(make_context(), since) == []


def test_documents_that_ask_for_no_money_are_skipped_without_reading_their_customer(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    template = fixture("invoices_page_1")[0]
    credit_like = {**template, "id": 1, "total": -960.0, "outstanding_amount": -960.0}
    paid = {**template, "id": 2, "outstanding_amount": 0, "paid_date": "2025-04-18T00:00:00+02:00"}
    serve_invoices(api, [[credit_like, paid]])

    assert fetch(make_context()) == []
    assert all("/companies/" not in call.request.url for call in api.calls)


def test_a_paid_date_with_money_still_outstanding_is_never_reminded(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    row = {**fixture("invoices_page_1")[0], "paid_date": "2025-04-19T00:00:00+02:00"}
    serve_invoices(api, [[row]])
    serve_company(api, fixture("company_28100457"))

    (invoice,) = fetch(make_context())
    assert invoice.status is InvoiceStatus.IN_PAYMENT


def test_a_missing_outstanding_amount_means_the_whole_total(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    row = {**fixture("invoices_page_1")[1], "outstanding_amount": None}
    serve_invoices(api, [[row]])
    serve_company(api, fixture("company_6801122"))

    (invoice,) = fetch(make_context())
    assert invoice.residual == Decimal("540.00")
    assert invoice.status is InvoiceStatus.OPEN


def test_a_consumer_and_an_invalid_email(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    fixture: Fixture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    company = fixture("company_28100457")
    company["isB2C"] = True
    company["language"] = "en"
    company["address_country"] = "Allemagne"
    company["employees"][0]["email"] = "compta at boulangerie"
    serve_invoices(api, [fixture("invoices_page_1")[:1]])
    serve_company(api, company)

    with caplog.at_level(logging.WARNING):
        (invoice,) = fetch(make_context())

    customer = invoice.customer
    assert customer.kind is CustomerKind.CONSUMER
    assert (customer.language, customer.country) == ("en", "DE")
    # Sophie's address is unusable: Paul, who has one, comes first; nobody is "billing".
    assert [(c.name, c.emails, c.role) for c in customer.contacts] == [
        ("Paul Martin", ("paul@boulangerie-martin.fr",), None),
        ("Sophie Martin", (), None),
    ]
    assert "Axonaut company 28100457, employee 15523001: e-mail ignored" in caplog.text


def test_employees_are_listed_when_the_company_does_not_embed_them(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    company = fixture("company_28100457")
    employees = company.pop("employees")
    serve_invoices(api, [fixture("invoices_page_1")[:1]])
    serve_company(api, company)
    for number, body in ((1, employees), (2, [])):
        api.get(
            f"{BASE}/companies/28100457/employees",
            json=body,
            match=[matchers.header_matcher({"page": str(number)})],
        )

    (invoice,) = fetch(make_context())
    assert invoice.customer.billing_contact is not None
    assert invoice.customer.billing_contact.name == "Sophie Martin"


def test_a_company_axonaut_no_longer_has_is_kept_without_contacts(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    fixture: Fixture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    serve_invoices(api, [fixture("invoices_page_1")[:1]])
    not_found = {"error": {"message": "Company not found", "status_code": "404"}}
    api.get(f"{BASE}/companies/28100457", status=404, json=not_found)

    with caplog.at_level(logging.WARNING):
        (invoice,) = fetch(make_context())

    assert (invoice.customer.id, invoice.customer.name) == ("28100457", "Boulangerie Martin SARL")
    assert invoice.customer.contacts == ()
    assert "Axonaut company 28100457 not found" in caplog.text


def test_a_bad_date_names_the_invoice(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    row = {**fixture("invoices_page_1")[0], "due_date": "next week"}
    serve_invoices(api, [[row]])
    serve_company(api, fixture("company_28100457"))
    api.assert_all_requests_are_fired = False

    with pytest.raises(ConnectorError) as caught:
        fetch(make_context())
    assert str(caught.value) == (
        "Axonaut invoice F20250314-10021 (id 4812345): 'next week' is not a date "
        "(expected ISO 8601, DD/MM/YYYY or Unix seconds)"
    )


def test_an_invoice_without_a_customer_is_reported(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    row = fixture("invoices_page_1")[0]
    del row["company"]
    serve_invoices(api, [[row]])
    api.assert_all_requests_are_fired = False

    with pytest.raises(ConnectorError) as caught:
        fetch(make_context())
    assert str(caught.value) == (
        "Axonaut invoice F20250314-10021 (id 4812345): it names no customer (company.id)."
    )


def test_the_run_uses_one_session(make_context: Callable[..., PluginContext], api_key: str) -> None:
    context = make_context()
    assert client_of(context) is client_of(context)
    assert client_of(context).session.headers["userApiKey"] == api_key


# -- fresh balances before sending


def test_balances_are_read_invoice_by_invoice_for_a_few_ids(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    fixture: Fixture,
    api_key: str,
) -> None:
    partial, unpaid = fixture("invoices_page_1")
    unpaid["outstanding_amount"] = 0.0
    unpaid["paid_date"] = "2025-04-19T00:00:00+02:00"
    api.get(
        f"{BASE}/invoices/4812345",
        json=partial,
        match=[matchers.header_matcher({"userApiKey": api_key})],
    )
    api.get(f"{BASE}/invoices/4812377", json=unpaid)

    balances = list(
        relance_refresh_balances(source=make_context(), invoice_ids=["4812377", "4812345"])
    )

    assert [(b.invoice_id, b.residual, b.currency, b.status) for b in balances] == [
        ("4812345", Decimal("700.00"), "EUR", InvoiceStatus.PARTIAL),
        ("4812377", Decimal("0.00"), "EUR", InvoiceStatus.PAID),
    ]
    assert len(api.calls) == 2


def test_an_invoice_axonaut_no_longer_has_gets_no_balance(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    fixture: Fixture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.get(f"{BASE}/invoices/999", status=404, json=fixture("error_404_invoice"))
    api.get(f"{BASE}/invoices/4812345", json=fixture("invoices_page_1")[0])

    with caplog.at_level(logging.WARNING):
        balances = list(
            relance_refresh_balances(source=make_context(), invoice_ids=["999", "4812345"])
        )

    assert [b.invoice_id for b in balances] == ["4812345"]
    assert "Axonaut invoice 999 no longer exists; not reminded" in caplog.text
    assert len(api.calls) == 2


def test_many_balances_are_read_from_the_open_list_until_all_are_found(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    page = fixture("invoices_page_1")
    api.get(
        f"{BASE}/invoices",
        json=page,
        match=[matchers.header_matcher({"page": "1"}), matchers.query_param_matcher(OPEN)],
    )

    context = make_context(refresh_per_invoice_max=1)
    balances = list(relance_refresh_balances(source=context, invoice_ids=["4812377", "4812345"]))

    assert sorted(b.invoice_id for b in balances) == ["4812345", "4812377"]
    assert len(api.calls) == 1


def test_an_id_missing_from_the_open_list_is_paid(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    serve_invoices(api, [fixture("invoices_page_1")])

    context = make_context(refresh_per_invoice_max=0)
    balances = list(relance_refresh_balances(source=context, invoice_ids=["4812345", "4700001"]))

    assert [b.invoice_id for b in balances] == ["4812345"]
    assert len(api.calls) == 2


def test_ids_that_are_not_axonaut_ids_are_not_asked_for(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    assert list(relance_refresh_balances(source=make_context(), invoice_ids=["F-1"])) == []
    assert len(api.calls) == 0
