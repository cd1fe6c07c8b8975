"""The invoices file, read: one :class:`~relance.Invoice` per row, streamed.

Rows are read one at a time and each valid one is yielded at once: a million-line file
is never held in memory. A row that cannot be read is recorded in the
:class:`~relance_csv.report.ReadReport` with its file, line, column and raw value, and
reading goes on, so that every problem is reported together; :func:`fetch_invoices`
then stops the run (the default) or lists the skipped rows as warnings
(``skip_invalid``).

Amounts may be signed: a negative amount is a credit note (or a payment, when the type
column says so); the records carry magnitudes and a ``kind``. A row whose residual is
zero is paid: it is not an open item, and is read only by :func:`fetch_paid_invoices`
(for the reports), with its payment date when the file has a column for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import NamedTuple, TypeVar

from relance import Balance, DocumentKind, Invoice
from relance.i18n import _
from relance.model import derived_status
from relance_csv.columns import CUSTOMER_SYNONYMS, INVOICE_SYNONYMS, ColumnMap, normalise
from relance_csv.customers import CustomersFile, InlineCustomers
from relance_csv.parse import amount_parser, parse_currency, parse_date, parse_flag, parse_kind
from relance_csv.report import ReadReport
from relance_csv.row import Row
from relance_csv.settings import CsvSettings
from relance_csv.table import Table, open_table

_INVOICE_COLUMNS = (("number",), ("due_date",), ("total", "residual"))
_INLINE_CUSTOMER = (("customer_id", "customer_name"),)
_JOINED_CUSTOMER = (("customer_id",),)


@dataclass(frozen=True)
class Source:
    """Who is reading: the instance name stamped on records, and its defaults."""

    name: str
    key_path: str
    currency: str


def fetch_invoices(settings: CsvSettings, source: Source) -> Iterator[Invoice]:
    """Every open item of the file; raises :class:`~relance.InputError` at the end if a
    row was invalid, unless ``skip_invalid`` is set (the rows are then logged)."""
    report = ReadReport()
    yield from read_invoices(settings, source, report)
    _conclude(report, settings)


def fetch_paid_invoices(
    settings: CsvSettings, source: Source, start: date, end: date
) -> Iterator[Invoice]:
    """The paid invoices of the file (residual zero) paid in ``start``..``end``.

    A paid invoice without a payment date is kept when it was issued by ``end``: the
    file cannot say when it was paid. Problems are handled as in :func:`fetch_invoices`.
    """
    report = ReadReport()
    for invoice in read_invoices(settings, source, report, paid=True):
        day = invoice.paid_date or invoice.issue_date
        if day is None or (invoice.paid_date is None and day <= end) or start <= day <= end:
            yield invoice
    _conclude(report, settings)


def fetch_balances(
    settings: CsvSettings, source: Source, invoice_ids: Iterable[str]
) -> Iterator[Balance]:
    """The balances of these invoices as the file says now, for the re-check before
    sending; an invoice that is paid, gone, or on a row at fault gets none.

    Only the rows of these invoices are parsed, and the customers file, which a balance
    does not need, is not read: reading all of it again (every record, every customer)
    cost a large run half the memory of its plan once more. A problem on one of these
    rows stops the run as in :func:`fetch_invoices`; the other rows are not looked at.
    """
    wanted = set(invoice_ids)
    report = ReadReport()
    table = _invoices_table(settings, source, report)
    try:
        rows = InvoiceRows(settings, source, table.columns)
        number_at = table.columns.index["number"]
        for line, cells in table:
            if len(cells) <= number_at or cells[number_at].strip() not in wanted:
                continue
            row = Row(table, line, cells, report)
            balance = rows.balance(row, rows.parse(row))
            if row.failed:
                report.skipped += 1
            elif balance is not None:
                yield balance
    finally:
        table.close()
    _conclude(report, settings)


def _conclude(report: ReadReport, settings: CsvSettings) -> None:
    """After a read: raise :class:`~relance.InputError` with its problems, or with
    ``skip_invalid`` log the rows skipped."""
    if report.problem_count:
        if not settings.skip_invalid:
            raise report.error(settings.path.name)
        report.log_skipped(settings.path.name)


def read_invoices(
    settings: CsvSettings, source: Source, report: ReadReport, *, paid: bool = False
) -> Iterator[Invoice]:
    """Yield the valid open items of the file (the paid invoices with ``paid=True``);
    record every problem in ``report``."""
    customers: CustomersFile | InlineCustomers
    if settings.customers_path is not None:
        customers = _customers_file(settings, source, report)
    else:
        customers = InlineCustomers(report)
    table = _invoices_table(settings, source, report)
    try:
        rows = InvoiceRows(settings, source, table.columns, paid=paid)
        for line, cells in table:
            row = Row(table, line, cells, report)
            if paid and customers.described(row) and rows.surely_owing(line, cells):
                report.rows += 1
                continue
            parsed = rows.quick(row)
            if parsed is None:
                if row.blank or _is_totals_line(row):
                    continue
                parsed = rows.parse(row)
            report.rows += 1
            invoice = None if parsed is None else rows.invoice(row, parsed, customers)
            if row.failed:
                report.skipped += 1
            elif invoice is None:
                continue
            elif invoice.is_credit:
                report.credits += 1
                yield invoice
            else:
                report.invoices += 1
                yield invoice
    finally:
        table.close()
    if report.rows == 0:
        report.warn(_("{file} has a header but no rows").format(file=table.name))


def _invoices_table(settings: CsvSettings, source: Source, report: ReadReport) -> Table:
    """The invoices file, open at its first row."""
    joined = settings.customers_path is not None
    table = open_table(
        settings.path,
        encoding=settings.encoding,
        delimiter=settings.delimiter,
        synonyms=INVOICE_SYNONYMS,
        overrides=settings.columns,
        required=_INVOICE_COLUMNS + (_JOINED_CUSTOMER if joined else _INLINE_CUSTOMER),
        path_key=f"{source.key_path}.path",
        columns_key=f"{source.key_path}.columns",
    )
    report.files.append(table.describe())
    return table


def _customers_file(settings: CsvSettings, source: Source, report: ReadReport) -> CustomersFile:
    assert settings.customers_path is not None
    table = open_table(
        settings.customers_path,
        encoding=settings.encoding,
        delimiter=settings.delimiter,
        synonyms=CUSTOMER_SYNONYMS,
        overrides=settings.customer_columns,
        required=_JOINED_CUSTOMER,
        path_key=f"{source.key_path}.customers_path",
        columns_key=f"{source.key_path}.customer_columns",
    )
    report.files.append(table.describe())
    try:
        return CustomersFile(table, report)
    finally:
        table.close()


def _is_totals_line(row: Row) -> bool:
    """A "Total" line at the bottom of an export: no invoice number (or "Total" in its
    place) and a cell saying total."""
    number = row.text("number")
    if number and ("total" not in number.casefold() or "total" not in normalise(number).split()):
        return False
    return any("total" in normalise(cell).split() for cell in row.cells)


class Parsed(NamedTuple):
    """The invoice cells of a row, parsed; a blank or absent cell is ``None`` (``""``
    for the texts). From ``kind`` to ``dispute_reason``, the cells that take few
    distinct values (see :meth:`InvoiceRows.quick`)."""

    number: str
    total: Decimal | None
    residual: Decimal | None
    kind: DocumentKind | None
    issue_date: date | None
    due_date: date | None
    disputed: bool | None
    dispute_until: date | None
    promise_date: date | None
    paid_date: date | None
    currency: str
    dispute_reason: str
    payment_reference: str

    @property
    def is_disputed(self) -> bool:
        """The dispute flag, or when the file has none, whether a reason is given."""
        return self.disputed if self.disputed is not None else bool(self.dispute_reason)


Repeated = tuple[
    DocumentKind | None, date | None, date | None, bool | None, date | None, date | None,
    date | None, str, str,
]  # fmt: skip
"""The fields of :class:`Parsed` from ``kind`` to ``dispute_reason``."""

_REPEATED_FIELDS = Parsed._fields[3:12]


class _Unsure(Exception):
    """A cell the quick reading leaves to the full one (which reports its problem)."""


_CACHED_CELLS = 50_000
"""Distinct combinations of repeated cells remembered: a ledger holds a few thousand."""
_NONZERO_DIGIT = re.compile("[1-9]")

T = TypeVar("T")


class InvoiceRows:
    """Turns rows into records, with the instance's settings; remembers invoice numbers
    to catch duplicates (one small entry per number).

    Most rows of an export are plain: every cell reads, the number is new. They are read
    by :meth:`quick`, which parses each distinct combination of dates, type, flag,
    currency and reason once and records nothing; a row it is unsure of is read again,
    cell by cell, by :meth:`parse`, which records the problems. Both give the same
    :class:`Parsed` for the rows ``quick`` reads (``test_csv_quick.py`` compares them on
    generated files).
    """

    def __init__(
        self, settings: CsvSettings, source: Source, columns: ColumnMap, *, paid: bool = False
    ) -> None:
        self._paid = paid
        self._source = source
        self._amount = amount_parser(settings.decimal_separator)
        self._date = partial(parse_date, day_first=settings.day_first)
        self._seen: dict[str, int] = {}
        self._width = len(columns.headers)
        self._number_at = columns.index["number"]
        self._at = tuple(columns.index.get(field) for field in Parsed._fields)
        # The file has one or both (_INVOICE_COLUMNS); without a residual, it is the total.
        self._balance_at = columns.index["residual" if "residual" in columns else "total"]
        self._repeated_cells = _cells_at(
            [columns.index[field] for field in _REPEATED_FIELDS if field in columns]
        )
        self._combinations: dict[object, Repeated] = {}

    def invoice(
        self, row: Row, parsed: Parsed, customers: CustomersFile | InlineCustomers
    ) -> Invoice | None:
        """The record of ``row``, read by :meth:`quick` or :meth:`parse`, with its customer
        from ``customers``; ``None`` when paid or invalid (``row.failed`` then says so and
        the problems are in the report). Reading paid invoices, it is the other way
        round: ``None`` for open items and credits."""
        cells_read = not row.failed
        customer = customers.customer_of(row)
        if not cells_read:
            return None
        # Checked even without a customer: the row's problems are reported together.
        amounts = _amounts(row, parsed.total, parsed.residual, parsed.kind)
        if (
            amounts is None
            or not _has_due_date(row, amounts[0], parsed.due_date)
            or customer is None
        ):
            return None
        kind, total, residual = amounts
        is_paid = residual == 0
        if is_paid:
            row.report.paid += 1
        if is_paid != self._paid or (is_paid and kind is not DocumentKind.INVOICE):
            return None
        reason = parsed.dispute_reason or None
        try:
            invoice = Invoice.from_parsed(
                source=self._source.name,
                id=parsed.number,
                number=parsed.number,
                kind=kind,
                customer=customer,
                issue_date=parsed.issue_date,
                due_date=parsed.due_date,
                currency=parsed.currency or self._source.currency,
                total=total,
                residual=residual,
                disputed=parsed.is_disputed,
                dispute_reason=reason,
                dispute_until=parsed.dispute_until,
                promise_date=parsed.promise_date,
                payment_reference=parsed.payment_reference or None,
            )
        except ValueError as exc:
            row.invalid(None, exc)
            return None
        if parsed.paid_date is not None:
            invoice = invoice.model_copy(update={"paid_date": parsed.paid_date})
        return invoice

    def balance(self, row: Row, parsed: Parsed | None) -> Balance | None:
        """The balance of an open item's ``row``, read by :meth:`parse`; ``None`` when
        paid, a repeated line or invalid (``row.failed`` then says so). The row's customer
        and due date are not looked at: a balance does not need them."""
        if parsed is None or row.failed:
            return None
        amounts = _amounts(row, parsed.total, parsed.residual, parsed.kind)
        if amounts is None:
            return None
        _kind, total, residual = amounts
        if residual == 0:
            return None
        try:
            return Balance(
                invoice_id=parsed.number,
                residual=residual,
                currency=parsed.currency or self._source.currency,
                status=derived_status(total, residual),
                disputed=parsed.is_disputed,
            )
        except ValueError as exc:
            row.invalid(None, exc)
            return None

    def parse(self, row: Row) -> Parsed | None:
        """The cells of ``row`` read one by one, each problem recorded; ``None`` for a
        repeated number."""
        number = row.require("number")
        if number and self._repeated(row, number):
            return None
        return Parsed(
            number,
            row.parse("total", self._amount),
            row.parse("residual", self._amount),
            row.parse("kind", parse_kind),
            row.parse("issue_date", self._date),
            row.parse("due_date", self._date),
            row.parse("disputed", parse_flag),
            row.parse("dispute_until", self._date),
            row.parse("promise_date", self._date),
            row.parse("paid_date", self._date),
            row.parse("currency", parse_currency) or "",
            row.text("dispute_reason"),
            row.text("payment_reference"),
        )

    def quick(self, row: Row) -> Parsed | None:
        """The cells of a plain row (full width, a new number that does not say total,
        every cell readable), with each combination of repeated cells parsed once;
        ``None``, having recorded nothing, otherwise. A plain row is neither blank nor a
        totals line."""
        cells = row.cells
        if len(cells) != self._width:
            return None
        number = cells[self._number_at].strip()
        if not number or number in self._seen or "total" in number.casefold():
            return None
        at, amount = self._at, self._amount
        try:
            key = self._repeated_cells(cells)
            repeated = self._combinations.get(key)
            if repeated is None:
                repeated = self._read_repeated(cells)
                if len(self._combinations) < _CACHED_CELLS:
                    self._combinations[key] = repeated
            total = _parsed(cells, at[1], amount)
            residual = total if self._same_amounts(cells) else _parsed(cells, at[2], amount)
        except _Unsure:
            return None
        self._seen[number] = _sighting(row.line, cells)
        return Parsed(number, total, residual, *repeated, _text(cells, at[12]))

    def surely_owing(self, line: int, cells: list[str]) -> bool:
        """Whether a plain row (as :meth:`quick` takes them) surely owes something, and
        is passed over unparsed by the reading of the paid invoices, its number noted to
        catch a later row repeating it. Its balance cell (the residual, or the total
        without a residual column) has a digit 1 to 9: an amount that reads is then not
        zero, and one that does not is the open items' reading's problem.

        An export is mostly open items: parsing each of them again only to drop it made
        a report's second pass over the file as long as the first."""
        if len(cells) != self._width:
            return False
        number = cells[self._number_at].strip()
        if (
            not number
            or number in self._seen
            or "total" in number.casefold()
            or _NONZERO_DIGIT.search(cells[self._balance_at]) is None
        ):
            return False
        self._seen[number] = _sighting(line, cells)
        return True

    def _read_repeated(self, cells: list[str]) -> Repeated:
        """The cells of a row from ``kind`` to ``dispute_reason``, for :meth:`quick`."""
        at, day = self._at, self._date
        return (
            _parsed(cells, at[3], parse_kind),
            _parsed(cells, at[4], day),
            _parsed(cells, at[5], day),
            _parsed(cells, at[6], parse_flag),
            _parsed(cells, at[7], day),
            _parsed(cells, at[8], day),
            _parsed(cells, at[9], day),
            _parsed(cells, at[10], parse_currency) or "",
            _text(cells, at[11]),
        )

    def _same_amounts(self, cells: list[str]) -> bool:
        """Whether the total and the residual cells say the same: most invoices are
        unpaid, and the residual needs no parsing then."""
        total, residual = self._at[1], self._at[2]
        return total is not None and residual is not None and cells[total] == cells[residual]

    def _repeated(self, row: Row, number: str) -> bool:
        """Whether ``number`` was already read: the same line again is skipped with a
        warning; the same number with other data is a problem."""
        sighting = _sighting(row.line, row.cells)
        previous = self._seen.get(number)
        if previous is None:
            self._seen[number] = sighting
            return False
        first_line = previous >> _FINGERPRINT_BITS
        if previous & _FINGERPRINT_MASK == sighting & _FINGERPRINT_MASK:
            row.report.warn(
                _("{where}: repeats line {line}; ignored").format(
                    where=row.table.where(row.line), line=first_line
                )
            )
        else:
            row.problem(
                "number",
                _("invoice {number!r} is already on line {line} with different data").format(
                    number=number, line=first_line
                ),
            )
        return True


