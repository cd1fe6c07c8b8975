"""Mirroring sent reminders into Axonaut: an event on the customer, or a task.

The API cannot change an invoice (no PATCH), so the customer's timeline is where a
reminder shows: ``POST /events`` with the nature matching the channel (2 e-mail,
4 letter, 5 SMS, 3 call, 6 note), the invoices attached to e-mail events (Axonaut
accepts attachments on e-mails only). A phone reminder is a call a person still has to
make: it becomes a task (``POST /tasks``) unless ``phone_tasks`` is off, in which case a
call event not yet done is logged instead.
"""

from __future__ import annotations

from datetime import date, timedelta
from email.utils import getaddresses
from zoneinfo import ZoneInfo

from relance import ChannelKind, ConnectorError, HistoryEvent
from relance.i18n import _
from relance_axonaut.client import AxonautClient, JsonObject
from relance_axonaut.notes import describe
from relance_axonaut.parse import filter_date
from relance_axonaut.settings import AxonautSettings

EMAIL_NATURE = 2
CALL_NATURE = 3
NOTE_NATURE = 6
NATURES = {
    ChannelKind.EMAIL: EMAIL_NATURE,
    ChannelKind.PHONE: CALL_NATURE,
    ChannelKind.LETTER: 4,
    ChannelKind.REGISTERED_LETTER: 4,
    ChannelKind.SMS: 5,
}


def record_sent(
    client: AxonautClient,
    settings: AxonautSettings,
    event: HistoryEvent,
    *,
    language: str,
    timezone: ZoneInfo,
    today: date,
) -> JsonObject:
    """Write one ``sent`` event into Axonaut; return what Axonaut created."""
    company_id = _company_id(event)
    if event.channel is ChannelKind.PHONE and settings.phone_tasks:
        return client.post("/tasks", task_body(settings, event, company_id, language, today))
    return client.post("/events", event_body(settings, event, company_id, language, timezone))


def event_body(
    settings: AxonautSettings,
    event: HistoryEvent,
    company_id: int,
    language: str,
    timezone: ZoneInfo,
) -> JsonObject:
    """The ``POST /events`` body (``event.post``) describing a sent reminder."""
    note = describe(event, language)
    nature = NATURES.get(event.channel, NOTE_NATURE) if event.channel else NOTE_NATURE
    body: JsonObject = {
        "company_id": company_id,
        "date": event.at.astimezone(timezone).isoformat(timespec="seconds"),
        "nature": nature,
        "title": note.title,
        "content": note.content,
        "is_done": nature != CALL_NATURE,
    }
    contact = first_address(event.recipient) if nature == EMAIL_NATURE else None
    if contact is not None:
        body["employee_email"] = contact
    invoice_ids = [int(i) for i in event.invoice_ids if i.isdigit()]
    if nature == EMAIL_NATURE and settings.attach_invoices and invoice_ids:
        body["attachments"] = {"invoices_ids": invoice_ids}
    return body


def first_address(recipient: str | None) -> str | None:
    """The first e-mail address of a sent event's ``recipient``.

    relance records every address a reminder went to, comma-separated; Axonaut's
    ``employee_email`` links the event to one contact by one address (reference §5.1).
    """
    for _name, address in getaddresses([recipient or ""]):
        if "@" in address:
            return address
    return None


def task_body(
    settings: AxonautSettings, event: HistoryEvent, company_id: int, language: str, today: date
) -> JsonObject:
    """The ``POST /tasks`` body asking a person to phone the customer."""
    note = describe(event, language)
    body: JsonObject = {
        "title": note.title,
        "description": note.content,
        "priority": settings.task_priority,
        "company_id": company_id,
        "start_date": filter_date(today),
        "end_date": filter_date(today + timedelta(days=settings.task_due_days)),
    }
    if settings.task_nature_id is not None:
        body["task_nature_id"] = settings.task_nature_id
    if settings.task_workforce_ids:
        body["workforces_id"] = list(settings.task_workforce_ids)
    return body


def _company_id(event: HistoryEvent) -> int:
    if event.customer_id is None or not event.customer_id.isdigit():
        raise ConnectorError(
            _(
                "Cannot write the reminder into Axonaut: customer id {id!r} is not an "
                "Axonaut company id."
            ).format(id=event.customer_id)
        )
    return int(event.customer_id)
