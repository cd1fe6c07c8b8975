"""The PDF of an Odoo invoice, without a browser session (reference §4).

Tried in this order:

A. 17+: the official PDF Odoo stored when the invoice was sent or printed
   (``invoice_pdf_report_id``), read as an ``ir.attachment`` (base64 ``datas``).
B. 16-19: the invoice's PDF attached to it, found by ``ir.attachment`` ``search_read``:
   on 16 Odoo stores the PDF, named after the invoice (``INV_2025_00087.pdf``), the first
   time a posted invoice is printed or sent; on 17+ that finds a PDF stored before an
   upgrade from 16. The domain names ``res_field`` (Odoo adds ``res_field = False`` to
   any search that does not, which would hide the official PDF) and the file name (any
   other PDF in the chatter, a purchase order, is not the invoice).
C. 16 only: the customer portal's download link (``get_portal_url(report_type="pdf",
   download=True)``), fetched without credentials and without following redirects;
   16 renders the invoice itself.

On 17+ the portal delivers a PDF marked PRO-FORMA for an invoice never sent: it is
never fetched, and an invoice without an official PDF has no document (``None``: the
reminder goes out without its copy).

Whatever comes back must be a PDF by its type *and* its first bytes: a redirect to
``/web/login`` or an HTML page is never returned as the invoice.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re

from relance import ConnectorError, Document, Invoice
from relance.i18n import _
from relance_odoo.client import OdooClient, Row
from relance_odoo.errors import Call, unexpected
from relance_odoo.values import ref_id, text

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
MOVE = "account.move"
ATTACHMENT = "ir.attachment"
OFFICIAL_FIELD = "invoice_pdf_report_file"
PRO_FORMA_PORTAL_SINCE = 17
"""From this version the portal's download of an invoice never sent is a pro-forma."""
ATTACHMENT_FIELDS = ["name", "mimetype", "datas"]
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def fetch_document(client: OdooClient, invoice: Invoice) -> Document | None:
    """The invoice's official PDF, or ``None`` when Odoo holds none."""
    if not invoice.id.isdigit():
        return None
    move_id = int(invoice.id)
    content = _official_pdf(client, move_id, invoice.number)
    if content is None:
        content = _attached_pdf(client, move_id, invoice.number)
    if content is None and client.version.major < PRO_FORMA_PORTAL_SINCE:
        content = _portal_pdf(client, move_id, invoice.number)
    if content is None:
        log.info(
            "Odoo invoice %s has no official PDF yet (never sent or printed from Odoo); "
            "none is attached",
            invoice.number,
        )
        return None
    filename = _UNSAFE_FILENAME.sub("_", invoice.number).strip("_") or invoice.id
    return Document(filename=f"{filename}.pdf", content=content)


def stored_name(number: str) -> str:
    """The name Odoo gives the invoice's stored PDF: ``INV/2025/00087`` → ``INV_2025_00087.pdf``."""
    return f"{number.replace('/', '_')}.pdf"


def _official_pdf(client: OdooClient, move_id: int, number: str) -> bytes | None:
    """Method A (17+): the attachment ``invoice_pdf_report_id`` names."""
    if not client.catalog.has(MOVE, "invoice_pdf_report_id"):
        return None
    move = read_one(client, MOVE, move_id, ["invoice_pdf_report_id"])
    attachment = ref_id(move.get("invoice_pdf_report_id"))
    if attachment is None:
        return None
    return _decoded(read_one(client, ATTACHMENT, attachment, ATTACHMENT_FIELDS), number)


def read_one(client: OdooClient, model: str, record_id: int, fields: list[str]) -> Row:
    """``read`` of one record, which Odoo answers with a list holding that record (a
    record that is gone is an error, ``MissingError``): anything else is an unexpected
    answer, not a crash."""
    rows = client.call(model, "read", ids=[record_id], fields=fields)
    if (
        not isinstance(rows, list)
        or len(rows) != 1
        or not isinstance(rows[0], dict)
        or rows[0].get("id") != record_id
    ):
        raise unexpected(client.target, Call(model, "read"), _("the record asked for"))
    return rows[0]


def _attached_pdf(client: OdooClient, move_id: int, number: str) -> bytes | None:
    """Method B: the invoice's PDF among its attachments, the latest stored first."""
    domain = [
        ["res_model", "=", MOVE],
        ["res_id", "=", move_id],
        ["res_field", "in", [False, OFFICIAL_FIELD]],
        ["mimetype", "=", "application/pdf"],
        ["name", "=", stored_name(number)],
    ]
    rows = client.search_read(ATTACHMENT, domain, ATTACHMENT_FIELDS, order="id desc", limit=1)
    return _decoded(rows[0], number) if rows else None


def _decoded(file: Row, number: str) -> bytes:
    try:
        content = base64.b64decode(file.get("datas") or "", validate=True)
    except (binascii.Error, ValueError):
        content = b""
    _require_pdf(text(file.get("mimetype")) or "", content, number)
    return content


def _portal_pdf(client: OdooClient, move_id: int, number: str) -> bytes:
    """Method C (16 only): the customer portal's download, which 16 renders as the invoice."""
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
