"""The journal: relance's history mirrored into a CSV file a spreadsheet opens.

One line per event, appended; the header is written when the file is created. The file
is UTF-8 with a byte order mark and ``;`` separators, which Excel opens correctly in
French and English. The history store stays the authority: the journal is a copy for
people, and a journal that cannot be written never stops a run.
"""

from __future__ import annotations

import csv
from pathlib import Path
from zoneinfo import ZoneInfo

from relance import ConnectorError, HistoryEvent
from relance.i18n import _

HEADER = (
    "at", "run_date", "event", "customer_id", "customer", "invoices", "level", "channel",
    "recipient", "amounts", "reason", "until", "message_id", "event_id",
)  # fmt: skip


def journal_row(event: HistoryEvent, timezone: ZoneInfo) -> tuple[str, ...]:
    """The journal line of ``event``; instants in the company's timezone."""
    return (
        event.at.astimezone(timezone).isoformat(timespec="seconds"),
        event.run_date.isoformat() if event.run_date else "",
        event.type.value,
        event.customer_id or "",
        event.customer_name or "",
        ", ".join(event.invoice_numbers or event.invoice_ids),
        event.level or "",
        event.channel.value if event.channel else "",
        event.recipient or "",
        ", ".join(str(money) for money in event.amounts),
        event.reason or "",
        event.until.isoformat() if event.until else "",
        event.message_id or "",
        event.id,
    )


def append(path: Path, event: HistoryEvent, timezone: ZoneInfo) -> None:
    """Append ``event`` to the journal at ``path``, creating it with its header."""
    try:
        new = not path.exists() or path.stat().st_size == 0
        with path.open("a", encoding="utf-8-sig" if new else "utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            if new:
                writer.writerow(HEADER)
            writer.writerow(journal_row(event, timezone))
    except OSError as exc:
        raise ConnectorError(
            _("the journal {path} cannot be written: {error}").format(path=path, error=exc.strerror)
        ) from exc
