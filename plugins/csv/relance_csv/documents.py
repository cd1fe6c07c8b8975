"""Invoice PDFs from a folder: ``<invoice number>.pdf``, checked to be real PDFs."""

from __future__ import annotations

import re
from pathlib import Path

from relance import ConnectorError, Document, Invoice
from relance.i18n import _

PDF_MAGIC = b"%PDF-"
_UNSAFE = re.compile(r'[/\\:*?"<>|]')


def file_name(number: str) -> str:
    """``F2025/014`` -> ``F2025-014.pdf``: characters no file name may hold become ``-``."""
    return _UNSAFE.sub("-", number) + ".pdf"


def fetch_document(folder: Path, invoice: Invoice) -> Document | None:
    """The invoice's PDF from ``folder``; ``None`` when there is none."""
    path = folder / file_name(invoice.number)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConnectorError(
            _("{path} cannot be read: {error}").format(path=path, error=exc.strerror)
        ) from exc
    if not content.startswith(PDF_MAGIC):
        raise ConnectorError(_("{path} is not a PDF file").format(path=path))
    return Document(filename=path.name, content=content)
