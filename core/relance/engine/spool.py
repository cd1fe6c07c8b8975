"""Rendered messages kept on disk between rendering and sending.

A run renders every message before it sends the first (a broken template sends
nothing), yet a day of a large ledger renders tens of thousands of them, each letter a
PDF of 40 kB and each email carrying its invoices' PDFs: kept in memory they would
outweigh the plan. They are written, as they are rendered, to an anonymous temporary
file (deleted by the system when closed, even if relance is killed), and read back one
reminder at a time as they are sent. The file lies in the system's temporary folder
(``TMPDIR``), which must have room for a day's messages: about the size of the outbox.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import Generic, TypeVar

from relance.errors import RelanceError
from relance.i18n import _

__all__ = ["Spool"]

T = TypeVar("T")


class Spool(Generic[T]):
    """Items written once, in order, then read back once, in the same order."""

    def __init__(self) -> None:
        try:
            self._file = tempfile.TemporaryFile(prefix="relance-")  # noqa: SIM115 - closed by __exit__
        except OSError as exc:
            raise _unusable(exc) from None
        self._count = 0

    def __enter__(self) -> Spool[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def __len__(self) -> int:
        return self._count

    def add(self, item: T) -> None:
        try:
            pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            raise _unusable(exc) from None
        self._count += 1

    def __iter__(self) -> Iterator[T]:
        self._file.seek(0)
        for _index in range(self._count):
            # The file is this process's own and unnamed: it holds only what add() wrote.
            item: T = pickle.load(self._file)  # noqa: S301
            yield item


def _unusable(error: OSError) -> RelanceError:
    return RelanceError(
        _(
            "cannot keep the rendered messages in a temporary file in {folder}: {error}; "
            "nothing was sent (set TMPDIR to a folder with room)"
        ).format(folder=tempfile.gettempdir(), error=error.strerror or error)
    )
