"""Benchmark (f): the SQLite history store, writing N events and reading them back.

Records N events in a fresh store the way a run does, each message an intent claimed
then settled as sent (two write transactions, each durable on disk before the next
step), for C customers. Then answers "what was already sent" two ways: per customer
(``events(source=, customer_id=, types=[sent])`` for each of the C customers, what
``relance history --customer`` asks) and for everyone at once (the fold of every event,
``DunningState.from_events(store.events())``, which a plan does when the history has
no checkpoint yet: ``history_growth.py`` measures the fold from one).

    .venv/bin/python bench/history_store.py -n 100k
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import Report, parser

from relance.cli.session import long_lived
from relance.engine.state import DunningState
from relance.history import SQLiteStore
from relance.model import ChannelKind, EventType, HistoryEvent

DAY = date(2026, 3, 16)


def intent(n: int, customers: int) -> HistoryEvent:
    code = f"CL{n % customers:07d}"
    ids = tuple(f"FA-{n * 3 + i:08d}" for i in range(3))
    day = DAY - timedelta(days=n % 60)
    return HistoryEvent(
        type=EventType.INTENT,
        at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
        run_date=day,
        source="csv",
        customer_id=code,
        customer_name=f"Société n°{code}",
        invoice_ids=ids,
        invoice_numbers=ids,
        invoice_levels=tuple((i, "first") for i in ids),
        level="first",
        channel=ChannelKind.EMAIL,
        reminder_key=f"r{n}",
        message_key=f"r{n}:email",
    )


def main() -> None:
    options = parser(__doc__.splitlines()[0], default="10k")
    args = options.parse_args()
    events, customers = args.invoices, args.customers or max(1, args.invoices // 10)
    report = Report("history_store", {"events": events, "customers": customers})
    with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder) / "h.sqlite3") as store:
        start = time.perf_counter()
        for n in range(events // 2):
            claimed = intent(n, customers)
            store.claim(claimed)
            update = {"id": f"{claimed.id}s", "type": EventType.SENT, "settles": claimed.id}
            store.settle(claimed.model_copy(update=update))
        writing = time.perf_counter() - start
        start = time.perf_counter()
        found = 0
        for c in range(customers):
            sent = store.events(source="csv", customer_id=f"CL{c:07d}", types=[EventType.SENT])
            found += sum(1 for _event in sent)
        per_customer = time.perf_counter() - start
        start = time.perf_counter()
        with long_lived():  # as relance plan folds (Session.state)
            state = DunningState.from_events(store.events())
        folding = time.perf_counter() - start
    if found != events // 2 or len(state.sent_messages) != events // 2:
        raise SystemExit(f"expected {events // 2} sent messages, found {found}")
    report.figures.update(
        write_s=round(writing, 3),
        per_customer_s=round(per_customer, 3),
        fold_s=round(folding, 3),
    )
    report.per_item("write_per_event", writing, events)
    report.per_item("query_per_customer", per_customer, customers)
    report.per_item("fold_per_event", folding, events)
    report.finish(args)


if __name__ == "__main__":
    main()
