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
* From 18, the payments registered for an invoice are ``matched_payment_ids``, dated by
  ``account.payment.date``. A payment may have no journal entry (its journal has no
  outstanding account): it is matched with nothing, and the invoice is ``in_payment``
  on its date alone. The last date of the matchings and of those payments is the day.

A paid invoice with no matching and no payment (a zero total) was paid on its date.
Budget for a page of S invoices and their M matchings: ``ceil((M + 1) / S)`` keyset
pages of matchings, ``ceil(2M / S)`` reads of their journal items, and on 18+ one read
of the page's payments when it has some.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from datetime import date

from relance.i18n import _
from relance_odoo.client import OdooClient, Row
from relance_odoo.errors import Call, OdooAccessError, unexpected
from relance_odoo.lines import LINE
from relance_odoo.values import amount, day, ids_of, ref_id

__all__ = ["PARTIAL", "PAYMENT", "paid_days"]

log = logging.getLogger(__name__)

MOVE = "account.move"
PARTIAL = "account.partial.reconcile"
PAYMENT = "account.payment"
PARTIAL_FIELDS = ("debit_move_id", "credit_move_id", "max_date", "exchange_move_id")
PAYMENT_STATES = frozenset({"in_process", "paid"})
"""States of an 18+ payment that pays (not ``draft``, ``canceled`` or ``rejected``)."""


def paid_days(client: OdooClient, moves: Sequence[Row], *, page_size: int) -> dict[int, date]:
    """The day each of ``moves`` (paid customer invoices, as read) was paid in full, by
    id; an invoice left out was paid on a day Odoo does not say, or that the Odoo user
    may not read (said once, as a warning: the reports count such invoices apart)."""
    found: dict[int, date] = {}
    refused: set[str] = set()
    for start in range(0, len(moves), page_size):
        batch = moves[start : start + page_size]
        ids = [row["id"] for row in batch]
        read_matched = functools.partial(_matched_days, client, ids, page_size)
        matched = _unless_refused(refused, PARTIAL, read_matched)
        registered = _unless_refused(
            refused, PAYMENT, functools.partial(_payment_days, client, batch)
        )
        for row in batch:
            known = [d for d in (matched.get(row["id"]), registered.get(row["id"])) if d]
            if known:
                found[row["id"]] = max(known)
            elif not amount(row.get("amount_total")):
                issued = _day(client, row.get("invoice_date"), Call(MOVE, "search_read"))
                if issued is not None:
                    found[row["id"]] = issued
    return found


def _unless_refused(
    refused: set[str], model: str, read: Callable[[], dict[int, date]]
) -> dict[int, date]:
    """``read()``, or nothing once Odoo refused the user ``model`` (the one that dates
    the invoices: a refusal of anything else, a journal item, is an error): the planning
    commands and the reports go on without those days rather than fail."""
    if model in refused:
        return {}
    try:
        return read()
    except OdooAccessError as exc:
        if exc.model != model:
            raise
        refused.add(model)
        log.warning("%s %s", exc, _("Until then, the paid invoices' payment days are unknown."))
        return {}


def _matched_days(client: OdooClient, ids: list[int], page_size: int) -> dict[int, date]:
    """The last ``max_date`` of the matchings of each invoice's receivable lines."""
    domain = [
        ["debit_move_id.move_id", "in", ids],
        ["debit_move_id.account_id.account_type", "=", "asset_receivable"],
    ]
    partials = list(client.pages(PARTIAL, domain, PARTIAL_FIELDS, page_size=page_size))
    sides = (ref_id(p.get(side)) for p in partials for side in ("debit_move_id", "credit_move_id"))
    lines = sorted({line for line in sides if line is not None})
    line_moves = {
        row["id"]: ref_id(row.get("move_id"))
        for start in range(0, len(lines), page_size)
        for row in client.read(LINE, lines[start : start + page_size], ["move_id"])
    }
    exchanges = {ref_id(p.get("exchange_move_id")) for p in partials} - {None}
    days: dict[int, date] = {}
    for partial in partials:
        invoice = line_moves.get(ref_id(partial.get("debit_move_id")))
        counterpart = line_moves.get(ref_id(partial.get("credit_move_id")))
        when = _day(client, partial.get("max_date"), Call(PARTIAL, "search_read"))
        if invoice is None or when is None or counterpart in exchanges:
            continue
        days[invoice] = max(when, days.get(invoice, when))
    return days


def _payment_days(client: OdooClient, moves: Sequence[Row]) -> dict[int, date]:
    """18+: the last date of the payments registered for each invoice of ``moves``, those
    without a journal entry (matched with nothing) included."""
    registered = {row["id"]: ids_of(row.get("matched_payment_ids")) for row in moves}
    wanted = sorted({payment for ids in registered.values() for payment in ids})
    if not wanted:
        return {}
    call = Call(PAYMENT, "read")
    dated = {
        row["id"]: when
        for row in client.read(PAYMENT, wanted, ["date", "state"])
        if row.get("state") in PAYMENT_STATES
        and (when := _day(client, row.get("date"), call)) is not None
    }
    days: dict[int, date] = {}
    for invoice, payments in registered.items():
        paid = [dated[payment] for payment in payments if payment in dated]
        if paid:
            days[invoice] = max(paid)
    return days


def _day(client: OdooClient, value: object, call: Call) -> date | None:
    """A date Odoo sent, or the "unexpected answer" error for anything else."""
    try:
        return day(value)
    except ValueError:
        raise unexpected(client.target, call, _("dates as YYYY-MM-DD")) from None
