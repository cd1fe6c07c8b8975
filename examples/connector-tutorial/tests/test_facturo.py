"""What the Facturo connector asks, and what it makes of the answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from relance import Balance, ConnectorError, DocumentKind, EventType
from relance.testing import ConnectorHarness
from relance.testing.ledgers import events_for

from .conftest import KEY, URL, VARIABLE, FakeFacturo


@pytest.fixture
def harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ConnectorHarness:
    monkeypatch.setenv(VARIABLE, KEY)
    return ConnectorHarness.configure(
        plugin="facturo",
        instance="facturo",
        table={"url": URL, "page_size": 2},
        folder=tmp_path,
        today=date(2026, 3, 16),
    )


def test_unpaid_documents_are_read_by_pages_with_the_key(
    facturo: FakeFacturo, harness: ConnectorHarness
) -> None:
    with harness.run() as run:
        first, second, credit = run.fetch()

    assert [(c.request.method, c.request.url) for c in facturo.mock.calls] == [
        ("GET", f"{URL}/documents?state=unpaid&offset=0&limit=2"),
        ("GET", f"{URL}/documents?state=unpaid&offset=2&limit=2"),
    ]
    assert {c.request.headers["X-Api-Key"] for c in facturo.mock.calls} == {KEY}
    assert (first.id, first.number, first.total, first.residual) == (
        "doc_1",
        "FA-2026-0001",
        Decimal("1200.00"),
        Decimal("700.00"),
    )
    assert first.due_date == date(2026, 2, 4)
    assert first.customer is second.customer
    assert first.customer.billing_contact is not None
    assert first.customer.billing_contact.emails == ("compta@martin.fr",)
    assert (credit.kind, credit.residual) == (DocumentKind.CREDIT_NOTE, Decimal("100.00"))


def test_balances_are_read_again_and_a_deleted_document_is_left_out(
    facturo: FakeFacturo, harness: ConnectorHarness
) -> None:
    del facturo.documents["doc_2"]
    with harness.run() as run:
        balances = run.refresh(["doc_1", "doc_2"])

    assert [c.request.url for c in facturo.mock.calls] == [
        f"{URL}/documents/doc_1",
        f"{URL}/documents/doc_2",
    ]
    assert balances == [Balance(invoice_id="doc_1", residual=Decimal("700.00"), currency="EUR")]


def test_a_sent_reminder_is_commented_on_the_invoice(
    facturo: FakeFacturo, harness: ConnectorHarness
) -> None:
    with harness.run() as run:
        invoice = run.fetch()[0]
        sent = next(e for e in events_for(invoice) if e.type is EventType.SENT)
        assert run.record(sent) == []

    (comment,) = [c.request for c in facturo.mock.calls if c.request.method == "POST"]
    assert comment.url == f"{URL}/documents/doc_1/comments"
    assert comment.body == (
        b'{"body": "relance: reminder \'first\' sent by email to compta@martin.fr."}'
    )


def test_a_bad_amount_names_the_document(facturo: FakeFacturo, harness: ConnectorHarness) -> None:
    facturo.documents["doc_1"]["total_cents"] = "1200.00"
    with harness.run() as run, pytest.raises(ConnectorError) as caught:
        run.fetch()
    assert str(caught.value) == (
        "[facturo] Facturo document FA-2026-0001: '1200.00' is not an amount in cents"
    )
