"""Half-years and the splitting of a delay into periods.

Late-payment rates change on 1 January and 1 July (the French default rate, the French
legal rate, the German base rate), so a delay is cut into pieces at each of those dates,
and at any other date where the rate changes (a judgment's increase, say).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["ONE_DAY", "HalfYear", "add_months", "split_days"]

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class HalfYear:
    """One half of a calendar year: ``HalfYear(2025, 2)`` is 1 July to 31 December 2025."""

    year: int
    half: int

    @classmethod
    def of(cls, day: date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def label(self) -> str:
        """``2025H2``: how half-years are written in rate tables and messages."""
        return f"{self.year}H{self.half}"

    def __str__(self) -> str:
        return self.label


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def split_days(first: date, last: date, breaks: Iterable[date] = ()) -> Iterator[tuple[date, date]]:
    """Cut the days ``first``..``last`` (inclusive) at each 1 Jan, 1 Jul and break.

    A break is the first day of a new piece. Nothing is yielded when ``last < first``.
    """
    cuts = sorted({b for b in breaks if first < b <= last})
    start = first
    while start <= last:
        end = min(HalfYear.of(start).end, last)
        while cuts and cuts[0] <= start:
            cuts.pop(0)
        if cuts and cuts[0] <= end:
            end = cuts[0] - ONE_DAY
        yield start, end
        start = end + ONE_DAY
