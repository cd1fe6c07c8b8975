"""Axonaut invoices (``invoice.get``) as relance invoices and balances.

Axonaut's invoice has no status, no ``is_paid`` and no payment list. What is still owed
is ``outstanding_amount`` (tax included); the status is derived from it, ``total`` and
``paid_date``:

* ``outstanding_amount`` of 0 (or less) is ``paid``;
* a ``paid_date`` while something is still outstanding is contradictory: it is taken as
  ``in_payment``, which is never reminded;
* ``0 < outstanding_amount < total`` is ``partial``, otherwise ``open``.

Whether the invoice is late is the engine's business, from ``due_date``. A missing
``outstanding_amount`` means the full ``total`` unless ``paid_date`` is set.

Credit notes are not exposed as such by the API; a document with a total of zero or
less is not a receivable relance can remind, and is skipped (see the docs page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from relance import Balance, ConnectorError, Contact, Customer, Invoice, InvoiceStatus
from relance.i18n import _
from relance.model import validation_message
from relance_axonaut.client import JsonObject
from relance_axonaut.parse import parse_amount, parse_date

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Amounts:
    """The money of one Axonaut invoice, parsed and reconciled."""

    total: Decimal
    residual: Decimal
    status: InvoiceStatus
    currency: str

    @property
    def is_receivable(self) -> bool:
        """True for an invoice that still asks the customer for money."""
        return self.total > 0 and self.residual > 0


def label(row: JsonObject) -> str:
    """How to name an Axonaut invoice in a message: its number, and its id."""
    return _("Axonaut invoice {number} (id {id})").format(
        number=row.get("number") or "?", id=row.get("id")
    )


def amounts_of(row: JsonObject, timezone: ZoneInfo, default_currency: str) -> Amounts:
    """Parse and reconcile the amounts of an invoice; raise ConnectorError naming it."""
    try:
        total = parse_amount(row.get("total"))
        outstanding = parse_amount(row.get("outstanding_amount"))
        paid_date = parse_date(row.get("paid_date"), timezone)
    except ValueError as exc:
        raise ConnectorError(f"{label(row)}: {exc}") from None
    if total is None:
        raise ConnectorError(_("{invoice}: it has no total.").format(invoice=label(row)))
    if outstanding is None:
        outstanding = _ZERO if paid_date is not None else total
    residual = max(outstanding, _ZERO)
    status = derive_status(total, residual, paid_date)
    currency = str(row.get("currency") or default_currency)
    return Amounts(total=total, residual=residual, status=status, currency=currency)


def derive_status(total: Decimal, residual: Decimal, paid_date: date | None) -> InvoiceStatus:
    """The payment status from what is still owed (see the module docstring)."""
    if residual <= 0:
        return InvoiceStatus.PAID
    if paid_date is not None:
        return InvoiceStatus.IN_PAYMENT
    if residual < total:
        return InvoiceStatus.PARTIAL
    return InvoiceStatus.OPEN


def to_invoice(
    row: JsonObject,
    amounts: Amounts,
    customer: Customer,
    source: str,
    timezone: ZoneInfo,
    *,
    contact: Contact | None = None,
) -> Invoice:
    """Map an open Axonaut invoice to a relance invoice; raise ConnectorError naming it.

    An invoice without a due date is due on its issue date (payable on receipt).
    ``contact`` is the employee the invoice is addressed to, when it names one.
    """
    try:
        issue_date = parse_date(row.get("date"), timezone)
        due_date = parse_date(row.get("due_date"), timezone) or issue_date
        return Invoice(
            source=source,
            id=str(row["id"]),
            number=str(row.get("number") or row["id"]),
            customer=customer,
            issue_date=issue_date,
            due_date=due_date,
            currency=amounts.currency,
            total=amounts.total,
            residual=amounts.residual,
            status=amounts.status,
            document_url=row.get("public_path") or None,
            contact=contact,
        )
    except ValidationError as exc:
        raise ConnectorError(f"{label(row)}: {validation_message(exc)}") from None
    except ValueError as exc:
        raise ConnectorError(f"{label(row)}: {exc}") from None


def to_balance(row: JsonObject, amounts: Amounts) -> Balance:
    """The current balance of an invoice, as ``relance_refresh_balances`` returns it."""
    try:
        return Balance(
            invoice_id=str(row["id"]),
            residual=amounts.residual,
            currency=amounts.currency,
            status=amounts.status,
        )
    except ValidationError as exc:
        raise ConnectorError(f"{label(row)}: {validation_message(exc)}") from None
