"""``relance preview``: render exactly what a customer would receive, into files."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import click

from relance.channels.mime import to_email
from relance.cli.common import config_option, load, output, today_option
from relance.cli.lookup import find_customer
from relance.cli.session import Session, open_session
from relance.context import Role
from relance.engine.planner import Reminder, quote_penalty
from relance.engine.state import DunningState
from relance.errors import InputError, Problem
from relance.i18n import _
from relance.model import ChannelKind, Message
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
    help="The customer (id or name), as an option rather than an argument.",
)
@click.option("--level", default=None, help="Render this level instead of the one due today.")
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="What to write (repeatable; default: all). pdf: the letters; eml: the emails.",
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

    Nothing is sent and nothing is recorded: the sources are read, the history is opened
    read-only, and every channel's message is rendered exactly as ``relance run`` would.
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
        if reminder is None:
            reasons = sorted({s.reason.value for s in result.skipped if s.customer.id == who.id})
            raise InputError(
                _("Nothing to preview."),
                [
                    Problem(
                        "CUSTOMER",
                        _("{customer} gets no reminder on {day} ({reasons})").format(
                            customer=who.id,
                            day=session.runner.today.isoformat(),
                            reasons=", ".join(reasons) or _("nothing due"),
                        ),
                    )
                ],
            )
        if level is not None:
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


def _at_level(session: Session, state: DunningState, reminder: Reminder, name: str) -> Reminder:
    """The same reminder, rendered at another level of the customer's policy.

    The penalties are quoted again: a level may show them where the one due does not.
    """
    policy = session.runner.config.settings.policy_book().policies[reminder.policy]
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
    return dataclasses.replace(
        reminder,
        level=chosen,
        channels=chosen.channels,
        items=items,
        deadline=session.runner.calendar.add_business_days(session.runner.today, days)
        if days
        else None,
    )


def _write(folder: Path, message: Message, wanted: set[str], session: Session) -> list[Path]:
    customer = re.sub(r"[^A-Za-z0-9_-]+", "-", message.customer_id).strip("-") or "customer"
    stem = f"{customer}_{message.level}_{message.kind.value}"
    folder.mkdir(parents=True, exist_ok=True)
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
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content)
        paths.append(path)
    return paths
