"""Customer scores: how late each customer pays, how much chasing it takes, a rating A-D.

Over the ``score_months`` months up to the as-of day, for every invoice due in that
window (due after the window's first day, on or before the as-of day):

* days late = payment date minus due date for a paid invoice (0 if paid early), as-of
  day minus due date for one still open (still counting); an invoice paid without a
  known payment date cannot be measured and is counted apart (``unmeasured``);
* the **average** is the plain mean of those days; the **weighted** one weighs each
  invoice by its total, so a late large invoice counts more than a late small one;
* **reminders** is the number of reminders delivered to the customer in the window;
  **max level** the most advanced level its open invoices reached; **disputes** the
  open invoices in dispute (from the source, or paused by a person in the window).

The rating rule, in order: a formal notice delivered (or a hand-off to collection) in
the window gives **D**; otherwise the weighted days late give **A** up to
``score_a_max_days``, **B** up to ``score_b_max_days``, **C** up to
``score_c_max_days``, **D** beyond. A customer with no invoice to measure has no rating.
Each score carries the sentence that explains its rating.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.engine.policy import PolicyBook
from relance.engine.state import CustomerKey, DunningState
from relance.i18n import _
from relance.model import EventType, HistoryEvent, Invoice
from relance.reports.ledger import Ledger, customer_keys, months_before, one_decimal
from relance.reports.settings import ReportSettings

__all__ = ["RATINGS", "CustomerScore", "ScoreReport", "ratings", "scores"]

RATINGS = ("A", "B", "C", "D")


@dataclass(frozen=True)
class CustomerScore:
    source: str
    customer_id: str
    customer_name: str
    measured: int
    unmeasured: int
    average_days_late: Decimal | None
    weighted_days_late: Decimal | None
    reminders: int
    max_level: str | None
    formal_notice: bool
    disputes: int
    rating: str | None
    rule: str

    @property
    def key(self) -> CustomerKey:
        return (self.source, self.customer_id)


@dataclass(frozen=True)
class ScoreReport:
    as_of: date
    start: date
    thresholds: tuple[int, int, int]
    scores: tuple[CustomerScore, ...]
    no_paid_history: tuple[str, ...]

    def distribution(self) -> dict[str, int]:
        """How many customers have each rating (``"-"``: no rating)."""
        counts = dict.fromkeys((*RATINGS, "-"), 0)
        for score in self.scores:
            counts[score.rating or "-"] += 1
        return counts


def ratings(
    ledger: Ledger,
    events: Iterable[HistoryEvent],
    book: PolicyBook,
    settings: ReportSettings,
    as_of: date,
) -> dict[CustomerKey, str]:
    """The ratings scenarios select on (``[[scenarios]] scores = ["D"]``): those of
    :func:`scores`, from the days late and the formal notices alone. A plan asks for
    them before it folds the history itself: no fold here, and ``events`` need only be
    the ``sent`` and ``handed_off`` ones (:data:`RATING_EVENTS`)."""
    start = months_before(as_of, settings.score_months)
    notices = book.notice_levels()
    noticed = {
        (event.source or "", event.customer_id or "")
        for event in events
        if start < event.day <= as_of and _is_notice(event, notices)
    }
    measures = _measures(ledger, start, as_of)
    thresholds = (settings.score_a_max_days, settings.score_b_max_days, settings.score_c_max_days)
    found = {}
    for key in customer_keys(_customer_items(ledger, as_of)):
        days, _unmeasured = measures.get(key, ([], 0))
        rating, _rule = _rating(
            _averages(days)[1], key in noticed, thresholds, settings.score_months
        )
        if rating is not None:
            found[key] = rating
    return found


RATING_EVENTS = (EventType.SENT, EventType.HANDED_OFF)
"""The events :func:`ratings` looks at."""


def scores(
    ledger: Ledger,
    events: Iterable[HistoryEvent],
    book: PolicyBook,
    settings: ReportSettings,
    as_of: date,
) -> ScoreReport:
    """Score every customer of the ledger on ``as_of``."""
    start = months_before(as_of, settings.score_months)
    notices = book.notice_levels()
    state = DunningState()
    reminders: dict[CustomerKey, set[str]] = defaultdict(set)
    noticed: set[CustomerKey] = set()
    paused: dict[CustomerKey, set[str]] = defaultdict(set)
    # One pass, keeping no event: a million-invoice history is some 500,000 of them.
    for event in events:
        if event.day > as_of:
            continue
        state.apply(event)
        if event.day <= start:
            continue
        key = (event.source or "", event.customer_id or "")
        if _is_notice(event, notices):
            noticed.add(key)
        if event.type is EventType.SENT:
            reminders[key].add(event.reminder_key or event.id)
        elif event.type is EventType.PAUSED and event.invoice_ids:
            paused[key].update(event.invoice_ids)
    measures = _measures(ledger, start, as_of)
    thresholds = (settings.score_a_max_days, settings.score_b_max_days, settings.score_c_max_days)
    open_now = [i for i in ledger.open if _issued_by(i, as_of)]
    # Grouped once: looking each customer's items up in the whole list grew with the
    # square of the ledger (282 s for 100,000 invoices).
    open_by_customer: dict[CustomerKey, list[Invoice]] = defaultdict(list)
    for invoice in open_now:
        open_by_customer[(invoice.source, invoice.customer.id)].append(invoice)
    result = []
    for key, name in customer_keys(_customer_items(ledger, as_of)).items():
        days, unmeasured = measures.get(key, ([], 0))
        average, weighted = _averages(days)
        customer_open = open_by_customer.get(key, [])
        disputes = {i.id for i in customer_open if i.disputed} | (
            paused[key] & {i.id for i in customer_open}
        )
        rating, rule = _rating(weighted, key in noticed, thresholds, settings.score_months)
        result.append(
            CustomerScore(
                source=key[0],
                customer_id=key[1],
                customer_name=name,
                measured=len(days),
                unmeasured=unmeasured,
                average_days_late=average,
                weighted_days_late=weighted,
                reminders=len(reminders[key]),
                max_level=_max_level(book, state, customer_open, as_of),
                formal_notice=key in noticed,
                disputes=len(disputes),
                rating=rating,
                rule=rule,
            )
        )
    return ScoreReport(as_of, start, thresholds, tuple(result), ledger.no_paid_history)


def _is_notice(event: HistoryEvent, notices: frozenset[str]) -> bool:
    """A formal notice delivered, or a hand-off to collection: the rating is D."""
    return (event.type is EventType.SENT and event.level in notices) or (
        event.type is EventType.HANDED_OFF
    )


def _issued_by(invoice: Invoice, day: date) -> bool:
    return invoice.issue_date is None or invoice.issue_date <= day


def _customer_items(ledger: Ledger, as_of: date) -> list[Invoice]:
    """The items whose customers are scored: open (issued by ``as_of``) or paid."""
    return [*(i for i in ledger.open if _issued_by(i, as_of)), *ledger.paid]


Measure = tuple[int, Decimal, str]
"""An invoice measured: its days late, its total and the total's currency."""


