"""Mirroring sent reminders into Axonaut: events on the customer, tasks for phone calls."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import responses
from responses import matchers

from relance import (
    ChannelKind,
    ConnectorError,
    ConnectorUnavailable,
    EventType,
    HistoryEvent,
    Money,
    PluginContext,
)
from relance_axonaut import relance_record_history

from .conftest import load

BASE = "https://axonaut.com/api/v2"
NBSP = "\u00a0"  # babel puts a no-break space between an amount and "€" in French


def sent(**changes: Any) -> HistoryEvent:
    """A reminder sent by e-mail for the partially paid invoice of the reference."""
    fields: dict[str, Any] = {
        "type": EventType.SENT,
        "at": datetime(2025, 4, 20, 8, 15, tzinfo=UTC),
        "source": "axonaut",
        "customer_id": "28100457",
        "customer_name": "Boulangerie Martin SARL",
        "invoice_ids": ("4812345",),
        "invoice_numbers": ("F20250314-10021",),
        "level": "1",
        "channel": ChannelKind.EMAIL,
        "recipient": "compta@boulangerie-martin.fr",
        "amounts": (Money(amount="700.00", currency="EUR"),),
        "message_id": "<20250420081500.abc@relance>",
    }
    fields.update(changes)
    return HistoryEvent(**fields)


def test_an_email_reminder_becomes_an_email_event_with_the_invoice_attached(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    fixture: Callable[[str], Any],
    api_key: str,
) -> None:
    expected = {
        "company_id": 28100457,
        "employee_email": "compta@boulangerie-martin.fr",
        "date": "2025-04-20T10:15:00+02:00",
        "nature": 2,
        "title": f"Relance 1 - facture F20250314-10021 (700,00{NBSP}€ restant dû)",
        "content": (
            "Relance « 1 » envoyée par e-mail (compta@boulangerie-martin.fr) par relance.\n"
            "Factures : F20250314-10021.\n"
            f"Reste dû : 700,00{NBSP}€ TTC.\n"
            "Référence : <20250420081500.abc@relance>."
        ),
        "is_done": True,
        "attachments": {"invoices_ids": [4812345]},
    }
    api.post(
        f"{BASE}/events",
        json=fixture("event_response"),
        match=[
            matchers.json_params_matcher(expected),
            matchers.header_matcher({"userApiKey": api_key, "Content-Type": "application/json"}),
        ],
    )

    relance_record_history(context=make_context(), event=sent())

    assert len(api.calls) == 1
    # Only fields of Axonaut's event.post, as in the reference's example request.
    assert set(expected) <= set(fixture("event_request"))


def test_several_invoices_letters_and_penalties_in_english(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    event = sent(
        channel=ChannelKind.REGISTERED_LETTER,
        level="formal_notice",
        recipient=None,
        invoice_ids=("4812345", "4812377"),
        invoice_numbers=("F20250314-10021", "F20250402-10034"),
        amounts=(Money(amount="700.00", currency="EUR"), Money(amount="540.00", currency="EUR")),
        penalties=(Money(amount="40.00", currency="EUR"),),
        message_id=None,
        provider_reference="1A00123456789",
    )
    expected = {
        "company_id": 28100457,
        "date": "2025-04-20T10:15:00+02:00",
        "nature": 4,
        "title": "Reminder formal_notice - 2 invoices (€1,240.00 outstanding)",
        "content": (
            "Reminder 'formal_notice' sent by registered letter by relance.\n"
            "Invoices: F20250314-10021, F20250402-10034.\n"
            "Outstanding: €1,240.00 incl. tax.\n"
            "Penalties and indemnities: €40.00.\n"
            "Reference: 1A00123456789."
        ),
        "is_done": True,
    }
    api.post(f"{BASE}/events", json={"id": 1}, match=[matchers.json_params_matcher(expected)])

    relance_record_history(context=make_context(language="en"), event=event)

    assert len(api.calls) == 1


@pytest.mark.parametrize(
    ("channel", "nature"), [(ChannelKind.SMS, 5), (ChannelKind.LETTER, 4), (None, 6)]
)
def test_each_channel_has_its_nature_and_only_emails_carry_attachments(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    channel: ChannelKind | None,
    nature: int,
) -> None:
    api.post(f"{BASE}/events", json={"id": 1})

    relance_record_history(
        context=make_context(), event=sent(channel=channel, recipient="+33600000000")
    )

    body = api.calls[0].request.body
    assert isinstance(body, bytes)
    posted = json.loads(body)
    assert posted["nature"] == nature
    assert "attachments" not in posted
    assert "employee_email" not in posted


@pytest.mark.parametrize(
    ("recipient", "employee_email"),
    [
        # relance records every address of a reminder, joined with ", ".
        (
            "compta@boulangerie-martin.fr, paul@boulangerie-martin.fr",
            "compta@boulangerie-martin.fr",
        ),
        ('"Martin, Sophie" <compta@boulangerie-martin.fr>', "compta@boulangerie-martin.fr"),
        ("Sophie Martin", None),  # a name only: no contact to link
    ],
)
def test_an_email_event_names_one_contact_the_first_address(
    api: responses.RequestsMock,
    make_context: Callable[..., PluginContext],
    recipient: str,
    employee_email: str | None,
) -> None:
    api.post(f"{BASE}/events", json=load("event_response"))

    relance_record_history(context=make_context(), event=sent(recipient=recipient))

    body = api.calls[0].request.body
    assert isinstance(body, bytes)
    posted = json.loads(body)
    assert posted.get("employee_email") == employee_email
    assert posted["nature"] == 2
    assert len(api.calls) == 1


def test_attachments_can_be_switched_off(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    api.post(f"{BASE}/events", json={"id": 1})
    relance_record_history(context=make_context(attach_invoices=False), event=sent())
    assert b"attachments" not in (api.calls[0].request.body or b"")


def test_a_phone_reminder_becomes_a_task(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    expected = {
        "title": f"Relance 3 - facture F20250314-10021 (700,00{NBSP}€ restant dû)",
        "description": (
            "Relance « 3 » envoyée par appel téléphonique (0561000000) par relance.\n"
            "Factures : F20250314-10021.\n"
            f"Reste dû : 700,00{NBSP}€ TTC."
        ),
        "priority": "haute",
        "company_id": 28100457,
        "start_date": "20/04/2025",
        "end_date": "23/04/2025",
        "task_nature_id": 12,
        "workforces_id": [471203],
    }
    api.post(f"{BASE}/tasks", json={"id": 5}, match=[matchers.json_params_matcher(expected)])
    context = make_context(
        task_priority="haute", task_due_days=3, task_nature_id=12, task_workforce_ids=[471203]
    )

    relance_record_history(
        context=context,
        event=sent(channel=ChannelKind.PHONE, level="3", recipient="0561000000", message_id=None),
    )

    assert len(api.calls) == 1


def test_without_phone_tasks_a_phone_reminder_is_a_call_still_to_make(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    api.post(
        f"{BASE}/events",
        json={"id": 1},
        match=[matchers.json_params_matcher({"nature": 3, "is_done": False}, strict_match=False)],
    )
    relance_record_history(
        context=make_context(phone_tasks=False), event=sent(channel=ChannelKind.PHONE)
    )
    assert len(api.calls) == 1


@pytest.mark.parametrize(
    "event",
    [
        sent(type=EventType.INTENT),
        sent(type=EventType.FAILED),
        sent(source="odoo"),
        sent(source=None),
    ],
    ids=["intent", "failed", "other-source", "no-source"],
)
def test_other_events_are_not_mirrored(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext], event: HistoryEvent
) -> None:
    relance_record_history(context=make_context(), event=event)
    assert len(api.calls) == 0


def test_nothing_is_written_in_a_dry_run_or_when_write_back_is_off(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    relance_record_history(context=make_context(dry_run=True), event=sent())
    relance_record_history(context=make_context(write_back=False), event=sent())
    assert len(api.calls) == 0


def test_a_failed_write_is_reported_and_never_repeated(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    api.post(f"{BASE}/events", status=503, body="<html>maintenance</html>")

    with pytest.raises(ConnectorUnavailable) as caught:
        relance_record_history(context=make_context(), event=sent())

    assert str(caught.value) == (
        "Axonaut had a server error on POST /events (HTTP 503, no error message) after "
        "1 attempts; try again later."
    )
    assert len(api.calls) == 1


def test_a_customer_id_that_is_not_axonaut_s_is_reported_before_sending(
    api: responses.RequestsMock, make_context: Callable[..., PluginContext]
) -> None:
    with pytest.raises(ConnectorError) as caught:
        relance_record_history(context=make_context(), event=sent(customer_id="CLI-0042"))
    assert str(caught.value) == (
        "Cannot write the reminder into Axonaut: customer id 'CLI-0042' is not an Axonaut "
        "company id."
    )
    assert len(api.calls) == 0
