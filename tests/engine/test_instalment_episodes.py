"""Each instalment that falls late goes through the levels again.

An invoice in instalments is late from its first unpaid instalment. Once that one is
paid, the reminders about it say nothing of the next: when the next falls late it gets
its courtesy note, its first reminder and so on, each a message of its own (a key never
delivered), not the earlier instalment's next level a month late.

These tests run the planner day after day, delivering what it plans, as a run would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.engine.planner import plan, reminder_key
from relance.engine.policy import PolicyBook
from relance.engine.state import DunningState
from relance.model import ChannelKind, EventType, HistoryEvent, Instalment, Invoice
from relance.testing.ledgers import customer, invoice, sent

D0 = date(2026, 1, 5)
"""The first instalment's due date."""
BOOK = PolicyBook.build({})  # courtesy -3, first 5, second 15, final 30, notice 45, hand-off 60


def day(n: int) -> date:
    return D0 + timedelta(days=n)


class EveryDay:
    """A calendar without weekends: the levels then fall on their offsets exactly."""

    def is_business_day(self, _day: date, /) -> bool:
        return True

    def add_business_days(self, start: date, count: int, /) -> date:
        return start + timedelta(days=count)


def in_instalments(*parts: tuple[int, str]) -> Invoice:
    """An invoice whose instalments are ``(days from D0, residual)``, 500.00 each."""
    instalments = tuple(
        Instalment(due_date=day(n), amount=Decimal("500.00"), residual=Decimal(residual))
        for n, residual in parts
    )
    residual = sum((part.residual for part in instalments), Decimal(0))
    return invoice(
        "F1",
        due=instalments[-1].due_date,
        total=str(Decimal(500) * len(instalments)),
        residual=str(residual),
        instalments=instalments,
    )


@dataclass(frozen=True)
class Sent:
    day: int
    """Days from D0."""
    level: str
    asked: Decimal
    key: str
    late_since: date
    """The invoice's ``payable_since`` that day: the instalment the reminder is about."""


def simulate(
    ledger: Callable[[int], Invoice],
    first: int,
    last: int,
    events: list[HistoryEvent] | None = None,
) -> list[Sent]:
    """Plan each day from ``first`` to ``last`` (days from D0) with the invoice as
    ``ledger`` gives it that day, delivering every reminder planned (a hand-off hands
    the customer off); a message planned again under a key already delivered fails the
    test (the runner would refuse it)."""
    history = list(events or [])
    log = []
    for n in range(first, last + 1):
        state = DunningState.from_events(history)
        result = plan([ledger(n)], state, BOOK, EveryDay(), day(n))
        for reminder in result.reminders:
            if reminder.is_handoff:  # no message: the customer leaves the engine
                at = datetime(day(n).year, day(n).month, day(n).day, 9, tzinfo=UTC)
                history.append(
                    HistoryEvent(type=EventType.HANDED_OFF, at=at, source="csv", customer_id="C1")
                )
            for channel in reminder.channels:
                key = reminder.message_key(channel)
                assert key not in state.sent_messages, f"day {n}: {key} planned again"
            levels = dict(reminder.advancing)
            history.append(sent(reminder.level.name, levels, on=day(n), key=reminder.key))
            asked = sum((item.asked for item in reminder.items), Decimal(0))
            since = reminder.items[0].invoice.payable_since
            assert since is not None
            log.append(Sent(n, reminder.level.name, asked, reminder.key, since))
    return log


def levels(log: list[Sent]) -> list[tuple[int, str]]:
    return [(entry.day, entry.level) for entry in log]


def test_the_second_instalment_goes_through_the_levels_from_the_courtesy_note() -> None:
    """The first instalment, reminded twice, is paid on day 20; the second, due on day
    60, gets its own courtesy note, first, second and final reminders, each asking for
    it alone. Before, its first message was the final reminder on day 90."""

    def ledger(n: int) -> Invoice:
        return in_instalments((0, "500.00" if n < 20 else "0.00"), (60, "500.00"))

    log = simulate(ledger, -5, 100)

    assert levels(log) == [
        (-3, "courtesy"),
        (5, "first"),
        (15, "second"),
        (57, "courtesy"),
        (65, "first"),
        (75, "second"),
        (90, "final"),
    ]
    assert {entry.asked for entry in log} == {Decimal("500.00")}
    assert len({entry.key for entry in log}) == len(log)


