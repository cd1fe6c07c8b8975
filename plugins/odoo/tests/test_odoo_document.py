"""The invoice PDF, in reference §4's order: the stored official PDF (17+), the invoice's
PDF among its attachments, the portal link on 16 only; on 17+ never the portal's
pro-forma, no document instead. Never a login page."""

from __future__ import annotations

import base64
import traceback
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import requests
import responses

from relance import ConnectorError, ConnectorUnavailable, Customer, Invoice, PluginContext
from relance_odoo import relance_fetch_document

from .conftest import URL, FakeOdoo, serve

PDF = b"%PDF-1.7\n% invoice INV/2025/00087\n%%EOF\n"
PRO_FORMA = b"%PDF-1.7\n% PRO-FORMA INV/2025/00087\n%%EOF\n"
PORTAL = "/my/invoices/412?access_token=0b6f2c1e-8d0a-4c53-9a4e-2d7f3b1c9e55&report_type=pdf&download=true"
INVOICE = Invoice(
    source="odoo",
    id="412",
    number="INV/2025/00087",
    customer=Customer(id="45", name="Deco Addict"),
    due_date=date(2025, 2, 9),
    currency="EUR",
    total=Decimal(1200),
    residual=Decimal(1200),
)
ATTACHMENT_SEARCH = {
    "domain": [
        ["res_model", "=", "account.move"],
        ["res_id", "=", 412],
        ["res_field", "in", [False, "invoice_pdf_report_file"]],
        ["mimetype", "=", "application/pdf"],
        ["name", "=", "INV_2025_00087.pdf"],
    ],
    "fields": ["name", "mimetype", "datas"],
    "order": "id desc",
    "limit": 1,
}


def attachment(attachment_id: int, res_field: str | bool, content: bytes = PDF) -> dict[str, Any]:
    """An ``ir.attachment`` of invoice 412 (reference §4 method A/B)."""
    return {
        "id": attachment_id,
        "name": "INV_2025_00087.pdf",
        "mimetype": "application/pdf",
        "file_size": len(content),
        "res_model": "account.move",
        "res_id": 412,
        "res_field": res_field,
        "datas": base64.b64encode(content).decode(),
    }


def serve_portal(odoo: FakeOdoo) -> None:
    odoo.on("account.move", "get_portal_url", PORTAL)


def never_sent(odoo: FakeOdoo) -> None:
    """17+: no official PDF yet (``invoice_pdf_report_id`` is false before Send & Print)."""
    odoo.on("account.move", "read", serve([{"id": 412, "invoice_pdf_report_id": False}]))


