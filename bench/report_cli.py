"""The reports end to end: ``relance report <name> --json`` (and ``html``), as a user runs them.

Runs each report of ``--reports`` in a child process over the generated ledger, for the
benchmark day: every report reads the sources (the open items, and the paid ones of
its period), the aged balance and the DSO nothing else, the scores and the activity the
whole history, the HTML page everything and the day's plan. Reports each one's wall
time and peak RSS (``wait4``) and the cost per invoice.

    .venv/bin/python bench/report_cli.py -n 100k
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import Report, ledger_for, ledger_params, parser, relance_command, run_child
from ledger import TODAY

REPORTS = ("aging", "dso", "scores", "activity", "html")


def main() -> None:
    options = parser(__doc__.splitlines()[0])
    options.add_argument(
        "--reports", default=",".join(REPORTS), help="which, comma-separated (default: all)"
    )
    args = options.parse_args()
    ledger = ledger_for(args)
    report = Report("report_cli", ledger_params(ledger))
    peak = 0.0
    with tempfile.TemporaryDirectory(prefix="relance-report-") as folder:
        for name in args.reports.split(","):
            page = Path(folder) / "report.html"
            command = [relance_command(), "report", name, "--config", str(ledger.config_path)]
            command += ["--today", TODAY.isoformat()]
            command += ["--output", str(page)] if name == "html" else ["--json"]
            with tempfile.TemporaryFile() as output:
                seconds, usage = run_child(command, output)
                size = page.stat().st_size if name == "html" else output.seek(0, 2)
            rss = usage.ru_maxrss / 1024
            peak = max(peak, rss)
            report.figures[f"{name}_s"] = round(seconds, 3)
            report.figures[f"{name}_peak_rss_mb"] = round(rss, 1)
            report.figures[f"{name}_output_bytes"] = size
            report.per_item(f"{name}_per_invoice", seconds, ledger.invoices)
    report.figures["peak_rss_mb"] = round(peak, 1)
    report.finish(args)


if __name__ == "__main__":
    main()
