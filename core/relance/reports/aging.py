"""The aged balance: what each customer owes, by how late it is, per currency.

An item falls in a bucket by its days late on the as-of day (as-of day minus due date):
0 or less is "not due" (the due date itself is not late), then one bucket per bound of
``[reports] buckets`` (``1-30``, ``31-60``, ``61-90``) and the last one beyond (``>90``).
Credit notes and unapplied payments count negatively, in the bucket of their due date
("not due" when they have none), so a customer's total is what they owe net.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.model import Invoice
from relance.reports.ledger import Ledger

__all__ = ["NOT_DUE", "AgedItem", "AgedRow", "AgingReport", "aging", "bucket_index", "labels"]

NOT_DUE = "not_due"


def labels(bounds: tuple[int, ...]) -> tuple[str, ...]:
    """``(30, 60, 90)`` -> ``("not_due", "1-30", "31-60", "61-90", ">90")``."""
    names = [NOT_DUE]
    low = 1
    for bound in bounds:
        names.append(f"{low}-{bound}")
        low = bound + 1
    names.append(f">{bounds[-1]}")
    return tuple(names)


def bucket_index(days_late: int, bounds: tuple[int, ...]) -> int:
    """The bucket of an item ``days_late`` days past its due date (0: not due)."""
    if days_late <= 0:
        return 0
    for index, bound in enumerate(bounds, start=1):
        if days_late <= bound:
            return index
    return len(bounds) + 1


@dataclass(frozen=True)
class AgedItem:
    source: str
    customer_id: str
    number: str
    due_date: date | None
    days_late: int
    bucket: str
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class AgedRow:
    """One customer in one currency."""

    source: str
    customer_id: str
    customer_name: str
    currency: str
    amounts: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, Decimal(0))


@dataclass(frozen=True)
class AgingReport:
    as_of: date
    labels: tuple[str, ...]
    rows: tuple[AgedRow, ...]
    items: tuple[AgedItem, ...]

    def totals(self) -> dict[str, tuple[Decimal, ...]]:
        """Per currency, the sum of each bucket (and, last, of the whole)."""
        sums: dict[str, list[Decimal]] = {}
        for row in self.rows:
            column = sums.setdefault(row.currency, [Decimal(0)] * (len(self.labels) + 1))
            for index, amount in enumerate((*row.amounts, row.total)):
                column[index] += amount
        return {currency: tuple(values) for currency, values in sorted(sums.items())}


def _parts(invoice: Invoice, owed: Decimal) -> list[tuple[date | None, Decimal]]:
    """What is owed on an invoice, by due date: each unpaid instalment in the bucket of
    its own date when the instalments account for what is owed (an invoice payable in
    several times is not all "not yet due" because its last date is ahead), else the
    whole amount at the invoice's due date."""
    unpaid = invoice.unpaid_instalments(owed)
    if not unpaid:
        return [(invoice.due_date, owed)]
    return [(part.due_date, part.residual) for part in unpaid]


def aging(ledger: Ledger, as_of: date, bounds: tuple[int, ...]) -> AgingReport:
    """The aged balance on ``as_of`` with the buckets ``bounds`` (``[reports] buckets``)."""
    names = labels(bounds)
    items: list[AgedItem] = []
    grid: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * len(names))
    customers: dict[tuple[str, str], str] = {}
    for owed in ledger.owed_on(as_of):
        invoice = owed.invoice
        for due, amount in _parts(invoice, owed.amount):
            days = (as_of - due).days if due is not None else 0
            index = bucket_index(days, bounds)
            items.append(
                AgedItem(
                    source=invoice.source,
                    customer_id=invoice.customer.id,
                    number=invoice.number,
                    due_date=due,
                    days_late=days,
                    bucket=names[index],
                    currency=invoice.currency,
                    amount=amount,
                )
            )
            grid[(invoice.source, invoice.customer.id, invoice.currency)][index] += amount
        customers[(invoice.source, invoice.customer.id)] = invoice.customer.name
    rows = [
        AgedRow(source, customer_id, customers[(source, customer_id)], currency, tuple(amounts))
        for (source, customer_id, currency), amounts in grid.items()
    ]
    rows.sort(key=lambda r: (r.currency, -r.total, r.customer_name.casefold(), r.customer_id))
    items.sort(key=lambda i: (i.source, i.customer_id, i.due_date or as_of, i.number))
    return AgingReport(as_of=as_of, labels=names, rows=tuple(rows), items=tuple(items))
