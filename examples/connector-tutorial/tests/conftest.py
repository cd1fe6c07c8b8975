"""A fake Facturo: documents kept on the object, answered from there."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from requests import PreparedRequest

from relance.testing import ResponsesFake

pytest_plugins = ["relance.testing.plugin"]

URL = "https://api.facturo.example/v2"
VARIABLE = "FACTURO_API_KEY"
KEY = "fk_live_3b9d2e7a41c6"

Answer = tuple[int, dict[str, str], str]
JSON = {"Content-Type": "application/json"}


def document(uid: str, ref: str, total: int, remaining: int, **fields: Any) -> dict[str, Any]:
    """A document as Facturo answers it (amounts in cents)."""
    return {
        "uid": uid,
        "ref": ref,
        "doc_type": "invoice",
        "client": {
            "uid": "cl_martin",
            "company": "Boulangerie Martin",
            "billing_emails": ["compta@martin.fr"],
            "lang": "fr",
            "country": "FR",
        },
        "issued": "2026-01-05",
        "due": "2026-02-04",
        "currency": "EUR",
        "total_cents": total,
        "remaining_cents": remaining,
        **fields,
    }


class FakeFacturo(ResponsesFake):
    def __init__(self, mock: responses.RequestsMock) -> None:
        super().__init__(mock)
        self.key = KEY
        self.documents = {
            doc["uid"]: doc
            for doc in (
                document("doc_1", "FA-2026-0001", 120000, 70000),
                document("doc_2", "FA-2026-0002", 54000, 54000, due="2026-02-20"),
                document("doc_3", "AV-2026-0001", 10000, 10000, doc_type="credit"),
            )
        }
        documents = re.compile(rf"{URL}/documents(\?.*)?$")
        mock.add_callback(responses.GET, documents, self._list)
        mock.add_callback(responses.GET, re.compile(rf"{URL}/documents/(\w+)$"), self._one)
        comments = re.compile(rf"{URL}/documents/\w+/comments$")
        mock.add_callback(responses.POST, comments, self._comment)

    def _refused(self, request: PreparedRequest) -> Answer | None:
        if request.headers.get("X-Api-Key") == self.key:
            return None
        return 401, JSON, json.dumps({"error": "invalid_api_key"})

    def _list(self, request: PreparedRequest) -> Answer:
        if refused := self._refused(request):
            return refused
        query = parse_qs(urlsplit(str(request.url)).query)
        offset, limit = int(query["offset"][0]), int(query["limit"][0])
        unpaid = [d for d in self.documents.values() if d["remaining_cents"] > 0]
        body = {"items": unpaid[offset : offset + limit], "has_more": offset + limit < len(unpaid)}
        return 200, JSON, json.dumps(body)

    def _one(self, request: PreparedRequest) -> Answer:
        if refused := self._refused(request):
            return refused
        doc = self.documents.get(str(request.url).rsplit("/", 1)[1])
        if doc is None:
            return 404, JSON, json.dumps({"error": "not_found"})
        return 200, JSON, json.dumps(doc)

    def _comment(self, request: PreparedRequest) -> Answer:
        if refused := self._refused(request):
            return refused
        return 201, JSON, json.dumps({"id": "cm_1"})

    # -- what the connector contract asks of a fake

    def mark_paid(self, invoice_id: str) -> None:
        self.documents[invoice_id]["remaining_cents"] = 0

    def reject_credentials(self) -> None:
        self.key = "fk_revoked"


@pytest.fixture
def facturo() -> Iterator[FakeFacturo]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeFacturo(mock)
