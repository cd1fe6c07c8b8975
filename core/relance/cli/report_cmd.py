"""``relance report aging|dso|scores|activity|html``: the receivables, seen from above.

Each report reads the open items, the paid invoices (from the sources that can give
them) and the history, read-only, and computes on ``--today`` (default: today). Output
as Rich tables, CSV, JSON, or the single-page HTML report with every report in it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from relance.cli.common import (
    Output,
    config_option,
    file_console,
    json_option,
    load,
    output,
    today_option,
)
from relance.cli.json_output import write_json
from relance.cli.reporting import paid_period, read_ledger
from relance.cli.session import Session, long_lived, open_session
from relance.config import Settings
from relance.disk import replaced
from relance.errors import InputError, Problem
from relance.i18n import _, current_language
from relance.model import EventType, HistoryEvent
from relance.render.formatting import format_money
from relance.reports.activity import ActivityReport, activity
from relance.reports.aging import AgingReport, aging
from relance.reports.documents import (
    activity_document,
    activity_sheets,
    aging_document,
    aging_sheets,
    dso_document,
    dso_sheets,
    score_document,
    score_sheets,
)
from relance.reports.dso import MAX_MONTHS_BACK, DsoReport, dso
from relance.reports.formats import Sheet, to_csv, to_rich
from relance.reports.html import Action, render_report
from relance.reports.ledger import Ledger
from relance.reports.scores import ScoreReport, scores

__all__ = ["register"]

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")

FORMATS = ("table", "csv", "json", "html")


def register(app: click.Group) -> None:
    app.add_command(report)


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Terminal table, CSV, JSON, or the single-page HTML report (all reports).",
)
output_option = click.option(
    "-o",
    "--output",
    "target",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file instead of the terminal (its missing folders are created).",
)
period_option = click.option(
    "--period",
    type=click.IntRange(1, 3660),
    default=None,
    metavar="DAYS",
    help="Length of the period ending on --today (default: [reports] dso_period_days).",
)


@dataclass
class Inputs:
    """What every report is computed from, read once."""

    session: Session
    settings: Settings
    as_of: date
    ledger: Ledger

    def events(self, *types: EventType) -> Iterator[HistoryEvent]:
        """The history (only events of ``types`` if given), read again at each call and
        kept by no one: a million-invoice history is some 500,000 events, a gibibyte as
        objects, and the reports using it fold it as it is read."""
        return self.session.store.events(types=types or None)

    def aging(self) -> AgingReport:
        return aging(self.ledger, self.as_of, self.settings.reports.buckets)

    def dso(self, period: int | None) -> DsoReport:
        days = period or self.settings.reports.dso_period_days
        return dso(self.ledger, self.as_of, days, self.settings.reports.dso_trend_months)

    def scores(self) -> ScoreReport:
        book = self.settings.policy_book()
        with long_lived():  # the fold lives as long as the command
            return scores(self.ledger, self.events(), book, self.settings.reports, self.as_of)

    def activity(self, period: int | None) -> ActivityReport:
        days = period or self.settings.reports.dso_period_days
        start = self.as_of - timedelta(days=days - 1)
        recovery = self.settings.reports.recovery_days
        events = self.events(EventType.SENT, EventType.PROMISED)
        return activity(self.ledger, events, start, self.as_of, recovery)

    def actions(self) -> list[Action]:
        runner = self.session.runner
        self.session.rate(list(self.ledger.open))
        language = current_language()
        planned = runner.plan(self.ledger.open, self.session.state())
        return [
            Action(
                customer=f"{r.customer.name} ({r.customer.id})",
                level=r.level.name,
                channels=", ".join(c.value for c in r.channels),
                amount=" + ".join(format_money(a, c, language) for c, a in r.totals.items()),
                approval=r.requires_approval,
            )
            for r in planned.reminders
        ]

    def html(self) -> str:
        return render_report(
            company=self.settings.company.name,
            as_of=self.as_of,
            language=current_language(),
            aging=self.aging(),
            dso=self.dso(None),
            scores=self.scores(),
            activity=self.activity(None),
            actions=self.actions(),
        )


@contextmanager
def _inputs(
    config_path: Path | None,
    today: str | None,
    out: Output,
    *,
    period: int | None = None,
    months_back: int = 0,
) -> Iterator[Inputs]:
    loaded = load(config_path)
    with open_session(loaded, today, out, dry_run=True) as session:
        settings = loaded.config.settings
        as_of = session.runner.today
        open_items = session.fetch(planning=False)
        company_today = loaded.config.company.today()
        start, end = paid_period(
            settings.reports, as_of, company_today, period_days=period, months_back=months_back
        )
        ledger = read_ledger(session.host, open_items, start, end)
        yield Inputs(session, settings, as_of, ledger)


def _emit(
    out: Output,
    fmt: str,
    target: Path | None,
    document: Callable[[], dict[str, Any]],
    sheets: Callable[[], list[Sheet]],
    page: Callable[[], str],
) -> None:
    if fmt == "table":
        _print_tables(out, target, sheets())
        return
    if fmt == "json":
        # Streamed: an aged balance of a million invoices is a document of 220 MB.
        _write(out, target, lambda handle: write_json(document(), handle))
        return
    text = to_csv(sheets()[0]) if fmt == "csv" else page()
    _write(out, target, lambda handle: handle.write(text))


def _print_tables(out: Output, target: Path | None, sheets: list[Sheet]) -> None:
    if target is None:
        for sheet in sheets:
            out.console.print(to_rich(sheet))
        return
    with _opened(target) as handle:
        text = file_console(handle)
        for sheet in sheets:
            text.print(to_rich(sheet))
    _written(out, target)


def _write(out: Output, target: Path | None, write: Callable[[IO[str]], object]) -> None:
    """``write`` the report to ``target``, or to the standard output."""
    if target is None:
        try:
            write(sys.stdout)
            sys.stdout.flush()
        except OSError as exc:  # a full disk behind a redirection, a closed pipe
            raise InputError(
                _("Cannot write the report to the standard output."),
                [Problem("stdout", exc.strerror or str(exc))],
            ) from None
        return
    with _opened(target) as handle:
        write(handle)
    _written(out, target)


@contextmanager
def _opened(target: Path) -> Iterator[IO[str]]:
    """``target`` open for writing, its missing folders created first (as ``export-case
    -o`` does); a file that cannot be written is a clear error naming it (exit 1).

    The report is written beside ``target`` and moved over it once whole: a failure
    (a full disk) leaves the previous report as it was, never half of the new one.
    """
    try:
        with replaced(target, "w", encoding="utf-8") as handle:
            yield handle
    except OSError as exc:
        raise InputError(
            _("Cannot write {path}.").format(path=target),
            [Problem(str(target), exc.strerror or str(exc))],
        ) from None


def _written(out: Output, target: Path) -> None:
    out.errors.print(_("Written to {path}").format(path=target), markup=False)


@click.group("report")
def report() -> None:
    """Reports on the receivables: aged balance, DSO, customer scores, activity.

    Every report is read-only: sources are read, the history is opened read-only.
    ``relance report html`` (or ``--format html`` on any report) writes one
    self-contained page with all of them, charts included.
    """


def report_options(function: F) -> F:
    """The options every report takes."""
    for decorator in (json_option, output_option, format_option, today_option, config_option):
        function = decorator(function)
    return function


Views = tuple[Callable[[], dict[str, Any]], Callable[[], list[Sheet]]]


def _views(
    result: R, document: Callable[[R], dict[str, Any]], sheets: Callable[[R], list[Sheet]]
) -> Views:
    return (lambda: document(result)), (lambda: sheets(result))


def _run(
    config_path: Path | None,
    today: str | None,
    fmt: str,
    target: Path | None,
    as_json: bool,
    build: Callable[[Inputs], Views],
    *,
    period: int | None = None,
    months_back: int = 0,
) -> None:
    out = output()
    with _inputs(config_path, today, out, period=period, months_back=months_back) as inputs:
        document, sheets = build(inputs)
        _emit(out, "json" if as_json else fmt, target, document, sheets, inputs.html)


@report.command("aging")
@report_options
def aging_command(
    config_path: Path | None, today: str | None, fmt: str, target: Path | None, as_json: bool
) -> None:
    """Aged balance: what each customer owes, by days late, per currency, with totals.

    Buckets come from [reports] buckets (default: not due, 1-30, 31-60, 61-90, >90).
    """
    _run(config_path, today, fmt, target, as_json,
         lambda i: _views(i.aging(), aging_document, aging_sheets))  # fmt: skip


@report.command("dso")
@report_options
@period_option
def dso_command(
    config_path: Path | None,
    today: str | None,
    fmt: str,
    target: Path | None,
    as_json: bool,
    period: int | None,
) -> None:
    """Days sales outstanding, simple formula and count-back method, with their inputs."""
    _run(config_path, today, fmt, target, as_json,
         lambda i: _views(i.dso(period), dso_document, dso_sheets),
         period=period, months_back=MAX_MONTHS_BACK)  # fmt: skip


@report.command("scores")
@report_options
def scores_command(
    config_path: Path | None, today: str | None, fmt: str, target: Path | None, as_json: bool
) -> None:
    """Customer scores: days late, reminders, max level, disputes, and an A-D rating.

    The rule of each rating is shown; [[scenarios]] scores = ["D"] picks a policy by it.
    """
    _run(config_path, today, fmt, target, as_json,
         lambda i: _views(i.scores(), score_document, score_sheets))  # fmt: skip


@report.command("activity")
@report_options
@period_option
def activity_command(
    config_path: Path | None,
    today: str | None,
    fmt: str,
    target: Path | None,
    as_json: bool,
    period: int | None,
) -> None:
    """Reminders sent per level and channel, amounts recovered after each level, promises."""
    _run(config_path, today, fmt, target, as_json,
         lambda i: _views(i.activity(period), activity_document, activity_sheets),
         period=period)  # fmt: skip


@report.command("html")
@config_option
@today_option
@output_option
def html_command(config_path: Path | None, today: str | None, target: Path | None) -> None:
    """The single-page HTML report: every report, charts and the actions due, offline."""
    out = output()
    with _inputs(config_path, today, out, months_back=MAX_MONTHS_BACK) as inputs:
        page = inputs.html()
        _write(out, target, lambda handle: handle.write(page))
