"""The engine's invariants, over random ledgers and random sequences of daily runs.

Each example is a ledger (customers, invoices with random due dates and amounts) and a
sequence of days. On each day, payments may arrive, promises and disputes may be made,
the run may be missed; when it runs, the planner decides from the history (folded from
the checkpoint the run before saved, as the whole history would fold), and each
message is claimed and settled in a real SQLite history store, with random delivery
failures and crashes (an intent left unsettled, resolved by a person a few days later).

After every run and at the end, we check what the product promises:
never a reminder for a paid or held invoice, never two messages to a customer on one
day, never a level skipped or repeated, never a softer message after a firmer one about
an invoice still open, exactly one settlement per intent.
"""

from __future__ import annotations

import itertools
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance.engine.calendar import BusinessCalendar
from relance.engine.checkpoint import fold
from relance.engine.planner import Reminder, plan
from relance.engine.policy import PolicyBook, StartLevel
from relance.engine.state import RESOLVED_NOT_SENT, DunningState
from relance.history import AlreadyClaimed, SQLiteStore
from relance.model import DocumentKind, EventType, HistoryEvent, Invoice
from relance.testing.ledgers import customer, invoice

from .conftest import state_views

START = date(2026, 1, 5)
BOOK = PolicyBook.build({})
POLICY = BOOK.policies["standard"]
LEVELS = [level.name for level in POLICY.levels]


@st.composite
def ledgers(draw: st.DrawFn) -> list[Invoice]:
    count = draw(st.integers(1, 6))
    people = [customer(f"C{i}", email=None if i == 5 else f"c{i}@x.fr") for i in range(count)]
    invoices = []
    for n in range(draw(st.integers(1, 12))):
        who = draw(st.sampled_from(people))
        credit = draw(st.integers(0, 9)) == 0
        amount = Decimal(draw(st.integers(1, 500_000))) / 100
        invoices.append(
            invoice(
                f"F{n}",
                due=START + timedelta(days=draw(st.integers(-70, 40))),
                residual=str(amount),
                who=who,
                kind=DocumentKind.CREDIT_NOTE if credit else DocumentKind.INVOICE,
            )
        )
    return invoices


@dataclass
class Day:
    runs: int  # how many times relance runs that day (0: a missed day)
    pay: int | None  # index of an invoice paid in full that day
    promise: tuple[int, int] | None  # (invoice index, days until the promised date)
    dispute: int | None
    failure: int  # 0 ok, 1 transient failure, 2 crash after the intent


days = st.lists(
    st.builds(
        Day,
        runs=st.sampled_from([0, 1, 1, 1, 2]),
        pay=st.none() | st.integers(0, 11),
        promise=st.none() | st.tuples(st.integers(0, 11), st.integers(1, 10)),
        dispute=st.none() | st.integers(0, 11) | st.integers(0, 3),
        failure=st.sampled_from([0, 0, 0, 0, 1, 2]),
    ),
    min_size=20,
    max_size=100,
)


@dataclass
class World:
    store: SQLiteStore
    invoices: dict[str, Invoice]
    disputed: set[str] = field(default_factory=set)
    promises: dict[str, date] = field(default_factory=dict)
    crashed: list[tuple[date, HistoryEvent]] = field(default_factory=list)
    sent_levels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    messages_per_day: dict[tuple[str, date], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )

    def open_items(self) -> list[Invoice]:
        return [
            i.model_copy(update={"disputed": i.id in self.disputed})
            for i in self.invoices.values()
            if i.residual > 0
        ]


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def event(kind: EventType, day: date, **fields: object) -> HistoryEvent:
    return HistoryEvent.model_validate(
        {"type": kind, "at": at(day), "run_date": day, "source": "csv", **fields}
    )


def deliver(world: World, reminder: Reminder, day: Day, today: date) -> None:
    """What the runner does for one reminder, with the day's failure mode."""
    state = DunningState.from_events(world.store.events())
    for item in reminder.items:
        if item.reaches is None:
            continue
        current = world.invoices[item.invoice.id]
        # Never a reminder for a paid or held invoice.
        assert current.residual > 0
        assert item.invoice.id not in world.disputed
        promised = world.promises.get(item.invoice.id)
        assert promised is None or today > promised
    for channel in reminder.channels:
        key = reminder.message_key(channel)
        if key in state.sent_messages:
            continue
        intent = event(
            EventType.INTENT,
            today,
            customer_id=reminder.customer.id,
            reminder_key=reminder.key,
            message_key=key,
            channel=channel,
            level=reminder.level.name,
            invoice_ids=tuple(i.invoice.id for i in reminder.items),
            invoice_levels=reminder.advancing,
        )
        try:
            world.store.claim(intent)
        except AlreadyClaimed:
            continue
        if day.failure == 2:
            world.crashed.append((today, intent))
            continue
        outcome = EventType.FAILED if day.failure == 1 else EventType.SENT
        world.store.settle(
            intent.model_copy(
                update={"id": f"s-{intent.id}", "type": outcome, "settles": intent.id}
            )
        )
        if outcome is EventType.SENT:
            world.messages_per_day[(reminder.customer.id, today)].add(reminder.key)


