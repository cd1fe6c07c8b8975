"""relance connector: Odoo 16, 17, 18 and 19 (JSON-RPC, and JSON-2 from 19).

Reads the open customer invoices and their customers (and the paid ones, for the
reports), re-checks balances before sending, fetches invoice PDFs, and writes sent
reminders back as chatter notes and call activities. See ``docs/connectors/odoo.md``.
The hook implementations live in :mod:`.plugin`; they are re-exported here because the
entry point names this package.
"""

from relance_odoo.plugin import (
    relance_check_connection,
    relance_fetch_document,
    relance_fetch_invoices,
    relance_fetch_paid_invoices,
    relance_record_history,
    relance_refresh_balances,
    relance_settings_model,
)

__all__ = [
    "relance_check_connection",
    "relance_fetch_document",
    "relance_fetch_invoices",
    "relance_fetch_paid_invoices",
    "relance_record_history",
    "relance_refresh_balances",
    "relance_settings_model",
]
