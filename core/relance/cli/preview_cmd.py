"""``relance preview``: render exactly what a customer would receive, into files."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

import click

from relance.channels.mime import to_email
from relance.cli.common import config_option, load, output, today_option
from relance.cli.lookup import find_customer
from relance.cli.session import Session, open_session
from relance.context import Role
from relance.engine.planner import (
    PlannedItem,
    Reminder,
    amounts_asked,
    invoice_hold,
    item_order,
    level_channels,
    message_language,
    quote_penalty,
    recipient_emails,
    reminder_key,
)
from relance.engine.state import DunningState
from relance.errors import InputError, Problem
from relance.i18n import _
from relance.model import ChannelKind, Customer, DocumentKind, Invoice, Message
from relance.render.pool import compose_all

__all__ = ["register"]

FORMATS = ("text", "html", "pdf", "eml")


def register(app: click.Group) -> None:
    app.add_command(preview)


@click.command("preview")
@click.argument("customer", required=False)
@click.option(
    "--customer",
    "customer_option",
    metavar="CUSTOMER",
    default=None,
    help="The customer (id or exact name), as an option rather than an argument.",
)
@click.option(
    "--level",
    default=None,
    help="Render this level instead of the one due today, even if nothing is due today.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="What to write (repeatable; default: all). pdf: the letters; eml: the emails. "
    "Asking only for what the level does not send (pdf of an email-only level) is an error.",
)
@click.option(
    "--output",
    "-o",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("relance-preview"),
    show_default=True,
    help="Folder receiving the files.",
)
@config_option
@today_option
def preview(
    customer: str | None,
    customer_option: str | None,
    level: str | None,
    formats: tuple[str, ...],
    folder: Path,
    config_path: Path | None,
    today: str | None,
) -> None:
    """Write the messages CUSTOMER would receive today (or on --today) as files.

    CUSTOMER is a customer id (``source:id`` if two sources share it) or its exact name,
    in any case. Nothing is sent and nothing is recorded: the sources are read, the
    history is opened read-only, and every channel's message is rendered exactly as
    ``relance run`` would. With --level, a customer with nothing due today gets that
    level for its open invoices (those on hold left out), and the output says so.
    """
    out = output()
    customer = _one_customer(customer, customer_option)
    wanted = set(formats or FORMATS)
    roles = (Role.SOURCE, Role.PLUGIN)
    with open_session(load(config_path), today, out, dry_run=True, roles=roles) as session:
        invoices = session.fetch()
        source, who = find_customer(invoices, customer, "CUSTOMER")
        state = session.state()
        result = session.runner.plan(invoices, state)
        reminder = next((r for r in result.reminders if r.customer_key == (source, who.id)), None)
        day = session.runner.today.isoformat()
        if reminder is None:
            reasons = sorted(
                {
                    s.reason.value
                    for s in result.skipped
                    if (s.source, s.customer.id) == (source, who.id)
                }
            )
            why = ", ".join(reasons) or _("nothing due")
            base = None if level is None else _unplanned(session, state, invoices, source, who)
            if base is None or level is None:
                raise InputError(
                    _("Nothing to preview."),
                    [
                        Problem(
                            "CUSTOMER",
                            _("{customer} gets no reminder on {day} ({reasons})").format(
                                customer=who.id, day=day, reasons=why
                            ),
                        )
                    ],
                )
            unplanned = _at_level(session, state, base, level)
            out.errors.print(
                _(
                    "{customer} gets no reminder on {day} ({reasons}); level {level} "
                    "rendered anyway for its open invoices."
                ).format(customer=who.id, day=day, reasons=why, level=level),
                markup=False,
            )
            reminder = unplanned
        elif level is not None:
            reminder = _at_level(session, state, reminder, level)
        # What the run would give it: its customer's delivered reminders, its PDFs.
        (messages,) = compose_all(
            session.runner.renderings([reminder]),
            company=session.runner.config.company,
            today=session.runner.today,
            templates=session.runner.templates,
        )
        written: list[Path] = []
        for message in messages:
            written += _write(folder, message, wanted, session)
        if not written:
            sends = ", ".join(c.value for c in reminder.channels)
            nothing = _(
                "level {level} reaches {customer} by {channels}: nothing to write as {formats}"
            )
            details = nothing.format(
                level=reminder.level.name,
                customer=who.id,
                channels=sends,
                formats=", ".join(f for f in FORMATS if f in wanted),
            )
            raise InputError(_("Nothing to preview."), [Problem("--format", details)])
    for path in written:
        out.console.print(str(path), markup=False)


def _one_customer(argument: str | None, option: str | None) -> str:
    """``relance preview C`` and ``relance preview --customer C`` are the same command."""
    if argument is not None and option is not None and argument != option:
        raise click.UsageError(
            _("give the customer once: {first!r} or {second!r}").format(
                first=argument, second=option
            )
        )
    customer = argument if argument is not None else option
    if customer is None:
        raise click.UsageError(_("name the customer: relance preview CUSTOMER"))
    return customer


def _unplanned(
    session: Session,
    state: DunningState,
    invoices: Sequence[Invoice],
    source: str,
    who: Customer,
) -> Reminder | None:
    """The customer's reminder as if it were due today, for ``--level`` to render when
    nothing is: its open items, less the invoices on hold (disputed, paused, promised),
    due or not. Its level, channels and penalties are those of the level asked for
    (:func:`_at_level`). ``None`` when the customer has no open invoice, only credits."""
    today = session.runner.today
    open_items = [
        i for i in invoices if (i.source, i.customer.id) == (source, who.id) and i.residual > 0
    ]
    if not any(i.kind is DocumentKind.INVOICE for i in open_items):
        return None
    listed = sorted(
        (i for i in open_items if invoice_hold(i, state.invoices.get(i.key), today) is None),
        key=item_order,
    )
    if not any(i.kind is DocumentKind.INVOICE for i in listed):
        message = _("every open invoice of {customer} is on hold").format(customer=who.id)
        raise InputError(_("Nothing to preview."), [Problem("CUSTOMER", message)])
    book = session.runner.config.settings.policy_book()
    policy_name = book.policy_name_for(who, (session.runner.scores or {}).get((source, who.id)))
    first = book.policies[policy_name].levels[0]
    asked, totals = amounts_asked(listed, today)
    return Reminder(
        key=reminder_key(source, who.id, first.name, (i.id for i in listed)),
        source=source,
        customer=who,
        policy=policy_name,
        level=first,
        channels=first.channels,
        items=tuple(
            PlannedItem(
                invoice=i,
                days_late=i.days_late(today),
                amount=None if i.is_credit else asked[i.key],
            )
            for i in listed
        ),
        totals=totals,
        emails=(),
        language=None,
        requires_approval=False,
    )


def _at_level(session: Session, state: DunningState, reminder: Reminder, name: str) -> Reminder:
    """The same reminder, rendered at another level of the customer's policy.

    The penalties are quoted again: a level may show them where the one due does not.
    Its channels, recipients and language are chosen as the planner chooses them for
    that level (an email level for a customer without an address is a letter).
    """
    book = session.runner.config.settings.policy_book()
    policy = book.policies[reminder.policy]
    index = policy.index(name)
    if index is None or not policy.levels[index].channels:
        known = ", ".join(lvl.name for lvl in policy.levels if lvl.channels)
        raise InputError(
            _("Invalid command-line value."),
            [
                Problem(
                    "--level",
                    _("no level {name!r} sends a message; known: {known}").format(
                        name=name, known=known
                    ),
                )
            ],
        )
    chosen = policy.levels[index]
    days = chosen.deadline_business_days
    runner = session.runner
    calculator = runner.penalty_calculator(state)
    items = tuple(
        dataclasses.replace(
            item, penalty=quote_penalty(chosen, item.invoice, calculator, runner.today)
        )
        for item in reminder.items
    )
    override = book.override_for(reminder.customer)
    emails = recipient_emails(reminder.customer, [i.invoice for i in items], override)
    channels, notes = level_channels(chosen, override, emails, reminder.customer)
    if not channels:
        raise InputError(_("Nothing to preview."), [Problem("--level", "; ".join(notes))])
    return dataclasses.replace(
        reminder,
        level=chosen,
        channels=channels,
        items=items,
        emails=emails if ChannelKind.EMAIL in channels else (),
        language=message_language(reminder.customer, override),
        deadline=session.runner.calendar.add_business_days(session.runner.today, days)
        if days
        else None,
    )


def _write(folder: Path, message: Message, wanted: set[str], session: Session) -> list[Path]:
    customer = re.sub(r"[^A-Za-z0-9_-]+", "-", message.customer_id).strip("-") or "customer"
    stem = f"{customer}_{message.level}_{message.kind.value}"
    files: dict[str, bytes] = {}
    if "text" in wanted:
        files[f"{stem}.txt"] = f"{message.subject}\n\n{message.text}".encode()
    if "html" in wanted and message.html is not None:
        files[f"{stem}.html"] = message.html.encode()
    if "eml" in wanted and message.kind is ChannelKind.EMAIL:
        company = session.runner.config.company
        sender = str(company.email) if company.email else "relance@localhost"
        files[f"{stem}.eml"] = bytes(to_email(message, sender=sender, domain="relance.invalid"))
    if "pdf" in wanted:
        for attachment in message.attachments:
            files[f"{stem}_{attachment.filename}"] = attachment.content
    paths = []
    if files:
        folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content)
        paths.append(path)
    return paths
