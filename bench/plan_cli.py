"""Benchmark (b): ``relance plan --json`` end to end, as a user runs it.

Runs the ``relance`` command of this environment in a child process over the generated
ledger (``bench/ledger.py``: CSV files, prior history, ``relance.toml``) for the
benchmark day, and reports its wall time, its own peak RSS (from ``wait4``, so the
generator and this script are not counted) and the cost per invoice.

    .venv/bin/python bench/plan_cli.py -n 1M
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter

from common import Report, ledger_for, ledger_params, parser, relance_command, run_child
from ledger import TODAY


def main() -> None:
    args = parser(__doc__.splitlines()[0], default="1M").parse_args()
    ledger = ledger_for(args)
    command = [relance_command(), "plan", "--config", str(ledger.config_path)]
    command += ["--today", TODAY.isoformat(), "--json"]
    report = Report("plan_cli", ledger_params(ledger))
    with tempfile.TemporaryFile() as output:
        seconds, usage = run_child(command, output)
        output.seek(0)
        plan = json.load(output)
    levels = Counter(reminder["level"] for reminder in plan["reminders"])
    report.figures.update(
        wall_s=round(seconds, 3),
        reminders=len(plan["reminders"]),
        skipped=len(plan["skipped"]),
        levels=dict(sorted(levels.items())),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
    )
    report.per_item("per_invoice", seconds, ledger.invoices)
    report.finish(args)


if __name__ == "__main__":
    main()
