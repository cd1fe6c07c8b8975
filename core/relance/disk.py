"""Flushing to disk what was written under a path, so that it survives a power cut."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["flush_to_disk"]


def flush_to_disk(path: Path, *, folder: bool = False) -> None:
    """Flush the file at ``path`` (its pages, written by any descriptor), or with
    ``folder`` the folder's entries (new names, removals; POSIX only: Windows cannot
    open a folder). A file is opened for writing, which Windows needs to flush it."""
    descriptor = os.open(path, os.O_RDONLY if folder else os.O_RDWR)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
