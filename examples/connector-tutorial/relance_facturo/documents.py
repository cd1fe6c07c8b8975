"""Facturo documents as relance records: amounts in cents, credits as credit notes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from relance import Balance, ConnectorError, Contact, Customer, DocumentKind, Invoice
from relance.model import validation_message


def money(cents: Any) -> Decimal:
    """Integer cents as an exact Decimal: 70000 -> Decimal('700.00')."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise ValueError(f"{cents!r} is not an amount in cents")
    return Decimal(cents).scaleb(-2)


def to_invoice(doc: dict[str, Any], source: str, customers: dict[str, Customer]) -> Invoice:
    """A Facturo document as an Invoice; a bad document is a ConnectorError naming it."""
    try:
        client = doc["client"]
        customer = customers.get(client["uid"])
        if customer is None:
            emails = tuple(client.get("billing_emails", ()))
            customer = Customer(
                id=client["uid"],
                name=client["company"],
                language=client.get("lang"),
                country=client.get("country"),
                contacts=(Contact(emails=emails, role="billing"),) if emails else (),
            )
            customers[customer.id] = customer
        return Invoice(
            source=source,
            id=doc["uid"],
            number=doc["ref"],
            kind=DocumentKind.CREDIT_NOTE if doc["doc_type"] == "credit" else DocumentKind.INVOICE,
            customer=customer,
            issue_date=doc["issued"],
            due_date=doc["due"],
            currency=doc["currency"],
            total=money(doc["total_cents"]),
            residual=money(doc["remaining_cents"]),
        )
    except KeyError as exc:
        raise ConnectorError(f"Facturo document {doc.get('ref')}: no field {exc}.") from None
    except ValidationError as exc:
        message = validation_message(exc)
        raise ConnectorError(f"Facturo document {doc.get('ref')}: {message}") from None
    except ValueError as exc:
        raise ConnectorError(f"Facturo document {doc.get('ref')}: {exc}") from None


def to_balance(doc: dict[str, Any]) -> Balance:
    return Balance(
        invoice_id=doc["uid"], residual=money(doc["remaining_cents"]), currency=doc["currency"]
    )
