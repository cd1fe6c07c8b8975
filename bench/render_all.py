"""Benchmark (c): plan, then render every message of the plan, sending nothing.

Opens the generated ledger the way ``relance run`` does (plugins, read-only history,
calendar, templates, legal rules), reads the invoices, folds the history, plans the
benchmark day, then renders each reminder for each of its channels the way the runner
does (``relance.render.pool.compose_all``): email text and HTML, letter and
registered-letter PDFs, an email whose reminder also goes by letter carrying the same
letter PDF. Each reminder gets what ``Runner.renderings`` gives it in a run: its
customer's delivered reminders (the formal notice lists them) and its invoices' PDFs.

``--workers N`` renders on N processes (default: as ``relance run`` does, every core
once there are 100 letters); with ``--workers 1`` each reminder is also timed, by the
channels it goes through.

    .venv/bin/python bench/render_all.py -n 100k
    .venv/bin/python bench/render_all.py -n 100k --workers 1
"""

from __future__ import annotations

import os
import time
from collections import Counter

from common import Report, TreeMemory, ledger_for, ledger_params, parser
from ledger import TODAY

from relance.cli.common import load, output
from relance.cli.session import open_session
from relance.render.pool import compose_all, default_workers, workers_for


def main() -> None:
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--workers", type=int, help="rendering processes (default: auto)")
    args = options.parse_args()
    ledger = ledger_for(args)
    report = Report("render_all", ledger_params(ledger))
    loaded = load(ledger.config_path)
    start = time.perf_counter()
    tree = TreeMemory(os.getpid())
    with tree, open_session(loaded, TODAY.isoformat(), output(), dry_run=True) as session:
        runner = session.runner
        with report.phase("fetch"):
            invoices = session.fetch()
        with report.phase("history"):
            state = session.state()
        with report.phase("plan"):
            plan = runner.plan(invoices, state)
        kinds: Counter[str] = Counter()
        reminders: Counter[str] = Counter()
        seconds: Counter[str] = Counter()
        workers = workers_for(plan.reminders, args.workers)
        render_start = time.perf_counter()
        rendered = compose_all(
            runner.renderings(plan.reminders),
            company=loaded.config.company,
            today=TODAY,
            templates=runner.templates,
            workers=workers,
        )
        reminder_start = render_start
        for reminder, messages in zip(plan.reminders, rendered, strict=True):
            label = "+".join(kind.value for kind in reminder.channels) or "none"
            now = time.perf_counter()
            seconds[label] += now - reminder_start
            reminder_start = now
            reminders[label] += 1
            kinds.update(message.kind.value for message in messages)
        rendering_s = time.perf_counter() - render_start
    total = time.perf_counter() - start
    messages = sum(kinds.values())
    report.figures.update(
        render_s=round(rendering_s, 3),
        total_s=round(total, 3),
        workers=workers,
        cores=default_workers(),
        reminders=len(plan.reminders),
        messages=messages,
        by_channel=dict(sorted(kinds.items())),
        reminders_by_channels=dict(sorted(reminders.items())),
        tree_peak_rss_mb=round(tree.peak_mb, 1),
    )
    if args.workers == 1:
        report.figures["ms_per_reminder"] = {
            label: round(seconds[label] / reminders[label] * 1e3, 2) for label in sorted(reminders)
        }
    report.per_item("render_per_message", rendering_s, messages)
    report.per_item("total_per_customer", total, ledger.customers)
    report.finish(args)


if __name__ == "__main__":
    main()
