"""The collection file of one customer: what a lawyer or a collection agency asks for.

:func:`build_case` gathers, from the open items and the history, the claim (principal,
interest and fixed indemnity per invoice, quoted on the as-of day by the same rules as
the reminders), every reminder delivered with its date, level, channel, recipient and
references, and the formal notice with its registered-letter reference. Writing the
folder (invoice PDFs, copies of the messages) is the CLI's job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.engine.planner import PenaltyCalculator
from relance.model import Customer, EventType, HistoryEvent, Invoice

__all__ = ["CaseFile", "ClaimLine", "SentReminder", "build_case"]


@dataclass(frozen=True)
class ClaimLine:
    """One open item of the claim; credits have a negative principal and no penalty."""

    invoice: Invoice
    principal: Decimal
    days_late: int
    interest: Decimal
    """In the invoice's currency, like the principal."""
    indemnity: Decimal
    indemnity_currency: str
    """The law's currency: EUR 40 on a French company's invoice in dollars."""

    @property
    def total(self) -> Decimal:
        """Principal, interest and, when in the invoice's currency, the indemnity."""
        same = self.indemnity_currency == self.invoice.currency
        return self.principal + self.interest + (self.indemnity if same else Decimal(0))


@dataclass(frozen=True)
class SentReminder:
    day: date
    level: str
    channel: str
    recipient: str | None
    invoice_numbers: tuple[str, ...]
    message_id: str | None
    reference: str | None
    """The channel's reference: a registered letter's tracking number, a file written."""
    content_digest: str | None
    formal_notice: bool


@dataclass(frozen=True)
class CaseFile:
    as_of: date
    source: str
    customer: Customer
    lines: tuple[ClaimLine, ...]
    reminders: tuple[SentReminder, ...]

    @property
    def formal_notices(self) -> tuple[SentReminder, ...]:
        return tuple(r for r in self.reminders if r.formal_notice)

    def totals(self) -> dict[str, dict[str, Decimal]]:
        """Per currency: principal, interest, indemnity and total claimed."""
        sums: dict[str, dict[str, Decimal]] = defaultdict(
            lambda: dict.fromkeys(("principal", "interest", "indemnity", "total"), Decimal(0))
        )
        for line in self.lines:
            column = sums[line.invoice.currency]
            column["principal"] += line.principal
            column["interest"] += line.interest
            column["total"] += line.total
            if line.indemnity:
                column = sums[line.indemnity_currency]
                column["indemnity"] += line.indemnity
                if line.indemnity_currency != line.invoice.currency:
                    column["total"] += line.indemnity
        return dict(sorted(sums.items()))


def build_case(
    source: str,
    invoices: Iterable[Invoice],
    events: Iterable[HistoryEvent],
    *,
    as_of: date,
    penalties: PenaltyCalculator | None,
    notice_levels: frozenset[str],
) -> CaseFile:
    """The case of the customer of ``invoices`` (the open items of one customer)."""
    items = sorted(invoices, key=lambda i: (i.due_date or as_of, i.number))
    if not items:
        raise ValueError("a case needs at least one open item")
    lines = []
    for invoice in items:
        quote = None if invoice.is_credit or penalties is None else penalties(invoice, as_of)
        lines.append(
            ClaimLine(
                invoice=invoice,
                principal=invoice.signed_residual,
                days_late=max(0, invoice.days_late(as_of)),
                interest=quote.interest if quote is not None else Decimal(0),
                indemnity=quote.indemnity if quote is not None else Decimal(0),
                indemnity_currency=(
                    quote.indemnity_currency if quote is not None else invoice.currency
                ),
            )
        )
    customer = items[0].customer
    reminders = [
        SentReminder(
            day=event.day,
            level=event.level or "",
            channel=event.channel.value if event.channel is not None else "",
            recipient=event.recipient,
            invoice_numbers=event.invoice_numbers,
            message_id=event.message_id,
            reference=event.provider_reference,
            content_digest=event.content_digest,
            formal_notice=event.level in notice_levels,
        )
        for event in events
        if event.type is EventType.SENT
        and event.source == source
        and event.customer_id == customer.id
        and event.day <= as_of
    ]
    reminders.sort(key=lambda r: (r.day, r.level, r.channel))
    return CaseFile(as_of, source, customer, tuple(lines), tuple(reminders))
