"""Invoice PDFs from Axonaut's public links, checked to really be PDFs."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from decimal import Decimal

import pytest
import requests
import responses

from relance import (
    ConnectorAuthError,
    ConnectorError,
    ConnectorUnavailable,
    Customer,
    Invoice,
    PluginContext,
)
from relance_axonaut import relance_fetch_document

PUBLIC_PATH = (
    "https://axonaut.com/public/invoice/pdf/"
    "5f1c2a9e7b3d4c8e9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f"
)
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"


def invoice(document_url: str | None = PUBLIC_PATH, source: str = "axonaut") -> Invoice:
    return Invoice(
        source=source,
        id="4812345",
        number="F20250314/10021",
        customer=Customer(id="28100457", name="Boulangerie Martin SARL"),
        due_date="2025-04-13",
        currency="EUR",
        total=Decimal("1200.00"),
        residual=Decimal("700.00"),
        document_url=document_url,
    )


def test_the_pdf_is_downloaded_from_the_public_link_without_the_api_key(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    api.get(PUBLIC_PATH, body=PDF, content_type="application/pdf")

    document = relance_fetch_document(source=make_context(), invoice=invoice())

    assert document is not None
    assert (document.filename, document.media_type, document.content) == (
        "F20250314_10021.pdf",
        "application/pdf",
        PDF,
    )
    assert "userApiKey" not in api.calls[0].request.headers


@pytest.mark.parametrize(
    ("body", "content_type", "shown"),
    [
        (
            b"<!DOCTYPE html><html>Lien expir\xc3\xa9</html>",
            "text/html; charset=UTF-8",
            "text/html",
        ),
        (b"<html>not a pdf</html>", "application/pdf", "application/pdf"),
        (PDF, "text/plain", "text/plain"),
    ],
)
def test_anything_but_a_pdf_is_refused_without_showing_the_link(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    body: bytes,
    content_type: str,
    shown: str,
) -> None:
    api.get(PUBLIC_PATH, body=body, content_type=content_type)

    with pytest.raises(ConnectorError) as caught:
        relance_fetch_document(source=make_context(), invoice=invoice())

    assert str(caught.value) == (
        f"Axonaut did not return a PDF for invoice F20250314/10021 (got {shown}); open the "
        "invoice in Axonaut to check its public link."
    )
    assert "5f1c2a9e" not in str(caught.value)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, "<html>Unauthorized</html>"),
        (403, '{"error": {"message": "Forbidden access", "status_code": "403"}}'),
        (404, "<html>Not found</html>"),
        (410, "<html>Gone</html>"),
    ],
)
def test_a_refused_or_dead_link_names_the_invoice_and_the_status_not_the_key(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    status: int,
    body: str,
) -> None:
    api.get(PUBLIC_PATH, status=status, body=body)

    with pytest.raises(ConnectorError) as caught:
        relance_fetch_document(source=make_context(), invoice=invoice())

    assert not isinstance(caught.value, ConnectorAuthError)
    assert str(caught.value) == (
        f"Axonaut refused the PDF link of invoice F20250314/10021 (HTTP {status}): the link "
        "has expired, was disabled or no longer exists (the API key is not used for it). "
        "Open the invoice in Axonaut to check its public link."
    )
    assert "5f1c2a9e" not in str(caught.value)
    # The key was not sent, and not questioned (no GET /me).
    assert [call.request.url for call in api.calls] == [PUBLIC_PATH]
    assert "userApiKey" not in api.calls[0].request.headers


def test_no_link_means_no_document_and_no_request(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    assert relance_fetch_document(source=make_context(), invoice=invoice(None)) is None
    assert relance_fetch_document(source=make_context(), invoice=invoice(source="odoo")) is None
    assert len(api.calls) == 0


def chain_text(error: BaseException) -> str:
    """Everything ``relance --debug`` could print of ``error``: its traceback with every
    cause and context, and each exception's text, repr and arguments."""
    parts = ["".join(traceback.format_exception(error))]
    seen: BaseException | None = error
    while seen is not None:
        parts += [str(seen), repr(seen), repr(seen.args)]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


def test_a_network_failure_on_the_public_link_keeps_its_token_out_of_the_error_chain(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    # What urllib3 says when the server is gone: the full URL, token included.
    down = requests.ConnectionError(
        "HTTPSConnectionPool(host='axonaut.com', port=443): Max retries exceeded with url: "
        f"{PUBLIC_PATH.removeprefix('https://axonaut.com')} (Caused by "
        "NewConnectionError('Failed to establish a new connection: [Errno 111] Connection "
        "refused'))"
    )
    api.get(PUBLIC_PATH, body=down)

    with pytest.raises(ConnectorUnavailable) as caught:
        relance_fetch_document(source=make_context(retries=0), invoice=invoice())

    error = caught.value
    assert str(error) == (
        "Cannot reach Axonaut at https://axonaut.com/api/v2 (the PDF link of invoice "
        "F20250314/10021) after 1 attempts: ConnectionError."
    )
    assert (error.__cause__, error.__context__) == (None, None)
    shown = chain_text(error)
    assert "5f1c2a9e7b3d4c8e" not in shown
    assert "/public/invoice/pdf/" not in shown
    assert len(api.calls) == 1
