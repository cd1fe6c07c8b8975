"""``relance new-connector NAME``: scaffold a connector package that passes its own tests.

The package is rendered from the templates in ``template/connector`` (Jinja2, ``.j2``
files; the folder ``package`` becomes the import package ``relance_<name>``): a
pyproject with the ``relance`` entry point, the connector module for a JSON API, a fake
of that API and the connector contract already wired.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import click
import jinja2

from relance import __version__
from relance.errors import InputError, Problem
from relance.i18n import _

__all__ = ["Scaffold", "register", "scaffold"]

_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
_TEMPLATE_ROOT = "template/connector"
_PACKAGE_DIR = "package"
_SUFFIX = ".j2"


@dataclass(frozen=True)
class Scaffold:
    """The names a new connector is generated with, all derived from its plugin name."""

    name: str
    package: str
    distribution: str
    title: str
    cls: str
    env: str
    relance_minor: str

    @classmethod
    def of(cls, name: str) -> Scaffold:
        if not _NAME.fullmatch(name):
            message = _(
                "{name!r} is not a plugin name: use lower-case letters and digits, "
                "words joined by '-' or '_' (e.g. 'sellsy', 'my-erp')"
            ).format(name=name)
            raise InputError(_("Invalid command-line value."), [Problem("NAME", message)])
        words = re.split(r"[-_]", name)
        major, minor = __version__.split(".")[:2]
        return cls(
            name=name,
            package="relance_" + "_".join(words),
            distribution="relance-" + "-".join(words),
            title=" ".join(word.capitalize() for word in words),
            cls="".join(word.capitalize() for word in words),
            env="_".join(words).upper() + "_TOKEN",
            relance_minor=f"{major}.{minor}",
        )


def scaffold(name: str, parent: Path) -> list[Path]:
    """Write the package of connector ``name`` into ``parent/relance-<name>``; list its files.

    Refuses to write into a folder that exists: nothing is ever overwritten.
    """
    names = Scaffold.of(name)
    target = parent / names.distribution
    if target.exists():
        message = _("{path} already exists; choose another --dir or remove it").format(path=target)
        raise InputError(_("Cannot create the connector."), [Problem(str(target), message)])
    environment = jinja2.Environment(
        # Python and TOML, not HTML: nothing to escape.
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701
    )
    written = []
    for source, relative in _templates(files("relance.cli").joinpath(_TEMPLATE_ROOT), ""):
        parts = [names.package if p == _PACKAGE_DIR else p for p in relative.split("/")]
        path = target.joinpath(*parts).with_suffix("")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = environment.from_string(source.read_text(encoding="utf-8")).render(asdict(names))
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _templates(folder: Traversable, prefix: str) -> list[tuple[Traversable, str]]:
    found: list[tuple[Traversable, str]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            found.extend(_templates(entry, relative + "/"))
        elif entry.name.endswith(_SUFFIX):
            found.append((entry, relative))
    return found


def register(app: click.Group) -> None:
    app.add_command(new_connector)


@click.command("new-connector")
@click.argument("name")
@click.option(
    "--dir",
    "parent",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(),
    help="Folder to create the package in (default: the current folder).",
)
def new_connector(name: str, parent: Path) -> None:
    """Create a connector package NAME, with tests and the connector contract, ready to adapt."""
    from relance.cli.common import output

    written = scaffold(name, parent)
    out = output()
    root = parent / Scaffold.of(name).distribution
    out.console.print(_("Created {path} ({count} files).").format(path=root, count=len(written)))
    out.console.print(
        _("Next: cd {path} && pip install -e '.[test]' && pytest").format(path=root),
        markup=False,
    )
