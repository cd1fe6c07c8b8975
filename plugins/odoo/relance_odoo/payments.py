"""The day a paid customer invoice was paid: no field of ``account.move`` says it.

Paying an invoice matches its receivable journal item with the payment's (or a credit
note's): an ``account.partial.reconcile`` whose ``debit_move_id`` is the invoice's line,
``credit_move_id`` the other one, and whose stored ``max_date`` is the later of the two
items' dates (16-19). An invoice is paid in full on the last ``max_date`` of its
matchings, the day Odoo's aged receivable counts it as settled. Two exceptions:

* A payment in a foreign currency at another rate adds an exchange difference entry
  (the matching's ``exchange_move_id``), matched with the invoice too, and dated by the
  accounting, not the customer (after a lock date, later): a matching with such an
  entry is not a payment.
* From 18, a payment may have no journal entry (its journal has no outstanding
  account): the invoice is ``in_payment`` with no matching at all. Its payments are
  ``matched_payment_ids``, dated by ``account.payment.date``.

A paid invoice with no matching and no payment (a zero total) was paid on its date.
Budget for a page of S invoices: one search of their matchings (more pages past S), one
search of those matchings' journal items, and on 18+ one payment read when some invoice
has no matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from relance_odoo.client import OdooClient, Row
from relance_odoo.lines import LINE
from relance_odoo.values import amount, day, ids_of, ref_id

__all__ = ["PARTIAL", "PAYMENT", "paid_days"]

PARTIAL = "account.partial.reconcile"
PAYMENT = "account.payment"
PARTIAL_FIELDS = ("debit_move_id", "credit_move_id", "max_date", "exchange_move_id")
PAYMENT_STATES = frozenset({"in_process", "paid"})
"""States of an 18+ payment that pays (not ``draft``, ``canceled`` or ``rejected``)."""


def paid_days(client: OdooClient, moves: Sequence[Row], *, page_size: int) -> dict[int, date]:
    """The day each of ``moves`` (paid customer invoices, as read) was paid in full, by
    id; an invoice left out was paid on a day Odoo does not say."""
    found: dict[int, date] = {}
    for start in range(0, len(moves), page_size):
        batch = moves[start : start + page_size]
        found.update(_matched_days(client, [row["id"] for row in batch], page_size))
        unmatched = [row for row in batch if row["id"] not in found]
        found.update(_payment_days(client, unmatched))
        for row in unmatched:
            issued = day(row.get("invoice_date"))
            if (
                row["id"] not in found
                and issued is not None
                and not amount(row.get("amount_total"))
            ):
                found[row["id"]] = issued
    return found


def _matched_days(client: OdooClient, ids: list[int], page_size: int) -> dict[int, date]:
    """The last ``max_date`` of the matchings of each invoice's receivable lines."""
    domain = [
        ["debit_move_id.move_id", "in", ids],
        ["debit_move_id.account_id.account_type", "=", "asset_receivable"],
    ]
    partials = list(client.pages(PARTIAL, domain, PARTIAL_FIELDS, page_size=page_size))
    if not partials:
        return {}
    sides = (ref_id(p.get(side)) for p in partials for side in ("debit_move_id", "credit_move_id"))
    lines = sorted({line for line in sides if line is not None})
    line_moves = {
        row["id"]: ref_id(row.get("move_id"))
        for row in client.pages(LINE, [["id", "in", lines]], ["move_id"], page_size=page_size)
    }
    exchanges = {ref_id(p.get("exchange_move_id")) for p in partials} - {None}
    days: dict[int, date] = {}
    for partial in partials:
        invoice = line_moves.get(ref_id(partial.get("debit_move_id")))
        counterpart = line_moves.get(ref_id(partial.get("credit_move_id")))
        when = day(partial.get("max_date"))
        if invoice is None or when is None or counterpart in exchanges:
            continue
        days[invoice] = max(when, days.get(invoice, when))
    return days


def _payment_days(client: OdooClient, moves: Sequence[Row]) -> dict[int, date]:
    """18+: the last date of the payments registered for each invoice of ``moves``
    (without a journal entry, so matched with nothing)."""
    registered = {row["id"]: ids_of(row.get("matched_payment_ids")) for row in moves}
    wanted = sorted({payment for ids in registered.values() for payment in ids})
    if not wanted:
        return {}
    dated = {
        row["id"]: when
        for row in client.read(PAYMENT, wanted, ["date", "state"])
        if row.get("state") in PAYMENT_STATES and (when := day(row.get("date"))) is not None
    }
    days: dict[int, date] = {}
    for invoice, payments in registered.items():
        paid = [dated[payment] for payment in payments if payment in dated]
        if paid:
            days[invoice] = max(paid)
    return days