def test_an_instalment_left_unpaid_keeps_the_levels_going() -> None:
    """Nothing paid: the second instalment falling due changes nothing, the levels go on
    from the first instalment (the reminders then ask for both)."""
    log = simulate(lambda _n: in_instalments((0, "500.00"), (20, "500.00")), -5, 50)

    assert levels(log) == [
        (-3, "courtesy"),
        (5, "first"),
        (15, "second"),
        (30, "final"),
        (45, "formal_notice"),
    ]
    assert [entry.asked for entry in log][-2:] == [Decimal("1000.00")] * 2


def test_a_reminder_sent_before_the_next_instalment_fell_due_was_not_about_it() -> None:
    """The final reminder of day 30 asked for the first instalment only (the second is
    due on day 31): once the first is paid, the second starts from the first reminder."""

    def ledger(n: int) -> Invoice:
        return in_instalments((0, "500.00" if n < 32 else "0.00"), (31, "500.00"))

    log = simulate(ledger, -5, 80)

    assert levels(log) == [
        (-3, "courtesy"),
        (5, "first"),
        (15, "second"),
        (30, "final"),
        (37, "first"),  # 36, but a week after the final reminder (min_gap_days)
        (46, "second"),
        (61, "final"),
        (76, "formal_notice"),
    ]


def test_a_reminder_sent_once_the_next_instalment_was_due_counts_for_it() -> None:
    """The final reminder of day 30 also asked for the second instalment, due on day 29:
    it was reminded, and its formal notice follows 45 days after its due date."""

    def ledger(n: int) -> Invoice:
        return in_instalments((0, "500.00" if n < 32 else "0.00"), (29, "500.00"))

    log = simulate(ledger, -5, 80)

    assert levels(log) == [
        (-3, "courtesy"),
        (5, "first"),
        (15, "second"),
        (30, "final"),
        (74, "formal_notice"),
    ]
    assert log[-1].asked == Decimal("500.00")


def test_a_reminder_sent_on_the_next_instalments_due_date_was_not_about_it() -> None:
    """On its due date the second instalment is not late yet: the final reminder of that
    day was about the first one, as its list of earlier reminders would say."""

    def ledger(n: int) -> Invoice:
        return in_instalments((0, "500.00" if n < 32 else "0.00"), (30, "500.00"))

    assert levels(simulate(ledger, -5, 50))[3:] == [(30, "final"), (37, "first"), (45, "second")]


def test_a_first_instalment_moved_later_starts_again_under_new_keys() -> None:
    """The source moves the first instalment from day 0 to day 20 (a payment extension)
    after its first reminder: the reminders start again, and the new first reminder is a
    new message. Its old key is delivered: keeping it would have sent nothing, silently."""

    def ledger(n: int) -> Invoice:
        return in_instalments((0 if n < 8 else 20, "500.00"), (40, "500.00"))

    log = simulate(ledger, -5, 40)

    assert levels(log) == [
        (-3, "courtesy"),
        (5, "first"),
        (17, "courtesy"),
        (25, "first"),
        (35, "second"),
    ]
    assert len({entry.key for entry in log}) == len(log)


def test_a_plain_invoice_is_not_concerned() -> None:
    """Without instalments, every level delivered counts, whatever the due date says."""
    moved = {"due": day(20)}
    history = [sent("first", {"F1": "first"}, on=day(5))]
    result = plan(
        [invoice("F1", **moved)], DunningState.from_events(history), BOOK, EveryDay(), day(35)
    )
    assert [r.level.name for r in result.reminders] == ["second"]


