"""Business days on the French calendar, and counting on them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.engine.calendar import BusinessCalendar

FRANCE = BusinessCalendar()


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "New Year's Day"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2026, 5, 1), "Labor Day"),
        (date(2026, 5, 8), "Victory Day"),
        (date(2026, 5, 14), "Ascension Day"),
        (date(2026, 5, 25), "Pentecost Monday"),
        (date(2026, 7, 14), "National Day"),
        (date(2026, 12, 25), "Christmas Day"),
    ],
)
def test_french_public_holidays_are_not_business_days(day: date, name: str) -> None:
    assert not FRANCE.is_business_day(day)
    assert FRANCE.holiday_name(day) == name


def test_weekends_are_not_business_days_and_weekdays_are() -> None:
    assert [FRANCE.is_business_day(date(2026, 3, d)) for d in range(16, 23)] == [
        True, True, True, True, True, False, False,
    ]  # fmt: skip


def test_alsace_moselle_has_good_friday_and_st_stephen() -> None:
    moselle = BusinessCalendar(subdivision="57")
    assert FRANCE.is_business_day(date(2026, 4, 3))
    assert not moselle.is_business_day(date(2026, 4, 3))
    assert moselle.holiday_name(date(2026, 12, 26)) == "Saint Stephen's Day"
    assert FRANCE.holiday_name(date(2026, 12, 26)) is None


def test_closing_days_count_as_holidays() -> None:
    closed = BusinessCalendar(extra_holidays=[date(2026, 8, 10)])
    assert not closed.is_business_day(date(2026, 8, 10))
    assert closed.holiday_name(date(2026, 8, 10)) == "closing day"


def test_five_business_days_skip_weekends_and_holidays() -> None:
    # Thursday 30 April 2026 + 5 jours ouvrés: Fri 1 May is a holiday, then the weekend.
    # Fri 8 May is a holiday too: the fifth business day is Monday 11 May.
    assert FRANCE.add_business_days(date(2026, 4, 30), 5) == date(2026, 5, 11)
    assert FRANCE.add_business_days(date(2026, 3, 16), 5) == date(2026, 3, 23)
    assert FRANCE.next_business_day(date(2026, 3, 21)) == date(2026, 3, 23)
    assert FRANCE.next_business_day(date(2026, 3, 20), include=False) == date(2026, 3, 23)


def test_an_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no public-holiday rules for country 'XX'"):
        BusinessCalendar(country="XX")


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(start=days, count=st.integers(0, 40))
def test_adding_business_days_lands_on_a_business_day_counted_exactly(
    start: date, count: int
) -> None:
    end = FRANCE.add_business_days(start, count)
    assert FRANCE.business_days_between(start, end) == count
    if count:
        assert FRANCE.is_business_day(end)


@given(start=days, a=st.integers(0, 20), b=st.integers(0, 20))
def test_business_day_counts_add_up(start: date, a: int, b: int) -> None:
    middle = start + timedelta(days=a)
    end = middle + timedelta(days=b)
    total = FRANCE.business_days_between(start, end)
    assert total == FRANCE.business_days_between(start, middle) + FRANCE.business_days_between(
        middle, end
    )
