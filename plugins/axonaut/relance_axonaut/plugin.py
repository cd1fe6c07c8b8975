"""The hook implementations of the Axonaut connector.

Each hook gets the instance's context; the HTTP session, the client and the customer
directory are the instance's resources for the whole run (``context.resource``), so a
run opens one session and reads each company once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime

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
from relance_axonaut import check, document, reader, writeback
from relance_axonaut.client import AxonautClient, new_session
from relance_axonaut.customers import CustomerDirectory
from relance_axonaut.settings import AxonautSettings

log = logging.getLogger(__name__)


def settings_of(context: PluginContext) -> AxonautSettings:
    settings = context.settings
    if not isinstance(settings, AxonautSettings):
        raise TypeError(f"{context.key_path} was not configured with AxonautSettings")
    return settings


def client_of(context: PluginContext) -> AxonautClient:
    """The instance's client, around the one session of the run."""
    settings = settings_of(context)
    session = context.resource("axonaut.session", lambda: new_session(settings))
    return context.resource(
        "axonaut.client", lambda: AxonautClient.from_settings(settings, session)
    )


def customers_of(context: PluginContext) -> CustomerDirectory:
    client = client_of(context)
    return context.resource("axonaut.customers", lambda: CustomerDirectory(client))


@hookimpl
def relance_settings_model() -> type[AxonautSettings]:
    return AxonautSettings


@hookimpl
def relance_check_connection(context: PluginContext) -> list[CheckResult]:
    # A list, not a generator: errors must happen inside the hook call, where relance
    # names the instance they come from.
    return list(
        check.check_connection(client_of(context), context.timezone, context.company.currency)
    )


@hookimpl
def relance_fetch_invoices(source: PluginContext, since: datetime | None) -> Iterator[Invoice]:
    return reader.fetch_invoices(
        client_of(source),
        customers_of(source),
        source=source.name,
        since=since,
        timezone=source.timezone,
        default_currency=source.company.currency,
    )


@hookimpl
def relance_fetch_paid_invoices(source: PluginContext, start: date, end: date) -> Iterator[Invoice]:
    """The invoices paid from ``start`` to ``end``, with their payment day, for the reports."""
    return reader.fetch_paid_invoices(
        client_of(source),
        customers_of(source),
        source=source.name,
        start=start,
        end=end,
        timezone=source.timezone,
        default_currency=source.company.currency,
    )


@hookimpl
def relance_refresh_balances(
    source: PluginContext, invoice_ids: Sequence[str]
) -> Iterator[Balance]:
    return reader.refresh_balances(
        client_of(source),
        invoice_ids,
        per_invoice_max=settings_of(source).refresh_per_invoice_max,
        timezone=source.timezone,
        default_currency=source.company.currency,
    )


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
    created = writeback.record_sent(
        client_of(context),
        settings_of(context),
        event,
        language=context.company.language,
        timezone=context.timezone,
        today=context.today,
    )
    log.info(
        "%s: reminder %s recorded in Axonaut as %s", context.key_path, event.id, created.get("id")
    )
