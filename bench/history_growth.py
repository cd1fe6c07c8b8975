"""The fold of a history that grows day after day: from every event, and from a checkpoint.

Every plan starts by folding the history (``relance.engine.checkpoint``), and the history
only grows: each day's run records its planned reminders and, for each message, an
intent and its settlement. This copies the generated ledger's history (day 0, the other
benchmarks' day) and appends, day after day, what a run of that ledger records (as many
reminders and messages as ``relance plan`` finds on the benchmark day, new ones each
day), through the store's own writes. At the days asked (``--at``), it times the fold of
every event (``DunningState.from_events``, what every plan did before checkpoints) and
the fold a plan does now (the checkpoint the previous day's run saved, then the events
since), and what saving that checkpoint cost the run.

    .venv/bin/python bench/history_growth.py -n 100k --days 20
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import Report, ledger_for, ledger_params, parser
from ledger import TODAY

from relance.cli.session import long_lived
from relance.engine.checkpoint import SAVE_AFTER, fold
from relance.engine.state import DunningState
from relance.history import SQLiteStore
from relance.model import ChannelKind, EventType, HistoryEvent

REMINDERS_PER_CUSTOMER = 0.74
"""Reminders a day per customer: ``relance plan`` on the 100k and 1M ledgers (7,411 of
10,000 customers; 75,054 of 100,000)."""
MESSAGES_PER_REMINDER = 0.76
"""Messages a reminder sends, on the same day (5,632 for 7,411 at 100k: formal notices
wait for approval, some customers are held)."""


def day_events(day: int, customers: int) -> tuple[list[HistoryEvent], list[HistoryEvent]]:
    """One day's run: its planned reminders, and the intents of its messages."""
    today = TODAY + timedelta(days=day)
    at = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    planned, intents = [], []
    reminders = round(customers * REMINDERS_PER_CUSTOMER)
    messages = round(reminders * MESSAGES_PER_REMINDER)
    for n in range(reminders):
        code = f"CL{n * 7919 % customers:07d}"
        ids = tuple(f"FA-{(n * 3 + i) % (customers * 10):08d}" for i in range(3))
        common = {
            "at": at,
            "run_date": today,
            "source": "csv",
            "customer_id": code,
            "invoice_ids": ids,
            "invoice_levels": tuple((i, "first") for i in ids),
            "level": "first",
            "reminder_key": f"d{day}-r{n}",
        }
        planned.append(HistoryEvent(type=EventType.PLANNED, **common))
        if n < messages:
            intents.append(
                HistoryEvent(
                    type=EventType.INTENT,
                    channel=ChannelKind.EMAIL,
                    message_key=f"d{day}-r{n}:email",
                    **common,
                )
            )
    return planned, intents


def record_day(store: SQLiteStore, day: int, customers: int) -> int:
    """Record one day's run in ``store``; the events written."""
    planned, intents = day_events(day, customers)
    store.append_all(planned)
    for intent in intents:
        store.claim(intent)
        store.settle(
            intent.model_copy(
                update={"id": f"s-{intent.id}", "type": EventType.SENT, "settles": intent.id}
            )
        )
    return len(planned) + 2 * len(intents)


def time_folds(store: SQLiteStore, day: int, events: int, run_fold: float) -> dict[str, float]:
    """The next plan's fold, from the checkpoint the day's run saved, against the fold of
    every event."""
    start = time.perf_counter()
    with long_lived():
        resumed = fold(store)
    from_checkpoint = time.perf_counter() - start
    start = time.perf_counter()
    with long_lived():
        full = DunningState.from_events(store.events())
    every_event = time.perf_counter() - start
    assert resumed == full
    saved = store.checkpoint()
    return {
        "day": day,
        "events": events,
        "every_event_s": round(every_event, 2),
        "from_checkpoint_s": round(from_checkpoint, 2),
        "replayed": events - (saved.seq if saved else 0),
        "run_fold_and_save_s": round(run_fold, 2),
        "checkpoint_mb": round(len(saved.payload) / 1e6, 1) if saved else 0,
    }


def main() -> None:
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--days", type=int, default=20, help="days of runs to append")
    options.add_argument(
        "--at", default="0,1,5,10,20", help="days at which to time the folds (comma-separated)"
    )
    options.add_argument(
        "--save-after",
        type=int,
        default=SAVE_AFTER,
        help=f"events replayed from which a run saves a checkpoint (relance's: {SAVE_AFTER})",
    )
    args = options.parse_args()
    ledger = ledger_for(args)
    customers = ledger.customers
    at_days = sorted({int(d) for d in args.at.split(",") if int(d) <= args.days})
    report = Report("history_growth", {**ledger_params(ledger), "days": args.days})
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.sqlite3"
        with closing(sqlite3.connect(ledger.history_path)) as source:
            with closing(sqlite3.connect(path)) as copy:
                source.backup(copy)  # the write-ahead log's pages included
            (events,) = source.execute("SELECT count(*) FROM events").fetchone()
        first = events
        with SQLiteStore(path) as store:
            for day in range(args.days + 1):
                run_fold = 0.0
                if day > 0:
                    # The day's run: its fold (saving a checkpoint when due), its events.
                    start = time.perf_counter()
                    with long_lived():
                        fold(store, save_after=args.save_after)
                    run_fold = time.perf_counter() - start
                    events += record_day(store, day, customers)
                if day in at_days:
                    rows.append(time_folds(store, day, events, run_fold))
                    print(rows[-1], flush=True)
    report.figures["events_per_day"] = round((events - first) / max(1, args.days))
    report.figures["growth"] = rows
    report.finish(args)


if __name__ == "__main__":
    main()
