"""The reports' JSON: what ``json.dumps(indent=2)`` writes, streamed by orjson (the
writer itself is property-tested in ``tests/test_json_output.py``)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from relance.cli.json_output import write_json
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
from relance.reports.ledger import Ledger
from relance.reports.scores import scores
from relance.reports.settings import ReportSettings

from .conftest import InvoiceMaker

TRICKY = 'Société "Ré" \u2028\u2029\x7f/\x00\x1f\x85\ufeff<script> \U0001d504'
"""Names as exports may hold them: quotes, line separators, control characters."""


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
    documents: list[Callable[[], dict[str, Any]]] = [
        lambda: aging_document(aging(ledger, day, settings.buckets)),
        lambda: dso_document(dso(ledger, day, 90)),
        lambda: score_document(scores(ledger, [], PolicyBook.build({}), settings, day)),
        lambda: activity_document(activity(ledger, [], day - timedelta(days=89), day, 30)),
    ]
    for document in documents:
        whole = listed(document())
        stream = io.StringIO()
        write_json(document(), stream)  # its long arrays streamed, as --json writes it
        assert stream.getvalue() == json.dumps(whole, indent=2, ensure_ascii=False) + "\n"
    aged, _dso, scored, _activity = (listed(document()) for document in documents)
    assert TRICKY in strings(aged)
    assert TRICKY in strings(scored)


def listed(value: Any) -> Any:
    """``value`` with its generators (a document's long arrays) turned into lists."""
    if isinstance(value, dict):
        return {key: listed(item) for key, item in value.items()}
    if isinstance(value, Iterator | list):
        return [listed(item) for item in value]
    return value


def strings(value: Any) -> set[str]:
    """Every string of a document, its keys included."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {*value, *(s for v in value.values() for s in strings(v))}
    if isinstance(value, list):
        return {s for v in value for s in strings(v)}
    return set()
