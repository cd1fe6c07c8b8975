"""``relance templates``: list the message templates and copy them to customise them."""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path

import click
from rich.table import Table

from relance.cli.common import config_option, json_option, load, output
from relance.errors import InputError, Problem
from relance.i18n import _
from relance.render import TemplateEnvironment
from relance.render.environment import TemplateInfo

__all__ = ["register"]


def register(app: click.Group) -> None:
    app.add_command(templates)


def _environment(config_path: Path | None) -> tuple[TemplateEnvironment, Path | None]:
    loaded = load(config_path)
    config = loaded.config
    settings = config.settings.templates
    with config.host(today=config.company.today(), dry_run=True) as host:
        folders = host.template_dirs()
    return TemplateEnvironment(folders, user=settings.path), settings.path


@click.group("templates")
def templates() -> None:
    """The message templates: where each comes from, and copies to edit."""


@templates.command("list")
@config_option
@json_option
def list_templates(config_path: Path | None, as_json: bool) -> None:
    """List every template with its origin: user, plugin or builtin."""
    out = output()
    environment, _user = _environment(config_path)
    found = environment.templates()
    if as_json:
        out.json(
            [
                {
                    "name": t.name,
                    "origin": t.origin.value,
                    "path": str(t.path),
                    "overrides": [str(p) for p in t.shadows],
                }
                for t in found
            ]
        )
        return
    table = Table(title=_("Templates"))
    for header in (_("Name"), _("Origin"), _("File")):
        table.add_column(header)
    for info in found:
        table.add_row(info.name, info.origin.value, str(info.path))
    out.console.print(table)


@templates.command("copy")
@click.argument("patterns", nargs=-1, required=True)
@click.option(
    "--to",
    "target",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder to copy into (default: [templates] path of the configuration).",
)
@click.option("--force", is_flag=True, help="Replace files that already exist there.")
@config_option
def copy_templates(
    patterns: tuple[str, ...], target: Path | None, force: bool, config_path: Path | None
) -> None:
    """Copy the templates matching PATTERNS (e.g. 'fr/first.j2', 'fr/*') to edit them.

    The copies take precedence over relance's own as soon as the folder is the
    configuration's ``[templates] path``.
    """
    out = output()
    environment, user = _environment(config_path)
    folder = target or user
    if folder is None:
        raise InputError(
            _("No folder to copy into."),
            [Problem("--to", _("pass --to FOLDER or set [templates] path in the configuration"))],
        )
    chosen = _matching(environment.templates(), patterns)
    for info in chosen:
        destination = folder / info.name
        if destination.exists() and not force:
            out.console.print(
                _("{path} exists, kept (use --force to replace it)").format(path=destination),
                markup=False,
            )
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        source = info.shadows[0] if info.path == destination and info.shadows else info.path
        if source != destination:
            shutil.copyfile(source, destination)
        out.console.print(str(destination), markup=False)


def _matching(found: list[TemplateInfo], patterns: tuple[str, ...]) -> list[TemplateInfo]:
    chosen = [t for t in found if any(fnmatch.fnmatchcase(t.name, p) for p in patterns)]
    if not chosen:
        raise InputError(
            _("Invalid command-line value."),
            [
                Problem(
                    "PATTERNS",
                    _("no template matches {patterns}; see 'relance templates list'").format(
                        patterns=", ".join(patterns)
                    ),
                )
            ],
        )
    return chosen
