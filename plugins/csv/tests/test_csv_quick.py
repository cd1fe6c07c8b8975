"""The short readings give what the full reading gives.

Generated exports mix plain rows with every kind of trouble (blank and short rows, totals
lines, repeated numbers, unreadable cells, unknown customers, signs that disagree). Each
is read twice, once as the connector reads it and once with the quick reading of plain
rows turned off, and the records, problems, warnings and counts must be the same; and
the balances re-read before sending, which parse only the rows asked for, must be those
of the records read in full.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from relance import Balance, InputError, Problem
from relance_csv.reader import InvoiceRows, Source, fetch_balances, read_invoices
from relance_csv.report import ReadReport
from relance_csv.settings import CsvSettings

SOURCE = Source(name="csv", key_path="sources.csv", currency="EUR")

HEADER = ["N° facture", "Type", "Code client", "Client", "Date", "Échéance", "Montant TTC",
          "Reste à payer", "Devise", "Litige", "Motif litige", "Promesse", "Payée le"]  # fmt: skip

numbers = st.sampled_from(["F1", "F2", "F3", " F4 ", "Total", "TOTAL général", ""])
kinds = st.sampled_from(["Facture", "Avoir", "Règlement", "AV", "", "bof"])
customers = st.sampled_from(["C1", "C2", "", "C9"])
names = st.sampled_from(["Client 1", "Client 2", ""])
dates = st.sampled_from(["05/06/2025", "5/6/25", "2025-06-05", "31/02/2025", "45813", "", "x"])
amounts = st.sampled_from(["1 234,50", "234,50", "-120,00", "0,00", "(12)", "1.234,5", "douze", ""])
flags = st.sampled_from(["oui", "non", "", "peut-être"])
texts = st.sampled_from(["", "EUR", "GBP", "ZZZ", "Prix contesté", " total "])
cells = (numbers, kinds, customers, names, dates, dates, amounts, amounts, texts, flags, texts)
rows = st.one_of(
    st.tuples(*cells, dates, dates).map(list),
    st.lists(st.sampled_from(["", "F5", "Total", "1 000,00", "C1"]), max_size=4),
)


def read(path: Path, *, paid: bool) -> tuple[list[tuple[str, str]], ReadReport]:
    report = ReadReport()
    invoices = read_invoices(
        CsvSettings(path=path, delimiter=";", encoding="utf-8"), SOURCE, report, paid=paid
    )
    return [(repr(invoice), invoice.model_dump_json()) for invoice in invoices], report


def read_both(
    path: Path, monkeypatch: pytest.MonkeyPatch, *, paid: bool = False
) -> tuple[object, object]:
    """The file read as the connector reads it, then with the quick reading turned off."""
    quick = read(path, paid=paid)
    with monkeypatch.context() as patch:
        patch.setattr(InvoiceRows, "quick", lambda _self, _row: None)
        full = read(path, paid=paid)
    return quick, full


def write(path: Path, lines: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(lines)
    return path


@pytest.mark.parametrize("paid", [False, True])
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(rows, max_size=12))
def test_plain_rows_are_read_as_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[list[str]], paid: bool
) -> None:
    path = write(tmp_path / "factures.csv", lines)
    with monkeypatch.context() as patch:  # compared on its own below
        patch.setattr(InvoiceRows, "surely_owing", lambda _self, _line, _cells: False)
        quick, full = read_both(path, monkeypatch, paid=paid)
    assert quick == full


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(rows, max_size=12))
@example(lines=[["F1", "Facture", "C1", "Client 1", "05/06/2025", "05/07/2025", "1 234,50",
                 "234,50", "EUR", "", "", "", ""],
                ["F1", "Facture", "C1", "Client 1", "05/06/2025", "05/07/2025", "1 234,50",
                 "0,00", "EUR", "", "", "", ""]])  # fmt: skip
# A customer is described by the first row naming it, even one passed over.
@example(lines=[["F1", "Facture", "C1", "Client 1", "05/06/2025", "05/07/2025", "1 234,50",
                 "234,50", "EUR", "", "", "", ""],
                ["F2", "Facture", "C1", "Client 2", "05/06/2025", "05/07/2025", "1 234,50",
                 "0,00", "EUR", "", "", "", ""]])  # fmt: skip
def test_the_paid_invoices_are_those_of_every_row_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[list[str]]
) -> None:
    """Reading the paid invoices passes over the rows that surely owe something and
    whose customer an earlier row described: the records are those of every row read, a
    paid row repeating a passed-over number included, customers as the first row naming
    them describes them; a problem it reports, every row read reports (the open items'
    reading reports the rest); every row is counted."""
    path = write(tmp_path / "factures.csv", lines)
    (records, report) = read(path, paid=True)
    with monkeypatch.context() as patch:
        patch.setattr(InvoiceRows, "surely_owing", lambda _self, _line, _cells: False)
        (every_row, full_report) = read(path, paid=True)
    assert records == every_row
    assert {(p.where, p.message) for p in report.problems} <= {
        (p.where, p.message) for p in full_report.problems
    }
    assert report.rows == full_report.rows


def test_the_paid_invoices_reading_passes_over_open_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison above compares something: rows owing are passed over unparsed
    once their customer is known; rows at zero, rows whose balance does not say and the
    first row of a customer (which describes it) are read."""
    plain = ["Facture", "C1", "Client 1", "05/06/2025", "05/07/2025", "1 234,50"]
    path = write(tmp_path / "factures.csv", [
        ["F1", *plain, "234,50", "EUR", "", "", "", ""],
        ["F2", *plain, "234,50", "EUR", "", "", "", ""],
        ["F3", *plain, "0,00", "EUR", "", "", "", "06/07/2025"],
        ["F4", *plain, "zéro", "EUR", "", "", "", ""],
    ])  # fmt: skip
    parsed: list[str] = []
    quick = InvoiceRows.quick

    def spy(self: InvoiceRows, row: Any) -> Any:
        parsed.append(row.cells[0])
        return quick(self, row)

    monkeypatch.setattr(InvoiceRows, "quick", spy)
    invoices, report = read(path, paid=True)
    assert parsed == ["F1", "F3", "F4"]
    assert len(invoices) == 1
    assert report.rows == 4


