"""``--json`` output: streamed, and the same text the standard library would write."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from relance.cli.json_output import write_json
from relance.secrets import remember_secret

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=20,
)
documents = st.dictionaries(st.text(max_size=8), values, max_size=5)


def standard(document: Any) -> str:
    """What ``--json`` wrote before it streamed: the reference."""
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def written(document: Any) -> str:
    stream = io.StringIO()
    write_json(document, stream)
    return stream.getvalue()


@given(documents)
def test_same_text_as_the_standard_library(document: dict[str, Any]) -> None:
    assert written(document) == standard(document)


@given(st.lists(values, max_size=4))
def test_a_document_that_is_not_a_mapping_is_written_whole(document: list[Any]) -> None:
    assert written(document) == standard(document)


@given(documents, st.sets(st.text(max_size=8)))
def test_iterator_values_are_written_as_the_arrays_they_yield(
    document: dict[str, Any], streamed: set[str]
) -> None:
    lazy = {
        key: iter(value) if key in streamed and isinstance(value, list) else value
        for key, value in document.items()
    }
    assert written(lazy) == standard(document)


def test_arrays_are_consumed_an_element_at_a_time() -> None:
    """The writer never asks for the next reminder before the previous one is written."""
    stream = io.StringIO()
    seen: list[int] = []

    def reminders() -> Any:
        for number in range(3):
            seen.append(len(stream.getvalue()))
            yield {"number": number}

    write_json({"today": "2026-03-16", "reminders": reminders()}, stream)
    assert seen[0] < seen[1] < seen[2]
    assert json.loads(stream.getvalue())["reminders"] == [{"number": n} for n in range(3)]


@dataclass
class Point:
    x: int


def test_types_json_lacks_are_written_as_their_text() -> None:
    document = {
        "amount": Decimal("1200.50"),
        "day": date(2026, 3, 16),
        "at": datetime(2026, 3, 16, 9, 30, tzinfo=UTC),
        "point": Point(1),
        "numbers": {1: "one"},
    }
    assert written(document) == standard(document)
    assert '"at": "2026-03-16 09:30:00+00:00"' in written(document)


def test_secrets_are_redacted_in_streamed_elements() -> None:
    remember_secret("s3cr3t-token-value")
    lines = iter([{"detail": "refused: key s3cr3t-token-value"}])
    text = written({"deliveries": lines, "note": "s3cr3t-token-value"})
    assert "s3cr3t" not in text
    assert json.loads(text) == {"deliveries": [{"detail": "refused: key ***"}], "note": "***"}
