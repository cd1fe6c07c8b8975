"""Writing a message's file once: atomically, never over an existing one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from relance.errors import ChannelError
from relance.i18n import _

__all__ = ["write_once"]


def write_once(target: Path, content: bytes, key: str) -> None:
    """Write ``content`` to ``target``; a file already there means the message went out.

    The file appears complete or not at all (written aside, synced, then renamed), so a
    crash never leaves half a letter that looks delivered.
    """
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise ChannelError(
                _("{path} already exists: message {key} was already written").format(
                    path=target, key=key
                ),
                permanent=True,
            )
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        raise ChannelError(
            _("cannot write to {path}: {error}").format(path=folder, error=exc.strerror)
        ) from None
