"""``relance export-case CUSTOMER``: the collection file a lawyer or an agency asks for.

The folder holds ``claim.txt`` (the claim and the reminders, readable), ``case.json``
(the same for software), ``claim.csv``, the invoices' PDFs under ``invoices/`` (from
sources that provide them) and, under ``reminders/``, a copy of each message a channel
kept as a file (the outbox's emails, the letters' PDFs). ``--zip`` packs it in one file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import click

from relance.cli.common import config_option, file_console, json_option, load, output, today_option
from relance.cli.lookup import find_customer
from relance.cli.session import Session, open_session
from relance.errors import InputError, Problem
from relance.i18n import _
from relance.model import DocumentKind, EventType, Invoice
from relance.reports.case import CaseFile, build_case
from relance.reports.documents import case_document, case_sheets
from relance.reports.formats import to_csv, to_rich

__all__ = ["register"]


def register(app: click.Group) -> None:
    app.add_command(export_case)


@click.command("export-case")
@click.argument("customer")
@config_option
@today_option
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(),
    show_default=True,
    help="Folder in which the case folder (or zip) is written.",
)
@click.option("--zip", "as_zip", is_flag=True, help="Write one .zip file instead of a folder.")
@json_option
def export_case(
    customer: str,
    config_path: Path | None,
    today: str | None,
    folder: Path,
    as_zip: bool,
    as_json: bool,
) -> None:
    """Write the collection file of CUSTOMER (its id, source:id, or its exact name).

    The claim (principal, interest and indemnity per invoice on --today), the invoice
    PDFs, every reminder sent with its date, channel, recipient and content, and the
    formal notice with its registered-letter reference. Nothing is sent or recorded.
    """
    out = output()
    with open_session(load(config_path), today, out, dry_run=True) as session:
        invoices = session.fetch(planning=False)
        source, found = find_customer(invoices, customer, "CUSTOMER")
        case = _case(
            session, [i for i in invoices if i.source == source and i.customer.id == found.id]
        )
        target = folder / f"{_safe(found.id)}-{case.as_of.isoformat()}"
        final = target.with_suffix(".zip") if as_zip else target
        if final.exists():
            raise InputError(
                _("The case file already exists."),
                [Problem(str(final), _("remove it or choose another folder with --output"))],
            )
        missing = _write(session, case, target)
    if as_zip:
        _pack(target, final)
    if as_json:
        out.json({"path": str(final), "missing_documents": missing, **case_document(case)})
        return
    for sheet in case_sheets(case):
        out.console.print(to_rich(sheet))
    for number in missing:
        out.errors.print(_("no PDF for invoice {number}").format(number=number), markup=False)
    out.console.print(_("Case file written to {path}").format(path=final), markup=False)


def _case(session: Session, items: list[Invoice]) -> CaseFile:
    runner = session.runner
    # The reminders listed are the customer's own events, found by the history's index.
    # The penalties come from every invoice's memory, folded as the planner folds it: a
    # notice about an invoice may have been recorded under the customer's former id (a
    # CSV customer named anew, Odoo partners merged).
    source, customer = items[0].source, items[0].customer.id
    events = session.store.events(source=source, customer_id=customer, types=[EventType.SENT])
    book = runner.config.settings.policy_book()
    notices = book.notice_levels()
    return build_case(
        source,
        items,
        events,
        as_of=runner.today,
        penalties=runner.penalty_calculator(session.state()),
        notice_levels=notices,
    )


def _safe(text: str) -> str:
    """A file name from an id or number: letters, digits, '-', '_' and '.' only."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text).strip(".") or "_"


def _write(session: Session, case: CaseFile, target: Path) -> list[str]:
    """Write the folder; return the numbers of the invoices without a PDF."""
    (target / "invoices").mkdir(parents=True)
    (target / "reminders").mkdir()
    copies = _copies(case, target / "reminders")
    # A file the channel wrote is referred to by its copy in the folder: the folder goes
    # to third parties, this machine's paths mean nothing to them (and are not theirs).
    case = dataclasses.replace(
        case,
        reminders=tuple(
            dataclasses.replace(reminder, reference=copy) if copy else reminder
            for reminder, copy in zip(case.reminders, copies, strict=True)
        ),
    )
    document = case_document(case)
    missing = _documents(session, case, target / "invoices")
    document["missing_documents"] = missing
    document["reminder_files"] = copies
    # content_sha256 is of the subject and text rendered, recorded before sending; a
    # lawyer checks the files themselves against these.
    document["reminder_files_sha256"] = [
        hashlib.sha256((target / copy).read_bytes()).hexdigest() if copy else None
        for copy in copies
    ]
    (target / "case.json").write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    sheets = case_sheets(case)
    (target / "claim.csv").write_text(to_csv(sheets[0]), encoding="utf-8")
    with (target / "claim.txt").open("w", encoding="utf-8") as handle:
        text = file_console(handle)
        for sheet in sheets:
            text.print(to_rich(sheet))
        for notice in case.formal_notices:
            text.print(
                _("Formal notice: {date}, {channel}, reference {reference}").format(
                    date=notice.day.isoformat(),
                    channel=notice.channel,
                    reference=notice.reference or "-",
                ),
                markup=False,
            )
    return missing


def _documents(session: Session, case: CaseFile, folder: Path) -> list[str]:
    sources = {ctx.name: ctx for ctx in session.host.sources}
    missing = []
    for line in case.lines:
        invoice = line.invoice
        if invoice.kind is not DocumentKind.INVOICE:
            continue
        ctx = sources.get(invoice.source)
        document = session.host.fetch_document(ctx, invoice) if ctx is not None else None
        if document is None:
            missing.append(invoice.number)
        else:
            (folder / _safe(document.filename)).write_bytes(document.content)
    return missing


def _copies(case: CaseFile, folder: Path) -> list[str | None]:
    """Copy each reminder's file when its channel kept one; ``None`` for the others."""
    copied: list[str | None] = []
    for index, reminder in enumerate(case.reminders, start=1):
        kept = Path(reminder.reference) if reminder.reference else None
        if kept is None or not kept.is_file():
            copied.append(None)
            continue
        name = (
            f"{index:02d}-{reminder.day.isoformat()}-{_safe(reminder.level)}-"
            + _safe(reminder.channel)
            + kept.suffix
        )
        shutil.copyfile(kept, folder / name)
        copied.append(f"reminders/{name}")
    return copied


def _pack(folder: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        for path in sorted(folder.rglob("*")):
            packed.write(path, Path(folder.name) / path.relative_to(folder))
    shutil.rmtree(folder)
