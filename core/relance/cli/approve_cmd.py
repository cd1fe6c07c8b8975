"""``relance approve``: the queue of reminders a person must approve (formal notices)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from rich.table import Table

from relance.cli.common import (
    config_option,
    invoice_numbers,
    json_option,
    load,
    output,
    today_option,
)
from relance.cli.session import actor, open_session
from relance.context import Role
from relance.engine.planner import Reminder
from relance.engine.serialize import reminder_document
from relance.errors import InputError, Problem
from relance.i18n import _
from relance.model import EventType, HistoryEvent

__all__ = ["register"]


def register(app: click.Group) -> None:
    app.add_command(approve)


@click.command("approve")
@click.argument("keys", nargs=-1)
@click.option("--all", "approve_all", is_flag=True, help="Approve every reminder in the queue.")
@click.option("--reject", is_flag=True, help="Reject instead: the reminder is not sent.")
@click.option("--note", default=None, help="A note kept in the history.")
@config_option
@today_option
@json_option
def approve(
    keys: tuple[str, ...],
    approve_all: bool,
    reject: bool,
    note: str | None,
    config_path: Path | None,
    today: str | None,
    as_json: bool,
) -> None:
    """List the reminders awaiting approval, or approve (--reject) those named.

    KEYS are reminder keys (or their first characters) or customer ids, as listed.
    Approved reminders are sent by the next ``relance run``. --all takes the whole queue
    and no KEYS: naming keys with --all is refused, and nothing is approved or rejected;
    --reject without KEYS or --all is refused too (it would only list the queue).
    """
    out = output()
    if approve_all and keys:
        raise InputError(
            _("Invalid command-line value."),
            [Problem("KEYS/--all", _("name reminder keys or give --all, not both"))],
        )
    if reject and not (keys or approve_all):
        raise InputError(
            _("Invalid command-line value."),
            [Problem("--reject", _("name the reminder keys to reject, or give --all"))],
        )
    roles = (Role.SOURCE, Role.PLUGIN)
    with open_session(load(config_path), today, out, dry_run=False, roles=roles) as session:
        invoices = session.fetch()
        queue = [r for r in session.plan(invoices).reminders if r.requires_approval]
        picked = queue if approve_all else [_pick(queue, key) for key in keys]
        # A reminder named twice (its key and its customer's id) is approved once.
        chosen = list({reminder.key: reminder for reminder in picked}.values())
        verb = EventType.REJECTED if reject else EventType.APPROVED
        for reminder in chosen:
            event = HistoryEvent(
                type=verb,
                at=datetime.now(session.runner.config.company.zoneinfo),
                run_date=session.runner.today,
                actor=actor(),
                source=reminder.source,
                customer_id=reminder.customer.id,
                customer_name=reminder.customer.name,
                invoice_ids=tuple(i.invoice.id for i in reminder.items),
                invoice_numbers=tuple(i.invoice.number for i in reminder.items),
                level=reminder.level.name,
                reminder_key=reminder.key,
                reason=note,
            )
            session.store.append(event)
            session.host.record_history(event)
    if as_json:
        out.json(
            {
                "queue": [reminder_document(r) for r in queue],
                "approved" if not reject else "rejected": [r.key for r in chosen],
            }
        )
        return
    if chosen:
        done = _("rejected") if reject else _("approved")
        for reminder in chosen:
            out.console.print(f"{reminder.key[:10]} {reminder.customer.name}: {done}")
        return
    if not queue:
        out.console.print(_("No reminder awaits approval."))
        return
    table = Table(title=_("Awaiting approval"))
    for header in (_("Key"), _("Customer"), _("Level"), _("Channels"), _("Invoices")):
        table.add_column(header)
    for reminder in queue:
        table.add_row(
            reminder.key[:10],
            f"{reminder.customer.name} ({reminder.customer.id})",
            reminder.level.name,
            ", ".join(c.value for c in reminder.channels),
            invoice_numbers([i.invoice.number for i in reminder.items]),
        )
    out.console.print(table)


def _pick(queue: list[Reminder], key: str) -> Reminder:
    found = [r for r in queue if r.key.startswith(key) or r.customer.id == key]
    if len(found) == 1:
        return found[0]
    message = (
        _("no reminder awaiting approval matches {key!r}").format(key=key)
        if not found
        else _("{key!r} matches several reminders; give more characters").format(key=key)
    )
    raise InputError(_("Invalid command-line value."), [Problem("KEYS", message)])
