"""``relance history`` and ``relance resolve``: reading the log, settling what a crash left."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from rich.table import Table

from relance.cli.common import config_option, invoice_numbers, json_option, load, output
from relance.cli.lookup import name_key
from relance.cli.session import actor
from relance.engine.state import RESOLVED_NOT_SENT, RESOLVED_SENT
from relance.errors import InputError, Problem
from relance.history import SQLiteStore
from relance.i18n import _
from relance.model import EventType, HistoryEvent

__all__ = ["register"]


def register(app: click.Group) -> None:
    app.add_command(history)
    app.add_command(resolve)


@click.command("history")
@click.option(
    "--customer",
    default=None,
    help="Only this customer's events (its id, as the sources give it, or its exact name).",
)
@click.option("--unsettled", is_flag=True, help="Only sends whose outcome is unknown.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="The last N events.")
@config_option
@json_option
def history(
    customer: str | None,
    unsettled: bool,
    limit: int | None,
    config_path: Path | None,
    as_json: bool,
) -> None:
    """Show what relance did: planned, approved, sent, failed, skipped, resolved..."""
    out = output()
    config = load(config_path).config
    with SQLiteStore(config.settings.history.path, readonly=True) as store:
        events = store.unsettled() if unsettled else list(store.events(customer_id=customer))
        if customer is not None and not any(e.customer_id == customer for e in events):
            customer = _customer_named(store, customer) or customer
            if not unsettled:
                events = list(store.events(customer_id=customer))
    if customer is not None:
        events = [e for e in events if e.customer_id == customer]
    if limit is not None:
        events = events[-limit:]
    if as_json:
        out.json({"events": [e.model_dump(mode="json", exclude_defaults=True) for e in events]})
        return
    if not events:
        out.console.print(_empty(customer, unsettled=unsettled), markup=False)
        return
    table = Table(title=_("Unsettled sends") if unsettled else _("History"))
    for header in (_("When"), _("Event"), _("Customer"), _("Level"), _("Channel"), _("Detail")):
        table.add_column(header)
    for event in events:
        table.add_row(
            event.at.strftime("%Y-%m-%d %H:%M"),
            event.type.value,
            event.customer_name or event.customer_id or "",
            event.level or "",
            event.channel.value if event.channel else "",
            event.message_key
            if unsettled
            else (event.reason or invoice_numbers(event.invoice_numbers)),
        )
    out.console.print(table)


def _customer_named(store: SQLiteStore, name: str) -> str | None:
    """The id of the customer the history recorded under ``name`` (any case), if one:
    a name two customers were recorded under is refused with their ids."""
    wanted = name_key(name)
    found = {
        (event.source or "", event.customer_id)
        for event in store.events()
        if event.customer_id and event.customer_name and name_key(event.customer_name) == wanted
    }
    if len({customer for _source, customer in found}) > 1:
        choices = ", ".join(f"{source}:{customer}" for source, customer in sorted(found))
        message = _("{ref!r} is the name of several customers; give the id of one: {choices}")
        raise InputError(
            _("Invalid command-line value."),
            [Problem("--customer", message.format(ref=name, choices=choices))],
        )
    return next((customer for _source, customer in found), None)


def _empty(customer: str | None, *, unsettled: bool) -> str:
    """What an empty listing means. The history knows a customer only by the events
    recorded about it: no event says nothing of whether the customer exists."""
    if customer is None:
        return _("No unsettled send.") if unsettled else _("The history is empty.")
    if unsettled:
        return _("No unsettled send for customer id {customer!r}.").format(customer=customer)
    return _(
        "No event recorded for customer id {customer!r} (the history knows a customer "
        "only once relance has done something about it)."
    ).format(customer=customer)


@click.command("resolve")
@click.argument("message_key")
@click.option("--sent", is_flag=True, help="The message did go out.")
@click.option("--not-sent", is_flag=True, help="It did not go out.")
@click.option("--note", default=None, help="How you know (kept in the history).")
@config_option
def resolve(
    message_key: str, sent: bool, not_sent: bool, note: str | None, config_path: Path | None
) -> None:
    """Settle a send whose outcome is unknown (a crash between intent and delivery).

    Check the channel (the mailbox's sent folder, the provider's dashboard), then say
    --sent (the level counts as delivered) or --not-sent (it may be sent again), never
    both: contradictory answers are refused and nothing is recorded.
    """
    out = output()
    if sent and not_sent:
        raise InputError(
            _("Invalid command-line value."),
            [Problem("--sent/--not-sent", _("give --sent or --not-sent, not both"))],
        )
    if not (sent or not_sent):
        raise InputError(
            _("Invalid command-line value."), [Problem("--sent/--not-sent", _("say which"))]
        )
    outcome = RESOLVED_SENT if sent else RESOLVED_NOT_SENT
    config = load(config_path).config
    with SQLiteStore(config.settings.history.path) as store:
        matches = [e for e in store.unsettled() if (e.message_key or "").startswith(message_key)]
        if len(matches) != 1:
            message = (
                _("no unsettled send matches {key!r} (see relance history --unsettled)")
                if not matches
                else _("{key!r} matches several unsettled sends; give more characters")
            ).format(key=message_key)
            raise InputError(_("Invalid command-line value."), [Problem("MESSAGE_KEY", message)])
        intent = matches[0]
        event = intent.model_copy(
            update={
                "id": HistoryEvent(type=EventType.RESOLVED).id,
                "type": EventType.RESOLVED,
                "at": datetime.now(config.company.zoneinfo),
                "run_date": None,
                "actor": actor(),
                "settles": intent.id,
                "reason": f"{outcome}: {note}" if note else outcome,
            }
        )
        store.settle(event)
    out.console.print(
        _("{key} resolved as {outcome}.").format(key=intent.message_key, outcome=outcome)
    )