def _measures(
    ledger: Ledger, start: date, as_of: date
) -> dict[CustomerKey, tuple[list[Measure], int]]:
    """Per customer: (days late, total) of each measurable invoice, and the unmeasurable count."""
    found: dict[CustomerKey, tuple[list[Measure], int]] = {}
    for invoice in ledger.invoices():
        if invoice.due_date is None or not start < invoice.due_date <= as_of:
            continue
        if invoice.issue_date is not None and invoice.issue_date > as_of:
            continue
        key = (invoice.source, invoice.customer.id)
        days, unmeasured = found.get(key, ([], 0))
        settled = _settled_on(invoice, as_of)
        if settled is None:
            found[key] = (days, unmeasured + 1)
            continue
        days.append((max(0, (settled - invoice.due_date).days), invoice.total, invoice.currency))
        found[key] = (days, unmeasured)
    return found


def _settled_on(invoice: Invoice, as_of: date) -> date | None:
    """The day lateness stops counting: the payment, or ``as_of`` while unpaid then."""
    if invoice.residual > 0:
        return as_of
    if invoice.paid_date is None:
        return None
    return min(invoice.paid_date, as_of)


def _averages(days: list[Measure]) -> tuple[Decimal | None, Decimal | None]:
    """The plain mean of the days late, and the mean weighted by the invoices' totals:
    within each currency (amounts of two currencies do not add up), the worst currency's
    for a customer invoiced in several."""
    if not days:
        return None, None
    average = one_decimal(Decimal(sum(d for d, _total, _currency in days)) / len(days))
    weighted = [
        _weighted([(d, total) for d, total, c in days if c == currency])
        for currency in {c for _d, _total, c in days}
    ]
    return average, max(w if w is not None else average for w in weighted)


def _weighted(days: list[tuple[int, Decimal]]) -> Decimal | None:
    weight = sum((total for _days, total in days), Decimal(0))
    if not weight:
        return None
    return one_decimal(sum((d * total for d, total in days), Decimal(0)) / weight)


def _rating(
    weighted: Decimal | None, noticed: bool, thresholds: tuple[int, int, int], months: int
) -> tuple[str | None, str]:
    if noticed:
        return "D", _("formal notice or collection in the last {months} months").format(
            months=months
        )
    if weighted is None:
        return None, _("no invoice due in the last {months} months").format(months=months)
    for rating, bound in zip(RATINGS, thresholds, strict=False):
        if weighted <= bound:
            return rating, _("{days} weighted days late <= {bound}").format(
                days=weighted, bound=bound
            )
    return "D", _("{days} weighted days late > {bound}").format(days=weighted, bound=thresholds[-1])


def _max_level(
    book: PolicyBook, state: DunningState, invoices: list[Invoice], as_of: date
) -> str | None:
    best: tuple[int, str] | None = None
    for invoice in invoices:
        memory = state.invoices.get(invoice.key)
        if memory is None:
            continue
        order = [level.name for level in book.policy_for(invoice.customer).levels]
        for level, day in memory.levels.items():
            if day <= as_of:
                rank = (order.index(level) if level in order else -1, level)
                best = rank if best is None or rank > best else best
    return best[1] if best is not None else None
