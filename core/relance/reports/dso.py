"""Days sales outstanding, by the simple formula and by the count-back method.

Both are computed per currency from *invoices* (credit notes and unapplied payments are
left out of both sides), over the period of ``period_days`` days ending on the as-of day:

* **simple**: ``receivables / sales of the period x days of the period``;
* **count-back**: starting from the receivables on the as-of day, subtract the sales of
  each calendar month going back (the current month up to the as-of day first); every
  month whose sales are used up counts all its days, and the month where the
  receivables run out counts the part ``remaining / sales of that month x its days``.

Receivables are what was owed on the as-of day (see :mod:`relance.reports.ledger`);
sales are the totals of the invoices issued in the period (open or paid), which is why
the sources must give paid invoices: a source that cannot is listed in the report, and
its sales are then only its invoices still open (the DSO is overstated).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from relance.reports.ledger import Ledger, month_ends, one_decimal

__all__ = ["MAX_MONTHS_BACK", "CountBackStep", "CurrencyDso", "DsoReport", "TrendPoint", "dso"]

MAX_MONTHS_BACK = 36
"""The count-back never looks further back than this; a DSO that needs more is flagged."""


@dataclass(frozen=True)
class CountBackStep:
    """One month of the count-back: its sales, and the days it contributes."""

    start: date
    end: date
    sales: Decimal
    remaining_before: Decimal
    days: Decimal

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class CurrencyDso:
    currency: str
    receivables: Decimal
    sales: Decimal
    period_days: int
    simple: Decimal | None
    """``None`` when there were no sales in the period."""
    count_back: Decimal
    steps: tuple[CountBackStep, ...]
    exhausted: bool = False
    """True when the sales history ran out before the receivables: a lower bound."""


@dataclass(frozen=True)
class TrendPoint:
    day: date
    currency: str
    simple: Decimal | None


@dataclass(frozen=True)
class DsoReport:
    as_of: date
    start: date
    period_days: int
    currencies: tuple[CurrencyDso, ...]
    trend: tuple[TrendPoint, ...]
    no_paid_history: tuple[str, ...]
    undated: int
    """Invoices without an issue date: they cannot be placed in a period."""


def dso(ledger: Ledger, as_of: date, period_days: int, trend_months: int = 6) -> DsoReport:
    """The DSO on ``as_of`` over the ``period_days`` days ending that day."""
    sales_by_day = _sales_by_day(ledger)
    undated = sum(1 for i in ledger.invoices() if i.issue_date is None)
    currencies = tuple(
        _currency_dso(currency, sales_by_day[currency], receivables, as_of, period_days)
        for currency, receivables in sorted(_receivables(ledger, as_of).items())
    )
    trend = tuple(
        TrendPoint(
            day, currency, _simple(_receivables(ledger, day).get(currency), sales, day, period_days)
        )
        for day in month_ends(as_of, trend_months)
        for currency, sales in sorted(sales_by_day.items())
    )
    return DsoReport(
        as_of=as_of,
        start=as_of - timedelta(days=period_days - 1),
        period_days=period_days,
        currencies=currencies,
        trend=trend,
        no_paid_history=ledger.no_paid_history,
        undated=undated,
    )


def _sales_by_day(ledger: Ledger) -> dict[str, dict[date, Decimal]]:
    sales: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for invoice in ledger.invoices():
        if invoice.issue_date is not None:
            sales[invoice.currency][invoice.issue_date] += invoice.total
    return sales


def _receivables(ledger: Ledger, day: date) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for owed in ledger.owed_on(day):
        if not owed.invoice.is_credit:
            totals[owed.invoice.currency] += owed.amount
    return totals


def _sum(sales: dict[date, Decimal], start: date, end: date) -> Decimal:
    return sum((amount for day, amount in sales.items() if start <= day <= end), Decimal(0))


def _simple(
    receivables: Decimal | None, sales: dict[date, Decimal], day: date, period_days: int
) -> Decimal | None:
    period_sales = _sum(sales, day - timedelta(days=period_days - 1), day)
    if not period_sales:
        return None
    return one_decimal((receivables or Decimal(0)) / period_sales * period_days)


def _currency_dso(
    currency: str,
    sales: dict[date, Decimal],
    receivables: Decimal,
    as_of: date,
    period_days: int,
) -> CurrencyDso:
    steps: list[CountBackStep] = []
    remaining = receivables
    end = as_of
    exhausted = False
    while remaining > 0:
        if len(steps) == MAX_MONTHS_BACK or not sales or end < min(sales):
            exhausted = True
            break
        start = end.replace(day=1)
        month_sales = _sum(sales, start, end)
        length = (end - start).days + 1
        if month_sales and remaining <= month_sales:
            days = remaining / month_sales * length
        else:
            days = Decimal(length)
        steps.append(CountBackStep(start, end, month_sales, remaining, days))
        remaining -= min(remaining, month_sales)
        end = start - timedelta(days=1)
    return CurrencyDso(
        currency=currency,
        receivables=receivables,
        sales=_sum(sales, as_of - timedelta(days=period_days - 1), as_of),
        period_days=period_days,
        simple=_simple(receivables, sales, as_of, period_days),
        count_back=one_decimal(sum((s.days for s in steps), Decimal(0))),
        steps=tuple(steps),
        exhausted=exhausted,
    )
