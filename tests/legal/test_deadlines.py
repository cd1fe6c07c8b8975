"""Deadline vectors of reference/late-payment-law.md §1.2, §8 and §9.2."""

from __future__ import annotations

from datetime import date

import pytest

from relance.engine.calendar import BusinessCalendar
from relance.legal.deadlines import (
    PaymentTerm,
    business_days_deadline,
    calendar_days_deadline,
    due_date_for,
    huitaine,
    legal_cap,
    payment_term_warning,
)
from relance.legal.settings import DeadlineSettings, EndOfMonthReading

FRANCE = BusinessCalendar()
D = date.fromisoformat


@pytest.mark.parametrize(
    ("invoice", "net_60", "eom_a", "eom_b", "periodic"),
    [
        ("2026-01-15", "2026-03-16", "2026-03-17", "2026-03-31", "2026-03-01"),
        ("2025-12-31", "2026-03-01", "2026-02-14", "2026-02-28", "2026-02-14"),
        ("2026-02-10", "2026-04-11", "2026-04-14", "2026-03-31", "2026-03-27"),
    ],
)
def test_payment_terms_table(
    invoice: str, net_60: str, eom_a: str, eom_b: str, periodic: str
) -> None:
    day = D(invoice)
    assert due_date_for(day, PaymentTerm.NET_60) == D(net_60)
    assert due_date_for(day, PaymentTerm.EOM_45_A) == D(eom_a)
    assert due_date_for(day, PaymentTerm.EOM_45_B) == D(eom_b)
    assert due_date_for(day, PaymentTerm.NET_45_PERIODIC) == D(periodic)


def test_d4_sixty_day_cap() -> None:
    assert legal_cap(D("2025-12-31")) == D("2026-03-01")


def test_end_of_month_cap_follows_the_configured_reading() -> None:
    reading_b = DeadlineSettings(end_of_month_reading=EndOfMonthReading.B)
    assert legal_cap(D("2026-01-15"), end_of_month=True) == D("2026-03-17")
    assert legal_cap(D("2026-01-15"), end_of_month=True, settings=reading_b) == D("2026-03-31")
    assert legal_cap(D("2026-01-15"), periodic=True) == D("2026-03-01")


def test_a_due_date_beyond_the_cap_is_flagged() -> None:
    assert payment_term_warning(D("2025-12-31"), D("2026-03-01")) is None
    assert payment_term_warning(D("2025-12-31"), D("2026-03-02")) == (
        "The due date 2026-03-02 is later than the legal maximum of 2026-03-01 for an "
        "invoice dated 2025-12-31 (C. com. L441-10)."
    )


@pytest.mark.parametrize(
    ("received", "five_business_days", "huitaine_day"),
    [
        ("2026-04-30", "2026-05-11", "2026-05-11"),  # D1: 1 May and 8 May skipped
        ("2025-05-23", "2025-06-02", "2025-06-02"),  # D2: Ascension; Saturday -> Monday
        ("2025-12-24", "2026-01-02", "2026-01-02"),  # 25 Dec and 1 Jan skipped
    ],
)
def test_reply_deadlines(received: str, five_business_days: str, huitaine_day: str) -> None:
    assert business_days_deadline(D(received), 5, FRANCE) == D(five_business_days)
    assert huitaine(D(received), FRANCE) == D(huitaine_day)


def test_huitaine_without_the_procedural_extension_is_eight_calendar_days() -> None:
    raw = DeadlineSettings(extend_to_business_day=False)
    assert huitaine(D("2025-05-23"), FRANCE, raw) == D("2025-05-31")
    assert calendar_days_deadline(D("2026-03-02"), 15, FRANCE) == D("2026-03-17")
    with pytest.raises(ValueError, match="must not be negative"):
        calendar_days_deadline(D("2026-03-02"), -1, FRANCE)
