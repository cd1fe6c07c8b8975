"""The PDF of an Axonaut invoice, from its public link (``public_path``).

The API has no PDF endpoint: the invoice carries a public link instead. The link is a
bearer token of its own, so it is never shown in messages, and the API key is not sent
with it. What comes back must be a PDF by its content type and by its first bytes: an
expired link answers with an HTML page.
"""

from __future__ import annotations

import re

from relance import ConnectorError, Document, Invoice
from relance.i18n import _
from relance_axonaut.client import AxonautClient

PDF_MAGIC = b"%PDF-"
_PDF_MEDIA_TYPES = frozenset({"application/pdf", "application/x-pdf", "application/octet-stream"})
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def fetch_document(client: AxonautClient, invoice: Invoice) -> Document | None:
    """Download the invoice's PDF; ``None`` when Axonaut gives no link for it."""
    if not invoice.document_url:
        return None
    what = _("the PDF link of invoice {number}").format(number=invoice.number)
    response = client.download(invoice.document_url, label=what)
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type not in _PDF_MEDIA_TYPES or not response.content.startswith(PDF_MAGIC):
        raise ConnectorError(
            _(
                "Axonaut did not return a PDF for invoice {number} (got {media_type}); "
                "open the invoice in Axonaut to check its public link."
            ).format(number=invoice.number, media_type=media_type or _("no content type"))
        )
    filename = _UNSAFE_FILENAME.sub("_", invoice.number).strip("_") or invoice.id
    return Document(filename=f"{filename}.pdf", content=response.content)
