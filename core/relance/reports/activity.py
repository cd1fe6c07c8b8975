"""Dunning activity over a period: what was sent, what it recovered, promises kept.

* **Sent**: reminders delivered (``sent`` events of the history) per level and channel.
* **Recovered**: a paid invoice whose payment date falls in the period is credited to
  the last reminder that listed it before the payment, if the payment came within
  ``recovery_days`` days of that reminder; its total counts for that reminder's level.
  Invoices paid without a known date cannot be credited.
* **Promises**: every promise to pay (recorded with ``relance promise``, or given by the
  source) due in the period or still running is *kept* when the invoice was paid by the
  promised day, *broken* when the day passed unpaid (or paid later), *pending* when the
  day is still ahead and the invoice unpaid, *unknown* when it was paid on an unknown day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from relance.model import EventType, HistoryEvent
from relance.reports.ledger import Ledger

__all__ = ["ActivityReport", "LevelRecovery", "Promise", "PromiseStatus", "SentCount", "activity"]


class PromiseStatus(StrEnum):
    KEPT = "kept"
    BROKEN = "broken"
    PENDING = "pending"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SentCount:
    level: str
    channel: str
    count: int


@dataclass(frozen=True)
class LevelRecovery:
    level: str
    currency: str
    reminders: int
    """Reminders of this level delivered in the period (all currencies)."""
    invoices: int
    amount: Decimal


@dataclass(frozen=True)
class Promise:
    source: str
    customer_id: str
    customer_name: str
    invoice_id: str
    promised: date
    status: PromiseStatus
    paid_date: date | None


@dataclass(frozen=True)
class ActivityReport:
    start: date
    end: date
    recovery_days: int
    sent: tuple[SentCount, ...]
    recovered: tuple[LevelRecovery, ...]
    promises: tuple[Promise, ...]
    no_paid_history: tuple[str, ...]

    def promise_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(PromiseStatus, 0)
        for promise in self.promises:
            counts[promise.status] += 1
        return {status.value: count for status, count in counts.items()}


@dataclass(frozen=True)
class _Delivered:
    day: date
    level: str
    source: str
    invoice_ids: frozenset[str]


def activity(
    ledger: Ledger, events: Iterable[HistoryEvent], start: date, end: date, recovery_days: int
) -> ActivityReport:
    """The activity of ``start``..``end`` (both included), from one pass over ``events``
    keeping only what it counts: a million-invoice history is some 500,000 events."""
    sent: dict[tuple[str, str], int] = defaultdict(int)
    reminders: dict[str, _Delivered] = {}
    promises: list[HistoryEvent] = []
    for event in events:
        if event.day > end:
            continue
        if event.type is EventType.PROMISED:
            promises.append(event)
        if event.type is not EventType.SENT:
            continue
        key = event.reminder_key or event.id
        if key not in reminders:
            reminders[key] = _Delivered(
                event.day, event.level or "", event.source or "", frozenset(event.invoice_ids)
            )
        if start <= event.day:
            channel = event.channel.value if event.channel is not None else ""
            sent[(event.level or "", channel)] += 1
    return ActivityReport(
        start=start,
        end=end,
        recovery_days=recovery_days,
        sent=tuple(SentCount(level, channel, n) for (level, channel), n in sorted(sent.items())),
        recovered=_recovered(ledger, list(reminders.values()), start, end, recovery_days),
        promises=_promises(ledger, promises, start, end),
        no_paid_history=ledger.no_paid_history,
    )


def _recovered(
    ledger: Ledger, delivered: list[_Delivered], start: date, end: date, window: int
) -> tuple[LevelRecovery, ...]:
    per_level: dict[str, int] = defaultdict(int)
    listing: dict[tuple[str, str], list[_Delivered]] = defaultdict(list)
    for reminder in delivered:
        if start <= reminder.day <= end:
            per_level[reminder.level] += 1
        for invoice_id in reminder.invoice_ids:
            listing[(reminder.source, invoice_id)].append(reminder)
    found: dict[tuple[str, str], tuple[int, Decimal]] = {}
    for invoice in ledger.paid:
        paid = invoice.paid_date
        if paid is None or not start <= paid <= end:
            continue
        before = [r for r in listing.get(invoice.key, ()) if r.day <= paid]
        if not before:
            continue
        last = max(before, key=lambda r: r.day)
        if paid - last.day > timedelta(days=window):
            continue
        count, amount = found.get((last.level, invoice.currency), (0, Decimal(0)))
        found[(last.level, invoice.currency)] = (count + 1, amount + invoice.total)
    rows = []
    for level in sorted({*per_level, *(level for level, _currency in found)}):
        currencies = sorted(currency for name, currency in found if name == level) or [""]
        for currency in currencies:
            count, amount = found.get((level, currency), (0, Decimal(0)))
            rows.append(LevelRecovery(level, currency, per_level[level], count, amount))
    return tuple(rows)


def _promises(
    ledger: Ledger, recorded: list[HistoryEvent], start: date, end: date
) -> tuple[Promise, ...]:
    promised: dict[tuple[str, str], tuple[date, str, str]] = {}
    for invoice in (*ledger.open, *ledger.paid):  # a paid row keeps the promise it had
        if invoice.promise_date is not None:
            promised[invoice.key] = (
                invoice.promise_date,
                invoice.customer.id,
                invoice.customer.name,
            )
    for event in recorded:
        if event.until is not None and event.source:
            for invoice_id in event.invoice_ids:
                promised[(event.source, invoice_id)] = (
                    event.until,
                    event.customer_id or "",
                    event.customer_name or "",
                )
    paid = ledger.paid_by_key()
    result = []
    for (source, invoice_id), (day, customer_id, name) in sorted(promised.items()):
        if day < start:
            continue
        settled = paid.get((source, invoice_id))
        paid_date = settled.paid_date if settled is not None else None
        result.append(
            Promise(
                source,
                customer_id,
                name,
                invoice_id,
                day,
                _status(settled is not None, paid_date, day, end),
                paid_date,
            )
        )
    return tuple(result)


def _status(is_paid: bool, paid_date: date | None, promised: date, end: date) -> PromiseStatus:
    if is_paid and paid_date is None:
        return PromiseStatus.UNKNOWN
    if paid_date is not None and paid_date <= end:
        return PromiseStatus.KEPT if paid_date <= promised else PromiseStatus.BROKEN
    return PromiseStatus.PENDING if promised >= end else PromiseStatus.BROKEN
