"""What only the receivable journal items say: instalments, and "No Follow-up" (16-17).

* ``invoice_date_due`` is the *last* due date. An invoice whose payment term has
  several lines (30 % at 30 days, 70 % at 60 days) owes each instalment on its own date:
  those are its receivable lines (``date_maturity``, ``amount_currency``,
  ``amount_residual_currency``). Only invoices whose term has several lines are read,
  in batches of their ids; the terms themselves cost one ``read``.
* In 16 and 17 a credit controller excludes an invoice from follow-up by ticking
  "No Follow-up" (``blocked``) on its receivable line. One search for the blocked open
  receivable lines finds them all, whatever the number of invoices.
"""

from __future__ import annotations

from collections.abc import Sequence

from relance import Instalment
from relance_odoo.client import OdooClient, Row
from relance_odoo.values import amount, day, ids_of, ref_id

LINE = "account.move.line"
TERM = "account.payment.term"
INVOICE_TYPES = ["out_invoice", "out_refund"]
RECEIVABLE = ["account_type", "=", "asset_receivable"]
LINE_FIELDS = ("move_id", "date_maturity", "amount_currency", "amount_residual_currency")


def blocked_moves(
    client: OdooClient, *, page_size: int, among: Sequence[int] | None = None
) -> set[int]:
    """Ids of open customer invoices (of ``among`` when given) with a receivable line
    marked "No Follow-up"."""
    if not client.catalog.has(LINE, "blocked"):
        return set()
    domain: list[object] = [
        ["blocked", "=", True],
        RECEIVABLE,
        ["parent_state", "=", "posted"],
        ["reconciled", "=", False],
        ["move_id.move_type", "in", INVOICE_TYPES],
    ]
    if among is not None:
        domain.append(["move_id", "in", list(among)])
    if client.company_ids:
        domain.append(["company_id", "in", list(client.company_ids)])
    rows = client.pages(LINE, domain, ["move_id"], page_size=page_size)
    return {move for move in (ref_id(row.get("move_id")) for row in rows) if move is not None}


def _terms(client: OdooClient, ids: list[int]) -> list[Row]:
    """The payment terms, ``line_ids`` as a list of ids."""
    read = client.read(TERM, ids, ["line_ids"])
    return [{"id": row["id"], "line_ids": ids_of(row.get("line_ids"))} for row in read]


def instalments(
    client: OdooClient, moves: Sequence[Row], *, page_size: int
) -> dict[int, tuple[Instalment, ...]]:
    """The instalments of every invoice of ``moves`` whose payment term has several."""
    terms = {term for term in (ref_id(row.get("invoice_payment_term_id")) for row in moves) if term}
    if not terms:
        return {}
    split = {row["id"] for row in _terms(client, sorted(terms)) if len(row["line_ids"]) > 1}
    wanted = sorted(
        row["id"] for row in moves if ref_id(row.get("invoice_payment_term_id")) in split
    )
    found: dict[int, list[Instalment]] = {}
    for start in range(0, len(wanted), page_size):
        batch = wanted[start : start + page_size]
        domain = [["move_id", "in", batch], RECEIVABLE]
        for line in client.pages(LINE, domain, LINE_FIELDS, page_size=page_size):
            move, due = ref_id(line.get("move_id")), day(line.get("date_maturity"))
            if move is None or due is None:
                continue
            found.setdefault(move, []).append(
                Instalment(
                    due_date=due,
                    amount=abs(amount(line.get("amount_currency"))),
                    residual=abs(amount(line.get("amount_residual_currency"))),
                )
            )
    return {
        move: tuple(sorted(parts, key=lambda part: part.due_date))
        for move, parts in found.items()
        if len(parts) > 1
    }
