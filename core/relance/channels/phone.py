"""The ``phone`` channel: a call task with its script, appended to a CSV call list.

Each phone reminder becomes one row of the call list (``path``): who to call, the
number in E.164, what is owed since when, and the script of the call (``<lang>/call.j2``).
The file is written for spreadsheets: UTF-8 with a byte-order mark so that Excel reads
the accents, ``;`` between columns by default (what French Excel expects), the header
written once when the file is created. Rows are only ever appended, under an exclusive
lock, and synced before the receipt is returned. Connectors that mirror history into an
ERP turn the same reminder into an activity there (Odoo, Axonaut).
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
from pathlib import Path

from babel.numbers import format_decimal
from pydantic import Field

from relance import hookimpl
from relance.channels.numbers import e164
from relance.context import PluginContext
from relance.errors import ChannelError
from relance.i18n import _
from relance.model import ChannelKind, CheckResult, CountryCode, Message, Receipt
from relance.settings import ChannelSettings, ConfigPath

__all__ = ["COLUMNS", "PhoneSettings"]

COLUMNS = (
    "date",
    "customer",
    "contact",
    "phone",
    "amount_due",
    "currency",
    "oldest_due_date",
    "level",
    "invoices",
    "script",
    "message_key",
)
BOM = "\ufeff"


class PhoneSettings(ChannelSettings):
    """``[channels.phone]``."""

    kinds: tuple[ChannelKind, ...] = (ChannelKind.PHONE,)
    path: ConfigPath = Field(description="the CSV call list rows are appended to")
    delimiter: str = Field(";", min_length=1, max_length=1)
    default_region: CountryCode | None = Field(
        None, description="country of national numbers (default: the company's)"
    )


@hookimpl
def relance_settings_model() -> type[PhoneSettings]:
    return PhoneSettings


def _settings(context: PluginContext) -> PhoneSettings:
    settings = context.settings
    assert isinstance(settings, PhoneSettings)
    return settings


@hookimpl
def relance_check_connection(context: PluginContext) -> list[CheckResult]:
    path = _settings(context).path
    if path.is_dir():
        raise ChannelError(_("call list {path} is a folder, not a file").format(path=path))
    return [CheckResult(summary=_("calls will be listed in {path}").format(path=path))]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (CSV injection)."""


def _inert(text: str) -> str:
    """Text from the ledger as a spreadsheet shows it, never runs it: a customer named
    ``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)``, which Excel shows as text."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _rows(message: Message, phone: str, day: str, language: str) -> list[list[str]]:
    """One row per currency owed (amounts of two currencies are never added), each
    amount written as the company's spreadsheet reads a number (``1234,50`` in French)."""
    amounts = message.amounts or ()
    base = [
        day,
        _inert(message.recipient_name or message.customer_id),
        _inert(message.contact_name or ""),
        phone,
    ]
    tail = [
        message.oldest_due_date.isoformat() if message.oldest_due_date else "",
        message.level,
        _inert(", ".join(message.invoice_numbers)),
        _inert(message.text),
        message.message_key,
    ]
    if not amounts:
        return [[*base, "", "", *tail]]
    return [
        [*base, format_decimal(m.amount, "0.00", locale=language), m.currency, *tail]
        for m in amounts
    ]


def _append(path: Path, rows: list[list[str]], delimiter: str) -> int:
    """Append ``rows`` (header first if the file is new); return the first row's line number.

    The line number counts CSV records (the header is record 1), as a spreadsheet shows
    them when no script spans lines; scripts do span lines, so the message key column is
    what identifies the row for sure.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8", newline="") as stream:
        fcntl.flock(stream, fcntl.LOCK_EX)
        stream.seek(0)
        try:
            existing = sum(1 for _row in csv.reader(stream, delimiter=delimiter))
        except UnicodeDecodeError:
            raise ChannelError(
                _(
                    "call list {path} is no longer UTF-8 text (saved again by a "
                    "spreadsheet?): move it aside, and relance starts a new one"
                ).format(path=path),
                permanent=True,
            ) from None
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        if existing == 0:
            buffer.write(BOM)
            writer.writerow(COLUMNS)
            existing = 1
        writer.writerows(rows)
        end = stream.seek(0, os.SEEK_END)
        try:
            stream.write(buffer.getvalue())
            stream.flush()
            os.fsync(stream.fileno())
        except OSError:
            # A full disk leaves half a row, its quote never closed: the next row would
            # be read into it. The file is cut back to where it was.
            os.ftruncate(stream.fileno(), end)
            raise
    return existing + 1


@hookimpl
def relance_send_reminder(channel: PluginContext, message: Message) -> Receipt | None:
    settings = _settings(channel)
    if message.kind not in settings.kinds:
        return None
    phone = e164(message, settings.default_region or channel.company.country)
    rows = _rows(message, phone, channel.today.isoformat(), channel.company.language)
    try:
        row = _append(settings.path, rows, settings.delimiter)
    except OSError as exc:
        raise ChannelError(
            _("cannot write to {path}: {error}").format(path=settings.path, error=exc.strerror)
        ) from None
    return Receipt(
        channel=channel.name,
        provider_reference=f"{settings.path}#{row}",
        detail=_("call {phone}: row {row} of {path}").format(
            phone=phone, row=row, path=settings.path
        ),
    )
