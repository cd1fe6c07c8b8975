"""The domain model: Decimal money, validation that names the record and the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from relance.model import (
    Customer,
    CustomerKind,
    DocumentKind,
    Invoice,
    InvoiceStatus,
    Money,
    money_text,
    to_decimal,
    totals_by_currency,
    validation_message,
)

CUSTOMER = Customer(id="C1", name="Boulangerie Martin", contacts=[{"emails": "a@martin.fr"}])


def invoice(**changes: object) -> Invoice:
    data: dict[str, object] = {
        "source": "csv",
        "id": "1",
        "number": "F2025-001",
        "customer": CUSTOMER,
        "due_date": date(2025, 6, 5),
        "currency": "EUR",
        "total": "2430.00",
        "residual": "2430.00",
    }
    data.update(changes)
    return Invoice(**data)


def error_of(**changes: object) -> str:
    with pytest.raises(ValidationError) as caught:
        invoice(**changes)
    return validation_message(caught.value)


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        ("2430.50", Decimal("2430.50")),
        (2430, Decimal(2430)),
        (0.1, Decimal("0.1")),
        (1234.56, Decimal("1234.56")),
        (Decimal("12.345"), Decimal("12.345")),
        (" 7 ", Decimal(7)),
    ],
)
def test_amounts_become_exact_decimals(given_value: object, expected: Decimal) -> None:
    result = to_decimal(given_value)
    assert result == expected
    assert str(result) == str(expected)


@pytest.mark.parametrize(
    "bad", [float("nan"), float("inf"), "NaN", "Infinity", "12,50", True, None, [1]]
)
def test_non_amounts_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is checked elsewhere
        to_decimal(bad)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_floats_convert_through_their_shortest_repr(value: float) -> None:
    assert to_decimal(value) == Decimal(repr(value))


def test_an_invoice_keeps_decimal_amounts_and_derives_its_status() -> None:
    paid = invoice(residual="0")
    partial = invoice(residual=1000.5)
    assert paid.status is InvoiceStatus.PAID
    assert partial.status is InvoiceStatus.PARTIAL
    assert isinstance(partial.residual, Decimal)
    assert partial.residual == Decimal("1000.5")
    assert invoice().status is InvoiceStatus.OPEN
    assert invoice(status="in_payment").status is InvoiceStatus.IN_PAYMENT


def test_credits_reduce_what_is_owed() -> None:
    credit = invoice(kind=DocumentKind.CREDIT_NOTE, residual="120", total="120", due_date=None)
    assert credit.is_credit
    assert credit.signed_residual == Decimal(-120)
    assert invoice().signed_residual == Decimal("2430.00")


def test_records_are_frozen() -> None:
    with pytest.raises(ValidationError):
        invoice().residual = Decimal(0)  # type: ignore[misc]


def test_residual_above_total_names_the_record_and_the_field() -> None:
    assert error_of(residual="2500") == (
        "invoice 'F2025-001' from source 'csv': residual: residual 2500 exceeds total 2430.00"
    )


def test_several_problems_are_reported_together_with_their_fields() -> None:
    message = error_of(currency="EUX", total="deux mille", due_date="31/02/2025")
    assert message.startswith("invoice 'F2025-001' from source 'csv': ")
    assert "currency: 'EUX' is not an ISO 4217 currency code" in message
    assert "total: 'deux mille' is not a decimal number" in message
    assert "due_date: " in message


def test_nested_customer_errors_name_the_customer() -> None:
    message = error_of(
        customer={"id": "C9", "name": "X", "country": "France", "contacts": [{"emails": "nobody"}]}
    )
    assert "customer: customer 'C9': " in message
    assert "country: 'France' is not an ISO 3166 two-letter country code" in message
    assert "contacts.0: contact: emails.0: value is not a valid email address" in message


def test_an_invoice_needs_a_due_date_but_a_credit_note_does_not() -> None:
    assert error_of(due_date=None).endswith("due_date: an invoice needs a due date")
    assert invoice(kind="credit_note", due_date=None).due_date is None


def test_negative_amounts_are_rejected_with_a_hint() -> None:
    assert "must not be negative" in error_of(total="-10", residual="0")


def test_contacts_accept_joined_email_lists_and_the_billing_contact_is_chosen() -> None:
    customer = Customer(
        id="C2",
        name="Garage",
        kind=CustomerKind.CONSUMER,
        contacts=[
            {"emails": "sales@garage.fr"},
            {"emails": "compta@garage.fr; dg@garage.fr", "role": "billing"},
        ],
    )
    assert customer.billing_contact is not None
    assert customer.billing_contact.emails == ("compta@garage.fr", "dg@garage.fr")
    assert customer.is_consumer


def test_money_never_mixes_currencies() -> None:
    assert Money(amount="1.10", currency="eur") + Money(amount="2.20", currency="EUR") == Money(
        amount="3.30", currency="EUR"
    )
    with pytest.raises(ValueError, match="cannot add GBP to EUR"):
        _ = Money(amount=1, currency="EUR") + Money(amount=1, currency="GBP")
    totals = totals_by_currency(
        [
            Money(amount="1", currency="USD"),
            Money(amount="2", currency="EUR"),
            Money(amount="3", currency="EUR"),
        ]
    )
    assert totals == {"EUR": Decimal(5), "USD": Decimal(1)}
    assert list(totals) == ["EUR", "USD"]


def test_days_late_counts_calendar_days_from_the_due_date() -> None:
    item = invoice()
    assert item.days_late(date(2025, 6, 5)) == 0
    assert item.days_late(date(2025, 6, 6)) == 1
    assert item.days_late(date(2025, 6, 2)) == -3


def test_money_text_keeps_two_decimals_and_every_decimal_of_the_currency() -> None:
    assert money_text(Decimal("1200"), "EUR") == "1200.00"
    assert money_text(Decimal("13"), "JPY") == "13.00"
    assert money_text(Decimal("12.97"), "KWD") == "12.970"
    assert money_text(Decimal("-115.5"), "USD") == "-115.50"
