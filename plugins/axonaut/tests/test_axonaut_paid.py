"""Paid invoices for the reports (``relance_fetch_paid_invoices``) from Axonaut."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from responses import matchers

from relance import ConnectorError, DocumentKind, Invoice, InvoiceStatus, PluginContext
from relance.testing.cli import CliRunner
from relance_axonaut import relance_fetch_invoices, relance_fetch_paid_invoices

BASE = "https://axonaut.com/api/v2"
START, END = date(2025, 1, 1), date(2025, 3, 31)
PAID = {"is_paid": "true", "date_before": "01/04/2025"}  # the day after END

Fixture = Callable[[str], Any]


def serve_pages(
    api: responses.RequestsMock, pages: list[list[dict[str, Any]]], query: dict[str, str]
) -> None:
    """Answer GET /invoices with ``query`` page by page, then with an empty page."""
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


def fetch_paid(context: PluginContext, start: date = START, end: date = END) -> list[Invoice]:
    return list(relance_fetch_paid_invoices(source=context, start=start, end=end))


def requests_sent(
    api: responses.RequestsMock,
) -> list[tuple[str, dict[str, list[str]], str | None]]:
    """Each request as (path, decoded query, ``page`` header)."""
    sent = []
    for call in api.calls:
        url = urlsplit(call.request.url or "")
        sent.append((url.path, parse_qs(url.query), call.request.headers.get("page")))
    return sent


def test_invoices_paid_in_the_period_come_with_their_payment_day_and_customer(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    fixture: Fixture,
    api_key: str,
) -> None:
    serve_pages(api, [fixture("paid_invoices_page_1"), fixture("paid_invoices_page_2")], PAID)
    serve_company(api, fixture("company_28100457"))
    serve_company(api, fixture("company_6801122"))

    paid = fetch_paid(make_context())

    paid_query = {"is_paid": ["true"], "date_before": ["01/04/2025"]}
    # Garage Petit (5320077), whose only invoice was paid before the period, is not read.
    assert requests_sent(api) == [
        ("/api/v2/invoices", paid_query, "1"),
        ("/api/v2/companies/28100457", {}, None),
        ("/api/v2/companies/6801122", {}, None),
        ("/api/v2/invoices", paid_query, "2"),
        ("/api/v2/invoices", paid_query, "3"),
    ]
    assert all(call.request.headers["userApiKey"] == api_key for call in api.calls)
    # Kept: F20250130-10003, paid on 4 March; F20250320-10027, paid on a day Axonaut does
    # not give and issued in the period. Left out: F20241105-09987 (paid 10 December),
    # F20250321-10029 (a total of -120.00), F20250401-10040 (issued after the end, with
    # no payment day) and F20250325-10031 (paid 18 April, after the end).
    assert [
        (i.source, i.id, i.number, i.kind, i.total, i.residual, i.status, i.paid_date) for i in paid
    ] == [
        (
            "axonaut",
            "4811020",
            "F20250130-10003",
            DocumentKind.INVOICE,
            Decimal("840.00"),
            Decimal(0),
            InvoiceStatus.PAID,
            date(2025, 3, 4),
        ),
        (
            "axonaut",
            "4812290",
            "F20250320-10027",
            DocumentKind.INVOICE,
            Decimal("300.00"),
            Decimal(0),
            InvoiceStatus.PAID,
            None,
        ),
    ]
    martin, dupuis = paid
    assert (martin.issue_date, martin.due_date, martin.currency) == (
        date(2025, 1, 30),
        date(2025, 3, 1),
        "EUR",
    )
    assert (dupuis.issue_date, dupuis.due_date) == (date(2025, 3, 20), date(2025, 4, 19))
    assert (martin.customer.id, martin.customer.name) == ("28100457", "Boulangerie Martin SARL")
    assert (dupuis.customer.id, dupuis.customer.name) == ("6801122", "Atelier Dupuis SAS")
    assert martin.contact is not None
    assert (martin.contact.name, martin.contact.emails) == (
        "Sophie Martin",
        ("compta@boulangerie-martin.fr",),
    )
    assert dupuis.contact is not None
    assert dupuis.contact.name == "Marc Lefèvre"


def test_paid_invoices_share_the_customers_of_the_open_invoices(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    serve_pages(api, [fixture("invoices_page_1")], {"is_paid": "false"})
    serve_pages(api, [fixture("paid_invoices_page_1")[0:1]], PAID)
    serve_company(api, fixture("company_28100457"))
    serve_company(api, fixture("company_6801122"))
    context = make_context()

    open_items = list(relance_fetch_invoices(source=context, since=None))
    (paid,) = fetch_paid(context)

    assert paid.customer is open_items[0].customer
    company_reads = [path for path, _, _ in requests_sent(api) if "/companies/" in path]
    assert company_reads == ["/api/v2/companies/28100457", "/api/v2/companies/6801122"]


@pytest.mark.parametrize(
    ("start", "end", "date_before"),
    [
        (date(2024, 1, 1), date(2024, 12, 31), "01/01/2025"),
        (date(2024, 3, 1), date(2024, 2, 29), "01/03/2024"),
        (date(2025, 4, 1), date(2025, 4, 20), "21/04/2025"),
    ],
)
def test_the_list_is_bounded_by_the_day_after_the_end_in_french_format(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    start: date,
    end: date,
    date_before: str,
) -> None:
    serve_pages(api, [], {"is_paid": "true", "date_before": date_before})

    assert fetch_paid(make_context(), start, end) == []
    assert len(api.calls) == 1


def test_a_payment_day_in_unix_seconds_and_contradictory_rows(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    fixture: Fixture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Axonaut's spec writes dates as Unix seconds (reference §2.4); a "paid" invoice
    that still shows something outstanding is not paid, and is left out."""
    seconds, outstanding = fixture("paid_invoices_page_1")[0:2]
    seconds.update(date="1738191600", due_date="1740783600", paid_date="1741042800")
    outstanding.update(company=seconds["company"], outstanding_amount=100.0)
    serve_pages(api, [[seconds, outstanding]], PAID)
    serve_company(api, fixture("company_28100457"))

    with caplog.at_level(logging.INFO, logger="relance_axonaut"):
        (paid,) = fetch_paid(make_context())

    # 1741042800 is 2025-03-03T23:00:00Z, i.e. 4 March in Paris.
    assert (paid.issue_date, paid.due_date, paid.paid_date) == (
        date(2025, 1, 30),
        date(2025, 3, 1),
        date(2025, 3, 4),
    )
    assert "F20241105-09987 (id 4810555) skipped from the paid invoices" in caplog.text


