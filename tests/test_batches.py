"""``batches``: a stream in lists of a given size, taken as they are wanted."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st

from relance.batches import batches


@given(items=st.lists(st.integers()), size=st.integers(min_value=1, max_value=7))
def test_batches_keep_every_item_in_order(items: list[int], size: int) -> None:
    cut = list(batches(items, size))
    assert [item for batch in cut for item in batch] == items
    assert all(len(batch) == size for batch in cut[:-1])
    assert all(0 < len(batch) <= size for batch in cut)


def test_items_are_taken_one_batch_at_a_time() -> None:
    taken: list[int] = []

    def stream() -> Iterator[int]:
        for n in range(10):
            taken.append(n)
            yield n

    first = next(batches(stream(), 3))
    assert (first, taken) == ([0, 1, 2], [0, 1, 2])
