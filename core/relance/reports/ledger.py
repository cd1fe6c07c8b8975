"""What the reports read: the open items, the paid invoices, and what was owed on a day.

Sources give today's balances. To look at another day, the paid invoices help: an
invoice paid after that day was still owed on it (its whole total: a partial payment's
date is not known), one paid on or before it was not. An item issued after the day is
left out. Invoices paid without a known payment date count as paid on every day.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from relance.model import Invoice

__all__ = ["Ledger", "Owed", "customer_keys", "month_ends", "months_before", "one_decimal"]


@dataclass(frozen=True)
class Owed:
    """One item and what the customer owed on it on a given day (negative for credits)."""

    invoice: Invoice
    amount: Decimal


@dataclass(frozen=True)
class Ledger:
    """The items of every source: open now, and paid (from the sources that can say)."""

    open: tuple[Invoice, ...]
    paid: tuple[Invoice, ...] = ()
    no_paid_history: tuple[str, ...] = ()
    """Sources that cannot give paid invoices."""

    def owed_on(self, day: date) -> Iterator[Owed]:
        """Every item owed on ``day``, with the amount owed then."""
        for invoice in self.open:
            if _issued_by(invoice, day):
                yield Owed(invoice, invoice.signed_residual)
        for invoice in self.paid:
            if (
                _issued_by(invoice, day)
                and invoice.paid_date is not None
                and invoice.paid_date > day
            ):
                yield Owed(invoice, invoice.total)

    def invoices(self) -> Iterator[Invoice]:
        """Every invoice (not credit) known, open or paid, each once."""
        seen: set[tuple[str, str]] = set()
        for invoice in (*self.open, *self.paid):
            if not invoice.is_credit and invoice.key not in seen:
                seen.add(invoice.key)
                yield invoice

    def paid_by_key(self) -> dict[tuple[str, str], Invoice]:
        return {invoice.key: invoice for invoice in self.paid}


def _issued_by(invoice: Invoice, day: date) -> bool:
    return invoice.issue_date is None or invoice.issue_date <= day


def one_decimal(value: Decimal) -> Decimal:
    """Days shown to one decimal, half up (12.25 -> 12.3)."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day if it has fewer)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def month_ends(last: date, count: int) -> list[date]:
    """``count`` days, oldest first: the ends of the ``count - 1`` months before ``last``'s
    month, then ``last`` itself."""
    days = [last]
    cursor = last.replace(day=1) - timedelta(days=1)
    while len(days) < count:
        days.append(cursor)
        cursor = cursor.replace(day=1) - timedelta(days=1)
    return sorted(days)


def customer_keys(invoices: Iterable[Invoice]) -> dict[tuple[str, str], str]:
    """Customer keys ``(source, id)`` with their names, sorted by name then key."""
    names = {(i.source, i.customer.id): i.customer.name for i in invoices}
    return dict(sorted(names.items(), key=lambda item: (item[1].casefold(), item[0])))
