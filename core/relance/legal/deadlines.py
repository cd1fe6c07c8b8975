"""Deadlines: payment-term caps (C. com. L441-10 I) and reply deadlines on business days.

Payment-term caps are counted in calendar days from the invoice date, as the law does;
"sous N jours ouvrés" counts business days of the calendar from the day after receipt;
"sous huitaine" (and any deadline in calendar days) is 8 calendar days from the day after
receipt, moved to the next business day when it ends on a weekend or a holiday (CPC 642)
unless ``[legal.deadlines] extend_to_business_day = false``.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum

from relance.engine.calendar import BusinessCalendar
from relance.i18n import _
from relance.legal.settings import DeadlineSettings, EndOfMonthReading

__all__ = [
    "HUITAINE",
    "PaymentTerm",
    "business_days_deadline",
    "calendar_days_deadline",
    "due_date_for",
    "huitaine",
    "legal_cap",
    "payment_term_warning",
]

HUITAINE = 8


class PaymentTerm(StrEnum):
    """An agreed payment term, counted from the invoice date."""

    NET_60 = "NET_60"
    EOM_45_A = "EOM_45_A"
    """45 days end of month, reading A: end of the invoice's month, then 45 days."""
    EOM_45_B = "EOM_45_B"
    """45 days end of month, reading B: 45 days, then the end of that month."""
    NET_45_PERIODIC = "NET_45_PERIODIC"
    """A periodic invoice (CGI 289 I 3): 45 days."""


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_date_for(invoice_date: date, term: PaymentTerm) -> date:
    """The due date a payment term gives an invoice."""
    if term is PaymentTerm.NET_60:
        return invoice_date + timedelta(days=60)
    if term is PaymentTerm.EOM_45_A:
        return _month_end(invoice_date) + timedelta(days=45)
    if term is PaymentTerm.EOM_45_B:
        return _month_end(invoice_date + timedelta(days=45))
    return invoice_date + timedelta(days=45)


def legal_cap(
    invoice_date: date,
    *,
    end_of_month: bool = False,
    periodic: bool = False,
    settings: DeadlineSettings | None = None,
) -> date:
    """The latest due date the law allows (L441-10 I).

    60 days after the invoice date; 45 days end of month when the contract expressly
    says so (read as ``settings.end_of_month_reading``); 45 days for a periodic invoice.
    """
    if periodic:
        return due_date_for(invoice_date, PaymentTerm.NET_45_PERIODIC)
    if end_of_month:
        reading = (settings or DeadlineSettings()).end_of_month_reading
        term = PaymentTerm.EOM_45_A if reading is EndOfMonthReading.A else PaymentTerm.EOM_45_B
        return due_date_for(invoice_date, term)
    return due_date_for(invoice_date, PaymentTerm.NET_60)


def payment_term_warning(
    invoice_date: date,
    due_date: date,
    *,
    end_of_month: bool = False,
    periodic: bool = False,
    settings: DeadlineSettings | None = None,
) -> str | None:
    """A warning when ``due_date`` is later than the legal cap, else ``None``."""
    cap = legal_cap(invoice_date, end_of_month=end_of_month, periodic=periodic, settings=settings)
    if due_date <= cap:
        return None
    return _(
        "The due date {due} is later than the legal maximum of {cap} for an invoice "
        "dated {invoice} (C. com. L441-10)."
    ).format(due=due_date, cap=cap, invoice=invoice_date)


def business_days_deadline(received: date, count: int, calendar: BusinessCalendar) -> date:
    """ "Sous N jours ouvrés": the N-th business day after the day of receipt."""
    return calendar.add_business_days(received, count)


def calendar_days_deadline(
    received: date,
    count: int,
    calendar: BusinessCalendar,
    settings: DeadlineSettings | None = None,
) -> date:
    """N calendar days after receipt, extended to a business day if so configured."""
    if count < 0:
        raise ValueError("count must not be negative")
    last = received + timedelta(days=count)
    if (settings or DeadlineSettings()).extend_to_business_day:
        return calendar.next_business_day(last)
    return last


def huitaine(
    received: date, calendar: BusinessCalendar, settings: DeadlineSettings | None = None
) -> date:
    """ "Sous huitaine": 8 calendar days after receipt (see :func:`calendar_days_deadline`)."""
    return calendar_days_deadline(received, HUITAINE, calendar, settings)
