"""Sample ledgers: customers, invoices and history events in one line each.

Used by relance's own tests and available to plugin authors::

    from relance.testing.ledgers import customer, invoice

    late = invoice("F1", due=date(2026, 3, 1), residual="1200.00")
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from relance.model import (
    Address,
    ChannelKind,
    Contact,
    Customer,
    CustomerKind,
    DocumentKind,
    EventType,
    HistoryEvent,
    Invoice,
)


def customer(
    id: str = "C1",
    *,
    email: str | None = "compta@client.fr",
    kind: CustomerKind = CustomerKind.BUSINESS,
    language: str = "fr",
    address: bool = True,
    tags: frozenset[str] = frozenset(),
) -> Customer:
    return Customer(
        id=id,
        name=f"Client {id}",
        kind=kind,
        language=language,
        country="FR",
        tags=tags,
        address=Address(lines=("1 rue de la Paix",), postal_code="75002", city="Paris")
        if address
        else None,
        contacts=(Contact(name="Service comptable", emails=(email,), role="billing"),)
        if email
        else (),
    )


def invoice(
    number: str,
    *,
    due: date,
    residual: str = "1200.00",
    total: str | None = None,
    who: Customer | None = None,
    kind: DocumentKind = DocumentKind.INVOICE,
    currency: str = "EUR",
    source: str = "csv",
    **extra: object,
) -> Invoice:
    return Invoice.model_validate(
        {
            "source": source,
            "id": number,
            "number": number,
            "kind": kind,
            "customer": who or customer(),
            "issue_date": due - timedelta(days=30),
            "due_date": due,
            "currency": currency,
            "total": Decimal(total or residual),
            "residual": Decimal(residual),
            **extra,
        }
    )


def sent(
    level: str,
    invoices: dict[str, str],
    *,
    on: date,
    who: str = "C1",
    channel: ChannelKind = ChannelKind.EMAIL,
    key: str | None = None,
) -> HistoryEvent:
    """A delivered message (the intent is implied: the fold does not need it)."""
    reminder = key or f"r-{who}-{level}-{on}"
    return HistoryEvent(
        type=EventType.SENT,
        at=datetime(on.year, on.month, on.day, 9, tzinfo=UTC),
        run_date=on,
        source="csv",
        customer_id=who,
        level=level,
        channel=channel,
        reminder_key=reminder,
        message_key=f"{reminder}:{channel.value}",
        invoice_ids=tuple(invoices),
        invoice_levels=tuple(invoices.items()),
    )
