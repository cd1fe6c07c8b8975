"""One printable PDF of a day's letters, from the ``letter`` channel's folder.

The ``letter`` channel writes one PDF per letter (``<day>_<customer>_...pdf``), which is
what a postal service's upload wants and what the history points to. To print them all
at once, :func:`combine` puts a day's letters into ``letters-<day>.pdf`` in the same
folder, in file-name order (customer, then level), each letter starting on a new sheet
when printing on both sides, in volumes of a few hundred letters on a busy day. The batch
is rebuilt from the letters each time, so it is always complete, and it never matches
the letters' own ``<day>_*`` pattern.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from relance.disk import replaced
from relance.errors import ChannelError
from relance.i18n import _

__all__ = ["PER_FILE", "Batch", "combine", "day_letters"]

PER_FILE = 500
"""Letters in one PDF, by default: about 1,000 pages; relance letters then peaks at about
200 MB (measured with two-page letters), whatever the day's number of letters."""


@dataclass(frozen=True)
class Batch:
    path: Path
    letters: tuple[Path, ...]
    pages: int


def day_letters(folder: Path, day: date) -> list[Path]:
    """The letters the channel wrote for ``day``, in file-name order."""
    return sorted(folder.glob(f"{day.isoformat()}_*.pdf"))


def combine(
    folder: Path,
    day: date,
    *,
    duplex: bool = False,
    target: Path | None = None,
    per_file: int = PER_FILE,
) -> list[Batch]:
    """Write ``letters-<day>.pdf`` (or ``target``) from the day's letters in ``folder``.

    A day of more than ``per_file`` letters is split into volumes of ``per_file``
    letters, ``letters-<day>-1.pdf``, ``-2.pdf``...: a volume is assembled in memory
    (about a quarter of a megabyte a letter), so the volumes bound the memory a day of
    thousands of letters takes. In the letter folder, the batch or volumes of an earlier
    run of the same day that this run does not rewrite are removed, so the folder never
    holds a stale mix (``target`` elsewhere is the caller's: nothing else is removed).

    :param duplex: add a blank page after a letter with an odd number of pages, so that
        every letter starts on its own sheet when printed on both sides.
    """
    letters = day_letters(folder, day)
    if not letters:
        raise ChannelError(
            _("no letter of {day} in {path}").format(day=day.isoformat(), path=folder),
            permanent=True,
        )
    default = folder / f"letters-{day.isoformat()}.pdf"
    target = target or default
    volumes = [letters[i : i + per_file] for i in range(0, len(letters), per_file)]
    paths = (
        [target] if len(volumes) == 1 else [_volume(target, n) for n in range(1, len(volumes) + 1)]
    )
    batches = [_write(volume, path, duplex) for volume, path in zip(volumes, paths, strict=True)]
    if target == default:
        earlier = {default, *default.parent.glob(glob.escape(default.stem) + "-*.pdf")}
        for path in earlier - set(paths):
            if path == default or path.stem[len(default.stem) + 1 :].isdigit():
                path.unlink(missing_ok=True)
    return batches


def _volume(target: Path, number: int) -> Path:
    return target.with_name(f"{target.stem}-{number}{target.suffix}")


def _write(letters: list[Path], target: Path, duplex: bool) -> Batch:
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
        with replaced(target) as stream:
            writer.write(stream)
    except OSError as exc:
        raise ChannelError(
            _("cannot write to {path}: {error}").format(path=target, error=exc.strerror)
        ) from None
    return Batch(path=target, letters=tuple(letters), pages=len(writer.pages))
