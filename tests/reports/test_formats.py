"""The reports' JSON: what ``json.dumps(indent=2)`` writes, written by orjson."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from relance.reports.formats import to_json

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False)
)
documents: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(documents)
def test_the_json_is_what_the_standard_library_writes(document: Any) -> None:
    assert to_json(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
