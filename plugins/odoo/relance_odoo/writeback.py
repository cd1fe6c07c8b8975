"""Mirroring a sent reminder into Odoo: a chatter note, a call activity, custom fields.

* On every reminded invoice, ``message_post`` with ``message_type="comment"`` and
  ``subtype_xmlid="mail.mt_note"``: an internal note. With any other subtype Odoo would
  e-mail the invoice's followers, i.e. the customer.
* For a phone reminder, one "Call" activity (``mail.mail_activity_data_call``) on the
  first invoice, through ``activity_schedule``, which a non-admin bot may use.
* Optionally, ``write`` of the configured custom fields (``sent_values``).

Return values differ by version: ``message_post`` gives ``90871`` (16-18) or
``[90871]`` (19); ``activity_schedule`` gives ``"mail.activity(5531,)"`` (16-18, the
recordset's ``str``) or ``[5531]`` (19). :func:`record_id` reads them all.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from relance import ChannelKind, HistoryEvent
from relance.i18n import _
from relance_odoo.client import OdooClient
from relance_odoo.errors import Call, unexpected
from relance_odoo.notes import activity_summary, note_text
from relance_odoo.settings import OdooSettings

MOVE = "account.move"
NOTE_SUBTYPE = "mail.mt_note"
CALL_ACTIVITY = "mail.mail_activity_data_call"
HTML_BODY_UNTIL = 17
"""Odoo 16 reads ``body`` as HTML; 17+ escapes a plain string itself."""
_RECORDSET = re.compile(r"^[a-z0-9_.]+\((\d+),?\)$")


@dataclass(frozen=True)
class Written:
    """What one event produced in Odoo."""

    message_ids: tuple[int, ...]
    activity_id: int | None = None


def record_sent(
    client: OdooClient, settings: OdooSettings, event: HistoryEvent, *, language: str, today: date
) -> Written:
    """Write one ``sent`` event onto its invoices (ids are Odoo record ids)."""
    move_ids = [int(invoice_id) for invoice_id in event.invoice_ids if invoice_id.isdigit()]
    if not move_ids:
        return Written(())
    body = note_text(event, language)
    if client.version.major < HTML_BODY_UNTIL:
        body = html.escape(body)
    messages = tuple(
        record_id(
            client.call(
                MOVE,
                "message_post",
                ids=[move_id],
                write=True,
                body=body,
                message_type="comment",
                subtype_xmlid=NOTE_SUBTYPE,
            ),
            client,
            "message_post",
        )
        for move_id in move_ids
    )
    activity = None
    if event.channel is ChannelKind.PHONE and settings.phone_activities:
        options: dict[str, Any] = {
            "act_type_xmlid": CALL_ACTIVITY,
            "date_deadline": (today + timedelta(days=settings.activity_due_days)).isoformat(),
            "summary": activity_summary(event, language),
            "note": body,
        }
        if settings.activity_user_id is not None:
            options["user_id"] = settings.activity_user_id
        created = client.call(MOVE, "activity_schedule", ids=move_ids[:1], write=True, **options)
        activity = record_id(created, client, "activity_schedule")
    if settings.sent_values:
        values = {
            name: value.format(**_placeholders(event)) if isinstance(value, str) else value
            for name, value in settings.sent_values.items()
        }
        client.call(MOVE, "write", ids=move_ids, write=True, vals=values)
    return Written(messages, activity)


def record_id(result: Any, client: OdooClient, method: str) -> int:
    """The id of what a call created: ``57``, ``[57]`` or ``"mail.activity(57,)"``."""
    if isinstance(result, list) and len(result) == 1:
        result = result[0]
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    if isinstance(result, str) and (found := _RECORDSET.match(result.strip())):
        return int(found.group(1))
    raise unexpected(client.target, Call(MOVE, method), _("the id of the new record"))


def _placeholders(event: HistoryEvent) -> dict[str, str]:
    return {
        "level": event.level or "",
        "channel": event.channel.value if event.channel else "",
        "date": event.day.isoformat(),
    }