def test_the_quick_reading_reads_plain_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison above compares something: plain rows do take the quick reading."""
    path = write(tmp_path / "factures.csv", [["F1", "Facture", "C1", "Client 1", "05/06/2025",
                 "05/07/2025", "1 234,50", "234,50", "EUR", "", "", "", ""]])  # fmt: skip
    read_rows: list[object] = []
    quick = InvoiceRows.quick

    def spy(self: InvoiceRows, row: Any) -> Any:
        read_rows.append(quick(self, row))
        return read_rows[-1]

    monkeypatch.setattr(InvoiceRows, "quick", spy)
    invoices, _report = read(path, paid=False)
    assert len(invoices) == 1
    assert read_rows[0] is not None


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(rows, max_size=12), wanted=st.sets(st.sampled_from(["F1", "F2", "F4", "F9"])))
@example(lines=[[" F4 ", "Facture", "C1", "Client 1", "05/06/2025", "05/07/2025", "1 234,50",
                 "234,50", "EUR", "", "", "", ""]], wanted={"F4"})  # fmt: skip
def test_balances_are_those_of_the_records_read_in_full(
    tmp_path: Path, lines: list[list[str]], wanted: set[str]
) -> None:
    """The balances re-read are those of the open items read in full, in the file's order
    (none for a paid row or a number the file lacks), or the problems stopping the re-read
    are where the full read finds problems too (worded as a balance's, for a currency the
    record refused). The re-read may give a balance the full read refused for the
    row's customer or due date, which a balance does not need."""
    path = write(tmp_path / "factures.csv", lines)
    settings_ = CsvSettings(path=path, delimiter=";", encoding="utf-8")
    report = ReadReport()
    records = {invoice.id: invoice for invoice in read_invoices(settings_, SOURCE, report)}
    balances, problems = reread(settings_, wanted)
    if problems:
        assert {problem.where for problem in problems} <= {p.where for p in report.problems}
        return
    assert [b for b in balances if b.invoice_id in records] == [
        Balance.of(record) for number, record in records.items() if number in wanted
    ]
    refused = {lines[line - 2][0].strip() for line in problem_lines(report)}
    assert {b.invoice_id for b in balances} - set(records) <= refused


def reread(settings_: CsvSettings, wanted: set[str]) -> tuple[list[Balance], list[Problem]]:
    """The balances re-read, or the problems that stopped the re-read."""
    try:
        return list(fetch_balances(settings_, SOURCE, wanted)), []
    except InputError as error:
        return [], list(error.problems)


def problem_lines(report: ReadReport) -> set[int]:
    """The lines the problems of a read are on."""
    found = (re.search(r"line (\d+)", problem.where) for problem in report.problems)
    return {int(match[1]) for match in found if match is not None}
