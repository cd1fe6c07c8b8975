"""``relance pause``, ``relance resume`` and ``relance promise``: holding reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click

from relance.cli.common import config_option, load, output, parse_date, today_option
from relance.cli.lookup import find_customer, find_invoice
from relance.cli.session import Session, actor, open_session
from relance.context import Role
from relance.errors import InputError, Problem
from relance.i18n import _
from relance.model import Customer, EventType, HistoryEvent, Invoice

__all__ = ["register"]

WRITERS = (Role.SOURCE, Role.PLUGIN)
"""Sources to find the invoice, and every plugin that mirrors the history."""


def register(app: click.Group) -> None:
    app.add_command(pause)
    app.add_command(resume)
    app.add_command(promise)


@dataclass(frozen=True)
class _Target:
    """What a hold is on: one invoice, or a whole customer."""

    source: str
    customer: Customer
    invoice: Invoice | None = None

    def fields(self) -> dict[str, object]:
        """The history event's fields naming the target."""
        found: dict[str, object] = {
            "source": self.source,
            "customer_id": self.customer.id,
            "customer_name": self.customer.name,
        }
        if self.invoice is None:
            return found
        return {
            **found,
            "invoice_ids": (self.invoice.id,),
            "invoice_numbers": (self.invoice.number,),
        }


def _target(session: Session, invoice: str | None, customer: str | None) -> _Target:
    invoices = session.fetch(planning=False)
    if (invoice is None) == (customer is None):
        raise InputError(
            _("Invalid command-line value."),
            [Problem("INVOICE", _("name an invoice, or a customer with --customer"))],
        )
    if invoice is not None:
        found = find_invoice(invoices, invoice, "INVOICE")
        return _Target(found.source, found.customer, found)
    assert customer is not None
    source, who = find_customer(invoices, customer, "--customer")
    return _Target(source, who)


def _hold(
    session: Session,
    kind: EventType,
    invoice: str | None,
    customer: str | None,
    **fields: object,
) -> None:
    """Record a pause, resume or promise on an invoice or a customer, and mirror it."""
    _record(session, kind, _target(session, invoice, customer), **fields)


def _record(session: Session, kind: EventType, target: _Target, **fields: object) -> None:
    event = HistoryEvent.model_validate(
        {
            "type": kind,
            "at": datetime.now(session.runner.config.company.zoneinfo),
            "run_date": session.runner.today,
            "actor": actor(),
            **fields,
            **target.fields(),
        }
    )
    session.store.append(event)
    for failure in session.host.record_history(event):
        session.out.errors.print(
            _("history mirror {instance} failed: {error}").format(
                instance=failure.instance, error=failure.error
            ),
            markup=False,
        )


@click.command("pause")
@click.argument("invoice", required=False)
@click.option(
    "--customer", help="Pause every reminder of this customer (its id or exact name) instead."
)
@click.option("--reason", required=True, help="Why (a dispute, a negotiation...).")
@click.option(
    "--until", metavar="YYYY-MM-DD", help="Last day of the pause (default: until resumed)."
)
@config_option
@today_option
def pause(
    invoice: str | None,
    customer: str | None,
    reason: str,
    until: str | None,
    config_path: Path | None,
    today: str | None,
) -> None:
    """Hold the reminders of INVOICE (number or id), or of a whole --customer.

    --until is the last day of the pause, today or later (a date in the past is refused).
    """
    out = output()
    end = parse_date(until, "--until") if until else None
    with open_session(load(config_path), today, out, dry_run=False, roles=WRITERS) as session:
        if end is not None and end < session.runner.today:
            raise InputError(
                _("Invalid command-line value."),
                [Problem("--until", _("the last day of the pause is in the past"))],
            )
        _hold(session, EventType.PAUSED, invoice, customer, reason=reason, until=end)
    what = invoice or customer
    if end:
        out.console.print(_("{what} paused until {date}.").format(what=what, date=end.isoformat()))
    else:
        out.console.print(_("{what} paused until resumed.").format(what=what))


@click.command("resume")
@click.argument("invoice", required=False)
@click.option("--customer", help="Resume a paused customer (its id or exact name) instead.")
@config_option
@today_option
def resume(
    invoice: str | None, customer: str | None, config_path: Path | None, today: str | None
) -> None:
    """End the pause of INVOICE, or of a --customer.

    One that is not paused today (never paused, resumed already, or its --until passed)
    is an error (exit 1) and nothing is recorded, as for an unknown invoice.
    """
    out = output()
    with open_session(load(config_path), today, out, dry_run=False, roles=WRITERS) as session:
        target = _target(session, invoice, customer)
        _require_paused(session, target, "INVOICE" if invoice is not None else "--customer")
        _record(session, EventType.RESUMED, target)
    out.console.print(_("{what} resumed.").format(what=invoice or customer))


def _require_paused(session: Session, target: _Target, option: str) -> None:
    """Raise unless ``target`` (an invoice or a customer) is paused today."""
    state = session.state()
    today = session.runner.today
    customer_key = (target.source, target.customer.id)
    customer = state.customers.get(customer_key)
    customer_pause = customer.pause if customer is not None else None
    if target.invoice is not None:
        memory = state.invoices.get(target.invoice.key)
        pause = memory.pause if memory is not None else None
        what = target.invoice.number
    else:
        pause, customer_pause, what = customer_pause, None, target.customer.id
    if pause is not None and pause.active(today):
        return
    if pause is not None and pause.until is not None:
        message = _("{what} is not paused: its pause ended on {date}").format(
            what=what, date=pause.until.isoformat()
        )
    else:
        message = _("{what} is not paused").format(what=what)
    if customer_pause is not None and customer_pause.active(today):
        message += "; " + _(
            "its customer {customer} is: relance resume --customer {customer}"
        ).format(customer=target.customer.id)
    raise InputError(_("Nothing to resume."), [Problem(option, message)])


@click.command("promise")
@click.argument("invoice")
@click.option(
    "--date", "promised", required=True, metavar="YYYY-MM-DD", help="Promised payment date."
)
@click.option("--note", default=None, help="What was agreed, with whom.")
@config_option
@today_option
def promise(
    invoice: str, promised: str, note: str | None, config_path: Path | None, today: str | None
) -> None:
    """Record a promise to pay INVOICE by --date: reminders wait, then resume if unpaid."""
    out = output()
    day = parse_date(promised, "--date")
    with open_session(load(config_path), today, out, dry_run=False, roles=WRITERS) as session:
        if day < session.runner.today:
            raise InputError(
                _("Invalid command-line value."),
                [Problem("--date", _("the promised date is in the past"))],
            )
        _hold(session, EventType.PROMISED, invoice, None, until=day, reason=note)
    out.console.print(
        _("Promise recorded: {invoice} to be paid by {date}.").format(
            invoice=invoice, date=day.isoformat()
        )
    )
