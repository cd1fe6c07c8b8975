"""One printable PDF of a day's letters, from the ``letter`` channel's folder.

The ``letter`` channel writes one PDF per letter (``<day>_<customer>_...pdf``), which is
what a postal service's upload wants and what the history points to. To print them all
at once, :func:`combine` puts a day's letters into ``letters-<day>.pdf`` in the same
folder, in file-name order (customer, then level), each letter starting on a new sheet
when printing on both sides. The batch is rebuilt from the letters each time, so it is
always complete, and it never matches the letters' own ``<day>_*`` pattern.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from relance.errors import ChannelError
from relance.i18n import _

__all__ = ["Batch", "combine", "day_letters"]


@dataclass(frozen=True)
class Batch:
    path: Path
    letters: tuple[Path, ...]
    pages: int


def day_letters(folder: Path, day: date) -> list[Path]:
    """The letters the channel wrote for ``day``, in file-name order."""
    return sorted(folder.glob(f"{day.isoformat()}_*.pdf"))


def combine(folder: Path, day: date, *, duplex: bool = False, target: Path | None = None) -> Batch:
    """Write ``letters-<day>.pdf`` (or ``target``) from the day's letters in ``folder``.

    :param duplex: add a blank page after a letter with an odd number of pages, so that
        every letter starts on its own sheet when printed on both sides.
    """
    letters = day_letters(folder, day)
    target = target or folder / f"letters-{day.isoformat()}.pdf"
    if not letters:
        raise ChannelError(
            _("no letter of {day} in {path}").format(day=day.isoformat(), path=folder),
            permanent=True,
        )
    writer = PdfWriter()
    for letter in letters:
        try:
            reader = PdfReader(letter)
            for page in reader.pages:
                writer.add_page(page)
        except (OSError, PyPdfError) as exc:
            raise ChannelError(
                _("cannot read the letter {path}: {error}").format(path=letter, error=exc),
                permanent=True,
            ) from None
        if duplex and len(reader.pages) % 2:
            last = reader.pages[-1].mediabox
            writer.add_blank_page(width=last.width, height=last.height)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".writing-")
        with os.fdopen(descriptor, "wb") as stream:
            writer.write(stream)
        os.replace(temporary, target)
    except OSError as exc:
        raise ChannelError(
            _("cannot write to {path}: {error}").format(path=target, error=exc.strerror)
        ) from None
    return Batch(path=target, letters=tuple(letters), pages=len(writer.pages))
