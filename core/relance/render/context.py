"""The variables a template sees: everything docs/templates.md lists, and nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from relance.engine.planner import email_contact
from relance.legal.rules import jurisdiction_for
from relance.model import (
    ChannelKind,
    Contact,
    DocumentKind,
    EventType,
    HistoryEvent,
    penalty_amounts,
)

if TYPE_CHECKING:
    from relance.config import CompanySettings
    from relance.engine.planner import PlannedItem, Reminder

__all__ = [
    "LETTER_KINDS",
    "PenaltyRow",
    "PreviousReminder",
    "SegmentRow",
    "addressee",
    "governing_law",
    "penalty_rows",
    "previous_reminders",
    "template_context",
]

LETTER_KINDS = frozenset({ChannelKind.LETTER, ChannelKind.REGISTERED_LETTER})


@dataclass(frozen=True)
class PreviousReminder:
    """A reminder already delivered to this customer for these invoices."""

    day: date
    level: str
    channels: tuple[str, ...]


@dataclass(frozen=True)
class SegmentRow:
    """One period of an invoice's delay at one interest rate."""

    start: date
    end: date
    days: int
    rate: Decimal
    interest: Decimal


@dataclass(frozen=True)
class PenaltyRow:
    """The late-payment penalties of one invoice, with their breakdown when known."""

    item: PlannedItem
    interest: Decimal
    """In the invoice's currency."""
    indemnity: Decimal
    indemnity_currency: str
    """The law's currency: EUR for a French company's invoice in dollars."""
    segments: tuple[SegmentRow, ...]

    @property
    def totals(self) -> dict[str, Decimal]:
        """Interest plus indemnity per currency, the invoice's first."""
        return penalty_amounts(
            self.item.invoice.currency, self.interest, self.indemnity, self.indemnity_currency
        )

    @property
    def total(self) -> Decimal | None:
        """Interest plus indemnity, in the invoice's currency; ``None`` when the
        indemnity is in another one (see :attr:`totals`)."""
        totals = self.totals
        return totals[self.item.invoice.currency] if len(totals) == 1 else None


def penalty_rows(items: Iterable[PlannedItem]) -> list[PenaltyRow]:
    """Penalties per invoice; per rate segment when the quote carries ``segments``.

    A quote is read by duck typing: ``interest``, ``indemnity`` and
    ``indemnity_currency`` always, and
    ``segments`` (each with ``start``, ``end``, ``days``, ``rate`` in percent and
    ``interest``) when it has them. A quote without a usable breakdown gives an empty
    ``segments``: the letter then shows the invoice's totals only. An invoice whose
    quote is nothing (a consumer's interest before the formal notice) has no row: a
    line of zeros would tell a consumer that recovery costs are owed.
    """
    rows = []
    for item in items:
        quote = item.penalty
        if quote is None or not (quote.interest or quote.indemnity):
            continue
        rows.append(
            PenaltyRow(
                item=item,
                interest=quote.interest,
                indemnity=quote.indemnity,
                indemnity_currency=quote.indemnity_currency,
                segments=_segments(getattr(quote, "segments", None)),
            )
        )
    return rows


def _segments(raw: object) -> tuple[SegmentRow, ...]:
    if not isinstance(raw, Iterable):
        return ()
    rows = []
    for segment in raw:
        try:
            rows.append(
                SegmentRow(
                    start=segment.start,
                    end=segment.end,
                    days=int(segment.days),
                    rate=Decimal(segment.rate),
                    interest=Decimal(segment.interest),
                )
            )
        except (AttributeError, TypeError, ArithmeticError):
            return ()
    return tuple(rows)


def addressee(reminder: Reminder, kind: ChannelKind) -> Contact | None:
    """The person a message of ``kind`` is sent to, whom it greets.

    The planner e-mails the first invoice contact with an address, else the billing
    contact; texts and calls go to the first of them with a phone, else any contact's;
    a letter is for the invoices' own contact, else the billing contact. An e-mail sent
    to addresses the configuration chose greets no one by name.
    """
    own = [item.invoice.contact for item in reminder.items if item.invoice.contact is not None]
    billing = reminder.customer.billing_contact
    usual = [*own, *([billing] if billing is not None else [])]
    if kind is ChannelKind.EMAIL:
        chosen = email_contact(reminder.customer, (item.invoice for item in reminder.items))
        if chosen is not None and reminder.emails and tuple(chosen.emails) != reminder.emails:
            return None
        return chosen
    if kind in (ChannelKind.SMS, ChannelKind.PHONE):
        return next((c for c in (*usual, *reminder.customer.contacts) if c.phone), None)
    return usual[0] if usual else None


