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

from relance.engine.planner import Reminder, plan, reminder_key
from relance.engine.policy import Level, Policy, PolicyBook, Scenario
from relance.engine.state import DunningState
from relance.model import ChannelKind, Customer, EventType, HistoryEvent, Instalment, Invoice
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


def in_instalments(*parts: tuple[int, str], who: Customer | None = None) -> Invoice:
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
        who=who,
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
    intercept: Callable[[list[HistoryEvent], Reminder, date], bool] | None = None,
    book: PolicyBook = BOOK,
) -> list[Sent]:
    """Plan each day from ``first`` to ``last`` (days from D0) with the invoice as
    ``ledger`` gives it that day, delivering every reminder planned (a hand-off hands
    the customer off); a message planned again under a key already delivered fails the
    test (the runner would refuse it). ``intercept`` may record a reminder otherwise
    (rejected...) and return True instead."""
    history = list(events or [])
    log = []
    for n in range(first, last + 1):
        state = DunningState.from_events(history)
        result = plan([ledger(n)], state, book, EveryDay(), day(n))
        for reminder in result.reminders:
            if intercept is not None and intercept(history, reminder, day(n)):
                continue  # recorded otherwise (a rejection...), not delivered
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


def test_a_first_instalment_moved_later_keeps_its_levels_like_a_plain_invoice() -> None:
    """The source moves the first instalment from day 0 to day 20 (a payment extension)
    after its first reminder: as for an invoice whose due date moves, the levels go on
    from the new date, and no message is planned again under a delivered key."""

    def ledger(n: int) -> Invoice:
        return in_instalments((0 if n < 8 else 20, "500.00"), (40, "500.00"))

    assert levels(simulate(ledger, -5, 40)) == [(-3, "courtesy"), (5, "first"), (35, "second")]


def test_a_rejected_formal_notice_is_not_the_next_instalment_s() -> None:
    """The first instalment's formal notice is rejected, then the instalment is paid:
    the second goes through the levels to a formal notice of its own, a new key a
    person approves or rejects again."""
    notice_key: list[str] = []

    def ledger(n: int) -> Invoice:
        return in_instalments((0, "500.00" if n < 46 else "0.00"), (100, "500.00"))

    def reject(history: list[HistoryEvent], reminder: Reminder, on: date) -> bool:
        if reminder.level.name != "formal_notice" or notice_key:
            return False
        notice_key.append(reminder.key)
        history.append(
            HistoryEvent(
                type=EventType.REJECTED, at=datetime(on.year, on.month, on.day, 9, tzinfo=UTC),
                source="csv", customer_id="C1", reminder_key=reminder.key,
            )
        )  # fmt: skip
        return True

    log = simulate(ledger, -5, 150, intercept=reject)

    assert levels(log)[-5:] == [
        (97, "courtesy"),
        (105, "first"),
        (115, "second"),
        (130, "final"),
        (145, "formal_notice"),
    ]
    assert notice_key
    assert log[-1].key != notice_key[0]


def test_a_customer_moved_to_a_policy_with_other_offsets_keeps_its_levels() -> None:
    """The second instalment's courtesy note went out under a policy sending it five
    days before; the customer then follows one sending it the day before: it is not
    sent again (only the sign of a level's offset decides what counts)."""
    email = (ChannelKind.EMAIL,)

    def ladder(courtesy: int, first: int) -> Policy:
        return Policy(
            min_gap_days=1,
            levels=(
                Level(name="courtesy", offset_days=courtesy, channels=email),
                Level(name="first", offset_days=first, channels=email),
            ),
        )

    book = PolicyBook.build(
        {"early": ladder(-5, 3), "late": ladder(-1, 10)},
        default="early",
        scenarios=(Scenario(policy="late", tags=frozenset({"vip"})),),
    )

    def ledger(n: int) -> Invoice:
        who = customer("C1", tags=frozenset({"vip"}) if n >= 58 else frozenset())
        return in_instalments((0, "500.00" if n < 20 else "0.00"), (60, "500.00"), who=who)

    assert levels(simulate(ledger, -6, 75, book=book)) == [
        (-5, "courtesy"),
        (3, "first"),
        (55, "courtesy"),
        (70, "first"),
    ]


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


