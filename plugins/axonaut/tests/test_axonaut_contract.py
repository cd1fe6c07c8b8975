"""The Axonaut connector passes relance's connector contract, against a stateful fake API.

The fake serves the reference fixtures of ``data/`` (``reference/axonaut-api.md`` §9)
from its own state, so that a payment (``mark_paid``) changes what every later request
answers, as it does on Axonaut.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from requests import PreparedRequest

from relance.testing import ConnectorContract, ConnectorSetup, ResponsesFake
from relance.testing.ledgers import SAMPLE_DAY

from .conftest import API_KEY, BASE, KEY_VARIABLE, load

Answer = tuple[int, dict[str, str], str]


def _json(status: int, body: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(body)


class FakeAxonaut(ResponsesFake):
    """Axonaut's API v2 for the invoices of ``invoices_page_1`` and their two companies."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        super().__init__(mock)
        self.invoices = {str(row["id"]): row for row in load("invoices_page_1")}
        self.companies = {
            str(company["id"]): company
            for company in (load("company_28100457"), load("company_6801122"))
        }
        self._serve()

    def _serve(self) -> None:
        routes: list[tuple[str, str, Callable[[PreparedRequest], Answer]]] = [
            (responses.GET, rf"{BASE}/invoices(\?.*)?", self._list),
            (responses.GET, rf"{BASE}/invoices/(\d+)", self._invoice),
            (responses.GET, rf"{BASE}/companies/(\d+)", self._company),
            (responses.POST, rf"{BASE}/events", lambda _: _json(200, load("event_response"))),
            (responses.POST, rf"{BASE}/tasks", lambda _: _json(200, {"id": 5512})),
        ]
        for method, pattern, answer in routes:
            self.mock.add_callback(method, re.compile(pattern + "$"), callback=answer)

    def _list(self, request: PreparedRequest) -> Answer:
        """The open invoices (``is_paid=false``), or the paid ones issued before
        ``date_before`` (``is_paid=true``), all on page 1."""
        query = parse_qs(urlsplit(str(request.url)).query)
        if request.headers.get("page") != "1":
            return _json(200, [])
        if query["is_paid"] == ["false"]:
            return _json(200, [row for row in self.invoices.values() if not row["paid_date"]])
        (before,) = query["date_before"]
        day, month, year = (int(part) for part in before.split("/"))
        limit = date(year, month, day)
        return _json(200, [row for row in self.invoices.values()
                           if row["paid_date"] and date.fromisoformat(row["date"][:10]) < limit])  # fmt: skip

    def _invoice(self, request: PreparedRequest) -> Answer:
        row = self.invoices.get(str(request.url).rsplit("/", 1)[1])
        return _json(200, row) if row else _json(404, load("error_404_invoice"))

    def _company(self, request: PreparedRequest) -> Answer:
        return _json(200, self.companies[str(request.url).rsplit("/", 1)[1]])

    def mark_paid(self, invoice_id: str) -> None:
        row = self.invoices[invoice_id]
        row.update({"outstanding_amount": 0.0, "paid_date": f"{SAMPLE_DAY}T00:00:00+01:00"})

    def reject_credentials(self) -> None:
        """403 to everything, echoing the key it was sent, as Axonaut echoes requests."""
        self.mock.reset()

        def refuse(request: PreparedRequest) -> Answer:
            key = request.headers.get("userApiKey")
            message = f"Forbidden access for key {key}"
            return _json(403, {"error": {"message": message, "status_code": "403"}})

        for method in (responses.GET, responses.POST):
            self.mock.add_callback(method, re.compile(r".*"), callback=refuse)


@pytest.fixture
def fake_axonaut() -> Iterator[FakeAxonaut]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeAxonaut(mock)


class TestAxonautConnector(ConnectorContract):
    plugin = "axonaut"
    skip_reasons: ClassVar[dict[str, str]] = {
        "test_credit_notes_are_marked": (
            "Axonaut's API v2 does not expose credit notes; negative documents are skipped "
            "(docs/connectors/axonaut.md)"
        ),
    }

    @pytest.fixture
    def connector(self, fake_axonaut: FakeAxonaut) -> ConnectorSetup:
        return ConnectorSetup(
            table={
                "base_url": BASE,
                "api_key_env": KEY_VARIABLE,
                "retries": 1,
                "backoff": 0,
            },
            fake=fake_axonaut,
            secrets={KEY_VARIABLE: API_KEY},
        )
