"""Where ``relance plan --json`` spends its time and memory, phase by phase, in-process.

The same steps as the command (plugins, read-only history, calendar, legal rules), each
timed, with the resident memory after it: reading the invoices (the command then
freezes them out of the garbage collector's reach, as ``--no-gc`` would for the whole
run), folding the history, planning, writing the plan as JSON text (streamed, a
reminder at a time, as the command does; here to a byte counter).

    .venv/bin/python bench/plan_phases.py -n 1M
"""

from __future__ import annotations

import gc
import io

from common import Report, ledger_for, ledger_params, parser
from ledger import TODAY

from relance.cli.common import load, output
from relance.cli.json_output import write_json
from relance.cli.session import long_lived, open_session
from relance.engine.serialize import plan_document


def rss_mb() -> float:
    """The resident memory now (not the peak), in MiB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


class ByteCounter(io.StringIO):
    """A text stream that keeps only the number of bytes written to it."""

    size = 0

    def write(self, text: str) -> int:
        self.size += len(text.encode("utf-8"))
        return len(text)


def main() -> None:
    options = parser(__doc__.splitlines()[0], default="1M")
    options.add_argument(
        "--no-gc", action="store_true", help="disable the cyclic garbage collector (its cost)"
    )
    args = options.parse_args()
    ledger = ledger_for(args)
    if args.no_gc:
        gc.disable()
    report = Report("plan_phases", {**ledger_params(ledger), "gc": not args.no_gc})
    loaded = load(ledger.config_path)
    with open_session(loaded, TODAY.isoformat(), output(), dry_run=True) as session:
        with report.phase("fetch"):
            invoices = session.fetch()
        report.figures["rss_after_fetch_mb"] = round(rss_mb())
        with report.phase("history"):
            state = session.state()
        report.figures["rss_after_history_mb"] = round(rss_mb())
        with report.phase("plan"), long_lived():  # as Session.plan does
            plan = session.runner.plan(invoices, state)
        report.figures["rss_after_plan_mb"] = round(rss_mb())
        counter = ByteCounter()
        with report.phase("json"):
            write_json(plan_document(plan), counter)
        report.figures["rss_after_json_mb"] = round(rss_mb())
    report.figures["json_mb"] = round(counter.size / 1e6, 1)
    report.per_item("fetch_per_invoice", report.figures["fetch_s"], ledger.invoices)
    report.per_item("plan_per_invoice", report.figures["plan_s"], ledger.invoices)
    report.finish(args)


if __name__ == "__main__":
    main()
