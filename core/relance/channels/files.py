"""Writing a message's file once: atomically, never over an existing one."""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from contextlib import suppress
from pathlib import Path

from relance.disk import flush_to_disk
from relance.errors import ChannelError
from relance.i18n import _

__all__ = ["write_once"]

_NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}
)
"""What ``link()`` answers on a filesystem without hard links (FAT, some network shares)."""

log = logging.getLogger("relance.channels")


def write_once(target: Path, content: bytes, key: str) -> None:
    """Write ``content`` to ``target``; a file already there means the message went out.

    The file appears complete or not at all: it is written aside, synced, then linked
    to its name, which fails if the name exists, however it came to exist (a check
    before a rename would overwrite a file made in between). The folder is synced too,
    so the name survives a power cut. Where the filesystem has no hard links, the file
    is renamed into place after a check that the name is free.
    """
    folder = target.parent
    temporary: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        _claim_name(temporary, target, key)
    except OSError as exc:
        raise ChannelError(
            _("cannot write to {path}: {error}").format(path=folder, error=exc.strerror)
        ) from None
    finally:
        if temporary is not None:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
    _sync_folder(folder)


def _claim_name(temporary: str, target: Path, key: str) -> None:
    """Give the written file its name, unless a file already has it."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise _already_written(target, key) from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        if target.exists():
            raise _already_written(target, key) from None
        os.replace(temporary, target)


def _already_written(target: Path, key: str) -> ChannelError:
    return ChannelError(
        _("{path} already exists: message {key} was already written").format(path=target, key=key),
        permanent=True,
    )


def _sync_folder(folder: Path) -> None:
    """Make the folder's entries durable: the new name, the draft's removal (POSIX;
    Windows cannot open a folder). The file is written by then: a folder that cannot
    be synced is told, not raised, or the message would be retried and refused as
    already written."""
    if os.name == "nt":
        return
    try:
        flush_to_disk(folder, folder=True)
    except OSError as exc:
        log.warning(
            "%s",
            _("cannot sync the folder {path}: {error}").format(path=folder, error=exc.strerror),
        )
