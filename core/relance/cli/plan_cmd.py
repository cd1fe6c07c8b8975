"""``relance plan`` (the dry run) and ``relance run`` (send and record)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from relance.cli.common import (
    Output,
    config_option,
    invoice_numbers,
    json_option,
    load,
    output,
    progress_bars,
    today_option,
)
from relance.cli.session import Session, open_session
from relance.context import Role
from relance.engine.planner import Plan, Reminder, Skip, SkipReason
from relance.engine.runner import RunReport, Step
from relance.engine.serialize import plan_document, run_document
from relance.errors import EXIT_PLUGIN_ERROR, InputError, Problem
from relance.i18n import _, current_language
from relance.model import EventType, Invoice
from relance.render.formatting import format_money

__all__ = ["register"]


def register(app: click.Group) -> None:
    app.add_command(plan)
    app.add_command(run)


@click.command("plan")
@config_option
@today_option
@json_option
def plan(config_path: Path | None, today: str | None, as_json: bool) -> None:
    """Show what would be sent today (or on --today), writing nothing anywhere.

    Sources are read, the history is opened read-only, nothing is sent and no plugin
    records anything: run it as often as you like.
    """
    out = output()
    loaded = load(config_path)
    with open_session(loaded, today, out, dry_run=True) as session:
        invoices = session.fetch()
        result = session.plan(invoices)
    if as_json:
        out.json(plan_document(result))
    else:
        _print_plan(out, result)


@click.command("run")
@config_option
@today_option
@click.option("--yes", "-y", is_flag=True, help="Send without asking for confirmation.")
@json_option
def run(config_path: Path | None, today: str | None, yes: bool, as_json: bool) -> None:
    """Plan, re-check balances, send what needs no approval (or was approved), record.

    Reminders that need approval wait for ``relance approve``. Exit code 2 when a
    message failed (it is recorded and retried on a later run).
    """
    out = output()
    loaded = load(config_path)
    roles = (Role.SOURCE, Role.CHANNEL, Role.PLUGIN)
    with open_session(loaded, today, out, dry_run=False, roles=roles) as session:
        invoices = session.fetch()
        if not yes:
            _confirm_sending(out, session, invoices)
        state = session.state(save=True)  # its own progress line: one display at a time
        steps = {Step.RENDERED: _("Rendering"), Step.SENT: _("Sending")}
        with progress_bars(out, steps, None) as bars:
            report = session.runner.run(invoices, state, progress=bars)
    if as_json:
        out.json(run_document(report))
    else:
        _print_report(out, report)
    if report.count(EventType.FAILED) or report.count(EventType.INTENT):
        raise click.exceptions.Exit(EXIT_PLUGIN_ERROR)


def _confirm_sending(out: Output, session: Session, invoices: list[Invoice]) -> None:
    """Show what the run would send and ask the user to agree (with ``--yes``, the run
    neither plans this preview nor asks).

    The run plans again, with the history as it stands after the question: this plan
    is only shown, and dropped before the run (a million invoices plan to some 300 MB).
    """
    preview = session.plan(invoices)
    sendable = sum(not reminder.requires_approval for reminder in preview.reminders)
    if sendable:
        _confirm(out, preview, sendable)


def _confirm(out: Output, preview: Plan, count: int) -> None:
    if not sys.stdin.isatty():
        raise InputError(
            _("Confirmation needed."),
            [Problem("--yes", _("not a terminal: pass --yes to send without confirmation"))],
        )
    _print_plan(out, preview)
    if not click.confirm(_("Send {count} reminders now?").format(count=count), default=False):
        raise click.exceptions.Abort


def _money_cell(amounts: dict[str, Decimal], language: str) -> str:
    return "\n".join(
        format_money(amount, currency, language) for currency, amount in amounts.items()
    )


def _reminder_table(title: str, reminders: list[Reminder]) -> Table:
    table = Table(title=title)
    for header in (_("Customer"), _("Level"), _("Channels"), _("Invoices")):
        table.add_column(header)
    table.add_column(_("Due"), justify="right")
    table.add_column(_("Approval"))
    language = current_language()
    for reminder in reminders:
        numbers = [i.invoice.number for i in reminder.items if i.reaches is not None]
        table.add_row(
            f"{reminder.customer.name} ({reminder.customer.id})",
            reminder.level.name,
            ", ".join(c.value for c in reminder.channels) or "—",
            invoice_numbers(numbers),
            _money_cell(dict(reminder.totals), language),
            _("required") if reminder.requires_approval else "",
        )
    return table


def _notes_table(reminders: list[Reminder]) -> Table:
    table = Table(title=_("Notes"))
    table.add_column(_("Customer"))
    table.add_column(_("Note"))
    for reminder in reminders:
        for note in reminder.notes:
            table.add_row(f"{reminder.customer.name} ({reminder.customer.id})", note)
    return table


def _print_plan(out: Output, result: Plan) -> None:
    date_text = result.today.isoformat()
    if result.reminders:
        title = _("Reminders for {date}").format(date=date_text)
        out.console.print(_reminder_table(title, result.reminders))
        noted = [reminder for reminder in result.reminders if reminder.notes]
        if noted:
            out.console.print(_notes_table(noted))
    else:
        out.console.print(_("Nothing to send on {date}.").format(date=date_text))
    if result.skipped:
        reasons = Counter(skip.reason.value for skip in result.skipped)
        table = Table(title=_("Not reminded"))
        table.add_column(_("Reason"))
        table.add_column(_("Count"), justify="right")
        for reason, count in sorted(reasons.items()):
            table.add_row(reason, str(count))
        out.console.print(table)
        _print_causes(out, result.skipped)


CAUSES_SHOWN = 3


def _print_causes(out: Output, skipped: Sequence[Skip]) -> None:
    """Why penalties could not be computed, most frequent first: one cause (a rate not
    yet in a table) often holds many customers, and only the person can add it."""
    causes = Counter(s.detail for s in skipped if s.reason is SkipReason.NO_PENALTIES)
    for detail, count in causes.most_common(CAUSES_SHOWN):
        out.console.print(
            Text(_("no_penalties ({count}): {detail}").format(count=count, detail=detail))
        )


def _print_report(out: Output, report: RunReport) -> None:
    if report.deferred:
        out.console.print(report.deferred)
        return
    table = Table(title=_("relance run — {date}").format(date=report.today.isoformat()))
    for header in (_("Customer"), _("Level"), _("Channel"), _("Status"), _("Detail")):
        table.add_column(header)
    for delivery in report.deliveries:
        colour = {"sent": "green", "failed": "red"}.get(delivery.status.value, "yellow")
        status = _("unknown") if delivery.status is EventType.INTENT else delivery.status.value
        table.add_row(
            delivery.reminder.customer.name,
            delivery.reminder.level.name,
            delivery.channel.value,
            f"[{colour}]{status}[/{colour}]",
            delivery.detail,
        )
    out.console.print(table)
    summary = _(
        "{sent} sent, {failed} failed, {waiting} awaiting approval, {dropped} dropped "
        "after the balance re-check, {handed} handed off to collection."
    ).format(
        sent=report.count(EventType.SENT),
        failed=report.count(EventType.FAILED),
        waiting=len(report.awaiting_approval),
        dropped=len(report.dropped),
        handed=len(report.handed_off),
    )
    out.console.print(summary)
    _print_causes(out, report.plan.skipped)
    if report.count(EventType.INTENT):
        out.errors.print(
            _(
                "{count} message(s) may have gone out although no answer came: each holds "
                "its customer until you say whether it did (relance history --unsettled, "
                "then relance resolve KEY --sent or --not-sent)."
            ).format(count=report.count(EventType.INTENT)),
            markup=False,
        )
    for failure in report.mirror_failures:
        out.errors.print(
            _("history mirror {instance} failed: {error}").format(
                instance=failure.instance, error=failure.error
            ),
            markup=False,
        )
