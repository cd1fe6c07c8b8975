"""The invoices' own PDFs, fetched from their sources to attach them to an email."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from relance.model import Document, DocumentKind

if TYPE_CHECKING:
    from relance.engine.planner import Reminder
    from relance.plugins import PluginHost

__all__ = ["InvoiceCopies", "encoded_size", "invoice_documents"]

HOOK = "relance_fetch_document"


@dataclass(frozen=True)
class InvoiceCopies:
    """The invoices' PDFs to attach to a reminder's email."""

    documents: tuple[Document, ...] = ()
    held_back: bool = False
    """Some were left out: attaching them would have made the email too large."""
    limit: int | None = None
    """The room they were gathered within, in bytes as encoded (``None``: no limit)."""

    def beside(self, other: Document) -> InvoiceCopies:
        """These copies within the room that ``other`` (the letter PDF an email carries
        too) leaves: the last ones are left out until it fits."""
        if self.limit is None:
            return self
        room = self.limit - encoded_size(other)
        for kept, document in enumerate(self.documents):
            room -= encoded_size(document)
            if room < 0:
                return InvoiceCopies(self.documents[:kept], held_back=True, limit=self.limit)
        return self


def encoded_size(document: Document) -> int:
    """The bytes ``document`` takes in an email: base64, 76 characters and a line break
    a line."""
    characters = (len(document.content) + 2) // 3 * 4
    return characters + (characters + 75) // 76 * 2


def invoice_documents(
    host: PluginHost, reminder: Reminder, *, limit: int | None = None
) -> InvoiceCopies:
    """The PDF of each invoice of ``reminder`` whose source provides one, in the
    reminder's order (the oldest due first), while their size in the email stays within
    ``limit`` bytes (no limit: ``None``).

    Mail servers refuse an email over their size limit (10 MB is common), and a refused
    reminder does not go at all: the first copy that passes the limit is left out, and
    those after it are not even fetched (``held_back``; the wording then offers them on
    request). ``held_back`` is only set for a copy the source did provide; a limit of 0
    fetches, attaches and offers none. Sources without
    ``relance_fetch_document`` are skipped; a source that fails raises (the run sends
    nothing rather than a reminder missing its invoice).
    """
    if limit == 0:
        # Copies turned off: none is fetched (a download each, for nothing, and a source
        # that fails would stop the run), and none is offered (whether the source has
        # one is not known without fetching it).
        return InvoiceCopies(limit=0)
    sources = {ctx.name: ctx for ctx in host.sources}
    found: list[Document] = []
    room = limit
    for item in reminder.items:
        if item.invoice.kind is not DocumentKind.INVOICE:
            continue
        ctx = sources.get(item.invoice.source)
        if ctx is None or not host.registry.implements(ctx.plugin, HOOK):
            continue
        document = host.fetch_document(ctx, item.invoice)
        if document is None:
            continue
        if room is not None:
            room -= encoded_size(document)
            if room < 0:
                return InvoiceCopies(tuple(found), held_back=True, limit=limit)
        found.append(document)
    return InvoiceCopies(tuple(found), limit=limit)
