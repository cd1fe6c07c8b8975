"""What every command shares: options, output, loading the configuration."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar

import click
from rich.console import Console

from relance.cli.json_output import write_json
from relance.config import Configuration, find_config_path, load_config
from relance.errors import InputError, Problem
from relance.i18n import _
from relance.plugins import PluginRegistry

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

F = TypeVar("F", bound=Callable[..., Any])
K = TypeVar("K")

config_option = click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Configuration file (default: $RELANCE_CONFIG, else ./relance.toml).",
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document for scripts instead of tables."
)
strict_option = click.option(
    "--strict", is_flag=True, help="Fail (exit 2) if any installed plugin fails to load."
)
today_option = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    default=None,
    help="Act as if today were this date (default: today in the company's timezone).",
)


@dataclass
class Output:
    """Where a command writes: Rich for people, plain JSON for scripts."""

    console: Console
    errors: Console

    def json(self, document: Any) -> None:
        """Write ``document`` to stdout; a mapping's iterator values are streamed as arrays."""
        write_json(document, sys.stdout)


UNFITTED = 10_000
"""The width of output that is not a terminal's. Rich fits a table to 80 columns there
and cuts what does not fit (``18860…``): a cron email, a log or a file is read whole,
so its tables keep every character, however wide."""


def console(*, stderr: bool = False) -> Console:
    """Standard output (or error) for people: tables fitted to the terminal, or to
    ``COLUMNS``; elsewhere (a pipe, a file), never cut, even with ``FORCE_COLOR``."""
    found = Console(stderr=stderr, highlight=False)
    if "COLUMNS" not in os.environ and not _is_tty(found.file):
        found.width = UNFITTED
    return found


def file_console(handle: IO[str]) -> Console:
    """A text file for people (a report, a claim): plain text, tables never cut."""
    return Console(
        file=handle, width=UNFITTED, color_system=None, force_terminal=False, highlight=False
    )


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def output() -> Output:
    return Output(console=console(), errors=console(stderr=True))


LISTED_NUMBERS = 3
"""Invoice numbers a table cell shows before counting the rest."""


def invoice_numbers(numbers: Sequence[str]) -> str:
    """``numbers`` for a table cell: the first three, then how many more (a large
    account's hundreds would fill the screen; ``--json`` lists them all). One more is
    shown rather than counted."""
    if len(numbers) <= LISTED_NUMBERS + 1:
        return ", ".join(numbers)
    shown = ", ".join(numbers[:LISTED_NUMBERS])
    return _("{numbers} and {count} more").format(
        numbers=shown, count=len(numbers) - LISTED_NUMBERS
    )


def parse_date(value: str, option: str) -> date:
    """Parse an ISO date given on the command line, or raise an InputError naming the option."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = _("expected a date as YYYY-MM-DD, got {value!r}").format(value=value)
        raise InputError(_("Invalid command-line value."), [Problem(option, message)]) from None


@dataclass
class Loaded:
    registry: PluginRegistry
    config: Configuration

    def today(self, value: str | None) -> date:
        """The run's date: ``--today`` if given, else today in the company's timezone."""
        if value is not None:
            return parse_date(value, "--today")
        return self.config.company.today()


def load(config_path: Path | None, *, strict: bool = False) -> Loaded:
    registry = PluginRegistry(strict=strict)
    config = load_config(find_config_path(config_path), registry)
    return Loaded(registry=registry, config=config)


@contextmanager
def progress_bar(out: Output, description: str, total: int | None) -> Iterator[Callable[..., None]]:
    """A Rich progress bar on stderr that disappears when done (silent when not a TTY)."""
    with progress_bars(out, {description: description}, total) as bars:

        def advance_one(step: int = 1) -> None:
            bars.advance(description, step)

        yield advance_one


class Bars(Generic[K]):
    """Progress bars, one per key: :meth:`advance` moves one, :meth:`start` sets the
    total of all (when it was not known as they appeared)."""

    def __init__(self, progress: Progress, tasks: Mapping[K, TaskID]) -> None:
        self._progress = progress
        self._tasks = tasks

    def start(self, total: int) -> None:
        for task in self._tasks.values():
            self._progress.update(task, total=total)

    def advance(self, key: K, step: int = 1) -> None:
        self._progress.advance(self._tasks[key], step)


@contextmanager
def progress_bars(out: Output, bars: Mapping[K, str], total: int | None) -> Iterator[Bars[K]]:
    """Progress bars on stderr, one per key of ``bars`` (its value: the bar's label),
    each to ``total`` (``None``: not known yet). Gone when done; silent when stderr is
    not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn
    from rich.progress import Progress as RichProgress

    with RichProgress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=out.errors,
        transient=True,
        disable=not out.errors.is_terminal,
    ) as progress:
        tasks = {key: progress.add_task(label, total=total) for key, label in bars.items()}
        yield Bars(progress, tasks)
