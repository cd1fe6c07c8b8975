"""relance connector: Axonaut (REST API v2).

Reads the open invoices and their customers (and the paid ones, for the reports),
re-checks balances before sending, downloads invoice PDFs, and mirrors sent reminders
as Axonaut events and tasks. See ``docs/connectors/axonaut.md``. The hook
implementations live in :mod:`.plugin`; they are re-exported here because the entry
point names this package.
"""

from relance_axonaut.plugin import (
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
