"""``Invoice.from_parsed`` is ``Invoice(...)``: the same record, or the same error.

It takes a shortcut for values already in their validated form; these properties draw
values of every kind (clean, needing conversion, breaking a rule) and compare both ways:
the records (fields, set fields, JSON) or the error messages a person reads.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from relance.model import (
    Contact,
    Customer,
    DocumentKind,
    Invoice,
    InvoiceStatus,
    validation_message,
)

CUSTOMER = Customer(id="C1", name="Client", contacts=(Contact(emails="a@b.fr", role="billing"),))

texts = st.sampled_from(["F-1", " F-1", "F-1 ", "", "  ", "Réf n°7", "\u00a0F-2"])
optional_texts = st.one_of(st.none(), texts)
days = st.one_of(
    st.none(),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.just(datetime(2026, 3, 1)),  # noqa: DTZ001 - a naive midnight, as a date field sees it
    st.just("2026-03-01"),
)
amounts = st.one_of(
    st.decimals(min_value=-10, max_value=100_000, places=2, allow_nan=False),
    st.sampled_from(
        [Decimal("NaN"), Decimal("Infinity"), Decimal("-0.00"), Decimal("0"), 12, 12.5, "7.10"]
    ),
)
values = st.fixed_dictionaries(
    {
        "source": st.sampled_from(["csv", " csv", ""]),
        "id": texts,
        "number": texts,
        "kind": st.sampled_from([*DocumentKind, "invoice"]),
        "customer": st.sampled_from([CUSTOMER, CUSTOMER.model_dump()]),
        "issue_date": days,
        "due_date": days,
        "currency": st.sampled_from(["EUR", "GBP", "eur", " EUR", "ZZZ", ""]),
        "total": amounts,
        "residual": amounts,
        "disputed": st.sampled_from([False, True, "oui", 1]),
        "dispute_reason": optional_texts,
        "dispute_until": days,
        "promise_date": days,
        "payment_reference": optional_texts,
    }
)


def outcome(build: Any, fields: dict[str, Any]) -> tuple[str, object]:
    try:
        record = build(**fields)
    except ValidationError as exc:
        return ("error", validation_message(exc))
    return ("record", (record, repr(record), record.model_fields_set, record.model_dump_json()))


@settings(max_examples=400)
@given(values)
def test_from_parsed_gives_what_validation_gives(fields: dict[str, Any]) -> None:
    assert outcome(Invoice.from_parsed, fields) == outcome(Invoice, fields)


def test_parsed_values_are_kept_as_they_are() -> None:
    total, residual = Decimal("1200.00"), Decimal("200.00")
    invoice = Invoice.from_parsed(
        source="csv", id="F1", number="F1", kind=DocumentKind.INVOICE, customer=CUSTOMER,
        issue_date=None, due_date=date(2026, 3, 1), currency="EUR", total=total,
        residual=residual, disputed=False, dispute_reason=None, dispute_until=None,
        promise_date=None, payment_reference=None,
    )  # fmt: skip
    assert invoice.customer is CUSTOMER
    assert invoice.total is total
    assert invoice.status is InvoiceStatus.PARTIAL
    copy = invoice.model_copy(update={"residual": Decimal(0)})
    assert copy.residual == 0
    assert invoice.residual == residual
    assert invoice.model_fields_set == Invoice(**invoice.model_dump()).model_fields_set - {
        "status", "paid_date", "document_url", "contract_rate", "jurisdiction", "instalments",
        "contact"
    }  # fmt: skip


def test_a_broken_rule_is_reported_like_validation_does() -> None:
    with pytest.raises(ValueError, match=r"invoice 'F1' from source 'csv': residual: residual"):
        Invoice.from_parsed(
            source="csv", id="F1", number="F1", kind=DocumentKind.INVOICE, customer=CUSTOMER,
            issue_date=None, due_date=date(2026, 3, 1), currency="EUR", total=Decimal(1),
            residual=Decimal(2), disputed=False, dispute_reason=None, dispute_until=None,
            promise_date=None, payment_reference=None,
        )  # fmt: skip


def test_parsed_records_share_their_field_names() -> None:
    """A million records each with a dict of their own would take 600 MB more: the
    records built from parsed values keep CPython's key-sharing dicts, even in a process
    that validated many records first."""
    fields = {
        "source": "csv", "id": "F1", "number": "F1", "kind": DocumentKind.INVOICE,
        "customer": CUSTOMER, "issue_date": None, "due_date": date(2026, 3, 1),
        "currency": "EUR", "total": Decimal(5), "residual": Decimal(5), "disputed": False,
        "dispute_reason": None, "dispute_until": None, "promise_date": None,
        "payment_reference": None,
    }  # fmt: skip
    validated = [Invoice(**fields) for _ in range(50)]
    parsed = [Invoice.from_parsed(**fields) for _ in range(2)]
    assert parsed[0] == parsed[1] == validated[0]
    assert sys.getsizeof(parsed[1].__dict__) < sys.getsizeof(validated[0].__dict__) / 2
