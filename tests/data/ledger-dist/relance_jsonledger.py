"""A source reading a JSON file of invoices: the ledger tests change between runs."""

from __future__ import annotations

import json

from relance import Balance, ConfigPath, Invoice, SourceSettings, hookimpl


class LedgerSettings(SourceSettings):
    path: ConfigPath


@hookimpl
def relance_settings_model():
    return LedgerSettings


def _read(source):
    rows = json.loads(source.settings.path.read_text(encoding="utf-8"))
    return [Invoice.model_validate({**row, "source": source.name}) for row in rows]


@hookimpl
def relance_fetch_invoices(source, since):
    return _read(source)


@hookimpl
def relance_refresh_balances(source, invoice_ids):
    wanted = set(invoice_ids)
    for invoice in _read(source):
        if invoice.id in wanted:
            yield Balance(invoice_id=invoice.id, residual=invoice.residual, currency=invoice.currency)
