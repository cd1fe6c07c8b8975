"""The planner: who gets which reminder today. A pure function, no I/O.

``plan(invoices, state, book, calendar, today)`` decides from the state of each invoice
and the time elapsed, never from "is today exactly day N", so a run missed for a week
catches up without skipping anyone and without spamming anyone:

* an invoice moves to the next level of its policy when that level's offset is reached
  and the previous level was delivered, one level per message;
* an invoice never reminded starts where the policy's ``start_late_invoices_at`` says;
* each customer gets at most one message per day, at the level of its most advanced
  invoice, listing every open item (invoices, credit notes, unapplied payments) with
  per-currency totals; nothing when credits cover the debt or the amount is below the
  policy's minimum; nothing within ``min_gap_days`` of the previous message;
* disputes, pauses and promises to pay hold an invoice (or a whole customer) and end
  by themselves;
* an unsettled send (a crash between intent and delivery) holds the customer until a
  person resolves it; a failed channel is retried on a later day.

Why each customer was not reminded is part of the result (:class:`Skip`), so a dry run
explains itself.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from relance.engine.policy import CustomerOverride, Level, LevelKind, Policy, PolicyBook, StartLevel
from relance.engine.state import CustomerKey, DunningState, InvoiceMemory, Pause
from relance.errors import RelanceError
from relance.i18n import _
from relance.model import ChannelKind, Contact, Customer, DocumentKind, Invoice, penalty_amounts

__all__ = [
    "Calendar",
    "Plan",
    "PlannedItem",
    "Quote",
    "Reminder",
    "Skip",
    "SkipReason",
    "amounts_asked",
    "counting_from",
    "email_contact",
    "invoice_hold",
    "item_order",
    "level_channels",
    "message_language",
    "plan",
    "recipient_emails",
    "reminder_key",
]


class Calendar(Protocol):
    """The business calendar the planner needs (see :mod:`relance.engine.calendar`)."""

    def is_business_day(self, day: date, /) -> bool: ...

    def add_business_days(self, day: date, count: int, /) -> date: ...


class Quote(Protocol):
    """Late-payment penalties of one invoice (see :mod:`relance.legal`): the interest in
    the invoice's currency, the indemnity in ``indemnity_currency``."""

    @property
    def interest(self) -> Decimal: ...

    @property
    def indemnity(self) -> Decimal: ...

    @property
    def indemnity_currency(self) -> str: ...


PenaltyCalculator = Callable[[Invoice, date], Quote | None]


class SkipReason(StrEnum):
    """Why something due was not reminded today. Stable codes: scripts read them."""

    NOT_BUSINESS_DAY = "not_business_day"
    DISPUTED = "disputed"
    PAUSED = "paused"
    PROMISED = "promised"
    CUSTOMER_PAUSED = "customer_paused"
    DO_NOT_REMIND = "do_not_remind"
    HANDED_OFF = "handed_off"
    UNSETTLED = "unsettled"
    DELIVERY_FAILED = "delivery_failed"
    RETRY_LATER = "retry_later"
    MIN_GAP = "min_gap"
    CREDITS_COVER = "credits_cover"
    BELOW_MINIMUM = "below_minimum"
    NO_CONTACT = "no_contact"
    REJECTED = "rejected"
    NO_PENALTIES = "no_penalties"
    """The level quotes penalties and they cannot be computed (unknown jurisdiction...)."""
    FIRMER_SENT = "firmer_sent"
    """The customer already had a firmer reminder about another invoice still open: a
    softer one would contradict it. The invoice is listed in the next step of that one."""


@dataclass(frozen=True)
class Skip:
    customer: Customer
    source: str
    reason: SkipReason
    detail: str = ""
    invoice: Invoice | None = None


