"""The PDF of an Odoo invoice, without a browser session.

1. 17+: the official PDF Odoo stored when the invoice was sent or printed
   (``invoice_pdf_report_id``), read as an ``ir.attachment`` (base64 ``datas``).
2. Otherwise (16, or never sent): the customer portal's download link
   (``get_portal_url(report_type="pdf", download=True)``), fetched without credentials
   and without following redirects.

Whatever comes back must be a PDF by its type *and* its first bytes: a redirect to
``/web/login`` or an HTML page is never returned as the invoice. On 17+, a portal
download of an invoice with an e-invoice attached is a ZIP, which is refused the same way.
"""

from __future__ import annotations

import base64
import binascii
import re

from relance import ConnectorError, Document, Invoice
from relance.i18n import _
from relance_odoo.client import OdooClient
from relance_odoo.errors import Call
from relance_odoo.values import ref_id, text

PDF_MAGIC = b"%PDF-"
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
MOVE = "account.move"
ATTACHMENT = "ir.attachment"
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def fetch_document(client: OdooClient, invoice: Invoice) -> Document | None:
    """The invoice's PDF: the stored official one, else the portal's."""
    if not invoice.id.isdigit():
        return None
    move_id = int(invoice.id)
    content = _stored_pdf(client, move_id, invoice.number)
    if content is None:
        content = _portal_pdf(client, move_id, invoice.number)
    filename = _UNSAFE_FILENAME.sub("_", invoice.number).strip("_") or invoice.id
    return Document(filename=f"{filename}.pdf", content=content)


def _stored_pdf(client: OdooClient, move_id: int, number: str) -> bytes | None:
    if not client.catalog.has(MOVE, "invoice_pdf_report_id"):
        return None
    rows = client.call(MOVE, "read", ids=[move_id], fields=["invoice_pdf_report_id"])
    attachment = ref_id(rows[0].get("invoice_pdf_report_id")) if rows else None
    if attachment is None:
        return None
    (file,) = client.call(
        ATTACHMENT, "read", ids=[attachment], fields=["name", "mimetype", "datas"]
    )
    try:
        content = base64.b64decode(file.get("datas") or "", validate=True)
    except (binascii.Error, ValueError):
        content = b""
    _require_pdf(text(file.get("mimetype")) or "", content, number)
    return content


def _portal_pdf(client: OdooClient, move_id: int, number: str) -> bytes:
    path = client.call(
        MOVE, "get_portal_url", ids=[move_id], write=True, report_type="pdf", download=True
    )
    if not isinstance(path, str) or not path.startswith("/"):
        raise ConnectorError(
            _("Odoo gave no portal link for invoice {number}.").format(number=number)
        )
    # The link carries its own access token: it is neither logged nor shown.
    response = client.web.get(path, call=Call(MOVE, "portal PDF"))
    if response.is_redirect or response.status_code != 200:
        raise ConnectorError(
            _(
                "Odoo's portal did not deliver the PDF of invoice {number} (HTTP {status}); "
                "check that the customer portal is enabled."
            ).format(number=number, status=response.status_code)
        )
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    _require_pdf(media_type, response.content, number)
    return response.content


def _require_pdf(media_type: str, content: bytes, number: str) -> None:
    if media_type not in PDF_TYPES or not content.startswith(PDF_MAGIC):
        raise ConnectorError(
            _(
                "Odoo did not return a PDF for invoice {number} (got {media_type}); open the "
                "invoice in Odoo and print or send it once."
            ).format(number=number, media_type=media_type or _("no content type"))
        )
