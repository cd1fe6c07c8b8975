"""An invoice payable in instalments is late from its first unpaid instalment.

Sources give the *last* instalment's date as the invoice's due date (Odoo's
``invoice_date_due``): a 30/70 invoice whose first 30 % is a month overdue would
otherwise wait for the 70 % before a first reminder, and penalties would start late.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import partial

from hypothesis import given
from hypothesis import strategies as st

from relance.engine.calendar import BusinessCalendar
from relance.engine.planner import Reminder, plan
from relance.engine.policy import PolicyBook
from relance.engine.runner import _refreshed
from relance.engine.state import DunningState
from relance.legal import LegalRules
from relance.legal.base import round_half_up
from relance.legal.rules import compute_penalty
from relance.model import Balance, ChannelKind, Instalment, Invoice
from relance.render import TemplateEnvironment, compose
from relance.testing.ledgers import invoice

from ..render.conftest import COMPANY  # noqa: TID252 - the rendering tests' company

TODAY = date(2026, 3, 16)
RULES = LegalRules.from_settings()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def split(*parts: tuple[int, str, str]) -> Invoice:
    """An invoice of 1,000.00 whose instalments are ``(days from today, amount, residual)``;
    its due date is the last instalment's, as sources give it."""
    instalments = tuple(
        Instalment(due_date=days(n), amount=Decimal(amount), residual=Decimal(residual))
        for n, amount, residual in parts
    )
    residual = sum((part.residual for part in instalments), Decimal(0))
    return invoice(
        "F1",
        due=instalments[-1].due_date,
        total="1000.00",
        residual=str(residual),
        instalments=instalments,
    )


def test_the_first_unpaid_instalment_sets_the_day_the_invoice_is_late() -> None:
    thirty_seventy = split((-20, "300.00", "300.00"), (40, "700.00", "700.00"))
    first_paid = split((-20, "300.00", "0.00"), (40, "700.00", "700.00"))

    assert (thirty_seventy.payable_since, thirty_seventy.days_late(TODAY)) == (days(-20), 20)
    assert (first_paid.payable_since, first_paid.days_late(TODAY)) == (days(40), -40)
    plain = invoice("F2", due=days(-3))
    assert (plain.payable_since, plain.days_late(TODAY)) == (days(-3), 3)


def planned(due: Invoice) -> list[Reminder]:
    book, calendar = PolicyBook.build({}), BusinessCalendar(country="FR")
    return list(plan([due], DunningState(), book, calendar, TODAY).reminders)


def test_an_overdue_first_instalment_is_reminded_before_the_last_due_date() -> None:
    (reminder,) = planned(split((-20, "300.00", "300.00"), (40, "700.00", "700.00")))
    (like,) = planned(invoice("F1", due=days(-20), residual="1000.00"))

    assert reminder.level.name == like.level.name  # as an invoice due 20 days ago
    assert reminder.items[0].days_late == 20
    assert planned(split((-20, "300.00", "0.00"), (40, "700.00", "700.00"))) == []


def test_interest_runs_on_each_late_instalment_and_the_indemnity_is_counted_once() -> None:
    due = split((-60, "300.00", "300.00"), (-20, "300.00", "300.00"), (40, "400.00", "400.00"))

    quote = RULES.quote(due, TODAY, company_country="FR")

    assert quote is not None
    by_part = [
        compute_penalty(Decimal("300.00"), "EUR", days(n), TODAY, "fr-b2b", rules=RULES)
        for n in (-60, -20)
    ]
    assert quote.interest == by_part[0].interest + by_part[1].interest
    assert quote.indemnity == Decimal("40.00")
    assert quote.total == quote.interest + Decimal("40.00")
    assert quote.principal == Decimal("600.00")  # the 400.00 not yet due bears nothing
    assert quote.segments == by_part[0].segments + by_part[1].segments


