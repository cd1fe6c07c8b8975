"""The reports' JSON: what ``json.dumps(indent=2)`` writes, written by orjson."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from relance.engine.policy import PolicyBook
from relance.reports.activity import activity
from relance.reports.aging import aging
from relance.reports.documents import (
    activity_document,
    aging_document,
    dso_document,
    score_document,
)
from relance.reports.dso import dso
from relance.reports.formats import to_json
from relance.reports.ledger import Ledger
from relance.reports.scores import scores
from relance.reports.settings import ReportSettings

from .conftest import InvoiceMaker

scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text()
"""What report documents hold: money, rates and days are strings or integers, never
floats (which orjson spells differently in small exponents: ``1e-7`` for ``1e-07``)."""
TRICKY = 'Société "Ré" \u2028\u2029\x7f/\x00\x1f\x85\ufeff<script> \U0001d504'
"""Names as exports may hold them: quotes, line separators, control characters."""
documents: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(documents)
def test_the_json_is_what_the_standard_library_writes(document: Any) -> None:
    assert to_json(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def test_every_report_document_is_what_the_standard_library_writes(
    make_invoice: InvoiceMaker,
) -> None:
    """Each report's document of a small ledger, its customer named with every character
    that some writer escapes differently, written both ways."""
    day = date(2026, 3, 16)
    invoices = [
        make_invoice("F1", issued=date(2026, 1, 5), due=date(2026, 2, 4), residual="100.00"),
        make_invoice("F2", issued=date(2025, 12, 1), due=date(2026, 1, 1), paid=date(2026, 2, 1)),
    ]
    invoices = [
        i.model_copy(update={"customer": i.customer.model_copy(update={"name": TRICKY})})
        for i in invoices
    ]
    ledger = Ledger(open=(invoices[0],), paid=(invoices[1],))
    settings = ReportSettings()
    documents = [
        aging_document(aging(ledger, day, settings.buckets)),
        dso_document(dso(ledger, day, 90)),
        score_document(scores(ledger, [], PolicyBook.build({}), settings, day)),
        activity_document(activity(ledger, [], day - timedelta(days=89), day, 30)),
    ]
    assert all(TRICKY in strings(d) for d in documents[::2])  # the aged balance, the scores
    for document in documents:
        assert to_json(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def strings(value: Any) -> set[str]:
    """Every string of a document, its keys included."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {*value, *(s for v in value.values() for s in strings(v))}
    if isinstance(value, list):
        return {s for v in value for s in strings(v)}
    return set()
