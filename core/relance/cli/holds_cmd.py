"""``relance pause``, ``relance resume`` and ``relance promise``: holding reminders."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from relance.cli.common import config_option, load, output, parse_date, today_option
from relance.cli.lookup import find_customer, find_invoice
from relance.cli.session import Session, actor, open_session
from relance.context import Role
from relance.errors import InputError, Problem
from relance.i18n import _
from relance.model import EventType, HistoryEvent

__all__ = ["register"]

WRITERS = (Role.SOURCE, Role.PLUGIN)
"""Sources to find the invoice, and every plugin that mirrors the history."""


def register(app: click.Group) -> None:
    app.add_command(pause)
    app.add_command(resume)
    app.add_command(promise)


def _target(session: Session, invoice: str | None, customer: str | None) -> dict[str, object]:
    invoices = session.fetch()
    if (invoice is None) == (customer is None):
        raise InputError(
            _("Invalid command-line value."),
            [Problem("INVOICE", _("name an invoice, or a customer with --customer"))],
        )
    if invoice is not None:
        found = find_invoice(invoices, invoice, "INVOICE")
        return {
            "source": found.source,
            "customer_id": found.customer.id,
            "customer_name": found.customer.name,
            "invoice_ids": (found.id,),
            "invoice_numbers": (found.number,),
        }
    assert customer is not None
    source, who = find_customer(invoices, customer, "--customer")
    return {"source": source, "customer_id": who.id, "customer_name": who.name}


def _hold(
    session: Session,
    kind: EventType,
    invoice: str | None,
    customer: str | None,
    **fields: object,
) -> None:
    """Record a pause, resume or promise on an invoice or a customer, and mirror it."""
    event = HistoryEvent.model_validate(
        {
            "type": kind,
            "at": datetime.now(session.runner.config.company.zoneinfo),
            "run_date": session.runner.today,
            "actor": actor(),
            **fields,
            **_target(session, invoice, customer),
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
@click.option("--customer", help="Pause every reminder of this customer instead.")
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
    """Hold the reminders of INVOICE (number or id), or of a whole --customer."""
    out = output()
    end = parse_date(until, "--until") if until else None
    with open_session(load(config_path), today, out, dry_run=False, roles=WRITERS) as session:
        _hold(session, EventType.PAUSED, invoice, customer, reason=reason, until=end)
    what = invoice or customer
    if end:
        out.console.print(_("{what} paused until {date}.").format(what=what, date=end.isoformat()))
    else:
        out.console.print(_("{what} paused until resumed.").format(what=what))


@click.command("resume")
@click.argument("invoice", required=False)
@click.option("--customer", help="Resume a paused customer instead.")
@config_option
@today_option
def resume(
    invoice: str | None, customer: str | None, config_path: Path | None, today: str | None
) -> None:
    """End the pause of INVOICE, or of a --customer."""
    out = output()
    with open_session(load(config_path), today, out, dry_run=False, roles=WRITERS) as session:
        _hold(session, EventType.RESUMED, invoice, customer)
    out.console.print(_("{what} resumed.").format(what=invoice or customer))


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