@given(
    parts=st.lists(
        st.tuples(st.integers(-400, 200), st.integers(1, 100_000), st.integers(0, 100)),
        min_size=1,
        max_size=4,
    )
)
def test_an_instalment_quote_is_the_sum_of_its_late_instalments(
    parts: list[tuple[int, int, int]],
) -> None:
    cent = Decimal("0.01")
    instalments = [
        (n, Decimal(cents) / 100, (Decimal(cents) * paid_left / 10_000).quantize(cent))
        for n, cents, paid_left in parts
    ]
    late = [(n, left) for n, _, left in instalments if n < 0 and left > 0]
    due = invoice(
        "F1",
        due=max(days(n) for n, _, _ in instalments),
        total=str(sum((a for _, a, _ in instalments), Decimal(0))),
        residual=str(sum((r for _, _, r in instalments), Decimal(0))),
        instalments=tuple(
            Instalment(due_date=days(n), amount=a, residual=r) for n, a, r in instalments
        ),
    )
    expected = partial(
        compute_penalty, currency="EUR", on=TODAY, jurisdiction="fr-b2b", rules=RULES
    )

    quote = RULES.quote(due, TODAY, company_country="FR")

    if not late:  # nothing late by the instalments: by the invoice's own figures, if late
        if quote is not None:
            assert due.due_date is not None
            assert quote == expected(principal=due.residual, due_date=due.due_date)
        return
    assert quote is not None
    # Each late instalment's interest from its own date, their exact sum rounded once
    # (``[legal] rounding = "once"``, the default), as a single debt's is.
    exact = sum(
        (expected(principal=left, due_date=days(n)).exact_interest for n, left in late),
        Fraction(0),
    )
    assert quote.interest == round_half_up(exact)
    assert quote.indemnity == Decimal("40.00")
    assert quote.principal == sum((left for _, left in late), Decimal(0))


def test_the_statement_shows_the_date_the_invoice_became_late() -> None:
    due = split((-20, "300.00", "300.00"), (40, "700.00", "700.00"))
    result = plan(
        [due], DunningState(), PolicyBook.build({}), BusinessCalendar(country="FR"), TODAY
    )
    (reminder,) = result.reminders

    email = compose(
        reminder, ChannelKind.EMAIL, company=COMPANY, today=TODAY, templates=TemplateEnvironment()
    )

    assert "Échéance\u00a0: 24 février 2026" in email.text
    assert "Jours de retard\u00a0: 20" in email.text
    assert email.oldest_due_date == days(-20)


def test_a_late_instalment_paid_just_before_sending_is_no_longer_late() -> None:
    """The balance re-read before sending has no instalments: what was paid settles the
    oldest first."""
    due = split((-20, "300.00", "300.00"), (40, "700.00", "700.00"))

    paid = _refreshed(due, Balance(invoice_id="F1", residual=Decimal("700.00"), currency="EUR"))
    part = _refreshed(due, Balance(invoice_id="F1", residual=Decimal("900.00"), currency="EUR"))

    assert paid is not None
    assert [p.residual for p in paid.instalments] == [Decimal("0.00"), Decimal("700.00")]
    assert paid.days_late(TODAY) == -40
    assert planned(paid) == []
    assert part is not None
    assert [p.residual for p in part.instalments] == [Decimal("200.00"), Decimal("700.00")]
    assert part.days_late(TODAY) == 20


def test_a_message_asks_only_for_the_instalments_due() -> None:
    """30 % forty days late, 70 % due in forty days: the formal notice's demand, the
    statement and the totals are the 300.00 due, not the 1,000.00 left."""
    due = split((-40, "300.00", "300.00"), (40, "700.00", "700.00"))
    (reminder,) = planned(due)

    assert due.amount_due(TODAY) == Decimal("300.00")
    assert reminder.items[0].asked == Decimal("300.00")
    assert reminder.totals == {"EUR": Decimal("300.00")}
    email = compose(
        reminder, ChannelKind.EMAIL, company=COMPANY, today=TODAY, templates=TemplateEnvironment()
    )
    assert "Reste dû\u00a0: 300,00\u00a0€" in email.text
    assert "1\u202f000,00" in email.text  # the invoice's amount, as it was issued
    assert "700,00" not in email.text


def test_before_any_instalment_is_due_the_first_is_what_is_asked() -> None:
    due = split((3, "300.00", "300.00"), (40, "700.00", "700.00"))

    assert due.amount_due(TODAY) == Decimal("300.00")
    assert invoice("F2", due=days(3)).amount_due(TODAY) == Decimal("1200.00")
    inconsistent = due.model_copy(update={"residual": Decimal("900.00")})
    assert inconsistent.amount_due(TODAY) == Decimal("900.00")  # not relied on
