"""The planner's rules, one by one, on small hand-made ledgers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest

from relance.engine.calendar import BusinessCalendar
from relance.engine.planner import PenaltyCalculator, Plan, SkipReason, plan, reminder_key
from relance.engine.policy import CustomerOverride, Level, Policy, PolicyBook, Scenario, StartLevel
from relance.engine.state import DunningState
from relance.legal import LegalRules
from relance.model import ChannelKind, DocumentKind, EventType, HistoryEvent, Instalment, Invoice
from relance.testing.ledgers import customer, invoice, sent

TODAY = date(2026, 3, 16)  # a Monday


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def run(
    invoices: list[Invoice],
    events: list[HistoryEvent] = (),  # type: ignore[assignment]
    *,
    book: PolicyBook | None = None,
    today: date = TODAY,
    penalties: PenaltyCalculator | None = None,
) -> Plan:
    return plan(
        invoices,
        DunningState.from_events(events),
        book or PolicyBook.build({}),
        BusinessCalendar(),
        today,
        penalties=penalties,
    )


def levels(result: Plan) -> dict[str, str]:
    return {r.customer.id: r.level.name for r in result.reminders}


def reasons(result: Plan) -> list[tuple[str, str]]:
    return [(s.customer.id, s.reason.value) for s in result.skipped]


def event(kind: EventType, on: date = TODAY, **fields: object) -> HistoryEvent:
    return HistoryEvent.model_validate(
        {
            "type": kind,
            "at": datetime(on.year, on.month, on.day, 9, tzinfo=UTC),
            "run_date": on,
            "source": "csv",
            "customer_id": "C1",
            **fields,
        }
    )


# -- when each level fires -------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_in", "expected"),
    [(4, None), (3, "courtesy"), (1, "courtesy"), (0, None), (-4, None), (-5, "first")],
)
def test_a_fresh_invoice_gets_the_courtesy_reminder_only_before_its_due_date(
    due_in: int, expected: str | None
) -> None:
    result = run([invoice("F1", due=days(due_in))])
    assert levels(result).get("C1") == expected


def test_levels_follow_one_another_when_their_offset_is_reached() -> None:
    due = days(-15)
    history = [sent("courtesy", {"F1": "courtesy"}, on=due - timedelta(3))]
    history.append(sent("first", {"F1": "first"}, on=due + timedelta(5)))
    assert levels(run([invoice("F1", due=due)], history)) == {"C1": "second"}
    assert levels(run([invoice("F1", due=due)], history, today=days(-1))) == {}


def test_a_missed_week_catches_up_one_level_at_a_time() -> None:
    due = days(-50)
    history = [sent("first", {"F1": "first"}, on=due + timedelta(5))]
    result = run([invoice("F1", due=due)], history)
    assert levels(result) == {"C1": "second"}
    assert result.reminders[0].advancing == (("F1", "second"),)


@pytest.mark.parametrize(
    ("start", "expected"),
    [(StartLevel.FIRST, "first"), (StartLevel.OVERDUE, "first"), (StartLevel.REACHED, "final")],
)
def test_where_a_late_newly_imported_invoice_starts_is_the_policy_s_choice(
    start: StartLevel, expected: str
) -> None:
    standard = PolicyBook.build({}).policies["standard"]
    book = PolicyBook.build(
        {"standard": standard.model_copy(update={"start_late_invoices_at": start})}
    )
    assert levels(run([invoice("F1", due=days(-40))], book=book)) == {"C1": expected}


def test_a_customer_whose_penalties_cannot_be_computed_is_held_and_the_others_go_on() -> None:
    rules = LegalRules.from_settings()
    calculator = partial(rules.quote, company_country="FR")
    final = [sent("second", {f"F{n}": "second"}, on=days(-16), who=f"C{n}") for n in (1, 2)]
    in_euros_under_uk_law = invoice("F1", due=days(-31), who=customer("C1"), jurisdiction="uk-b2b")
    french = invoice("F2", due=days(-31), who=customer("C2"))

    result = run([in_euros_under_uk_law, french], final, penalties=calculator)

    assert levels(result) == {"C2": "final"}
    (held,) = result.skipped
    assert (held.customer.id, held.reason) == ("C1", SkipReason.NO_PENALTIES)
    assert held.detail == (
        "Cannot compute the late-payment penalties. - currency: uk-b2b applies to amounts "
        "in GBP, not EUR"
    )
    (planned,) = result.reminders
    # fr-b2b: 1200.00 x 12.15 % (ECB 2.15 + 10 points) x 31 / 365 = 12.38, plus EUR 40
    assert planned.penalties == {"EUR": Decimal("52.38")}


def test_an_exporters_invoice_in_dollars_reaches_the_final_reminder_with_its_penalties() -> None:
    """A French company's invoice in dollars is no longer held at the levels quoting
    penalties: its interest is counted in dollars, its EUR 40 with the euros."""
    rules = LegalRules.from_settings()
    calculator = partial(rules.quote, company_country="FR")
    second = [sent("second", {"F1": "second", "F2": "second"}, on=days(-16))]
    in_dollars = invoice("F1", due=days(-31), currency="USD")
    in_euros = invoice("F2", due=days(-31))

    result = run([in_dollars, in_euros], second, penalties=calculator)

    assert (levels(result), result.skipped) == ({"C1": "final"}, [])
    (planned,) = result.reminders
    # each: 1200.00 x 12.15 % x 31 / 365 = 12.38 of interest in the invoice's currency
    assert planned.penalties == {"USD": Decimal("12.38"), "EUR": Decimal("92.38")}
    assert planned.totals == {"USD": Decimal("1200.00"), "EUR": Decimal("1200.00")}


# -- one message per customer ------------------------------------------------------------


def test_one_message_per_customer_at_its_most_advanced_invoice_listing_every_open_item() -> None:
    c1 = customer("C1")
    history = [sent("first", {"F1": "first"}, on=days(-20))]
    invoices = [
        invoice("F1", due=days(-25), who=c1),  # due for second
        invoice("F2", due=days(-6), who=c1, residual="300.00"),  # due for first
        invoice("F3", due=days(-2), who=c1, residual="50.00"),  # late, no level due yet
        invoice("F4", due=days(20), who=c1, residual="999.00"),  # not due: not listed
        invoice("A1", due=days(-40), who=c1, residual="100.00", kind=DocumentKind.CREDIT_NOTE),
    ]
    result = run(invoices, history)
    (reminder,) = result.reminders
    assert reminder.level.name == "second"
    assert [i.invoice.number for i in reminder.items] == ["F1", "F2", "F3", "A1"]
    assert reminder.advancing == (("F1", "second"), ("F2", "first"))
    assert reminder.totals == {"EUR": Decimal("1450.00")}
    assert reminder.deadline == date(2026, 3, 23)  # 5 business days after Monday 16
    assert reminder.key == reminder_key("csv", "C1", "second", ["F1", "F2"])


def test_totals_are_per_currency() -> None:
    result = run(
        [
            invoice("F1", due=days(-6), residual="100.00"),
            invoice("F2", due=days(-6), residual="80.00", currency="GBP"),
        ]
    )
    assert result.reminders[0].totals == {"EUR": Decimal("100.00"), "GBP": Decimal("80.00")}


def test_no_message_when_credits_cover_the_debt() -> None:
    result = run(
        [
            invoice("F1", due=days(-6), residual="100.00"),
            invoice("A1", due=days(-30), residual="100.00", kind=DocumentKind.CREDIT_NOTE),
        ]
    )
    assert result.reminders == []
    assert reasons(result) == [("C1", "credits_cover")]


def test_no_message_below_the_minimum_amount() -> None:
    result = run([invoice("F1", due=days(-6), residual="4.99", total="120.00")])
    assert reasons(result) == [("C1", "below_minimum")]


def test_a_minimum_gap_separates_two_messages_to_a_customer() -> None:
    history = [sent("first", {"F1": "first"}, on=days(-3))]
    invoices = [invoice("F1", due=days(-30)), invoice("F2", due=days(-6))]
    assert reasons(run(invoices, history)) == [("C1", "min_gap")]
    later = run(invoices, history, today=days(4))
    assert levels(later) == {"C1": "second"}


def test_never_two_messages_on_one_day_even_with_no_gap() -> None:
    standard = PolicyBook.build({}).policies["standard"]
    book = PolicyBook.build({"standard": standard.model_copy(update={"min_gap_days": 0})})
    history = [sent("first", {"F1": "first"}, on=TODAY)]
    assert reasons(run([invoice("F2", due=days(-6))], history, book=book)) == [("C1", "min_gap")]


# -- holds -----------------------------------------------------------------------------


def test_a_disputed_invoice_is_held_and_left_out_of_the_message() -> None:
    invoices = [
        invoice("F1", due=days(-6), disputed=True, dispute_reason="livraison incomplète"),
        invoice("F2", due=days(-6), residual="200.00"),
    ]
    result = run(invoices)
    (reminder,) = result.reminders
    assert [i.invoice.number for i in reminder.items] == ["F2"]
    assert reminder.totals == {"EUR": Decimal("200.00")}
    assert [(s.invoice.number if s.invoice else None, s.reason) for s in result.skipped] == [
        ("F1", SkipReason.DISPUTED)
    ]


def test_a_dispute_with_an_end_date_ends_by_itself() -> None:
    held = invoice("F1", due=days(-6), disputed=True, dispute_until=days(-1))
    assert levels(run([held])) == {"C1": "first"}


def test_a_promise_holds_until_its_date_then_reminders_resume_where_they_stopped() -> None:
    history = [
        sent("first", {"F1": "first"}, on=days(-25)),
        event(EventType.PROMISED, on=days(-20), invoice_ids=("F1",), until=days(-2)),
    ]
    late = [invoice("F1", due=days(-30))]
    assert reasons(run(late, history, today=days(-2))) == [("C1", "promised")]
    assert levels(run(late, history)) == {"C1": "second"}


def test_a_promise_from_the_source_holds_too() -> None:
    result = run([invoice("F1", due=days(-6), promise_date=days(3))])
    assert reasons(result) == [("C1", "promised")]


def test_a_paused_customer_is_not_reminded_until_the_pause_ends() -> None:
    history = [event(EventType.PAUSED, reason="négociation", until=days(2))]
    assert reasons(run([invoice("F1", due=days(-6))], history)) == [("C1", "customer_paused")]
    assert levels(run([invoice("F1", due=days(-6))], history, today=days(3))) == {"C1": "first"}
    resumed = [*history, event(EventType.RESUMED)]
    assert levels(run([invoice("F1", due=days(-6))], resumed)) == {"C1": "first"}


def test_an_invoice_pause_holds_only_that_invoice() -> None:
    history = [event(EventType.PAUSED, invoice_ids=("F1",), reason="litige")]
    result = run([invoice("F1", due=days(-6)), invoice("F2", due=days(-6))], history)
    assert result.reminders[0].advancing == (("F2", "first"),)


# -- sending outcomes --------------------------------------------------------------------


def test_an_unsettled_send_holds_the_customer_until_resolved() -> None:
    intent = event(
        EventType.INTENT, on=days(-1), reminder_key="r", message_key="r:email", level="first"
    )
    result = run([invoice("F1", due=days(-6))], [intent])
    assert reasons(result) == [("C1", "unsettled")]
    resolved = event(
        EventType.RESOLVED,
        reminder_key="r",
        message_key="r:email",
        settles=intent.id,
        reason="not_sent",
    )
    assert levels(run([invoice("F1", due=days(-6))], [intent, resolved])) == {"C1": "first"}


def test_a_failed_message_is_retried_on_a_later_day_never_the_same_day() -> None:
    key = reminder_key("csv", "C1", "first", ["F1"])
    failed = event(
        EventType.FAILED,
        reminder_key=key,
        message_key=f"{key}:email",
        channel=ChannelKind.EMAIL,
        level="first",
        invoice_levels=(("F1", "first"),),
    )
    assert reasons(run([invoice("F1", due=days(-6))], [failed])) == [("C1", "retry_later")]
    retry = run([invoice("F1", due=days(-6))], [failed], today=days(1))
    assert [r.key for r in retry.reminders] == [key]


def test_a_permanent_failure_waits_for_a_person() -> None:
    failed = event(
        EventType.FAILED,
        on=days(-3),
        reminder_key="r",
        message_key="r:email",
        channel=ChannelKind.EMAIL,
        level="first",
        details=(("permanent", "true"),),
    )
    assert reasons(run([invoice("F1", due=days(-6))], [failed])) == [("C1", "delivery_failed")]


def test_a_channel_that_failed_beside_one_that_delivered_is_completed_later() -> None:
    due = days(-31)
    key = "rk"
    history = [
        sent("final", {"F1": "final"}, on=days(-1), key=key, channel=ChannelKind.EMAIL),
        event(
            EventType.FAILED,
            on=days(-1),
            reminder_key=key,
            message_key=f"{key}:letter",
            channel=ChannelKind.LETTER,
            level="final",
            invoice_levels=(("F1", "final"),),
        ),
    ]
    history.insert(0, sent("second", {"F1": "second"}, on=days(-16)))
    (reminder,) = run([invoice("F1", due=due)], history).reminders
    assert (reminder.key, reminder.level.name, reminder.channels) == (
        key,
        "final",
        (ChannelKind.LETTER,),
    )
    assert reminder.completion


def test_no_failed_channel_of_an_old_reminder_is_retried_after_a_firmer_one() -> None:
    """The final reminder's letter failed; the formal notice went out since: sending
    that final letter now would contradict it."""
    key = "rk"
    failed = event(
        EventType.FAILED,
        on=days(-3),
        reminder_key=key,
        message_key=f"{key}:letter",
        channel=ChannelKind.LETTER,
        level="final",
        invoice_levels=(("F1", "final"),),
    )
    history = [
        sent("second", {"F1": "second"}, on=days(-20)),
        sent("final", {"F1": "final"}, on=days(-3), key=key, channel=ChannelKind.EMAIL),
        failed,
    ]
    notice = sent("formal_notice", {"F1": "formal_notice"}, on=days(-1))

    (retry,) = run([invoice("F1", due=days(-50))], history).reminders
    assert (retry.key, retry.completion) == (key, True)
    assert run([invoice("F1", due=days(-50))], [*history, notice]).reminders == []


# -- one voice per customer -----------------------------------------------------------------


def test_a_courtesy_reminder_is_never_sent_once_the_invoice_is_due() -> None:
    """ "Falls due soon" about an invoice due today or late is false: the courtesy level is
    passed, whatever the start rule, and the first reminder waits for its own day."""
    for start in StartLevel:
        standard = PolicyBook.build({}).policies["standard"]
        book = PolicyBook.build(
            {"standard": standard.model_copy(update={"start_late_invoices_at": start})}
        )
        for late in (0, 1, 4):
            assert levels(run([invoice("F1", due=days(-late))], book=book)) == {}, start
    assert levels(run([invoice("F1", due=days(3))])) == {"C1": "courtesy"}
    missed = [sent("courtesy", {"F2": "courtesy"}, on=days(-10))]
    assert levels(run([invoice("F1", due=days(-2))], missed)) == {}


def test_a_softer_reminder_never_follows_a_firmer_one_about_another_open_invoice() -> None:
    """A-1 had its final reminder; B-2 is due for its first. Telling the customer it is
    "very probably an oversight" would contradict the final: B-2 waits for A-1's next
    step, which lists it, and has its own reminders once A-1 is settled."""
    a1, b2 = invoice("A1", due=days(-43)), invoice("B2", due=days(-11))
    history = [
        sent("first", {"A1": "first"}, on=days(-37)),
        sent("second", {"A1": "second"}, on=days(-28)),
        sent("final", {"A1": "final"}, on=days(-13)),
    ]

    held = run([a1, b2], history)

    assert held.reminders == []
    assert reasons(held) == [("C1", "firmer_sent")]
    (notice,) = run([a1, b2], history, today=days(3)).reminders  # A-1 at 46 days
    assert notice.level.name == "formal_notice"
    assert [(i.invoice.id, i.reaches) for i in notice.items] == [
        ("A1", "formal_notice"),
        ("B2", "first"),  # demanded in the notice: its first step is taken
    ]
    (alone,) = run([b2], history).reminders  # A-1 paid
    assert alone.level.name == "first"
    disputed = a1.model_copy(update={"disputed": True})
    assert levels(run([disputed, b2], history)) == {"C1": "first"}  # A-1 is not chased


def test_an_invoice_whose_escalation_is_over_holds_back_no_other() -> None:
    """A policy without a hand-off: A-1 had its last level, nothing more will come for
    it. B-2 must not wait for a step that never comes."""
    short = Policy(
        levels=(
            Level(name="first", offset_days=5),
            Level(name="second", offset_days=15),
            Level(name="final", offset_days=30),
        )
    )
    book = PolicyBook.build({"standard": short})
    history = [
        sent("first", {"A1": "first"}, on=days(-55)),
        sent("second", {"A1": "second"}, on=days(-45)),
        sent("final", {"A1": "final"}, on=days(-30)),
    ]

    result = run([invoice("A1", due=days(-60)), invoice("B2", due=days(-20))], history, book=book)

    assert levels(result) == {"C1": "first"}


def test_an_invoice_not_late_today_holds_back_no_other() -> None:
    """Its late instalment was paid; the next one is not due: nothing is coming for it."""
    part = Instalment(due_date=days(-40), amount=Decimal(300), residual=Decimal(0))
    rest = Instalment(due_date=days(40), amount=Decimal(700), residual=Decimal(700))
    paid_part = invoice("A1", due=days(40), residual="700.00", total="1000.00").model_copy(
        update={"instalments": (part, rest)}
    )
    history = [
        sent("first", {"A1": "first"}, on=days(-35)),
        sent("second", {"A1": "second"}, on=days(-25)),
        sent("final", {"A1": "final"}, on=days(-10)),
    ]

    result = run([paid_part, invoice("B2", due=days(-20))], history)

    assert levels(result) == {"C1": "first"}


def test_a_courtesy_reminder_s_failed_channel_is_not_retried_once_due() -> None:
    key = "rk"
    history = [
        sent("courtesy", {"F1": "courtesy"}, on=days(-4), key=key, channel=ChannelKind.EMAIL),
        event(
            EventType.FAILED,
            on=days(-4),
            reminder_key=key,
            message_key=f"{key}:letter",
            channel=ChannelKind.LETTER,
            level="courtesy",
            invoice_levels=(("F1", "courtesy"),),
        ),
    ]
    courtesy = Level(
        name="courtesy", offset_days=-3, channels=(ChannelKind.EMAIL, ChannelKind.LETTER)
    )
    standard = PolicyBook.build({}).policies["standard"]
    book = PolicyBook.build(
        {"standard": standard.model_copy(update={"levels": (courtesy, *standard.levels[1:])})}
    )

    assert run([invoice("F1", due=days(2))], history, book=book).reminders[0].completion
    assert run([invoice("F1", due=days(-1))], history, book=book).reminders == []


def test_a_hand_off_takes_no_other_invoice_a_step_forward() -> None:
    """B-2 falls due for its first reminder as A-1 is handed off: nothing is sent to the
    customer, so B-2 is listed with the account but reaches no level."""
    history = [
        sent("first", {"A1": "first"}, on=days(-60)),
        sent("second", {"A1": "second"}, on=days(-50)),
        sent("final", {"A1": "final"}, on=days(-35)),
        sent("formal_notice", {"A1": "formal_notice"}, on=days(-20)),
    ]

    (handoff,) = run([invoice("A1", due=days(-65)), invoice("B2", due=days(-6))], history).reminders

    assert handoff.level.name == "collection"
    assert [(i.invoice.id, i.reaches) for i in handoff.items] == [
        ("A1", "collection"),
        ("B2", None),
    ]


# -- approval and hand-off ------------------------------------------------------------------


def test_the_formal_notice_waits_for_approval_and_keeps_its_key_once_approved() -> None:
    history = [sent("final", {"F1": "final"}, on=days(-16))]
    (waiting,) = run([invoice("F1", due=days(-46))], history).reminders
    assert (waiting.level.name, waiting.requires_approval) == ("formal_notice", True)
    assert waiting.channels == (ChannelKind.REGISTERED_LETTER,)
    approved = [*history, event(EventType.APPROVED, reminder_key=waiting.key)]
    (ready,) = run([invoice("F1", due=days(-46))], approved).reminders
    assert (ready.key, ready.requires_approval) == (waiting.key, False)
    rejected = [*history, event(EventType.REJECTED, reminder_key=waiting.key)]
    assert reasons(run([invoice("F1", due=days(-46))], rejected)) == [("C1", "rejected")]


def test_hand_off_sends_nothing_and_ends_the_reminders() -> None:
    history = [sent("formal_notice", {"F1": "formal_notice"}, on=days(-16))]
    (handoff,) = run([invoice("F1", due=days(-61))], history).reminders
    assert (handoff.level.name, handoff.channels, handoff.is_handoff) == ("collection", (), True)
    done = [*history, event(EventType.HANDED_OFF)]
    assert reasons(run([invoice("F1", due=days(-61))], done)) == [("C1", "handed_off")]


# -- customers' overrides and contacts -------------------------------------------------------


def test_overrides_stop_reminders_or_change_the_channel() -> None:
    book = PolicyBook.build(
        {}, customers={"C1": CustomerOverride(do_not_remind=True, do_not_remind_reason="ami")}
    )
    assert reasons(run([invoice("F1", due=days(-6))], book=book)) == [("C1", "do_not_remind")]
    by_sms = PolicyBook.build({}, customers={"C1": CustomerOverride(channel=ChannelKind.SMS)})
    assert run([invoice("F1", due=days(-6))], book=by_sms).reminders[0].channels == (
        ChannelKind.SMS,
    )


def test_a_customer_without_email_gets_a_letter_and_without_address_nothing() -> None:
    no_email = customer("C1", email=None)
    (letter,) = run([invoice("F1", due=days(-6), who=no_email)]).reminders
    assert letter.channels == (ChannelKind.LETTER,)
    assert letter.notes == ("no email address: sent by letter",)
    nowhere = customer("C1", email=None, address=False)
    assert reasons(run([invoice("F1", due=days(-6), who=nowhere)])) == [("C1", "no_contact")]


def test_scenarios_pick_a_policy_by_tag() -> None:
    gentle = Policy(levels=(Level(name="nudge", offset_days=20),))
    book = PolicyBook.build(
        {"gentle": gentle}, scenarios=(Scenario(policy="gentle", tags=frozenset({"vip"})),)
    )
    vip = customer("C1", tags=frozenset({"vip"}))
    assert levels(run([invoice("F1", due=days(-6), who=vip)], book=book)) == {}
    assert levels(run([invoice("F1", due=days(-20), who=vip)], book=book)) == {"C1": "nudge"}
    assert run([invoice("F1", due=days(-20), who=vip)], book=book).reminders[0].policy == "gentle"


def test_nothing_is_sent_on_a_weekend() -> None:
    result = run([invoice("F1", due=days(-7))], today=days(-1))
    assert result.reminders == []
    assert reasons(result) == [("C1", "not_business_day")]


def test_paid_items_are_ignored() -> None:
    assert run([invoice("F1", due=days(-6), residual="0.00", total="100.00")]).skipped == []


def test_jumping_to_the_level_reached_never_starts_with_the_hand_off() -> None:
    standard = PolicyBook.build({}).policies["standard"]
    book = PolicyBook.build(
        {"standard": standard.model_copy(update={"start_late_invoices_at": StartLevel.REACHED})}
    )
    (reminder,) = run([invoice("F1", due=days(-90))], book=book).reminders
    assert (reminder.level.name, reminder.requires_approval) == ("formal_notice", True)


def test_a_reminder_carries_the_jurisdiction_the_configuration_chose() -> None:
    book = PolicyBook.build({}, customers={"C1": CustomerOverride(jurisdiction="de-b2b")})

    (chosen,) = run([invoice("F1", due=days(-6))], book=book).reminders
    (default,) = run([invoice("F1", due=days(-6))]).reminders

    assert (chosen.jurisdiction, default.jurisdiction) == ("de-b2b", None)