def governing_law(reminder: Reminder, company_country: str) -> str:
    """The jurisdiction whose late-payment law the message invokes (``fr-b2b``...).

    The one its penalties were computed under, so that the wording cites the law the
    figures come from; when it quotes none, the one the penalties would be computed
    under: an invoice's ``jurisdiction``, else the configuration's for the customer,
    else the company's country (a consumer's own).
    """
    for item in reminder.items:
        name = getattr(item.penalty, "jurisdiction", None)
        if isinstance(name, str):
            return name
    chosen = (item.invoice.jurisdiction for item in reminder.items)
    override = next((name for name in chosen if name), None) or reminder.jurisdiction
    return jurisdiction_for(reminder.customer, company_country=company_country, override=override)


def previous_reminders(
    history: Iterable[HistoryEvent], reminder: Reminder
) -> list[PreviousReminder]:
    """The reminders delivered before for any invoice of ``reminder``, oldest first.

    A message sent before the invoices it was about fell due (a courtesy note) is not a
    reminder: a formal notice saying it went unanswered would say what is not so.
    """
    due_on = {
        item.invoice.id: item.invoice.payable_since
        for item in reminder.items
        if item.invoice.payable_since is not None
    }
    found: dict[str, tuple[date, str, list[str]]] = {}
    for event in history:
        if (
            event.type is not EventType.SENT
            or event.source != reminder.source
            or event.customer_id != reminder.customer.id
            or event.reminder_key == reminder.key
            or not any(event.day > due_on[i] for i in event.invoice_ids if i in due_on)
        ):
            continue
        key = event.reminder_key or event.id
        channels = found.setdefault(key, (event.day, event.level or "", []))[2]
        if event.channel is not None and event.channel.value not in channels:
            channels.append(event.channel.value)
    return sorted(
        (PreviousReminder(day=d, level=lvl, channels=tuple(c)) for d, lvl, c in found.values()),
        key=lambda p: (p.day, p.level),
    )


LISTED_REFERENCES = 3
"""References a transfer's label is asked to carry; beyond, the customer's reference (a
SEPA label holds 140 characters, and a long list is copied wrong or not at all)."""


def template_context(
    reminder: Reminder,
    kind: ChannelKind,
    *,
    company: CompanySettings,
    today: date,
    language: str,
    informal: bool = False,
    history: Sequence[HistoryEvent] = (),
    attachments: Sequence[str] = (),
    attachments_held_back: bool = False,
) -> dict[str, Any]:
    """Every variable a reminder template may use (documented in docs/templates.md)."""
    invoices = [i for i in reminder.items if i.invoice.kind is DocumentKind.INVOICE]
    credits = [i for i in reminder.items if i.invoice.kind is not DocumentKind.INVOICE]
    penalties = {currency: amount for currency, amount in reminder.penalties.items() if amount}
    grand_totals = {
        currency: reminder.totals.get(currency, Decimal(0)) + penalties.get(currency, Decimal(0))
        for currency in sorted({*reminder.totals, *penalties})
    }
    recipient = addressee(reminder, kind)
    references = sorted({i.invoice.payment_reference or i.invoice.number for i in invoices})
    return {
        "language": language,
        "locale": _locale(reminder.language, language),
        "today": today,
        "channel": kind.value,
        "email": kind is ChannelKind.EMAIL,
        "letter": kind in LETTER_KINDS,
        "registered": kind is ChannelKind.REGISTERED_LETTER,
        "informal": informal,
        "company": company,
        "place": company.address.city,
        "signatory": company.signatory,
        "iban": _grouped(company.iban),
        "bic": company.bic,
        "customer": reminder.customer,
        "business": not reminder.customer.is_consumer,
        "law": governing_law(reminder, company.country),
        "contact_name": recipient.name if recipient is not None and recipient.name else None,
        "level": reminder.level.name,
        "deadline": reminder.deadline,
        "invoices": invoices,
        "invoice_numbers": [i.invoice.number for i in invoices],
        "credits": credits,
        "totals": reminder.totals,
        "penalties": penalties,
        "grand_totals": grand_totals,
        "quotes_penalties": reminder.level.penalties,
        "penalty_rows": penalty_rows(invoices),
        "payment_references": references,
        "remittance": (
            references if len(references) <= LISTED_REFERENCES else [reminder.customer.id]
        ),
        "previous": previous_reminders(history, reminder),
        "attachments": list(attachments),
        "attachments_held_back": attachments_held_back,
    }


def _locale(wanted: str | None, language: str) -> str:
    """Format with the customer's regional variant (``fr_BE``) when it is that language."""
    if wanted and wanted.split("_")[0] == language and "_" in wanted:
        return wanted
    return language


def _grouped(iban: str | None) -> str | None:
    """``FR76 3000 6000 ...``: an IBAN as people read and type it."""
    if iban is None:
        return None
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
