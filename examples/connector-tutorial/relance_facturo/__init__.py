"""relance connector for Facturo. The hooks live in :mod:`.plugin`."""

from relance_facturo.plugin import (
    relance_fetch_invoices,
    relance_record_history,
    relance_refresh_balances,
    relance_settings_model,
)

__all__ = [
    "relance_fetch_invoices",
    "relance_record_history",
    "relance_refresh_balances",
    "relance_settings_model",
]