@pytest.mark.parametrize("version", [17, 18, 19])
def test_the_official_pdf_stored_by_odoo_is_used(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    odoo = odoo_factory(version)
    odoo.on(
        "account.move",
        "read",
        serve([{"id": 412, "invoice_pdf_report_id": [981, "INV_2025_00087.pdf"]}]),
    )
    odoo.on("ir.attachment", "read", serve([attachment(981, "invoice_pdf_report_file")]))

    document = relance_fetch_document(source=make_context(), invoice=INVOICE)

    assert document is not None
    assert (document.filename, document.media_type, document.content) == (
        "INV_2025_00087.pdf",
        "application/pdf",
        PDF,
    )
    move, attachment_read = odoo.model_calls("account.move", "read") + odoo.model_calls(
        "ir.attachment", "read"
    )
    assert (move.ids, move.params) == ([412], {"fields": ["invoice_pdf_report_id"]})
    assert (attachment_read.ids, attachment_read.params) == (
        [981],
        {"fields": ["name", "mimetype", "datas"]},
    )
    assert odoo.model_calls("ir.attachment", "search_read") == []
    assert odoo.model_calls("account.move", "get_portal_url") == []


def test_on_16_the_pdf_odoo_stored_at_the_first_print_is_used(
    mock: responses.RequestsMock,
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
) -> None:
    odoo = odoo_factory(16)
    odoo.on("ir.attachment", "search_read", serve([attachment(981, False)]))

    document = relance_fetch_document(source=make_context(), invoice=INVOICE)

    assert document is not None
    assert (document.filename, document.content) == ("INV_2025_00087.pdf", PDF)
    (search,) = odoo.model_calls("ir.attachment", "search_read")
    assert search.params == ATTACHMENT_SEARCH
    assert odoo.model_calls("account.move", "read") == []  # 16 has no invoice_pdf_report_id
    assert odoo.model_calls("account.move", "get_portal_url") == []
    assert [call.request.method for call in mock.calls].count("GET") == 0


@pytest.mark.parametrize("version", [17, 18, 19])
def test_on_17_and_later_a_pdf_stored_before_the_upgrade_is_used(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    odoo = odoo_factory(version)
    never_sent(odoo)
    odoo.on("ir.attachment", "search_read", serve([attachment(977, False)]))

    document = relance_fetch_document(source=make_context(), invoice=INVOICE)

    assert document is not None
    assert document.content == PDF
    assert odoo.names()[-2:] == ["account.move.read", "ir.attachment.search_read"]
    (search,) = odoo.model_calls("ir.attachment", "search_read")
    assert search.params == ATTACHMENT_SEARCH
    assert odoo.model_calls("account.move", "get_portal_url") == []


@pytest.mark.parametrize("version", [17, 18, 19])
def test_on_17_and_later_an_invoice_never_sent_has_no_document_never_the_pro_forma(
    mock: responses.RequestsMock,
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    version: int,
) -> None:
    odoo = odoo_factory(version)
    never_sent(odoo)
    odoo.on("ir.attachment", "search_read", [])
    serve_portal(odoo)
    # What the portal would deliver (reference §4, method C): a PDF marked PRO-FORMA.
    mock.get(f"{URL}{PORTAL}", body=PRO_FORMA, content_type="application/pdf")

    document = relance_fetch_document(source=make_context(), invoice=INVOICE)

    assert document is None
    assert odoo.names()[-2:] == ["account.move.read", "ir.attachment.search_read"]
    (search,) = odoo.model_calls("ir.attachment", "search_read")
    assert search.params == ATTACHMENT_SEARCH
    assert odoo.model_calls("account.move", "get_portal_url") == []
    assert [call.request.method for call in mock.calls].count("GET") == 0


def test_on_16_without_a_stored_pdf_the_portal_link_is_downloaded_without_credentials(
    mock: responses.RequestsMock,
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
) -> None:
    odoo = odoo_factory(16)
    odoo.on("ir.attachment", "search_read", [])
    serve_portal(odoo)
    mock.get(f"{URL}{PORTAL}", body=PDF, content_type="application/pdf")

    document = relance_fetch_document(source=make_context(), invoice=INVOICE)

    assert document is not None
    assert document.content == PDF
    assert odoo.names()[-2:] == ["ir.attachment.search_read", "account.move.get_portal_url"]
    (portal,) = odoo.model_calls("account.move", "get_portal_url")
    assert (portal.ids, portal.params) == ([412], {"report_type": "pdf", "download": True})
    download = mock.calls[-1].request
    assert download.method == "GET"
    assert download.url == f"{URL}{PORTAL}"
    assert "Authorization" not in download.headers
    assert "X-Odoo-Database" not in download.headers


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (
            {
                "status": 303,
                "headers": {"Location": f"{URL}/web/login?redirect=%2Fmy%2Finvoices%2F412"},
                "body": "",
            },
            "Odoo's portal did not deliver the PDF of invoice INV/2025/00087 (HTTP 303); check that the customer portal is enabled.",
        ),
        (
            {
                "status": 200,
                "content_type": "text/html",
                "body": "<html><form action='/web/login'></form></html>",
            },
            "Odoo did not return a PDF for invoice INV/2025/00087 (got text/html); open the invoice in Odoo and print or send it once.",
        ),
        (
            {"status": 200, "content_type": "application/pdf", "body": "<html>login</html>"},
            "Odoo did not return a PDF for invoice INV/2025/00087 (got application/pdf); open the invoice in Odoo and print or send it once.",
        ),
        (
            {"status": 200, "content_type": "application/zip", "body": b"PK\x03\x04zip"},
            "Odoo did not return a PDF for invoice INV/2025/00087 (got application/zip); open the invoice in Odoo and print or send it once.",
        ),
    ],
)
def test_a_login_page_or_anything_but_a_pdf_is_refused(
    mock: responses.RequestsMock,
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    answer: dict[str, object],
    shown: str,
) -> None:
    odoo = odoo_factory(16)
    odoo.on("ir.attachment", "search_read", [])
    serve_portal(odoo)
    mock.add(responses.GET, f"{URL}{PORTAL}", **answer)  # type: ignore[arg-type]
    mock.get(f"{URL}/web/login", body="<html>login</html>", content_type="text/html")

    with pytest.raises(ConnectorError) as raised:
        relance_fetch_document(source=make_context(), invoice=INVOICE)

    assert str(raised.value) == shown
    assert "access_token" not in str(raised.value)
    assert [call.request.url for call in mock.calls if call.request.method == "GET"] == [
        f"{URL}{PORTAL}"
    ]


