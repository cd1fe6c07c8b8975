"""relance connector: CSV exports, the embedded default and the template for connectors.

Reads open invoices from a CSV export of any invoicing tool (Sage, EBP, Pennylane,
QuickBooks, Excel...), with an optional separate customers file; re-reads it before
sending; serves invoice PDFs from a folder; mirrors the history into a CSV journal. See
``docs/connectors/csv.md``. The hook implementations live in :mod:`.plugin`; they are
re-exported here because the entry point names this package.

Modules, one job each: :mod:`.settings` (the ``[sources.csv]`` table), :mod:`.sniff`
(encoding and separator), :mod:`.table` (a file opened, its header found),
:mod:`.columns` (header recognition), :mod:`.parse` (amounts, dates, flags),
:mod:`.row` (one row read field by field), :mod:`.customers`, :mod:`.reader`
(rows to invoices), :mod:`.report` (problems and counts), :mod:`.check`,
:mod:`.documents`, :mod:`.journal`.
"""

from relance_csv.plugin import (
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
