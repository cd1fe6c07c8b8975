"""Benchmark (c): plan, then render every message of the plan, sending nothing.

Opens the generated ledger the way ``relance run`` does (plugins, read-only history,
calendar, templates, legal rules), reads the invoices, folds the history, plans the
benchmark day, then renders each reminder for each of its channels: email text and
HTML, letter and registered-letter PDFs (an email whose reminder also goes by letter
carries the letter PDF too). Each message gets the history of its own customer, as the
formal notice lists the reminders already delivered.

    .venv/bin/python bench/render_all.py -n 100k
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict

from common import Report, ledger_for, ledger_params, parser
from ledger import TODAY

from relance.cli.common import load, output
from relance.cli.session import open_session
from relance.engine.state import CustomerKey
from relance.model import ChannelKind, HistoryEvent
from relance.render import compose


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    ledger = ledger_for(args)
    report = Report("render_all", ledger_params(ledger))
    loaded = load(ledger.config_path)
    start = time.perf_counter()
    with open_session(loaded, TODAY.isoformat(), output(), dry_run=True) as session:
        runner = session.runner
        with report.phase("fetch"):
            invoices = session.fetch()
        with report.phase("history"):
            events = list(session.store.events())
            state = session.state()
        with report.phase("plan"):
            plan = runner.plan(invoices, state)
        history: dict[CustomerKey, list[HistoryEvent]] = defaultdict(list)
        for event in events:
            history[(event.source or "", event.customer_id or "")].append(event)
        kinds: Counter[str] = Counter()
        seconds: Counter[str] = Counter()
        render_start = time.perf_counter()
        for reminder in plan.reminders:
            for kind in reminder.channels:
                # An email whose reminder also goes by letter carries the letter's PDF.
                with_pdf = kind is not ChannelKind.EMAIL or any(
                    c is not ChannelKind.EMAIL for c in reminder.channels
                )
                label = (
                    f"{kind.value}{'' if kind is not ChannelKind.EMAIL or not with_pdf else '+pdf'}"
                )
                message_start = time.perf_counter()
                compose(
                    reminder,
                    kind,
                    company=loaded.config.company,
                    today=TODAY,
                    templates=runner.templates,
                    history=history.get(reminder.customer_key, ()),
                )
                seconds[label] += time.perf_counter() - message_start
                kinds[label] += 1
        rendering = time.perf_counter() - render_start
    total = time.perf_counter() - start
    messages = sum(kinds.values())
    report.figures.update(
        render_s=round(rendering, 3),
        total_s=round(total, 3),
        reminders=len(plan.reminders),
        messages=messages,
        by_channel=dict(sorted(kinds.items())),
        ms_per_message={k: round(seconds[k] / kinds[k] * 1e3, 2) for k in sorted(kinds)},
    )
    report.per_item("render_per_message", rendering, messages)
    report.per_item("total_per_customer", total, ledger.customers)
    report.finish(args)


if __name__ == "__main__":
    main()
