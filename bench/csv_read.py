"""Benchmark: the CSV connector's read against a bare ``csv.reader`` pass.

Writes a French-format export (Windows-1252, ``;``, decimal commas, dd/mm/yyyy) of
``--rows`` rows drawn with a fixed seed, then times two passes over it: ``csv.reader``
alone (the floor: decoding and splitting) and the connector's ``fetch_invoices`` (every
row parsed, validated and turned into an ``Invoice``, records dropped as they come).
Prints rows per second, the ratio, the peak RSS, and a last line of JSON.

    .venv/bin/python bench/csv_read.py --rows 1000000
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from relance_csv.reader import Source, fetch_invoices
from relance_csv.settings import CsvSettings

HEADER = (
    "N° facture;Code client;Raison sociale;Email;"
    "Date facture;Échéance;Montant TTC;Reste à payer\r\n"
)
CUSTOMERS = 5_000


def amount(cents: int) -> str:
    return f"{cents / 100:,.2f}".replace(",", "\u00a0").replace(".", ",")


def write_export(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not security
    with path.open("w", encoding="cp1252", newline="") as handle:
        handle.write(HEADER)
        for number in range(rows):
            customer = rng.randrange(CUSTOMERS)
            total = rng.randrange(5_000, 2_000_000)
            residual = total if rng.random() < 0.8 else rng.randrange(1, total)
            day, month = rng.randint(1, 28), rng.randint(1, 12)
            handle.write(
                f"FA-{number:08d};CL{customer:05d};Société n°{customer};"
                f"compta{customer}@client.fr;{day:02d}/{month:02d}/2025;"
                f"{day:02d}/{month:02d}/2026;{amount(total)};{amount(residual)}\r\n"
            )


def bare_reader(path: Path) -> int:
    with path.open(encoding="cp1252", newline="") as handle:
        return sum(1 for _row in csv.reader(handle, delimiter=";")) - 1


def connector(path: Path) -> int:
    settings = CsvSettings(path=path, encoding="cp1252", delimiter=";")
    source = Source(name="csv", key_path="sources.csv", currency="EUR")
    return sum(1 for _invoice in fetch_invoices(settings, source))


def timed(run: Callable[[Path], int], path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    rows = run(path)
    return rows, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        write_export(path, args.rows, args.seed)
        size = path.stat().st_size
        bare_rows, bare_seconds = timed(bare_reader, path)
        read_rows, read_seconds = timed(connector, path)
    if read_rows != bare_rows:
        sys.exit(f"the connector read {read_rows} records from {bare_rows} rows")
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results = {
        "rows": args.rows,
        "file_mb": round(size / 1e6, 1),
        "csv_reader_rows_per_s": round(bare_rows / bare_seconds),
        "connector_rows_per_s": round(read_rows / read_seconds),
        "ratio": round(read_seconds / bare_seconds, 2),
        "peak_rss_mb": round(peak_rss_mb, 1),
    }
    print(f"file: {results['rows']} rows, {results['file_mb']} MB")
    print(f"csv.reader: {results['csv_reader_rows_per_s']:>10,} rows/s")
    print(f"connector:  {results['connector_rows_per_s']:>10,} rows/s")
    print(f"ratio:      {results['ratio']}x slower than csv.reader")
    print(f"peak RSS:   {results['peak_rss_mb']} MB")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