_FINGERPRINT_BITS = 64
_FINGERPRINT_MASK = (1 << _FINGERPRINT_BITS) - 1


def _sighting(line: int, cells: list[str]) -> int:
    """The line an invoice number is read on and a hash of its row's cells, in one int
    (the line above the hash's 64 bits): a tuple of both takes about 80 bytes more for
    every number remembered, 80 MB for a million rows."""
    return line << _FINGERPRINT_BITS | hash(tuple(cells)) & _FINGERPRINT_MASK


def _text(cells: list[str], position: int | None) -> str:
    """The cell at ``position``, stripped, for the quick reading."""
    return "" if position is None else cells[position].strip()


def _parsed(cells: list[str], position: int | None, parse: Callable[[str], T]) -> T | None:
    """The cell at ``position`` through ``parse``, for the quick reading."""
    raw = _text(cells, position)
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError:
        raise _Unsure from None


def _cells_at(positions: list[int]) -> Callable[[list[str]], object]:
    """A function giving the cells of a row at ``positions``, as one dictionary key."""
    if not positions:
        return lambda _cells: ()
    return itemgetter(*positions)


def _amounts(
    row: Row, total: Decimal | None, residual: Decimal | None, kind: DocumentKind | None
) -> tuple[DocumentKind, Decimal, Decimal] | None:
    """The kind and the magnitudes of the amounts; a negative amount is a credit."""
    if total is None:
        if residual is None:
            row.problem("total" if "total" in row.table.columns else "residual", _("missing"))
            return None
        total = residual
    elif residual is None:
        residual = total
    if total * residual < 0:
        row.problem(
            "residual",
            _("the residual {residual} and the total {total} have different signs").format(
                residual=residual, total=total
            ),
        )
        return None
    negative = total < 0 or residual < 0
    if kind is None or (negative and kind is DocumentKind.INVOICE):
        kind = DocumentKind.CREDIT_NOTE if negative else DocumentKind.INVOICE
    # Magnitudes with every digit (abs() would round to 28); unsigned amounts are kept,
    # the same object when the total and the residual cells say the same.
    if total.is_signed():
        total = total.copy_abs()
    if residual.is_signed():
        residual = residual.copy_abs()
    if residual > total:
        row.problem(
            "residual",
            _("the residual {residual} exceeds the total {total}").format(
                residual=residual, total=total
            ),
        )
        return None
    return kind, total, residual


def _has_due_date(row: Row, kind: DocumentKind, due_date: date | None) -> bool:
    """Invoices need a due date to be reminded; credit notes and payments do not."""
    if kind is DocumentKind.INVOICE and due_date is None:
        row.problem("due_date", _("missing"))
        return False
    return True
