"""Benchmark (g): ``relance run`` end to end, as a user runs it, on a copy of the ledger.

Copies the generated ledger (CSV files, prior history, ``relance.toml`` with an outbox
and a letter channel) to a temporary folder, then runs the ``relance`` command of this
environment in a child process for the benchmark day with ``--yes --json``: read, plan,
re-read the balances of the reminded invoices, render every message (on every core
once there are 100 letters), write each to its channel and record it in the history.
Reports the wall time, the command's own peak RSS (``wait4``: rendering workers not
counted), the peak of the command and its workers together (``tree_peak_rss_mb``,
sampled from ``/proc``) and the deliveries by channel and status.

    .venv/bin/python bench/run_cli.py -n 100k
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from common import (
    Report,
    TreeMemory,
    ledger_for,
    ledger_params,
    parser,
    relance_command,
    run_child,
)
from ledger import TODAY

COPIED = ("factures.csv", "clients.csv", "history.sqlite3", "relance.toml")


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    ledger = ledger_for(args)
    report = Report("run_cli", ledger_params(ledger))
    with tempfile.TemporaryDirectory(prefix="relance-run-") as folder:
        for name in COPIED:
            shutil.copy2(ledger.folder / name, Path(folder) / name)
        command = [relance_command(), "run", "--config", str(Path(folder) / "relance.toml")]
        command += ["--today", TODAY.isoformat(), "--yes", "--json"]
        watched = TreeMemory(os.getpid(), include_root=False)
        with tempfile.TemporaryFile() as output, watched as tree:
            seconds, usage = run_child(command, output)
            output.seek(0)
            done = json.load(output)
    deliveries = Counter(f"{d['channel']} {d['status']}" for d in done["deliveries"])
    report.figures.update(
        wall_s=round(seconds, 3),
        reminders=len(done["reminders"]),
        deliveries=dict(sorted(deliveries.items())),
        awaiting_approval=len(done["awaiting_approval"]),
        dropped=len(done["dropped"]),
        handed_off=len(done["handed_off"]),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
        tree_peak_rss_mb=round(tree.peak_mb, 1),
    )
    report.per_item("per_customer", seconds, ledger.customers)
    report.finish(args)


if __name__ == "__main__":
    main()
