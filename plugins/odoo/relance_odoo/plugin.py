"""The hook implementations of the Odoo connector.

The HTTP session and the client (version, transport, field lists) are the instance's
resources for the whole run (``context.resource``): one session, one login, one
``fields_get`` per model.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from relance import (
    Balance,
    CheckResult,
    Document,
    EventType,
    HistoryEvent,
    Invoice,
    PluginContext,
    hookimpl,
)
from relance_odoo import check, document, reader, writeback
from relance_odoo.client import OdooClient
from relance_odoo.settings import OdooSettings
from relance_odoo.web import new_session

log = logging.getLogger(__name__)


def settings_of(context: PluginContext) -> OdooSettings:
    settings = context.settings
    if not isinstance(settings, OdooSettings):
        raise TypeError(f"{context.key_path} was not configured with OdooSettings")
    return settings


def client_of(context: PluginContext) -> OdooClient:
    """The instance's client, around the one session of the run."""
    settings = settings_of(context)
    session = context.resource("odoo.session", new_session)
    return context.resource("odoo.client", lambda: OdooClient.connect(settings, session))


@hookimpl
def relance_settings_model() -> type[OdooSettings]:
    return OdooSettings


@hookimpl
def relance_check_connection(context: PluginContext) -> list[CheckResult]:
    # A list, not a generator: errors must happen inside the hook call, where relance
    # names the instance they come from.
    return list(check.check_connection(client_of(context)))


@hookimpl
def relance_fetch_invoices(source: PluginContext, since: datetime | None) -> Iterator[Invoice]:
    settings = settings_of(source)
    return reader.fetch_invoices(
        client_of(source),
        source=source.name,
        since=since,
        overlap=timedelta(minutes=settings.overlap_minutes),
        page_size=settings.page_size,
    )


@hookimpl
def relance_fetch_paid_invoices(source: PluginContext, start: date, end: date) -> Iterator[Invoice]:
    """The paid customer invoices issued by ``end`` and written since ``start`` (a
    payment writes the invoice), for the reports."""
    return reader.fetch_paid_invoices(
        client_of(source),
        source=source.name,
        start=start,
        end=end,
        page_size=settings_of(source).page_size,
    )


@hookimpl
def relance_refresh_balances(source: PluginContext, invoice_ids: Sequence[str]) -> list[Balance]:
    page_size = settings_of(source).page_size
    return list(reader.refresh_balances(client_of(source), invoice_ids, page_size=page_size))


@hookimpl
def relance_fetch_document(source: PluginContext, invoice: Invoice) -> Document | None:
    if invoice.source != source.name:
        return None
    return document.fetch_document(client_of(source), invoice)


@hookimpl
def relance_record_history(context: PluginContext, event: HistoryEvent) -> None:
    """Mirror the ``sent`` events of this source; ignore everything else and dry runs."""
    if context.dry_run or not settings_of(context).write_back:
        return
    if event.type is not EventType.SENT or event.source != context.name:
        return
    written = writeback.record_sent(
        client_of(context),
        settings_of(context),
        event,
        language=context.company.language,
        today=context.today,
    )
    log.info(
        "%s: reminder %s noted on Odoo invoices %s (messages %s)",
        context.key_path,
        event.id,
        ", ".join(event.invoice_ids),
        written.message_ids,
    )