@dataclass(frozen=True)
class PlannedItem:
    """One open item listed in a reminder."""

    invoice: Invoice
    days_late: int
    reaches: str | None = None
    """The level this message delivers for the invoice, or ``None`` if only listed."""
    penalty: Quote | None = None
    amount: Decimal | None = None
    """What the message asks for it (:meth:`Invoice.amount_due`); ``None``: its residual."""

    @property
    def asked(self) -> Decimal:
        """The amount the message asks for this item: for an invoice in instalments,
        the part that is due; otherwise its residual (a magnitude, as ``residual``)."""
        return self.invoice.residual if self.amount is None else self.amount


@dataclass(frozen=True)
class Reminder:
    """One message to one customer, possibly through several channels."""

    key: str
    source: str
    customer: Customer
    policy: str
    level: Level
    channels: tuple[ChannelKind, ...]
    items: tuple[PlannedItem, ...]
    totals: dict[str, Decimal]
    """Net amount due per currency (invoices minus credits), before penalties."""
    emails: tuple[str, ...]
    language: str | None
    requires_approval: bool
    deadline: date | None = None
    completion: bool = False
    """True when this only retries the channels that failed for an earlier reminder."""
    notes: tuple[str, ...] = ()
    jurisdiction: str | None = None
    """The late-payment rules the configuration chose for this customer
    (``[customers.<id>] jurisdiction``), if it did."""

    @property
    def customer_key(self) -> CustomerKey:
        return (self.source, self.customer.id)

    @property
    def advancing(self) -> tuple[tuple[str, str], ...]:
        """``(invoice id, level)`` for each invoice this reminder moves up a level."""
        return tuple((i.invoice.id, i.reaches) for i in self.items if i.reaches is not None)

    @property
    def penalties(self) -> dict[str, Decimal]:
        """Interest plus indemnities per currency, in currency order, for the items that
        quote them: an invoice's interest in its currency, its indemnity in the law's
        (EUR 40 on a French company's invoice in dollars)."""
        totals: dict[str, Decimal] = {}
        for item in self.items:
            quote = item.penalty
            if quote is not None:
                amounts = penalty_amounts(
                    item.invoice.currency, quote.interest, quote.indemnity, quote.indemnity_currency
                )
                for currency, amount in amounts.items():
                    totals[currency] = totals.get(currency, Decimal(0)) + amount
        return dict(sorted(totals.items()))

    @property
    def is_handoff(self) -> bool:
        return self.level.kind is LevelKind.HANDOFF

    def message_key(self, channel: ChannelKind) -> str:
        return f"{self.key}:{channel.value}"


@dataclass
class Plan:
    today: date
    reminders: list[Reminder] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


