"""relance's hooks for Facturo."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from relance import (
    Balance,
    Customer,
    EventType,
    HistoryEvent,
    Invoice,
    PluginContext,
    hookimpl,
)
from relance_facturo.client import FacturoClient, NotFound
from relance_facturo.documents import to_balance, to_invoice
from relance_facturo.settings import FacturoSettings


def settings_of(context: PluginContext) -> FacturoSettings:
    settings = context.settings
    if not isinstance(settings, FacturoSettings):
        raise TypeError(f"{context.key_path} was not configured with FacturoSettings")
    return settings


def client_of(context: PluginContext) -> FacturoClient:
    """One client (one HTTP session) per instance and run, closed when the run ends."""
    return context.resource("facturo.client", lambda: FacturoClient(settings_of(context)))


@hookimpl
def relance_settings_model() -> type[FacturoSettings]:
    return FacturoSettings


@hookimpl
def relance_fetch_invoices(source: PluginContext, since: datetime | None) -> Iterator[Invoice]:
    client = client_of(source)
    limit = settings_of(source).page_size
    customers: dict[str, Customer] = {}
    offset = 0
    while True:
        params = {"state": "unpaid", "offset": str(offset), "limit": str(limit)}
        page = client.send("GET", "/documents", params=params)
        for doc in page["items"]:
            yield to_invoice(doc, source.name, customers)
        if not page["has_more"]:
            return
        offset += limit


@hookimpl
def relance_refresh_balances(
    source: PluginContext, invoice_ids: Sequence[str]
) -> Iterator[Balance]:
    client = client_of(source)
    for uid in invoice_ids:
        try:
            doc = client.send("GET", f"/documents/{uid}")
        except NotFound:
            continue  # deleted or cancelled: left out, so not reminded
        yield to_balance(doc)


@hookimpl
def relance_record_history(context: PluginContext, event: HistoryEvent) -> None:
    if context.dry_run or event.type is not EventType.SENT or event.source != context.name:
        return
    channel = event.channel.value if event.channel else "?"
    body = f"relance: reminder '{event.level}' sent by {channel} to {event.recipient or '?'}."
    for uid in event.invoice_ids:
        client_of(context).send("POST", f"/documents/{uid}/comments", json={"body": body})
