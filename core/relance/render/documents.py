"""The invoices' own PDFs, fetched from their sources to attach them to an email."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relance.model import Document, DocumentKind

if TYPE_CHECKING:
    from relance.engine.planner import Reminder
    from relance.plugins import PluginHost

__all__ = ["invoice_documents"]

HOOK = "relance_fetch_document"


def invoice_documents(host: PluginHost, reminder: Reminder) -> tuple[Document, ...]:
    """The PDF of each invoice of ``reminder`` whose source provides one.

    Sources without ``relance_fetch_document`` are skipped; a source that fails raises
    (the run sends nothing rather than a reminder missing its invoice).
    """
    sources = {ctx.name: ctx for ctx in host.sources}
    found: list[Document] = []
    for item in reminder.items:
        if item.invoice.kind is not DocumentKind.INVOICE:
            continue
        ctx = sources.get(item.invoice.source)
        if ctx is None or not host.registry.implements(ctx.plugin, HOOK):
            continue
        document = host.fetch_document(ctx, item.invoice)
        if document is not None:
            found.append(document)
    return tuple(found)
