"""A source reading a JSON file of invoices: the ledger tests change between runs."""

from __future__ import annotations

import json

from relance import Balance, ConfigPath, Document, Invoice, SourceSettings, hookimpl


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


@hookimpl
def relance_fetch_document(source, invoice):
    """``documents/<id>.pdf`` beside the ledger, if there is one; each fetch asked, found
    or not, is logged to ``documents/fetched.log``."""
    folder = source.settings.path.parent / "documents"
    path = folder / f"{invoice.id}.pdf"
    if folder.is_dir():
        with (folder / "fetched.log").open("a", encoding="utf-8") as log:
            log.write(f"{invoice.id}\n")
    if not path.exists():
        return None
    return Document(filename=path.name, content=path.read_bytes())
