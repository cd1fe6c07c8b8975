"""A source reading a JSON ledger file, with one deliberate flaw chosen by its settings.

With ``flaw = "none"`` it is a correct connector that passes the contract; each other
flaw breaks one rule the contract checks, so that the kit's own tests can prove each
check fails, with its message. The "system" is the JSON file: ``token`` is the key it
accepts, ``down`` makes it unreachable, ``journal`` records what connectors wrote.
"""

from __future__ import annotations

import json
import logging
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from relance import (
    Balance,
    ConfigPath,
    ConnectorAuthError,
    ConnectorError,
    ConnectorUnavailable,
    Customer,
    EventType,
    Invoice,
    SecretEnv,
    SourceSettings,
    hookimpl,
)

log = logging.getLogger(__name__)
_fetched: dict[str, Decimal] = {}


class LedgerFileSettings(SourceSettings):
    path: ConfigPath
    token_env: SecretEnv = SecretEnv("LEDGERFILE_TOKEN")
    flaw: str = "none"


def _open(source: Any) -> dict[str, Any]:
    settings = source.settings
    path: Path = settings.path
    token = settings.token_env.reveal()
    if settings.flaw == "logs_secret":
        log.debug("opening %s with token %s", path, token)
    ledger = json.loads(path.read_text(encoding="utf-8"))
    if ledger["down"]:
        if settings.flaw == "crash":
            raise OSError(f"{path} is locked")
        if settings.flaw == "terse_error":
            raise ConnectorError("down")
        raise ConnectorUnavailable(
            f"The ledger {path.name} is locked by another program; retry later."
        )
    if ledger["token"] != token:
        shown = token if settings.flaw == "secret_in_error" else settings.token_env.variable
        raise ConnectorAuthError(
            f"The ledger {path.name} refused the key in {shown}; set the right one."
        )
    return ledger


@hookimpl
def relance_settings_model() -> type[LedgerFileSettings]:
    return LedgerFileSettings


@hookimpl
def relance_fetch_invoices(source: Any, since: Any) -> list[Invoice]:
    flaw = source.settings.flaw
    try:
        ledger = _open(source)
    except ConnectorUnavailable:
        if flaw == "swallow_errors":
            return []
        raise
    found = []
    for row in ledger["invoices"]:
        if row["residual"] == "0.00":
            continue
        total = Decimal(float(row["total"])) if flaw == "float_decimal" else row["total"]
        found.append(
            Invoice(
                source="ledgerfile" if flaw == "plugin_name_source" else source.name,
                id=uuid.uuid4().hex if flaw == "unstable_ids" else row["id"],
                number=row["number"],
                kind="invoice" if flaw == "credit_as_invoice" else row["kind"],
                customer=Customer(id=row["customer"], name=f"Customer {row['customer']}"),
                due_date=row["due"],
                currency="EUR",
                total=total,
                residual=row["residual"],
            )
        )
        _fetched[row["id"]] = Decimal(row["residual"])
    return found


@hookimpl
def relance_fetch_paid_invoices(source: Any, start: Any, end: Any) -> list[Invoice]:
    """The invoices at zero (the file does not say when they were paid)."""
    owing_too = source.settings.flaw == "paid_open"
    return [
        Invoice(
            source=source.name,
            id=row["id"],
            number=row["number"],
            customer=Customer(id=row["customer"], name=f"Customer {row['customer']}"),
            due_date=row["due"],
            currency="EUR",
            total=row["total"],
            residual=row["residual"],
        )
        for row in _open(source)["invoices"]
        if row["kind"] == "invoice" and (row["residual"] == "0.00" or owing_too)
    ]


@hookimpl
def relance_refresh_balances(source: Any, invoice_ids: list[str]) -> list[Balance]:
    flaw = source.settings.flaw
    ledger = _open(source)
    wanted = set(invoice_ids)
    balances = []
    for row in ledger["invoices"]:
        if row["id"] not in wanted and flaw != "extra_balances":
            continue
        residual = (
            _fetched.get(row["id"], row["residual"])
            if flaw == "cached_refresh"
            else row["residual"]
        )
        balances.append(Balance(invoice_id=row["id"], residual=residual, currency="EUR"))
    return balances


@hookimpl
def relance_record_history(context: Any, event: Any) -> None:
    flaw = context.settings.flaw
    if context.dry_run and flaw != "dry_run_writes":
        return
    if event.type is not EventType.SENT:
        if flaw == "history_raises":
            raise ConnectorError(f"cannot record {event.type.value} events in the ledger file")
        return
    if event.source != context.name:
        return
    ledger = _open(context)
    ledger["journal"].append(f"sent {event.level} for {', '.join(event.invoice_ids)}")
    context.settings.path.write_text(json.dumps(ledger), encoding="utf-8")