def final_by_email_not_letter(reached: dict[str, str], on: date) -> list[HistoryEvent]:
    """A final reminder (key ``r-final``) that its email delivered and its letter did
    not, the invoices reaching the levels ``reached`` says."""
    email = sent("final", reached, on=on, key="r-final")
    failed = email.model_copy(
        update={
            "type": EventType.FAILED,
            "id": "failed-1",
            "channel": ChannelKind.LETTER,
            "message_key": "r-final:letter",
        }
    )
    return [email, failed]


def test_a_channel_failed_for_an_earlier_instalment_is_not_retried() -> None:
    """The final reminder's email went out on day 30, its letter failed; the instalment
    is paid on day 32. A retry on day 33 would ask for an instalment not yet due."""
    history = final_by_email_not_letter({"F1": "final"}, day(30))
    still_owed = in_instalments((0, "500.00"), (40, "500.00"))
    paid = in_instalments((0, "0.00"), (40, "500.00"))

    def planned(item: Invoice) -> list[tuple[str, bool]]:
        result = plan([item], DunningState.from_events(history), BOOK, EveryDay(), day(33))
        return [(r.key, r.completion) for r in result.reminders]

    assert planned(still_owed) == [("r-final", True)]
    assert planned(paid) == []
    # Nor once the second instalment has had its own final reminder, by every channel.
    own = [
        sent("final", {"F1": "final"}, on=day(70), key="r-own", channel=channel)
        for channel in (ChannelKind.EMAIL, ChannelKind.LETTER)
    ]
    history += own
    result = plan([paid], DunningState.from_events(history), BOOK, EveryDay(), day(71))
    assert result.reminders == []


def test_a_retry_brings_each_invoice_to_the_level_it_reached_in_that_reminder() -> None:
    """The final reminder about P1 listed P2, then late enough for its first reminder
    only; its letter failed. The retry sends the same message: P2 reaches its first
    reminder there again, not the final one (a later level would be skipped)."""
    levels_reached = {"P1": "final", "P2": "first"}
    history = final_by_email_not_letter(levels_reached, day(30))
    ledger = [invoice("P1", due=day(0)), invoice("P2", due=day(23))]
    result = plan(ledger, DunningState.from_events(history), BOOK, EveryDay(), day(31))
    (retry,) = result.reminders
    assert (retry.key, retry.completion) == ("r-final", True)
    assert dict(retry.advancing) == levels_reached


def test_a_retry_does_not_bring_an_invoice_due_since_to_its_courtesy_level() -> None:
    """The final reminder of day 30 listed P0, due the next day, at its courtesy level;
    retried once P0 is due, it lists P0 without advancing it: a level before the due
    date is past."""
    history = final_by_email_not_letter({"P1": "final", "P0": "courtesy"}, day(30))
    ledger = [invoice("P1", due=day(0)), invoice("P0", due=day(31))]
    result = plan(ledger, DunningState.from_events(history), BOOK, EveryDay(), day(32))
    (retry,) = result.reminders
    assert retry.completion
    assert dict(retry.advancing) == {"P1": "final"}
    assert {item.invoice.id for item in retry.items} == {"P0", "P1"}


def test_instalments_that_do_not_account_for_what_is_owed_do_not_start_levels_again() -> None:
    """700.00 owed, the unpaid instalment says 500.00: the instalments are not relied
    on, the first reminders still count, and no "falls due soon" note for money overdue
    since day 0 and reminded twice."""

    def ledger(n: int) -> Invoice:
        first = Decimal("500.00" if n < 20 else "0.00")
        parts = (
            Instalment(due_date=day(0), amount=Decimal("500.00"), residual=first),
            Instalment(due_date=day(60), amount=Decimal("500.00"), residual=Decimal("500.00")),
        )
        owed = "1200.00" if n < 20 else "700.00"
        return invoice("F1", due=day(60), total="1200.00", residual=owed, instalments=parts)

    assert ledger(50).unpaid_instalments(Decimal("700.00")) == ()
    assert levels(simulate(ledger, -5, 100)) == [
        (-3, "courtesy"),
        (5, "first"),
        (15, "second"),
        (90, "final"),
    ]


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