def test_a_stored_attachment_that_is_not_a_pdf_is_refused(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(17)
    odoo.on(
        "account.move",
        "read",
        serve([{"id": 412, "invoice_pdf_report_id": [981, "INV_2025_00087.pdf"]}]),
    )
    odoo.on("ir.attachment", "read", serve([attachment(981, "invoice_pdf_report_file", b"<html>")]))

    with pytest.raises(ConnectorError, match="did not return a PDF for invoice INV/2025/00087"):
        relance_fetch_document(source=make_context(), invoice=INVOICE)


def test_an_invoice_of_another_source_is_not_asked_for(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(17)

    assert (
        relance_fetch_document(
            source=make_context(), invoice=INVOICE.model_copy(update={"source": "csv"})
        )
        is None
    )
    assert odoo.sent == []


def chain_text(error: BaseException) -> str:
    """Everything ``relance --debug`` could print of ``error``: its traceback with every
    cause and context, and each exception's text, repr and arguments."""
    parts = ["".join(traceback.format_exception(error))]
    seen: BaseException | None = error
    while seen is not None:
        parts += [str(seen), repr(seen), repr(seen.args)]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


def test_a_network_failure_on_the_portal_link_keeps_its_token_out_of_the_error_chain(
    mock: responses.RequestsMock,
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
) -> None:
    odoo = odoo_factory(16)
    odoo.on("ir.attachment", "search_read", [])
    serve_portal(odoo)
    # What urllib3 says when the server is gone: the full URL, token included.
    down = requests.ConnectionError(
        "HTTPSConnectionPool(host='acme.odoo.com', port=443): Max retries exceeded with "
        f"url: {PORTAL} (Caused by NewConnectionError('Failed to establish a new "
        "connection: [Errno 111] Connection refused'))"
    )
    mock.get(f"{URL}{PORTAL}", body=down)

    with pytest.raises(ConnectorUnavailable) as raised:
        relance_fetch_document(source=make_context(retries=0), invoice=INVOICE)

    error = raised.value
    assert str(error) == (
        f"Cannot reach Odoo at {URL} (account.move.portal PDF) after 1 attempts: ConnectionError."
    )
    assert (error.__cause__, error.__context__) == (None, None)
    shown = chain_text(error)
    assert "0b6f2c1e-8d0a-4c53-9a4e-2d7f3b1c9e55" not in shown
    assert "access_token" not in shown
    assert [call.request.url for call in mock.calls if call.request.method == "GET"] == [
        f"{URL}{PORTAL}"
    ]


@pytest.mark.parametrize(
    ("move_read", "attachment_read", "call"),
    [
        ([], None, "account.move.read"),
        ({"id": 412, "invoice_pdf_report_id": False}, None, "account.move.read"),
        ([{"id": 413, "invoice_pdf_report_id": False}], None, "account.move.read"),
        (
            [{"id": 412, "invoice_pdf_report_id": [981, "INV_2025_00087.pdf"]}],
            [],
            "ir.attachment.read",
        ),
        (
            [{"id": 412, "invoice_pdf_report_id": [981, "INV_2025_00087.pdf"]}],
            ["INV_2025_00087.pdf"],
            "ir.attachment.read",
        ),
        (
            [{"id": 412, "invoice_pdf_report_id": [981, "INV_2025_00087.pdf"]}],
            [attachment(981, "invoice_pdf_report_file"), attachment(982, False)],
            "ir.attachment.read",
        ),
    ],
)
def test_a_malformed_read_is_an_unexpected_answer_not_a_crash(
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    move_read: Any,
    attachment_read: Any,
    call: str,
) -> None:
    odoo = odoo_factory(17)
    odoo.on("account.move", "read", move_read)
    if attachment_read is not None:
        odoo.on("ir.attachment", "read", attachment_read)

    with pytest.raises(ConnectorError) as raised:
        relance_fetch_document(source=make_context(), invoice=INVOICE)

    assert str(raised.value) == (
        f"Odoo at {URL} answered {call} with unexpected data: expected the record asked for."
    )
    assert odoo.names()[-1] == call
    assert odoo.model_calls("ir.attachment", "search_read") == []
