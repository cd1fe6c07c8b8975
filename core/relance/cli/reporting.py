"""Reading what the reports need from the sources: open items and paid invoices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from relance.engine.policy import PolicyBook
from relance.engine.state import CustomerKey
from relance.history.store import HistoryStore
from relance.model import Invoice
from relance.plugins import PluginHost
from relance.reports.ledger import Ledger, month_ends, months_before
from relance.reports.scores import RATING_EVENTS, ratings
from relance.reports.settings import ReportSettings

__all__ = ["customer_ratings", "paid_period", "read_ledger"]


def paid_period(
    settings: ReportSettings,
    as_of: date,
    today: date,
    *,
    period_days: int | None = None,
    months_back: int = 0,
) -> tuple[date, date]:
    """The payments the reports look at: from the oldest day a report needs to today.

    Payments after ``as_of`` matter too: they were still owed on ``as_of``. A period
    given on the command line (``--period``) and the months a count-back may go back
    (``months_back``) reach further than the settings do.
    """
    trend_start = month_ends(as_of, settings.dso_trend_months)[0]
    days = max(settings.dso_period_days, period_days or 0)
    start = min(
        months_before(as_of, max(settings.score_months, months_back)),
        trend_start - timedelta(days=days - 1),
    )
    return start, max(as_of, today)


def read_ledger(host: PluginHost, open_items: Sequence[Invoice], start: date, end: date) -> Ledger:
    """The open items with the paid invoices of every source that can give them."""
    paid: list[Invoice] = []
    unable: list[str] = []
    for ctx in host.sources:
        found = host.fetch_paid_invoices(ctx, start, end)
        if found is None:
            unable.append(ctx.name)
        else:
            paid.extend(found)
    return Ledger(open=tuple(open_items), paid=tuple(paid), no_paid_history=tuple(unable))


def customer_ratings(
    host: PluginHost,
    store: HistoryStore,
    open_items: Sequence[Invoice],
    *,
    settings: ReportSettings,
    book: PolicyBook,
    as_of: date,
) -> dict[CustomerKey, str]:
    """The A-D rating of every customer, for scenarios that select on scores."""
    start, end = paid_period(settings, as_of, as_of)
    ledger = read_ledger(host, open_items, start, end)
    return ratings(ledger, store.events(types=RATING_EVENTS), book, settings, as_of)
