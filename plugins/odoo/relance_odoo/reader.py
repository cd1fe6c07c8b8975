"""Reading Odoo: the open customer invoices of a run, fresh balances before sending, and
the paid invoices the reports look at.

Open means posted customer invoices and credit notes (``out_invoice``, ``out_refund``)
whose ``payment_state`` is ``not_paid``, ``partial`` or ``blocked`` (18+, "payment
blocked": still owed, so it is read, and held as disputed). ``in_payment`` (a payment is
registered but not yet reconciled) is paid as far as reminders go: it is not read.

Request budget of a fetch, for N invoices of P customers and a page size S:
``ceil(N / S)`` invoice pages + ``ceil(rows / S)`` partner pages (rows: the customers
and their invoice contacts) + at most 3 ``fields_get`` + 1 blocked-lines search (16-17)
+, only when some invoices have multi-instalment terms, 1 term read and their lines.
Everything is read before the first invoice is yielded, so that partners are read in
full pages rather than once per invoice page.

Paid invoices (``relance report``): posted customer invoices (not credit notes) whose
``payment_state`` is ``paid`` or ``in_payment``, issued on or before the period's last day,
each with the day it was paid (:mod:`relance_odoo.payments`). The period's first day
narrows the read: reconciling a payment writes the invoice (its ``write_date``), so one
last written more than a day before the period was paid before it, and is not read.
``reversed`` (cancelled by a credit note) is not a payment: it was not a sale either,
and is left out. Budget: ``ceil(P / S)`` invoice pages + per page of invoices the
requests of :mod:`relance_odoo.payments` (about 4 for invoices paid once, one more on
18+) + the partner pages as above + at most 2 ``fields_get``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence, Set
from datetime import UTC, date, datetime, time, timedelta

from relance import Balance, ConnectorError, DocumentKind, Instalment, Invoice, InvoiceStatus
from relance.i18n import _
from relance_odoo.client import Domain, OdooClient, Row
from relance_odoo.customers import Partners, customer_of, read_partners
from relance_odoo.lines import INVOICE_TYPES, blocked_moves, instalments
from relance_odoo.payments import paid_days
from relance_odoo.values import amount, day, many2one, odoo_datetime, ref_id, text

log = logging.getLogger(__name__)

MOVE = "account.move"
OPEN_STATES = ["not_paid", "partial", "blocked"]
BLOCKED = "blocked"
MOVE_FIELDS = (
    "name",
    "move_type",
    "state",
    "payment_state",
    "payment_reference",
    "invoice_date",
    "invoice_date_due",
    "amount_total",
    "amount_residual",
    "currency_id",
    "partner_id",
    "commercial_partner_id",
    "invoice_payment_term_id",
    "company_id",
    "no_followup",
    "write_date",
)
PAID_STATES = ["paid", "in_payment"]
PAID_FIELDS = (
    "name",
    "move_type",
    "payment_state",
    "invoice_date",
    "invoice_date_due",
    "amount_total",
    "currency_id",
    "partner_id",
    "commercial_partner_id",
    "matched_payment_ids",
)
BALANCE_FIELDS = ("state", "payment_state", "amount_residual", "currency_id", "no_followup")
STATUSES = {
    "not_paid": InvoiceStatus.OPEN,
    "partial": InvoiceStatus.PARTIAL,
    "in_payment": InvoiceStatus.IN_PAYMENT,
}
"""Statuses by ``payment_state``; ``blocked`` is derived from the amounts, and in a
balance read again any other state (``paid``, ``reversed``) is paid."""


def open_domain(company_ids: Sequence[int], changed_from: datetime | None = None) -> Domain:
    """The domain of the open customer invoices and credit notes."""
    domain: Domain = [
        ["move_type", "in", INVOICE_TYPES],
        ["state", "=", "posted"],
        ["payment_state", "in", OPEN_STATES],
    ]
    if company_ids:
        domain.append(["company_id", "in", list(company_ids)])
    if changed_from is not None:
        domain.append(["write_date", ">=", odoo_datetime(changed_from)])
    return domain


def paid_domain(company_ids: Sequence[int], start: date, end: date) -> Domain:
    """The domain of the paid customer invoices issued by ``end`` that can have been paid
    from ``start`` on: written since the day before (``write_date`` is the start of the
    transaction that reconciled the payment, in UTC)."""
    written_from = datetime.combine(start - timedelta(days=1), time(), tzinfo=UTC)
    domain: Domain = [
        ["move_type", "=", "out_invoice"],
        ["state", "=", "posted"],
        ["payment_state", "in", PAID_STATES],
        ["invoice_date", "<=", end.isoformat()],
        ["write_date", ">=", odoo_datetime(written_from)],
    ]
    if company_ids:
        domain.append(["company_id", "in", list(company_ids)])
    return domain


def fetch_invoices(
    client: OdooClient,
    *,
    source: str,
    since: datetime | None,
    overlap: timedelta,
    page_size: int,
) -> Iterator[Invoice]:
    """Yield the open invoices, changed since ``since`` minus ``overlap`` when it is set.

    ``write_date`` is the start of the transaction that wrote a record, so a payment
    committed just after the previous sync can carry an earlier stamp: the overlap
    re-reads those.
    """
    changed_from = since - overlap if since is not None else None
    fields = client.catalog.keep(MOVE, MOVE_FIELDS)
    moves = list(
        client.pages(
            MOVE, open_domain(client.company_ids, changed_from), fields, page_size=page_size
        )
    )
    excluded = blocked_moves(client, page_size=page_size)
    parts = instalments(client, moves, page_size=page_size)
    partners = _partners(client, moves, page_size)
    for row in moves:
        yield to_invoice(row, partners, source=source, blocked=excluded, parts=parts)


def fetch_paid_invoices(
    client: OdooClient, *, source: str, start: date, end: date, page_size: int
) -> Iterator[Invoice]:
    """Yield the paid customer invoices issued by ``end`` and written since the day
    before ``start``, each with its customer.

    Odoo's invoice does not say on which day it was paid: ``paid_date`` is the day its
    matchings say (:mod:`relance_odoo.payments`), and an invoice paid outside the period
    (written in it for another reason) is left out. The customers are read as for the open
    invoices (the same :class:`~relance.model.Customer` records), in full pages after
    the invoices.
    """
    fields = client.catalog.keep(MOVE, PAID_FIELDS)
    moves = list(
        client.pages(MOVE, paid_domain(client.company_ids, start, end), fields, page_size=page_size)
    )
    days = paid_days(client, moves, page_size=page_size)
    # Written in the period, but paid before it (or after it): not a payment of it.
    moves = [row for row in moves if row["id"] not in days or start <= days[row["id"]] <= end]
    partners = _partners(client, moves, page_size)
    for row in moves:
        # Paid: nothing is owed, whatever rounding the residual carries.
        paid = {**row, "amount_residual": 0}
        invoice = to_invoice(paid, partners, source=source, blocked=frozenset(), parts={})
        yield invoice.model_copy(update={"paid_date": days.get(row["id"])})


def refresh_balances(
    client: OdooClient, invoice_ids: Sequence[str], *, page_size: int
) -> Iterator[Balance]:
    """The current balance of exactly ``invoice_ids``, ``page_size`` invoices a request.

    A deleted or no longer posted invoice is left out, i.e. not reminded. An invoice
    excluded from follow-up since the fetch is disputed: "No Follow-up" on 16-17 is on
    its receivable lines, searched for each batch.
    """
    ids = sorted({int(invoice_id) for invoice_id in invoice_ids if _is_odoo_id(invoice_id)})
    fields = client.catalog.keep(MOVE, BALANCE_FIELDS)
    for start in range(0, len(ids), page_size):
        batch = ids[start : start + page_size]
        blocked = blocked_moves(client, page_size=page_size, among=batch)
        for row in client.search_read(MOVE, [["id", "in", batch]], fields, limit=len(batch)):
            currency = many2one(row.get("currency_id"))
            if row.get("state") != "posted" or currency is None:
                continue
            state = str(row.get("payment_state"))
            yield Balance(
                invoice_id=str(row["id"]),
                residual=abs(amount(row.get("amount_residual"))),
                currency=currency[1],
                status=None if state == BLOCKED else STATUSES.get(state, InvoiceStatus.PAID),
                disputed=_excluded(row, blocked) is not None,
            )


def count_open(client: OdooClient) -> int:
    """How many open customer invoices and credit notes the API user can read."""
    count = client.call(MOVE, "search_count", domain=open_domain(client.company_ids))
    return int(count)


def to_invoice(
    row: Row,
    partners: Partners,
    *,
    source: str,
    blocked: Set[int],
    parts: Mapping[int, tuple[Instalment, ...]],
) -> Invoice:
    """An ``account.move`` row as a relance invoice (or credit note); ``blocked`` holds
    the ids of the invoices with a "No Follow-up" receivable line (16-17)."""
    number = text(row.get("name")) or str(row["id"])
    customer = customer_of(row)
    currency = many2one(row.get("currency_id"))
    if customer is None or currency is None:
        raise ConnectorError(
            _("Odoo invoice {number} has no customer or no currency.").format(number=number)
        )
    excluded = _excluded(row, blocked)
    partner = ref_id(row.get("partner_id"))
    try:
        return Invoice(
            source=source,
            id=str(row["id"]),
            number=number,
            kind=DocumentKind.CREDIT_NOTE
            if row.get("move_type") == "out_refund"
            else DocumentKind.INVOICE,
            customer=partners.customers[customer[0]],
            issue_date=day(row.get("invoice_date")),
            due_date=day(row.get("invoice_date_due")),
            currency=currency[1],
            total=abs(amount(row.get("amount_total"))),
            residual=abs(amount(row.get("amount_residual"))),
            status=STATUSES.get(str(row.get("payment_state"))),
            disputed=excluded is not None,
            dispute_reason=excluded,
            payment_reference=text(row.get("payment_reference")),
            instalments=parts.get(row["id"], ()),
            contact=partners.contacts.get(partner) if partner is not None else None,
        )
    except ValueError as exc:
        raise ConnectorError(
            _("Odoo invoice {number} cannot be used: {problem}").format(number=number, problem=exc)
        ) from None


def _partners(client: OdooClient, moves: Sequence[Row], page_size: int) -> Partners:
    customers: dict[int, str] = {}
    contacts: set[int] = set()
    for row in moves:
        customer = customer_of(row)
        if customer is not None:
            customers.setdefault(*customer)
        partner = ref_id(row.get("partner_id"))
        if partner is not None and customer is not None and partner != customer[0]:
            contacts.add(partner)
    return read_partners(client, customers, contacts, page_size=page_size)


def _excluded(row: Row, blocked: Set[int]) -> str | None:
    """Why Odoo says not to chase the invoice of ``row``, if it does."""
    if row.get("payment_state") == BLOCKED:
        return _("payment blocked in Odoo")
    if row["id"] in blocked or row.get("no_followup"):
        return _("excluded from follow-up in Odoo (No Follow-up)")
    return None


def _is_odoo_id(invoice_id: str) -> bool:
    if invoice_id.isdigit():
        return True
    log.warning("%r is not an Odoo invoice id; ignored", invoice_id)
    return False
