"""The hook implementations of the CSV connector.

Each hook reads the instance's settings from its context and hands over to one module:
:mod:`.reader` (invoices and balances), :mod:`.check`, :mod:`.documents` and
:mod:`.journal`. Nothing is cached between hooks: the freshness re-check before sending
reads the file again, as it is on disk at that moment.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime

from relance import Balance, CheckResult, Document, HistoryEvent, Invoice, PluginContext, hookimpl
from relance_csv import check, documents, journal, reader
from relance_csv.settings import CsvSettings


def settings_of(context: PluginContext) -> CsvSettings:
    settings = context.settings
    if not isinstance(settings, CsvSettings):
        raise TypeError(f"{context.key_path} was not configured with CsvSettings")
    return settings


def source_of(context: PluginContext) -> reader.Source:
    return reader.Source(
        name=context.name, key_path=context.key_path, currency=context.company.currency
    )


@hookimpl
def relance_settings_model() -> type[CsvSettings]:
    return CsvSettings


@hookimpl
def relance_check_connection(context: PluginContext) -> list[CheckResult]:
    # A list, not a generator: errors must happen inside the hook call, where relance
    # names the instance they come from.
    return list(check.check_connection(settings_of(context), source_of(context)))


@hookimpl
def relance_fetch_invoices(source: PluginContext, since: datetime | None) -> Iterator[Invoice]:
    """Every open item of the file; ``since`` is ignored (a file has no change dates)."""
    return reader.fetch_invoices(settings_of(source), source_of(source))


@hookimpl
def relance_fetch_paid_invoices(source: PluginContext, start: date, end: date) -> list[Invoice]:
    """The rows at zero: paid invoices, with their payment date if the file has one."""
    return list(reader.fetch_paid_invoices(settings_of(source), source_of(source), start, end))


@hookimpl
def relance_refresh_balances(
    source: PluginContext, invoice_ids: Sequence[str]
) -> Iterator[Balance]:
    """Read the file again, these invoices' rows only: an id that is no longer in it, or
    is at zero, is paid."""
    return reader.fetch_balances(settings_of(source), source_of(source), invoice_ids)


@hookimpl
def relance_fetch_document(source: PluginContext, invoice: Invoice) -> Document | None:
    folder = settings_of(source).documents
    if folder is None or invoice.source != source.name:
        return None
    return documents.fetch_document(folder, invoice)


@hookimpl
def relance_record_history(context: PluginContext, event: HistoryEvent) -> None:
    """Append the events of this source (and those of no source) to the journal."""
    path = settings_of(context).journal
    if path is None or context.dry_run or event.source not in (None, context.name):
        return
    journal.append(path, event, context.timezone)
