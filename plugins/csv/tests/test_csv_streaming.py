"""Reading streams: memory grows with the duplicate index only, never with the records.

The reader keeps one small entry per invoice number (to catch duplicates) and one object
per customer; records are handed over one at a time. Retaining the records is shown to
cost more than the bound, and half as much again as the index alone, so the bound does
tell streaming from not streaming.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path

from relance import Invoice
from relance_csv.reader import Source, fetch_invoices
from relance_csv.settings import CsvSettings

SOURCE = Source(name="csv", key_path="sources.csv", currency="EUR")
INDEX_BYTES_PER_ROW = 600


def export(path: Path, rows: int) -> Path:
    with path.open("w", encoding="cp1252", newline="") as handle:
        handle.write("N° facture;Code client;Client;Échéance;Montant TTC;Reste à payer\r\n")
        for i in range(rows):
            handle.write(f"F{i:08d};C{i % 500};Client {i % 500};05/06/2025;1 234,50;234,50\r\n")
    return path


def peak(path: Path, consume: Callable[[Iterable[Invoice]], object]) -> int:
    tracemalloc.start()
    try:
        consume(fetch_invoices(CsvSettings(path=path), SOURCE))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def drain(invoices: Iterable[Invoice]) -> int:
    return sum(1 for _invoice in invoices)


def test_memory_does_not_grow_with_the_records(tmp_path: Path) -> None:
    small, large = export(tmp_path / "small.csv", 1_000), export(tmp_path / "large.csv", 11_000)
    growth_per_row = (peak(large, drain) - peak(small, drain)) / 10_000
    assert growth_per_row < INDEX_BYTES_PER_ROW
    kept_per_row = (peak(large, list) - peak(small, list)) / 10_000
    assert kept_per_row > INDEX_BYTES_PER_ROW
    assert kept_per_row > 1.5 * growth_per_row


def test_the_first_record_comes_before_the_file_is_read(tmp_path: Path) -> None:
    path = export(tmp_path / "big.csv", 5_000)
    invoices = fetch_invoices(CsvSettings(path=path, encoding="cp1252"), SOURCE)
    first = next(invoices)
    # Change the last line (same length) after the first record: a reader that had read
    # the whole file already would not see it.
    path.write_bytes(path.read_bytes().replace(b"F00004999;", b"Z00004999;"))
    assert first.id == "F00000000"
    assert [invoice.id for invoice in invoices][-1] == "Z00004999"
