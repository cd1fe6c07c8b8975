"""Sample ledgers: customers, invoices and history events in one line each.

Used by relance's own tests and available to plugin authors::

    from relance.testing.ledgers import customer, invoice, message

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
    Message,
    Money,
)

#: The day the sample ledger is built around (its invoices fall due around it).
SAMPLE_DAY = date(2026, 3, 16)


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


def message(
    kind: ChannelKind = ChannelKind.EMAIL,
    *,
    reminder: str = "r1",
    customer_id: str = "C1",
    **fields: object,
) -> Message:
    """A rendered message for a channel's tests: of ``kind``, to customer ``customer_id``
    (keys ``<reminder>:<kind>``), level ``first`` in French, with ``fields`` set (``to``,
    ``subject``, ``text``, ``attachments``...; subject and text are short by default)."""
    return Message.model_validate(
        {
            "reminder_key": reminder,
            "message_key": f"{reminder}:{kind.value}",
            "kind": kind,
            "customer_id": customer_id,
            "source": "csv",
            "level": "first",
            "language": "fr",
            "subject": "Relance",
            "text": "Bonjour,",
            **fields,
        }
    )


def sample_ledger(source: str = "csv", *, today: date = SAMPLE_DAY) -> list[Invoice]:
    """A small, varied ledger of one source: what a real one holds, in six records.

    Two customers (a business with two late invoices, one partly paid, and a credit
    note; a consumer with an invoice not yet due, one far past due and disputed).
    """
    business = customer("C1")
    consumer = customer("C2", kind=CustomerKind.CONSUMER, email="jeanne@example.fr")
    return [
        invoice("F-101", due=today - timedelta(days=40), who=business, source=source),
        invoice(
            "F-102",
            due=today - timedelta(days=10),
            residual="350.00",
            total="500.00",
            who=business,
            source=source,
        ),
        invoice(
            "AV-7",
            due=today - timedelta(days=20),
            residual="150.00",
            who=business,
            kind=DocumentKind.CREDIT_NOTE,
            source=source,
        ),
        invoice(
            "F-103", due=today + timedelta(days=5), residual="89.90", who=consumer, source=source
        ),
        invoice(
            "F-090",
            due=today - timedelta(days=95),
            residual="420.00",
            who=consumer,
            source=source,
            disputed=True,
            dispute_reason="parcel never delivered",
        ),
        invoice(
            "F-104", due=today - timedelta(days=3), residual="75.00", currency="CHF", source=source
        ),
    ]


def events_for(item: Invoice, *, on: date = SAMPLE_DAY) -> list[HistoryEvent]:
    """One history event of every :class:`EventType`, about ``item``, as the engine writes them.

    Each is filled in the way the engine fills that type (a level and a channel for
    messages, a date for pauses and promises, a reason for skips and rejections), so a
    history mirror sees realistic events.
    """
    at = datetime(on.year, on.month, on.day, 9, tzinfo=UTC)
    common: dict[str, object] = {
        "at": at,
        "run_date": on,
        "source": item.source,
        "customer_id": item.customer.id,
        "customer_name": item.customer.name,
        "invoice_ids": (item.id,),
        "invoice_numbers": (item.number,),
        "amounts": (Money(amount=item.residual, currency=item.currency),),
    }
    message: dict[str, object] = {
        "level": "first",
        "channel": ChannelKind.EMAIL,
        "recipient": _recipient(item),
        "reminder_key": f"r-{item.customer.id}-first-{on}",
        "message_key": f"r-{item.customer.id}-first-{on}:email",
        "invoice_levels": ((item.id, "first"),),
    }
    extra: dict[EventType, dict[str, object]] = {
        EventType.PLANNED: message,
        EventType.APPROVED: message,
        EventType.REJECTED: {**message, "reason": "customer called, paying this week"},
        EventType.INTENT: message,
        EventType.SENT: {**message, "message_id": f"<{item.id}@relance.test>"},
        EventType.FAILED: {**message, "reason": "mailbox full"},
        EventType.SKIPPED: {**message, "reason": "paid since the plan"},
        EventType.RESOLVED: {**message, "reason": "sent, confirmed by the customer"},
        EventType.PAUSED: {"until": on + timedelta(days=30), "reason": "disputed quantity"},
        EventType.RESUMED: {"reason": "dispute settled"},
        EventType.PROMISED: {"until": on + timedelta(days=7), "reason": "promised by phone"},
        EventType.HANDED_OFF: {"level": "collection", "reason": "handed to the collector"},
        EventType.NOTE: {"reason": "called the accountant"},
    }
    return [
        HistoryEvent.model_validate({"type": kind, **common, **extra[kind]}) for kind in EventType
    ]


def _recipient(item: Invoice) -> str | None:
    contact = item.contact or item.customer.billing_contact
    return contact.emails[0] if contact is not None and contact.emails else None
