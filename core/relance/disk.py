"""Writing files so that they survive a power cut, and are never seen half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["flush_to_disk", "replaced"]


@contextmanager
def replaced(target: Path, mode: str = "wb", encoding: str | None = None) -> Iterator[IO[Any]]:
    """A file written beside ``target`` and moved over it once whole: a failure (a full
    disk) leaves what was at ``target`` as it was, and no temporary file behind. The
    missing folders of ``target`` are created."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=".writing-")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, mode, encoding=encoding) as stream:
            yield stream
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def flush_to_disk(path: Path, *, folder: bool = False) -> None:
    """Flush the file at ``path`` (its pages, written by any descriptor), or with
    ``folder`` the folder's entries (new names, removals; POSIX only: Windows cannot
    open a folder). A file is opened for writing, which Windows needs to flush it."""
    descriptor = os.open(path, os.O_RDONLY if folder else os.O_RDWR)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
