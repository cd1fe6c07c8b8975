"""Taking a stream a few items at a time (``itertools.batched`` arrives in Python 3.12)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

__all__ = ["batches"]

T = TypeVar("T")


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The items in lists of ``size`` (the last one shorter), taken as they are wanted."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch
