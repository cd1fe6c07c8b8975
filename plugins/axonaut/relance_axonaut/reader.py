"""Reading Axonaut: the open invoices of a run, fresh balances before sending, and the
paid invoices the reports look at.

Request budget: N open invoices over C companies cost ``ceil(N / page size) + 1`` list
requests (the last, empty page ends the list) plus at most C company reads, fewer when
the run already read the company.

Paid invoices (``relance report``): ``GET /invoices?is_paid=true`` with ``date_before``
the day after the period's end (whether Axonaut's "before" includes the day is not
documented; a day too many is filtered out here). Axonaut gives ``paid_date``, so only
the invoices paid from ``start`` to ``end`` are kept, and those Axonaut marks paid
without a day if they were issued by ``end`` (as the hook asks). No filter narrows the
list by payment day (``paid_date`` matches one day only), so P paid invoices issued by
the end cost ``ceil(P / page size) + 1`` list requests, plus a company read for each
customer of a kept invoice that the run has not read yet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from relance import Balance, ConnectorError, Invoice
from relance.i18n import _
from relance_axonaut.client import AxonautClient, JsonObject
from relance_axonaut.customers import CustomerDirectory, invoice_contact
from relance_axonaut.errors import AxonautNotFound
from relance_axonaut.invoices import amounts_of, label, to_balance, to_invoice
from relance_axonaut.parse import filter_date, parse_date

log = logging.getLogger(__name__)

INVOICES = "/invoices"


def unpaid_query(since: datetime | None, timezone: ZoneInfo) -> dict[str, str]:
    """The query of the open invoices, changed since ``since`` when it is set.

    ``updated_after`` has a day's granularity and may be exclusive, so the query starts
    the day before ``since``: re-reading a day is cheap, missing a change is not.
    """
    query = {"is_paid": "false"}
    if since is not None:
        day = since.astimezone(timezone).date() - timedelta(days=1)
        query["updated_after"] = filter_date(day)
    return query


def fetch_invoices(
    client: AxonautClient,
    customers: CustomerDirectory,
    *,
    source: str,
    since: datetime | None,
    timezone: ZoneInfo,
    default_currency: str,
) -> Iterator[Invoice]:
    """Yield the open invoices, each with its (shared) customer, as they are read."""
    for row in client.iter_list(INVOICES, unpaid_query(since, timezone)):
        amounts = amounts_of(row, timezone, default_currency)
        if not amounts.is_receivable:
            log.info(
                "%s skipped: total %s, outstanding %s", label(row), amounts.total, amounts.residual
            )
            continue
        customer = customers.customer(_company_of(row))
        contact = invoice_contact(customer, _contact_name(row))
        yield to_invoice(row, amounts, customer, source, timezone, contact=contact)


def paid_query(end: date) -> dict[str, str]:
    """The query of the paid invoices issued by ``end``: ``date_before`` is the next day,
    in case Axonaut's "before" leaves the day itself out."""
    return {"is_paid": "true", "date_before": filter_date(end + timedelta(days=1))}


def fetch_paid_invoices(
    client: AxonautClient,
    customers: CustomerDirectory,
    *,
    source: str,
    start: date,
    end: date,
    timezone: ZoneInfo,
    default_currency: str,
) -> Iterator[Invoice]:
    """Yield the invoices paid from ``start`` to ``end``, with their ``paid_date``.

    An invoice Axonaut lists as paid without a ``paid_date`` is kept when it was issued
    by ``end`` (it may have been paid in the period). Documents of a total of zero or
    less (cancellations) are not invoices; one still showing something outstanding is
    not paid: both are left out, with a log line. The customer of a kept invoice only is
    read, through the run's directory (shared with the open invoices).
    """
    for row in client.iter_list(INVOICES, paid_query(end)):
        amounts = amounts_of(row, timezone, default_currency)
        if amounts.total <= 0 or amounts.residual > 0:
            log.info(
                "%s skipped from the paid invoices: total %s, outstanding %s",
                label(row),
                amounts.total,
                amounts.residual,
            )
            continue
        try:
            paid_date = parse_date(row.get("paid_date"), timezone)
            issue_date = parse_date(row.get("date"), timezone)
        except ValueError as exc:
            raise ConnectorError(f"{label(row)}: {exc}") from None
        if not _paid_in_period(paid_date, issue_date, start, end):
            continue
        customer = customers.customer(_company_of(row))
        contact = invoice_contact(customer, _contact_name(row))
        invoice = to_invoice(row, amounts, customer, source, timezone, contact=contact)
        yield invoice.model_copy(update={"paid_date": paid_date})


def _paid_in_period(paid: date | None, issued: date | None, start: date, end: date) -> bool:
    """Paid from ``start`` to ``end``, or paid on an unknown day and issued by ``end``."""
    if paid is not None:
        return start <= paid <= end
    return issued is None or issued <= end


def refresh_balances(
    client: AxonautClient,
    invoice_ids: Sequence[str],
    *,
    per_invoice_max: int,
    timezone: ZoneInfo,
    default_currency: str,
) -> Iterator[Balance]:
    """Yield the current balance of exactly ``invoice_ids``, read from Axonaut now.

    Up to ``per_invoice_max`` ids, each invoice is read by id (one request each); beyond,
    the open-invoice list is read until every id was seen (an id missing from it is
    paid). An invoice Axonaut no longer has is left out, i.e. taken as cancelled.
    """
    wanted = {invoice_id for invoice_id in invoice_ids if _is_axonaut_id(invoice_id)}
    if len(wanted) <= per_invoice_max:
        for invoice_id in sorted(wanted, key=int):
            try:
                row = client.get_object(f"{INVOICES}/{invoice_id}")
            except AxonautNotFound:
                log.warning("Axonaut invoice %s no longer exists; not reminded", invoice_id)
                continue
            yield to_balance(row, amounts_of(row, timezone, default_currency))
        return
    for row in client.iter_list(INVOICES, {"is_paid": "false"}):
        invoice_id = str(row.get("id"))
        if invoice_id in wanted:
            wanted.discard(invoice_id)
            yield to_balance(row, amounts_of(row, timezone, default_currency))
            if not wanted:
                return


def count_unpaid(client: AxonautClient, timezone: ZoneInfo, default_currency: str) -> int:
    """How many invoices Axonaut lists as unpaid with something still outstanding."""
    return sum(
        1
        for row in client.iter_list(INVOICES, {"is_paid": "false"})
        if amounts_of(row, timezone, default_currency).is_receivable
    )


def _company_of(row: JsonObject) -> JsonObject:
    company = row.get("company")
    if not isinstance(company, dict) or company.get("id") is None:
        raise ConnectorError(
            _("{invoice}: it names no customer (company.id).").format(invoice=label(row))
        )
    return company


def _contact_name(row: JsonObject) -> str | None:
    address = row.get("billing_address")
    name = address.get("contact_name") if isinstance(address, dict) else None
    return str(name) if name else None


def _is_axonaut_id(invoice_id: str) -> bool:
    if invoice_id.isdigit():
        return True
    log.warning("%r is not an Axonaut invoice id; ignored", invoice_id)
    return False
