"""``relance letters``: one PDF with all the letters of a day, to print them at once."""

from __future__ import annotations

import os
from pathlib import Path

import click

from relance.channels.batch import PER_FILE, combine, day_letters
from relance.channels.letter import LetterSettings
from relance.cli.common import config_option, json_option, load, output, today_option
from relance.context import Role
from relance.errors import InputError, Problem
from relance.i18n import _

__all__ = ["register"]


def register(app: click.Group) -> None:
    app.add_command(letters)


@click.command("letters")
@today_option
@click.option(
    "--duplex", is_flag=True, help="Start every letter on a new sheet when printing both sides."
)
@click.option(
    "--output",
    "target",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write the PDF (default: letters-YYYY-MM-DD.pdf in the letter folder).",
)
@click.option(
    "--per-file",
    type=click.IntRange(min=1),
    default=PER_FILE,
    show_default=True,
    help="Letters in one PDF: a day with more is split into letters-YYYY-MM-DD-1.pdf, -2.pdf...",
)
@config_option
@json_option
def letters(
    today: str | None,
    duplex: bool,
    target: Path | None,
    per_file: int,
    config_path: Path | None,
    as_json: bool,
) -> None:
    """Combine the letters written on a day (--today) into one PDF to print.

    Reads the folder of every enabled letter channel; letters-YYYY-MM-DD.pdf is rebuilt
    from the letters each time. A day of more than --per-file letters is split into
    volumes, each assembled in memory in turn (about a quarter of a megabyte a letter).
    A day without any letter is an error (exit 1), as for any bad argument.
    """
    out = output()
    loaded = load(config_path)
    day = loaded.today(today)
    folders = [
        inst.settings.path
        for inst in loaded.config.instances_of(Role.CHANNEL)
        if isinstance(inst.settings, LetterSettings)
    ]
    if not folders:
        raise InputError(
            _("No letter channel."),
            [Problem(str(loaded.config.path), _("enable [channels.letter] to write letters"))],
        )
    if target is not None and len(folders) > 1:
        raise InputError(
            _("Invalid command-line value."),
            [Problem("--output", _("several letter channels: each writes its own batch"))],
        )
    if target is not None:
        _writable(target)
    written = [folder for folder in folders if day_letters(folder, day)]
    if not written:
        raise InputError(
            _("No letter to combine."),
            [
                Problem(
                    "--today",
                    _("no letter of {day} in {path}").format(day=day.isoformat(), path=folder),
                )
                for folder in folders
            ],
        )
    batches = [
        batch
        for folder in written
        for batch in combine(folder, day, duplex=duplex, target=target, per_file=per_file)
    ]
    if as_json:
        out.json(
            [
                {"path": str(b.path), "letters": [str(p) for p in b.letters], "pages": b.pages}
                for b in batches
            ]
        )
        return
    for batch in batches:
        out.console.print(
            _("{path}: {count} letters, {pages} pages").format(
                path=batch.path, count=len(batch.letters), pages=batch.pages
            ),
            markup=False,
        )


def _writable(target: Path) -> None:
    """``--output`` is the user's choice: a place it cannot be written is a bad argument
    (exit 1), said before any letter is read."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
    else:
        if os.access(target.parent, os.W_OK):
            return
        reason = _("permission denied")
    raise InputError(_("Cannot write {path}.").format(path=target), [Problem("--output", reason)])