def test_an_unreadable_payment_day_names_the_invoice(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], fixture: Fixture
) -> None:
    row = fixture("paid_invoices_page_1")[0]
    row["paid_date"] = "le 4 mars"
    api.get(
        f"{BASE}/invoices",
        json=[row],
        match=[matchers.header_matcher({"page": "1"}), matchers.query_param_matcher(PAID)],
    )

    with pytest.raises(ConnectorError, match=r"F20250130-10003 \(id 4811020\).*'le 4 mars'"):
        fetch_paid(make_context())


def test_report_dso_counts_the_paid_invoices_in_the_sales(
    relance_cli: CliRunner,
    write_config: Callable[[str], Path],
    api: responses.RequestsMock,
    fixture: Fixture,
    api_key: str,
) -> None:
    serve_pages(api, [fixture("invoices_page_1")], {"is_paid": "false"})
    paid = fixture("paid_invoices_page_1")
    credit = fixture("paid_invoices_page_2")[0]
    for number, body in (("1", [paid[0], paid[2], credit]), ("2", [])):
        api.get(
            f"{BASE}/invoices",
            json=body,
            match=[
                matchers.header_matcher({"page": number}),
                # date_before is the day after the period's end, today at the latest
                matchers.query_param_matcher({"is_paid": "true"}, strict_match=False),
            ],
        )
    serve_company(api, fixture("company_28100457"))
    serve_company(api, fixture("company_6801122"))
    path = write_config('[sources.axonaut]\napi_key_env = "AXONAUT_API_KEY"\n')

    result = relance_cli("report", "dso", "--config", str(path), "--today", "2025-04-20", "--json")

    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["cannot_give_paid_invoices"] == []
    (eur,) = document["currencies"]
    # Period 2025-01-21 to 2025-04-20. Owed: 700.00 + 540.00. Sold: the two open invoices
    # (1 200.00 + 540.00) and the paid F20250130-10003 (840.00) and F20250320-10027
    # (300.00); the -120.00 document is not a sale.
    assert (eur["receivables"], eur["sales"]) == ("1240.00", "2880.00")
    assert eur["simple"] == "38.8"  # 1 240 / 2 880 x 90 = 38.75
    paid_lists = [
        query for path_, query, _ in requests_sent(api) if query.get("is_paid") == ["true"]
    ]
    assert len(paid_lists) == 2
    (date_before,) = paid_lists[0]["date_before"]
    day, month, year = (int(part) for part in date_before.split("/"))
    assert date(year, month, day) > date(2025, 4, 20)
    company_reads = [p for p, _, _ in requests_sent(api) if "/companies/" in p]
    assert company_reads == ["/api/v2/companies/28100457", "/api/v2/companies/6801122"]


def test_report_scores_measures_the_days_late_of_the_paid_invoices(
    relance_cli: CliRunner,
    write_config: Callable[[str], Path],
    api: responses.RequestsMock,
    fixture: Fixture,
    api_key: str,
) -> None:
    serve_pages(api, [fixture("invoices_page_1")], {"is_paid": "false"})
    paid = fixture("paid_invoices_page_1")
    for number, body in (("1", [paid[0], paid[2]]), ("2", [])):
        api.get(
            f"{BASE}/invoices",
            json=body,
            match=[
                matchers.header_matcher({"page": number}),
                matchers.query_param_matcher({"is_paid": "true"}, strict_match=False),
            ],
        )
    serve_company(api, fixture("company_28100457"))
    serve_company(api, fixture("company_6801122"))
    path = write_config('[sources.axonaut]\napi_key_env = "AXONAUT_API_KEY"\n')

    result = relance_cli(
        "report", "scores", "--config", str(path), "--today", "2025-04-20", "--json"
    )

    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["cannot_give_paid_invoices"] == []
    scores = {row["customer_id"]: row for row in document["customers"]}
    martin, dupuis = scores["28100457"], scores["6801122"]
    # F20250314-10021 (1 200.00) is 7 days late and counting; F20250130-10003 (840.00),
    # due on 1 March, was paid on 4 March: 3 days late. Weighted: 10 920 / 2 040.
    assert (martin["invoices_measured"], martin["invoices_unmeasured"]) == (2, 0)
    assert (martin["average_days_late"], martin["weighted_days_late"]) == ("5.0", "5.4")
    assert martin["rating"] == "B"
    # F20250320-10027 was paid on a day Axonaut does not give: counted apart.
    assert (dupuis["invoices_measured"], dupuis["invoices_unmeasured"]) == (0, 1)
    assert dupuis["rating"] is None
