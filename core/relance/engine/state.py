"""What the history says about each invoice and customer, folded into one value.

The planner never reads the history store: it receives a :class:`DunningState`, built
here by replaying events in order. The fold is pure, so the same events always give the
same state, and the rules it encodes are in one place:

* an invoice *reached* a level when a message of that level was delivered for it
  (``sent``, or an unsettled send that a person resolved as delivered, on the day it
  was sent); the first and the last day of each level are kept, so that an invoice in
  instalments can tell an earlier instalment's reminders from the present one's;
* a message whose intent was written but never settled blocks its customer until a
  person resolves it: relance never guesses whether a crash happened before or after
  the delivery;
* a failed message is retried on a later day, never the same day; a permanent failure
  waits for a person;
* pauses (disputes, customer holds) and promises to pay are dated and end by themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from relance.model import ChannelKind, EventType, HistoryEvent

__all__ = [
    "CustomerKey",
    "CustomerMemory",
    "DunningState",
    "InvoiceKey",
    "InvoiceMemory",
    "Pause",
    "ReminderMemory",
]

InvoiceKey = tuple[str, str]
"""``(source, invoice id)``, as :attr:`relance.model.Invoice.key`."""
CustomerKey = tuple[str, str]
"""``(source, customer id)``."""

RESOLVED_SENT = "sent"
RESOLVED_NOT_SENT = "not_sent"
PERMANENT = "permanent"


@dataclass(frozen=True, slots=True)
class Pause:
    """A hold on reminders: a dispute, a customer-level pause, or a promise to pay."""

    reason: str
    until: date | None = None
    """Last day of the pause (inclusive); ``None`` until resumed by a person."""

    def active(self, today: date) -> bool:
        return self.until is None or today <= self.until


@dataclass(slots=True)
class InvoiceMemory:
    levels: dict[str, date] = field(default_factory=dict)
    """Levels delivered for this invoice, with the day of their first delivery."""
    pause: Pause | None = None
    promise: date | None = None
    again: dict[str, date] | None = None
    """Levels delivered again on a later day, with the last such day: an invoice in
    instalments goes through the levels again for each instalment that falls late.
    ``None`` for the others (most invoices: no memory spent on it)."""

    def delivered_since(self, level: str, since: date | None) -> date | None:
        """The day ``level`` was delivered on or after ``since`` (any day when ``None``),
        else ``None``: its first delivery when that is late enough, else its last one.
        A level is delivered once per instalment that falls late, so the first and the
        last day tell an earlier instalment's delivery from the present one's."""
        first = self.levels.get(level)
        if first is None or since is None or first >= since:
            return first
        last = self.again.get(level) if self.again is not None else None
        return last if last is not None and last >= since else None


@dataclass(slots=True)
class CustomerMemory:
    last_message: date | None = None
    pause: Pause | None = None
    handed_off: date | None = None


@dataclass(slots=True)
class ReminderMemory:
    """One planned reminder that went (or tried to go) out through its channels."""

    customer: CustomerKey
    level: str
    invoice_levels: tuple[tuple[str, str], ...]
    sent: set[ChannelKind] = field(default_factory=set)
    failed: dict[ChannelKind, tuple[date, bool]] = field(default_factory=dict)
    """Channels whose last attempt failed: (day, permanent)."""
    sent_on: date | None = None
    """The day a channel first delivered it: what it said was true that day."""


@dataclass
class DunningState:
    """Everything the planner needs to know from the past."""

    invoices: dict[InvoiceKey, InvoiceMemory] = field(default_factory=dict)
    customers: dict[CustomerKey, CustomerMemory] = field(default_factory=dict)
    reminders: dict[str, ReminderMemory] = field(default_factory=dict)
    unsettled: dict[str, HistoryEvent] = field(default_factory=dict)
    """Intents without a settlement, by message key."""
    sent_messages: set[str] = field(default_factory=set)
    planned: set[str] = field(default_factory=set)
    approved: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)
    _reminders_by_customer: dict[CustomerKey, list[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Reminder keys per customer, in the order first seen: the planner asks per customer,
    and scanning every reminder for each customer grows with the square of the ledger."""
    _unsettled_by_customer: dict[CustomerKey, dict[str, HistoryEvent]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_events(cls, events: Iterable[HistoryEvent]) -> DunningState:
        state = cls()
        for event in events:
            state.apply(event)
        return state

    def invoice(self, key: InvoiceKey) -> InvoiceMemory:
        memory = self.invoices.get(key)
        if memory is None:
            memory = self.invoices[key] = InvoiceMemory()
        return memory

    def customer(self, key: CustomerKey) -> CustomerMemory:
        memory = self.customers.get(key)
        if memory is None:
            memory = self.customers[key] = CustomerMemory()
        return memory

    def unsettled_for(self, customer: CustomerKey) -> list[HistoryEvent]:
        """The customer's intents without a settlement, in the order they were claimed."""
        return list(self._unsettled_by_customer.get(customer, {}).values())

    def reminders_of(self, customer: CustomerKey) -> list[tuple[str, ReminderMemory]]:
        """The customer's reminders, by key, in the order they were first recorded."""
        keys = self._reminders_by_customer.get(customer, ())
        return [(key, self.reminders[key]) for key in keys]

    def unsettled_by_customer(self) -> dict[CustomerKey, list[str]]:
        """The message keys of each customer's unsettled intents, in the order claimed
        (which a message claimed again can make differ from ``unsettled``'s)."""
        return {
            customer: list(intents) for customer, intents in self._unsettled_by_customer.items()
        }

    def reindex(self, unsettled_by_customer: Mapping[CustomerKey, Iterable[str]]) -> None:
        """Build the per-customer indexes of a state made from its parts (a checkpoint):
        the reminders' from their order, the unsettled intents' from the keys given.

        ``ValueError`` unless the keys given are those of ``unsettled``, each once, under
        its intent's customer: an intent missing there would no longer hold its customer.
        """
        self._reminders_by_customer = {}
        for key, reminder in self.reminders.items():
            self._reminders_by_customer.setdefault(reminder.customer, []).append(key)
        indexed: dict[CustomerKey, dict[str, HistoryEvent]] = {}
        seen = 0
        for customer, keys in unsettled_by_customer.items():
            intents = indexed[customer] = {}
            for key in keys:
                intent = self.unsettled.get(key)
                if (
                    intent is None
                    or intent.type is not EventType.INTENT
                    or intent.message_key != key
                    or _customer_of(intent) != customer
                    or key in intents
                ):
                    raise ValueError(f"unsettled intent {key!r} misplaced in the index")
                intents[key] = intent
                seen += 1
        if seen != len(self.unsettled):  # each placed once, under its own customer
            raise ValueError("unsettled intents missing from their index")
        self._unsettled_by_customer = indexed

    def apply(self, event: HistoryEvent) -> None:  # noqa: PLR0912 - one branch per verb
        """Fold one event into the state."""
        day = event.day
        match event.type:
            case EventType.INTENT:
                if event.message_key is not None:
                    self._claimed(event.message_key, event)
                    self._reminder(event)
            case EventType.SENT:
                self._delivered(event, day)
            case EventType.FAILED:
                self._settle(event)
                reminder = self._reminder(event)
                if reminder is not None and event.channel is not None:
                    permanent = (PERMANENT, "true") in event.details
                    reminder.failed[event.channel] = (day, permanent)
            case EventType.RESOLVED:
                if event.message_key is not None:
                    intent = self.unsettled.get(event.message_key)
                    self._settle(event)
                    if (
                        intent is not None
                        and event.reason is not None
                        and event.reason.startswith(RESOLVED_SENT)
                    ):
                        # Delivered the day it was sent, not the day a person said so.
                        self._delivered(intent, intent.day)
                    reminder = self.reminders.get(event.reminder_key or "")
                    if reminder is not None and event.channel is not None:
                        reminder.failed.pop(event.channel, None)
            case EventType.PLANNED:
                if event.reminder_key is not None:
                    self.planned.add(event.reminder_key)
            case EventType.APPROVED:
                if event.reminder_key is not None:
                    self.approved.add(event.reminder_key)
                    self.rejected.discard(event.reminder_key)
            case EventType.REJECTED:
                if event.reminder_key is not None:
                    self.rejected.add(event.reminder_key)
                    self.approved.discard(event.reminder_key)
            case EventType.PAUSED:
                self._pause(event, Pause(reason=event.reason or "", until=event.until))
            case EventType.RESUMED:
                self._pause(event, None)
            case EventType.PROMISED:
                for key in self._invoice_keys(event):
                    self.invoice(key).promise = event.until
            case EventType.HANDED_OFF:
                if event.source is not None and event.customer_id is not None:
                    self.customer((event.source, event.customer_id)).handed_off = day
            case _:
                pass

    def _invoice_keys(self, event: HistoryEvent) -> list[InvoiceKey]:
        if event.source is None:
            return []
        return [(event.source, invoice_id) for invoice_id in event.invoice_ids]

    def _pause(self, event: HistoryEvent, pause: Pause | None) -> None:
        keys = self._invoice_keys(event)
        if keys:
            for key in keys:
                self.invoice(key).pause = pause
        elif event.source is not None and event.customer_id is not None:
            self.customer((event.source, event.customer_id)).pause = pause

    def _reminder(self, event: HistoryEvent) -> ReminderMemory | None:
        if event.reminder_key is None or event.source is None or event.customer_id is None:
            return None
        reminder = self.reminders.get(event.reminder_key)
        if reminder is None:
            reminder = ReminderMemory(
                customer=(event.source, event.customer_id),
                level=event.level or "",
                invoice_levels=event.invoice_levels,
            )
            self.reminders[event.reminder_key] = reminder
            keys = self._reminders_by_customer.setdefault(reminder.customer, [])
            keys.append(event.reminder_key)
        return reminder

    def _claimed(self, message_key: str, intent: HistoryEvent) -> None:
        previous = self.unsettled.get(message_key)
        if previous is not None:
            self._unsettled_by_customer[_customer_of(previous)].pop(message_key, None)
        self.unsettled[message_key] = intent
        self._unsettled_by_customer.setdefault(_customer_of(intent), {})[message_key] = intent

    def _settle(self, event: HistoryEvent) -> None:
        if event.message_key is None:
            return
        intent = self.unsettled.pop(event.message_key, None)
        if intent is not None:
            self._unsettled_by_customer[_customer_of(intent)].pop(event.message_key, None)

    def _delivered(self, event: HistoryEvent, day: date) -> None:
        self._settle(event)
        if event.message_key is not None:
            self.sent_messages.add(event.message_key)
        reminder = self._reminder(event)
        if reminder is not None and event.channel is not None:
            reminder.sent.add(event.channel)
            reminder.failed.pop(event.channel, None)
            if reminder.sent_on is None or day < reminder.sent_on:
                reminder.sent_on = day
        if event.source is None:
            return
        for invoice_id, level in event.invoice_levels:
            invoice = self.invoice((event.source, invoice_id))
            first = invoice.levels.setdefault(level, day)
            if day > first and (invoice.again is None or day > invoice.again.get(level, first)):
                invoice.again = {**(invoice.again or {}), level: day}
        if event.customer_id is not None:
            memory = self.customer((event.source, event.customer_id))
            if memory.last_message is None or day > memory.last_message:
                memory.last_message = day


def _customer_of(event: HistoryEvent) -> CustomerKey:
    """The customer an event is about; ``("", "")`` (no customer) when it names none."""
    return (event.source or "", event.customer_id or "")