def reminder_key(source: str, customer_id: str, level: str, invoice_ids: Iterable[str]) -> str:
    """A stable key for (customer, level, invoices moved to that level).

    The same reminder planned on two days (waiting for approval, retried after a failure)
    keeps its key, so its approval holds and a channel that already delivered it is not
    used again. Any change in the invoices it covers gives a new key.
    """
    text = "\x1f".join([source, customer_id, level, *sorted(invoice_ids)])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def plan(
    invoices: Iterable[Invoice],
    state: DunningState,
    book: PolicyBook,
    calendar: Calendar,
    today: date,
    *,
    penalties: PenaltyCalculator | None = None,
    scores: Mapping[CustomerKey, str] | None = None,
) -> Plan:
    """Decide today's reminders. See the module docstring for the rules."""
    groups: dict[CustomerKey, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        if invoice.residual > 0:
            groups[(invoice.source, invoice.customer.id)].append(invoice)
    result = Plan(today=today)
    planner = _CustomerPlanner(state, book, calendar, today, penalties)
    for key in sorted(groups):
        reminder, skipped = planner.plan(key, groups[key], (scores or {}).get(key))
        if reminder is not None:
            result.reminders.append(reminder)
        result.skipped.extend(skipped)
    if not calendar.is_business_day(today):
        result.skipped = [
            Skip(r.customer, r.source, SkipReason.NOT_BUSINESS_DAY, today.strftime("%A"))
            for r in result.reminders
        ] + result.skipped
        result.reminders = []
    return result


@dataclass(frozen=True)
class _Candidate:
    invoice: Invoice
    index: int
    renewed: bool = False
    """A level was delivered for this invoice about an earlier instalment: it goes
    through the levels again for the one late now (keyed apart, see ``_keyed``)."""


@dataclass
class _CustomerPlanner:
    state: DunningState
    book: PolicyBook
    calendar: Calendar
    today: date
    penalties: PenaltyCalculator | None
    _held: list[Skip] = field(default_factory=list)

    def plan(
        self, key: CustomerKey, invoices: Sequence[Invoice], score: str | None
    ) -> tuple[Reminder | None, list[Skip]]:
        """The customer's reminder, if any, and why anything due is not reminded."""
        outcome = self._plan(key, invoices, score)
        if isinstance(outcome, Reminder):
            return outcome, list(self._held)
        return None, outcome

    def _plan(
        self, key: CustomerKey, invoices: Sequence[Invoice], score: str | None
    ) -> Reminder | list[Skip]:
        source, customer = key[0], invoices[0].customer
        policy_name = self.book.policy_name_for(customer, score)
        policy = self.book.policies[policy_name]
        override = self.book.override_for(customer)
        candidates, held, firmest = self._invoices(policy, source, invoices)
        self._held = held

        def skip(reason: SkipReason, detail: str = "") -> list[Skip]:
            return [Skip(customer, source, reason, detail), *held]

        completion = self._completion(key, policy_name, policy, invoices, override, firmest)
        if not candidates and completion is None:
            return held
        blocker = self._customer_block(key, override)
        if blocker is not None:
            return skip(*blocker)
        if completion is not None:
            return completion
        softest = max(c.index for c in candidates)
        if softest < firmest:
            detail = f"{policy.levels[softest].name} < {policy.levels[firmest].name}"
            return skip(SkipReason.FIRMER_SENT, detail)
        memory = self.state.customers.get(key)
        if memory is not None and memory.last_message is not None:
            elapsed = (self.today - memory.last_message).days
            if elapsed < max(policy.min_gap_days, 1):
                return skip(SkipReason.MIN_GAP, f"last message {memory.last_message.isoformat()}")
        return self._reminder(
            source, customer, policy_name, policy, override, invoices, candidates, held
        )

    # -- per invoice ---------------------------------------------------------------

    def _invoices(
        self, policy: Policy, source: str, invoices: Sequence[Invoice]
    ) -> tuple[list[_Candidate], list[Skip], int]:
        """A customer's invoices due for a level, those held, and the index of the
        firmest level delivered for an invoice still being escalated (-1: none).

        An invoice sets that floor while it is late, not held, and has a level still to
        come in this policy: its next step, which lists the other late invoices, is on
        its way. One whose escalation is over (the policy's last level reached), or that
        is not late today (an instalment paid, the next one not due), holds back no one.
        """
        candidates: list[_Candidate] = []
        held: list[Skip] = []
        firmest = -1
        for invoice in invoices:
            if invoice.kind is not DocumentKind.INVOICE or invoice.due_date is None:
                continue
            delivered, renewed = self._delivered(policy, invoice)
            index = self._next_level(policy, invoice, delivered)
            if index is None and delivered < 0:
                continue  # nothing due, nothing said: neither a candidate nor a floor
            hold = self._hold(invoice)
            if (
                hold is None
                and 0 <= delivered < len(policy.levels) - 1
                and invoice.days_late(self.today) > 0
            ):
                firmest = max(firmest, delivered)
            if index is None:
                continue
            if hold is None:
                candidates.append(_Candidate(invoice, index, renewed))
            else:
                held.append(Skip(invoice.customer, source, hold[0], hold[1], invoice))
        return candidates, held, firmest

    def _next_level(self, policy: Policy, invoice: Invoice, delivered: int) -> int | None:
        """The index of the level this invoice is due for today, if any.

        A level before the due date (a courtesy reminder, negative offset) whose day has
        passed is skipped: "falls due soon" about an invoice already due is false.
        """
        days_late = invoice.days_late(self.today)
        index = delivered + 1 if delivered >= 0 else _start_index(policy, days_late)
        if index is None:
            return None
        while index < len(policy.levels) and policy.levels[index].offset_days < 0 <= days_late:
            index += 1
        if index >= len(policy.levels):
            return None
        return index if days_late >= policy.levels[index].offset_days else None

    def _delivered(self, policy: Policy, invoice: Invoice) -> tuple[int, bool]:
        """The index of the firmest level delivered for this invoice that counts (-1 if
        none), and whether a level was delivered for it about an earlier instalment.

        For an invoice in instalments, a level counts when it was delivered for the
        instalment late now, on or after :func:`counting_from`: the earlier ones were about
        an instalment since paid (or moved to a later day), and the one late now goes
        through the levels again. It also sets the ``firmer_sent`` floor only then.
        """
        memory = self.state.invoices.get(invoice.key)
        if memory is None:
            return -1, False
        if not invoice.instalments:  # most invoices: every level delivered counts
            delivered = [i for i, lvl in enumerate(policy.levels) if lvl.name in memory.levels]
            return max(delivered, default=-1), False
        firmest, renewed = -1, False
        for index, level in enumerate(policy.levels):
            first = memory.levels.get(level.name)
            if first is None:
                continue
            since = counting_from(invoice, level.offset_days)
            # Once any reminder was about an earlier instalment, this one's are keyed
            # apart, all of them: the earlier one's rejected or approved notice is not its.
            renewed = renewed or _before(first, since)
            if memory.delivered_since(level.name, since):
                firmest = index
        return firmest, renewed

    def _hold(self, invoice: Invoice) -> tuple[SkipReason, str] | None:
        return invoice_hold(invoice, self.state.invoices.get(invoice.key), self.today)

    # -- per customer ----------------------------------------------------------------

    def _customer_block(  # noqa: PLR0911 - one return per kind of hold, in priority order
        self, key: CustomerKey, override: CustomerOverride
    ) -> tuple[SkipReason, str] | None:
        memory = self.state.customers.get(key)
        if override.do_not_remind:
            return SkipReason.DO_NOT_REMIND, override.do_not_remind_reason or ""
        if memory is not None and memory.handed_off is not None:
            return SkipReason.HANDED_OFF, memory.handed_off.isoformat()
        if memory is not None and memory.pause is not None and memory.pause.active(self.today):
            return SkipReason.CUSTOMER_PAUSED, _pause_text(memory.pause)
        unsettled = self.state.unsettled_for(key)
        if unsettled:
            keys = ", ".join(sorted(e.message_key or "" for e in unsettled))
            return SkipReason.UNSETTLED, keys
        for _rkey, reminder in self.state.reminders_of(key):
            for channel, (day, permanent) in reminder.failed.items():
                if permanent:
                    return SkipReason.DELIVERY_FAILED, f"{reminder.level} by {channel.value}"
                if day >= self.today:
                    return SkipReason.RETRY_LATER, f"{reminder.level} by {channel.value}"
        if memory is not None and memory.last_message == self.today:
            return SkipReason.MIN_GAP, f"last message {self.today.isoformat()}"
        return None

    def _completion(
        self,
        key: CustomerKey,
        policy_name: str,
        policy: Policy,
        invoices: Sequence[Invoice],
        override: CustomerOverride,
        firmest: int,
    ) -> Reminder | None:
        """Retry the channels that failed for a reminder other channels delivered, unless
        a firmer level (``firmest``, an index) was delivered since for an open invoice:
        the old message would contradict it. Each invoice it covers reaches again the
        level it reached in that reminder, no other."""
        by_id: dict[str, Invoice] | None = None
        for rkey, memory in sorted(self.state.reminders_of(key), key=lambda pair: pair[0]):
            retry = tuple(
                channel
                for channel, (day, permanent) in memory.failed.items()
                if not permanent and day < self.today and channel not in memory.sent
            )
            if not memory.sent or not retry:
                continue
            index = policy.index(memory.level)
            if index is None or index < firmest:
                continue
            if by_id is None:  # only for a customer with something to retry
                by_id = {i.id: i for i in invoices if i.kind is DocumentKind.INVOICE}
            covered = [
                (by_id[invoice_id], policy.index(level))
                for invoice_id, level in memory.invoice_levels
                if invoice_id in by_id
            ]
            if policy.levels[index].offset_days < 0 and any(
                i.days_late(self.today) >= 0 for i, _ in covered
            ):
                continue  # "falls due soon", retried once due, would be false
            if any(_before(memory.sent_on, counting_from(i)) for i, _ in covered):
                continue  # about an instalment paid since: it would ask for one not due
            still_open = [
                _Candidate(i, own)
                for i, own in covered
                # listed, not advanced, once due: a level before the due date is past
                if own is not None
                and not policy.levels[own].offset_days < 0 <= i.days_late(self.today)
            ]
            if not still_open:
                continue
            outcome = self._reminder(
                key[0],
                invoices[0].customer,
                policy_name,
                policy,
                override,
                invoices,
                still_open,
                [],
                completion=(rkey, retry),
            )
            return outcome if isinstance(outcome, Reminder) else None
        return None

    def _reminder(
        self,
        source: str,
        customer: Customer,
        policy_name: str,
        policy: Policy,
        override: CustomerOverride,
        invoices: Sequence[Invoice],
        candidates: list[_Candidate],
        held: list[Skip],
        completion: tuple[str, tuple[ChannelKind, ...]] | None = None,
    ) -> Reminder | list[Skip]:
        level = policy.levels[max(c.index for c in candidates)]
        reaching = {
            c.invoice.key: policy.levels[c.index].name
            for c in candidates
            # A hand-off sends no message: it takes no other invoice a step forward.
            if level.kind is LevelKind.MESSAGE or policy.levels[c.index] is level
        }
        listed = _listed(invoices, candidates, held, self.today)

        def skip(reason: SkipReason, detail: str = "") -> list[Skip]:
            return [Skip(customer, source, reason, detail), *held]

        asked, totals = amounts_asked(listed, self.today)
        if all(amount <= 0 for amount in totals.values()):
            return skip(SkipReason.CREDITS_COVER, _money_text(totals))
        if max(totals.values()) < policy.min_amount:
            return skip(SkipReason.BELOW_MINIMUM, _money_text(totals))
        try:
            items = tuple(
                PlannedItem(
                    invoice=invoice,
                    days_late=invoice.days_late(self.today),
                    reaches=reaching.get(invoice.key),
                    penalty=self._penalty(level, invoice),
                    amount=None if invoice.is_credit else asked[invoice.key],
                )
                for invoice in listed
            )
        except RelanceError as exc:
            # A message quoting penalties is never sent without them, nor with wrong ones;
            # the other customers go on.
            return skip(SkipReason.NO_PENALTIES, _one_line(exc))
        key = (
            completion[0]
            if completion
            else reminder_key(source, customer.id, level.name, (_keyed(c) for c in candidates))
        )
        if key in self.state.rejected:
            return skip(SkipReason.REJECTED, level.name)
        emails = recipient_emails(customer, listed, override)
        channels, notes = level_channels(level, override, emails, customer)
        if completion is not None:
            channels = tuple(c for c in channels if c in completion[1])
        if level.kind is LevelKind.MESSAGE and not channels:
            return skip(SkipReason.NO_CONTACT, "; ".join(notes))
        deadline = (
            self.calendar.add_business_days(self.today, level.deadline_business_days)
            if level.deadline_business_days
            else None
        )
        return Reminder(
            key=key,
            source=source,
            customer=customer,
            policy=policy_name,
            level=level,
            channels=channels,
            items=items,
            totals=totals,
            emails=emails if ChannelKind.EMAIL in channels else (),
            language=message_language(customer, override),
            requires_approval=level.approval and key not in self.state.approved,
            deadline=deadline,
            completion=completion is not None,
            notes=(*notes, *_penalty_warnings(items)),
            jurisdiction=override.jurisdiction,
        )

    def _penalty(self, level: Level, invoice: Invoice) -> Quote | None:
        return quote_penalty(level, invoice, self.penalties, self.today)


def _one_line(error: RelanceError) -> str:
    """An error and its problems on one line, for a skip's detail."""
    return " ".join(str(error).split())


def quote_penalty(
    level: Level, invoice: Invoice, penalties: PenaltyCalculator | None, today: date
) -> Quote | None:
    """The penalties ``level`` quotes for ``invoice``: late invoices only, if it quotes any."""
    if not level.penalties or penalties is None:
        return None
    if invoice.kind is not DocumentKind.INVOICE or invoice.days_late(today) <= 0:
        return None
    return penalties(invoice, today)


def _start_index(policy: Policy, days_late: int) -> int | None:
    match policy.start_late_invoices_at:
        case StartLevel.FIRST:
            return 0
        case StartLevel.OVERDUE:
            if days_late < 0:
                return 0
            return next(
                (i for i, lvl in enumerate(policy.levels) if lvl.offset_days >= 0),
                None,
            )
        case StartLevel.REACHED:
            # A hand-off is never the first thing a customer hears of relance.
            reached = [
                i
                for i, lvl in enumerate(policy.levels)
                if lvl.offset_days <= days_late and lvl.kind is LevelKind.MESSAGE
            ]
            return max(reached) if reached else 0


def counting_from(invoice: Invoice, offset_days: int = 1) -> date | None:
    """The first day a delivery of a level (``offset_days`` from the due date) counts
    for the instalment of ``invoice`` late now, when an earlier one was paid: the day
    after its due date (on it, it is not late yet), from its due date for a level on the
    due date, and the day after the earlier instalment's due date for a level before it
    (a courtesy note, never sent once due). ``None`` when every delivery counts: an
    invoice without instalments, or whose instalments do not account for what is owed,
    or whose first instalment is the one late.

    A reminder delivered before that day was about an earlier instalment, since paid.
    Only the sign of the offset matters: a customer moved to a policy with other offsets
    keeps the levels it had.
    """
    if not invoice.instalments:  # most invoices, first
        return None
    since = invoice.payable_since
    if since is None or not invoice.unpaid_instalments(invoice.residual):
        return None
    earlier = [part.due_date for part in invoice.instalments if part.due_date < since]
    if not earlier:
        return None
    if offset_days < 0:
        return max(earlier) + timedelta(days=1)
    return since + timedelta(days=1 if offset_days > 0 else 0)


def _before(day: date | None, since: date | None) -> bool:
    """Whether ``day`` is known and before ``since`` (``None``: no limit)."""
    return day is not None and since is not None and day < since


def _keyed(candidate: _Candidate) -> str:
    """The invoice as a reminder's key names it: with the instalment late now once a
    reminder was about an earlier one, so that a level it goes through again is a new
    message (the key of a delivered one is never sent again), and a reminder rejected
    or approved for one instalment is not for the next."""
    invoice = candidate.invoice
    if not candidate.renewed or invoice.payable_since is None:
        return invoice.id
    return f"{invoice.id}@{invoice.payable_since.isoformat()}"


def _listed(
    invoices: Sequence[Invoice], candidates: Sequence[_Candidate], held: Sequence[Skip], today: date
) -> list[Invoice]:
    """What a reminder lists: items due for a level, other overdue invoices, and credits.

    Held invoices (disputed, paused, promised) are left out; invoices not yet due are
    left out unless a level is due for them (a courtesy reminder).
    """
    due = {c.invoice.key for c in candidates}
    held_keys = {s.invoice.key for s in held if s.invoice is not None}
    listed = [
        i
        for i in invoices
        if i.key not in held_keys and (i.is_credit or i.key in due or i.days_late(today) > 0)
    ]
    return sorted(listed, key=item_order)


def item_order(invoice: Invoice) -> tuple[int, date, str]:
    """The order a message lists its items in: invoices by due date, then credits."""
    return (int(invoice.is_credit), invoice.due_date or date.min, invoice.number)


def amounts_asked(
    listed: Sequence[Invoice], today: date
) -> tuple[dict[tuple[str, str], Decimal], dict[str, Decimal]]:
    """What a message asks of each item, by key: a credit's (negative) residual, or what
    an invoice owes today (only its instalments due, for one payable in several times);
    and their totals per currency, in currency order."""
    asked = {i.key: i.signed_residual if i.is_credit else i.amount_due(today) for i in listed}
    totals: dict[str, Decimal] = {}
    for invoice in listed:
        totals[invoice.currency] = totals.get(invoice.currency, Decimal(0)) + asked[invoice.key]
    return asked, dict(sorted(totals.items()))


def invoice_hold(
    invoice: Invoice, memory: InvoiceMemory | None, today: date
) -> tuple[SkipReason, str] | None:
    """Why ``invoice`` is held on ``today`` (disputed, paused, promised), and the detail;
    ``None`` when it is not. ``memory`` is what the history holds of it."""
    memory = memory or InvoiceMemory()
    if invoice.disputed and (invoice.dispute_until is None or today <= invoice.dispute_until):
        return SkipReason.DISPUTED, invoice.dispute_reason or ""
    if memory.pause is not None and memory.pause.active(today):
        return SkipReason.PAUSED, _pause_text(memory.pause)
    promise = memory.promise or invoice.promise_date
    if promise is not None and today <= promise:
        return SkipReason.PROMISED, promise.isoformat()
    return None


def email_contact(customer: Customer, invoices: Iterable[Invoice]) -> Contact | None:
    """Whom a reminder is e-mailed to: the first invoice's own contact with an address,
    else the customer's billing contact if it has one."""
    for invoice in invoices:
        if invoice.contact is not None and invoice.contact.emails:
            return invoice.contact
    billing = customer.billing_contact
    return billing if billing is not None and billing.emails else None


def recipient_emails(
    customer: Customer, invoices: Sequence[Invoice], override: CustomerOverride
) -> tuple[str, ...]:
    """The addresses a reminder goes to: the configuration's, else its contact's."""
    if override.emails:
        return tuple(str(e) for e in override.emails)
    contact = email_contact(customer, invoices)
    return tuple(contact.emails) if contact is not None else ()


def _penalty_warnings(items: Iterable[PlannedItem]) -> list[str]:
    """What the legal rules said of the penalties the message quotes (a contractual rate
    below the legal minimum, a rate missing from a table...), invoice by invoice: the
    message states these figures, so the person sending it must see the warning."""
    return [
        f"{item.invoice.number}: {warning}"
        for item in items
        for warning in getattr(item.penalty, "warnings", ())
    ]


def level_channels(
    level: Level, override: CustomerOverride, emails: tuple[str, ...], customer: Customer
) -> tuple[tuple[ChannelKind, ...], list[str]]:
    """The level's channels, adapted to the customer's preference and contact details."""
    notes: list[str] = []
    channels: list[ChannelKind] = []
    for channel in level.channels:
        chosen = channel
        if channel is ChannelKind.EMAIL and override.channel is not None:
            chosen = override.channel
        if chosen is ChannelKind.EMAIL and not emails:
            notes.append(_("no email address: sent by letter"))
            chosen = ChannelKind.LETTER
        if chosen in (ChannelKind.LETTER, ChannelKind.REGISTERED_LETTER) and (
            customer.address is None
        ):
            notes.append(_("no postal address for a {channel}").format(channel=chosen.value))
            continue
        if chosen not in channels:
            channels.append(chosen)
    return tuple(channels), notes


def message_language(customer: Customer, override: CustomerOverride) -> str | None:
    """The language a customer is written to: the configuration's, the billing contact's,
    else the customer's."""
    if override.language:
        return override.language
    billing = customer.billing_contact
    if billing is not None and billing.language:
        return billing.language
    return customer.language


def _pause_text(pause: Pause) -> str:
    return f"{pause.reason} (until {pause.until.isoformat()})" if pause.until else pause.reason


def _money_text(totals: Mapping[str, Decimal]) -> str:
    return ", ".join(f"{amount} {currency}" for currency, amount in totals.items())
