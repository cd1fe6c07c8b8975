"""The business calendar: working days, public holidays, and counting on them.

Built on the ``holidays`` library (maintained public-holiday rules for every country and
many subdivisions, e.g. Alsace-Moselle's Good Friday and St Stephen's Day), plus the
company's own closing days. Pure and cached per year: planning a million invoices asks
the same few questions many times.

"Sous 5 jours ouvrés" and other deadlines are counted here: a business day is a weekday
that is neither a public holiday nor a closing day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

__all__ = ["BusinessCalendar"]

SATURDAY_SUNDAY = frozenset({5, 6})


@lru_cache(maxsize=64)
def _public_holidays(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    rules = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return dict(rules.items())


class BusinessCalendar:
    """Business days of one country (and subdivision), with extra closing days."""

    def __init__(
        self,
        country: str = "FR",
        subdivision: str | None = None,
        extra_holidays: Iterable[date] = (),
        weekend: frozenset[int] = SATURDAY_SUNDAY,
    ) -> None:
        try:
            holidays.country_holidays(country, subdiv=subdivision)
        except NotImplementedError:
            raise ValueError(f"no public-holiday rules for country {country!r}") from None
        self.country = country
        self.subdivision = subdivision
        self.extra = frozenset(extra_holidays)
        self.weekend = weekend

    def holiday_name(self, day: date) -> str | None:
        """The public holiday or closing day on ``day``, if any."""
        if day in self.extra:
            return "closing day"
        return _public_holidays(self.country, self.subdivision, day.year).get(day)

    def is_business_day(self, day: date, /) -> bool:
        return day.weekday() not in self.weekend and self.holiday_name(day) is None

    def next_business_day(self, day: date, *, include: bool = True) -> date:
        """The first business day on or after ``day`` (strictly after if not ``include``)."""
        if not include:
            day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, day: date, count: int, /) -> date:
        """The ``count``-th business day after ``day`` ("sous N jours ouvrés")."""
        if count < 0:
            raise ValueError("count must not be negative")
        while count:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count -= 1
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in ``(start, end]``: how many "jours ouvrés" have passed."""
        if end < start:
            return -self.business_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_business_day(day)
        return count
