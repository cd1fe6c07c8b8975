"""Where ``relance plan --json`` spends its time and memory, phase by phase, in-process.

The same steps as the command (plugins, read-only history, calendar, legal rules), each
timed, with the resident memory after it: reading the invoices, folding the history,
planning, building the plan document, writing it as JSON text.

    .venv/bin/python bench/plan_phases.py -n 1M
"""

from __future__ import annotations

import gc
import json

from common import Report, ledger_for, ledger_params, parser
from ledger import TODAY

from relance.cli.common import load, output
from relance.cli.session import open_session
from relance.engine.serialize import plan_document


def rss_mb() -> float:
    """The resident memory now (not the peak), in MiB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


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
            state = session.runner.state()
        report.figures["rss_after_history_mb"] = round(rss_mb())
        with report.phase("plan"):
            plan = session.runner.plan(invoices, state)
        report.figures["rss_after_plan_mb"] = round(rss_mb())
        with report.phase("document"):
            document = plan_document(plan)
        with report.phase("json"):
            text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
        report.figures["rss_after_json_mb"] = round(rss_mb())
    report.figures["json_mb"] = round(len(text) / 1e6, 1)
    report.per_item("fetch_per_invoice", report.figures["fetch_s"], ledger.invoices)
    report.per_item("plan_per_invoice", report.figures["plan_s"], ledger.invoices)
    report.finish(args)


if __name__ == "__main__":
    main()