def test_a_send_resolved_as_delivered_dates_its_level_on_the_day_it_was_sent() -> None:
    reminder = sent("first", {"F1": "first"}, on=day(5))
    intent = reminder.model_copy(update={"type": EventType.INTENT, "id": "intent-1"})
    resolved = HistoryEvent(
        type=EventType.RESOLVED,
        at=datetime(2026, 1, 20, 9, tzinfo=UTC),
        run_date=day(15),
        source="csv",
        customer_id="C1",
        reminder_key=reminder.reminder_key,
        message_key=reminder.message_key,
        channel=ChannelKind.EMAIL,
        reason="sent: the customer confirmed it",
    )
    state = DunningState.from_events([intent, resolved])
    assert state.invoices[("csv", "F1")].levels == {"first": day(5)}
    assert state.customers[("csv", "C1")].last_message == day(5)


def test_a_channel_failed_for_an_earlier_instalment_is_not_retried() -> None:
    """The final reminder's email went out on day 30, its letter failed; the instalment
    is paid on day 32. A retry on day 33 would ask for an instalment not yet due."""
    email = sent("final", {"F1": "final"}, on=day(30), key="r-final")
    failed = email.model_copy(
        update={
            "type": EventType.FAILED,
            "id": "failed-1",
            "channel": ChannelKind.LETTER,
            "message_key": "r-final:letter",
        }
    )
    history = [email, failed]
    still_owed = in_instalments((0, "500.00"), (40, "500.00"))
    paid = in_instalments((0, "0.00"), (40, "500.00"))

    def planned(item: Invoice) -> list[tuple[str, bool]]:
        result = plan([item], DunningState.from_events(history), BOOK, EveryDay(), day(33))
        return [(r.key, r.completion) for r in result.reminders]

    assert planned(still_owed) == [("r-final", True)]
    assert planned(paid) == []


def test_reminders_that_start_no_level_again_keep_their_keys() -> None:
    """The key names the invoice alone unless a level delivered for it no longer counts:
    a reminder awaiting approval, or retried, keeps its key across an upgrade."""
    plain = invoice("F2", due=day(0), who=customer("C2"))
    first_due = in_instalments((0, "500.00"), (40, "500.00"))
    for item, who in ((plain, "C2"), (first_due, "C1")):
        (reminder,) = plan([item], DunningState(), BOOK, EveryDay(), day(5)).reminders
        assert reminder.key == reminder_key("csv", who, "first", [item.id])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(10, 40), min_size=1, max_size=3),
    st.lists(st.none() | st.integers(-5, 130), min_size=4, max_size=4),
)
def test_each_instalment_late_goes_up_the_levels_once_and_nothing_is_sent_twice(
    gaps: list[int], paid_on: list[int | None]
) -> None:
    """Any schedule of instalments, each paid on any day or never: no message is planned
    again under a delivered key (``simulate`` checks it); while the same instalment is
    the one late, its levels come once each, in order, none skipped (the level before
    was delivered after that instalment fell due); no reminder but a courtesy note comes
    before the instalment is due; each asks for something, never more than owed."""
    dues = [0]
    for gap in gaps:
        dues.append(dues[-1] + gap)

    def ledger(n: int) -> Invoice:
        return in_instalments(
            *(
                (due, "0.00" if paid is not None and paid <= n else "500.00")
                for due, paid in zip(dues, paid_on, strict=False)
            )
        )

    log = [entry for entry in simulate(ledger, -5, dues[-1] + 40) if entry.level != "collection"]

    order = [level.name for level in BOOK.policies["standard"].levels]
    by_instalment: dict[date, list[int]] = {}
    for entry in log:
        by_instalment.setdefault(entry.late_since, []).append(order.index(entry.level))
        owed = ledger(entry.day)
        assert Decimal(0) < entry.asked <= owed.residual
        if entry.level != "courtesy":
            assert owed.days_late(day(entry.day)) > 0
    for indexes in by_instalment.values():
        assert indexes == sorted(set(indexes)), by_instalment
    for position, entry in enumerate(log):
        index = order.index(entry.level)
        if index >= order.index("second"):  # the level before it, since this one was due
            before = order[index - 1]
            assert any(
                e.level == before and e.day > (entry.late_since - D0).days for e in log[:position]
            ), (entry, log)
