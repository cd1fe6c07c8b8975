"""Customers: built once per customer id, from the invoices file or a customers file.

Every invoice of a customer shares one :class:`~relance.Customer` object. With a
separate customers file (``customers_path``), it is read first, whole (a ledger has far
fewer customers than invoices), and invoices name their customer by id; otherwise each
customer is built from the first invoice row that names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from relance import Address, Contact, Customer, CustomerKind
from relance.i18n import _
from relance_csv.columns import CUSTOMER_FIELDS
from relance_csv.parse import parse_country, parse_customer_kind, parse_language
from relance_csv.report import ReadReport
from relance_csv.row import Row
from relance_csv.table import Table

_LIST_SEPARATORS = re.compile(r"[,;|]")


def customer_key(row: Row) -> str:
    """The id that joins invoices to their customer: the id column, else the name."""
    return row.text("customer_id") or row.text("customer_name")


def customer_from_row(row: Row) -> Customer | None:
    """The customer described by ``row``'s customer columns; ``None`` after a problem."""
    key = customer_key(row)
    if not key:
        row.problem("customer_id" if "customer_id" in row.table.columns else "customer_name",
                    _("missing"))  # fmt: skip
        return None
    kind = row.parse("customer_kind", parse_customer_kind) or CustomerKind.BUSINESS
    language = row.parse("language", parse_language)
    country = row.parse("country", parse_country)
    contact = _contact(row, language)
    address = _address(row, country)
    if row.failed:
        return None
    try:
        return Customer.from_parsed(
            id=key,
            name=row.text("customer_name") or key,
            kind=kind,
            language=language,
            country=country,
            address=address,
            vat_number=row.text("vat_number") or None,
            registration_number=row.text("registration_number") or None,
            tags=frozenset(_split(row.text("tags"))),
            segment=row.text("segment") or None,
            contacts=(contact,) if contact else (),
        )
    except ValueError as exc:
        row.invalid(None, exc)
        return None


def _contact(row: Row, language: str | None) -> Contact | None:
    name, emails, phone = row.text("contact_name"), row.text("email"), row.text("phone")
    if not (name or emails or phone):
        return None
    try:
        return Contact.from_parsed(
            name=name or None, emails=emails, phone=phone or None, language=language,
            role="billing",
        )  # fmt: skip
    except ValueError as exc:
        row.invalid("email", exc)
        return None


def _address(row: Row, country: str | None) -> Address | None:
    lines = tuple(line.strip() for line in row.text("address").splitlines() if line.strip())
    postal_code, city = row.text("postal_code"), row.text("city")
    if not (lines or postal_code or city):
        return None
    return Address.from_parsed(
        lines=lines, postal_code=postal_code or None, city=city or None, country=country
    )


def _split(text: str) -> Iterator[str]:
    return (part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip())


def fingerprint(row: Row) -> int:
    """A hash of the row's customer cells: two rows that describe a customer alike."""
    return hash(tuple(row.text(field) for field in CUSTOMER_FIELDS if field in row.index))


class InlineCustomers:
    """Customers described on the invoice rows: built from the first row naming each."""

    def __init__(self, report: ReadReport) -> None:
        self._known: dict[str, tuple[Customer, int]] = {}
        self._report = report

    def described(self, row: Row) -> bool:
        """Whether the customer ``row`` names was built from an earlier row: passing
        ``row`` over unparsed then changes no customer (the first row describes it)."""
        return customer_key(row) in self._known

    def customer_of(self, row: Row) -> Customer | None:
        key = customer_key(row)
        known = self._known.get(key)
        if known is None:
            customer = customer_from_row(row)
            if customer is not None:
                self._known[key] = (customer, fingerprint(row))
                self._report.customers += 1
            return customer
        customer, first = known
        if first != fingerprint(row):
            self._report.warn(
                _("{where}: the details of customer {customer!r} differ from its first row; "
                  "the first row's are used").format(where=row.table.where(row.line), customer=key)
            )  # fmt: skip
            self._known[key] = (customer, fingerprint(row))
        return customer


class CustomersFile:
    """Customers read from a separate file, whole, by id; invoices name them by id."""

    def __init__(self, table: Table, report: ReadReport) -> None:
        self._file = table.name
        self._known: dict[str, Customer] = {}
        fingerprints: dict[str, tuple[int, int]] = {}
        for line, cells in table:
            row = Row(table, line, cells, report)
            if row.blank:
                continue
            key = customer_key(row)
            previous = fingerprints.get(key)
            if previous is not None:
                first_line, first = previous
                if first != fingerprint(row):
                    row.problem(
                        "customer_id",
                        _(
                            "customer {customer!r} is already on line {line} with other details"
                        ).format(customer=key, line=first_line),
                    )
                continue
            customer = customer_from_row(row)
            if customer is not None:
                self._known[key] = customer
                fingerprints[key] = (line, fingerprint(row))
        report.customers = len(self._known)

    def described(self, _row: Row) -> bool:
        """Always: customers are described by their own file, not by invoice rows."""
        return True

    def customer_of(self, row: Row) -> Customer | None:
        key = row.require("customer_id")
        if not key:
            return None
        customer = self._known.get(key)
        if customer is None:
            row.problem(
                "customer_id",
                _("customer {customer!r} is not in {file}").format(customer=key, file=self._file),
            )
        return customer