def resolve_old_crashes(world: World, today: date) -> None:
    """A person resolves crashed sends three days later, as not sent."""
    for crashed_on, intent in list(world.crashed):
        if (today - crashed_on).days >= 3:
            world.store.settle(
                intent.model_copy(
                    update={
                        "id": f"r-{intent.id}",
                        "type": EventType.RESOLVED,
                        "settles": intent.id,
                        "reason": RESOLVED_NOT_SENT,
                        "run_date": today,
                        "at": at(today),
                    }
                )
            )
            world.crashed.remove((crashed_on, intent))


def apply_the_day(world: World, day: Day, today: date) -> None:
    ids = sorted(world.invoices)
    if day.pay is not None and day.pay < len(ids):
        paid = world.invoices[ids[day.pay]]
        world.invoices[paid.id] = paid.model_copy(update={"residual": Decimal(0)})
    if day.promise is not None and day.promise[0] < len(ids):
        promised = world.invoices[ids[day.promise[0]]]
        until = today + timedelta(days=day.promise[1])
        world.promises[promised.id] = until
        world.store.append(
            event(
                EventType.PROMISED,
                today,
                customer_id=promised.customer.id,
                invoice_ids=(promised.id,),
                until=until,
            )
        )
    if day.dispute is not None and day.dispute < len(ids):
        world.disputed ^= {ids[day.dispute]}


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(ledger=ledgers(), schedule=days)
def test_daily_runs_keep_every_promise(ledger: list[Invoice], schedule: list[Day]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "history.sqlite3")
        world = World(store=store, invoices={i.id: i for i in ledger})
        calendar = BusinessCalendar()
        for offset, day in enumerate(schedule):
            today = START + timedelta(days=offset)
            apply_the_day(world, day, today)
            resolve_old_crashes(world, today)
            for _ in range(day.runs):
                run_once(world, day, today, calendar)
        check_the_history(store)
        store.close()


def run_once(world: World, day: Day, today: date, calendar: BusinessCalendar) -> None:
    # Each run folds from the checkpoint the previous one saved, as `relance run` does
    # once enough events have piled up: it must be the fold of the whole history.
    state = fold(world.store, save_after=0)
    customers = [(i.source, i.customer.id) for i in world.invoices.values()]
    everything = DunningState.from_events(world.store.events())
    assert state_views(state, customers) == state_views(everything, customers)
    result = plan(world.open_items(), state, BOOK, calendar, today)
    for reminder in result.reminders:
        never_softer(world, state, reminder, today)
    customers = [r.customer.id for r in result.reminders]
    assert len(customers) == len(set(customers))
    if result.reminders:
        assert calendar.is_business_day(today)
    for reminder in result.reminders:
        if not reminder.requires_approval:
            deliver(world, reminder, day, today)
        else:
            world.store.append(
                event(
                    EventType.APPROVED,
                    today,
                    customer_id=reminder.customer.id,
                    reminder_key=reminder.key,
                )
            )


def never_softer(world: World, state: DunningState, reminder: Reminder, today: date) -> None:
    """A message never softens what the customer was already told about an invoice that
    is late, not held, and still being escalated (a level still to come): no courtesy
    note after a final reminder."""
    level = LEVELS.index(reminder.level.name)
    for item in world.open_items():
        promised = world.promises.get(item.id)
        if (
            item.customer.id != reminder.customer.id
            or item.is_credit
            or item.disputed
            or (promised is not None and today <= promised)
            or item.days_late(today) <= 0
        ):
            continue
        memory = state.invoices.get(item.key)
        told = max((LEVELS.index(name) for name in memory.levels), default=-1) if memory else -1
        if told < len(LEVELS) - 1:
            assert told <= level, (reminder.level.name, item.id, memory)


def check_the_history(store: SQLiteStore) -> None:
    events = list(store.events())
    intents = {e.id for e in events if e.type is EventType.INTENT}
    settlements = [e.settles for e in events if e.settles is not None]
    # Every settlement settles a known intent, and no intent is settled twice.
    assert set(settlements) <= intents
    assert len(settlements) == len(set(settlements))
    # A message key is delivered at most once.
    delivered = [e.message_key for e in events if e.type is EventType.SENT]
    assert len(delivered) == len(set(delivered))
    # Never two different reminders delivered to one customer on one day.
    per_day: dict[tuple[str | None, date], set[str | None]] = defaultdict(set)
    for e in events:
        if e.type is EventType.SENT:
            per_day[(e.customer_id, e.day)].add(e.reminder_key)
    assert all(len(keys) == 1 for keys in per_day.values())
    # Per invoice: levels in order, none repeated, none skipped except where the
    # policy's start rule allows it (the first level reached).
    reached: dict[str, list[str]] = defaultdict(list)
    seen_reminders: set[str | None] = set()
    for e in events:
        if e.type is not EventType.SENT or e.reminder_key in seen_reminders:
            continue
        seen_reminders.add(e.reminder_key)
        for invoice_id, level in e.invoice_levels:
            reached[invoice_id].append(level)
    assert POLICY.start_late_invoices_at is StartLevel.OVERDUE
    first_overdue = next(i for i, lvl in enumerate(POLICY.levels) if lvl.offset_days >= 0)
    for invoice_id, names in reached.items():
        indexes = [LEVELS.index(name) for name in names]
        assert len(indexes) == len(set(indexes)), (invoice_id, names)
        assert indexes[0] in (0, first_overdue), (invoice_id, names)
        assert all(b == a + 1 for a, b in itertools.pairwise(indexes)), names
