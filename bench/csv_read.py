"""Benchmark (a): the CSV connector's read against a bare ``csv.reader`` pass.

Reads the generated ledger (``bench/ledger.py``: a French export, Windows-1252, ``;``,
decimal commas, dd/mm/yyyy, customers in their own file) twice: with ``csv.reader``
alone over both files (the floor: decoding and splitting), and with the connector's
``fetch_invoices`` (every cell parsed, customers validated, an ``Invoice`` per open row,
kept in a list), the way ``relance plan`` reads its sources: with the cyclic garbage
collector paused (``relance.cli.session.long_lived``). Prints rows per second, the
ratio and the peak RSS.

    .venv/bin/python bench/csv_read.py -n 1M
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from common import Report, ledger_for, ledger_params, parser
from ledger import Ledger

from relance.cli.session import long_lived
from relance_csv.reader import Source, fetch_invoices
from relance_csv.settings import CsvSettings


def bare_reader(ledger: Ledger) -> int:
    """Rows of both files through ``csv.reader``, headers excluded."""
    rows = 0
    for path in (ledger.customers_path, ledger.invoices_path):
        with path.open(encoding="cp1252", newline="") as handle:
            rows += sum(1 for _row in csv.reader(handle, delimiter=";")) - 1
    return rows


def connector(ledger: Ledger) -> int:
    """Open items read by the connector (paid rows are read, not yielded)."""
    settings = CsvSettings(
        path=ledger.invoices_path,
        customers_path=ledger.customers_path,
        encoding="cp1252",
        delimiter=";",
    )
    source = Source(name="csv", key_path="sources.csv", currency="EUR")
    with long_lived():
        return len(list(fetch_invoices(settings, source)))


def main() -> None:
    args = parser(__doc__.splitlines()[0], default="1M").parse_args()
    ledger = ledger_for(args)
    size = sum(Path(p).stat().st_size for p in (ledger.invoices_path, ledger.customers_path))
    report = Report("csv_read", {**ledger_params(ledger), "file_mb": round(size / 1e6, 1)})
    start = time.perf_counter()
    rows = bare_reader(ledger)
    bare = time.perf_counter() - start
    start = time.perf_counter()
    records = connector(ledger)
    read = time.perf_counter() - start
    report.figures.update(
        rows=rows,
        records=records,
        csv_reader_s=round(bare, 3),
        connector_s=round(read, 3),
        csv_reader_rows_per_s=round(rows / bare),
        connector_rows_per_s=round(rows / read),
        ratio=round(read / bare, 2),
    )
    report.per_item("connector_per_row", read, rows)
    report.finish(args)


if __name__ == "__main__":
    main()
