"""Sent reminders mirrored into Odoo: internal notes, call activities, custom fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from relance import ChannelKind, ConnectorError, EventType, HistoryEvent, Money, PluginContext
from relance_odoo import relance_record_history

from .conftest import ACCESS_ERROR_MOVE, KEY, FakeOdoo, message_id

SENT = HistoryEvent(
    type=EventType.SENT,
    at=datetime(2025, 3, 15, 9, 30, tzinfo=UTC),
    source="odoo",
    customer_id="45",
    customer_name="Deco Addict",
    invoice_ids=("412", "398"),
    invoice_numbers=("INV/2025/00087", "INV/2024/00311"),
    level="R&D 1",
    channel=ChannelKind.EMAIL,
    recipient="info@deco-addict.example",
    amounts=(
        Money(amount=Decimal("1200.00"), currency="EUR"),
        Money(amount=Decimal("300.00"), currency="EUR"),
    ),
)
NOTE_FR = "Relance « R&D 1 » envoyée par e-mail le 15/03/2025 à info@deco-addict.example par relance. Reste dû relancé : 1\u202f500,00\xa0€."
NOTE_EN = "Reminder 'R&D 1' sent by e-mail on 15/03/2025 to info@deco-addict.example by relance. Outstanding amount reminded: €1,500.00."


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_a_sent_reminder_becomes_an_internal_note_on_each_invoice(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    odoo = odoo_factory(version)
    odoo.on("account.move", "message_post", message_id(version, 90871), message_id(version, 90872))

    relance_record_history(context=make_context(), event=SENT)

    posts = odoo.model_calls("account.move", "message_post")
    assert [post.ids for post in posts] == [[412], [398]]
    body = NOTE_FR.replace("&", "&amp;") if version == 16 else NOTE_FR  # 16 reads the body as HTML
    for post in posts:
        assert post.params == {
            "body": body,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_note",
        }
        assert post.context is None
    if version >= 19:
        assert posts[0].body == {
            "ids": [412],
            "body": body,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_note",
        }
    else:
        assert posts[0].body["params"]["args"][3:] == [
            "account.move",
            "message_post",
            [[412]],
            {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_note"},
        ]
    assert odoo.model_calls("account.move", "activity_schedule") == []


def test_the_note_is_in_the_company_language(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(17)
    odoo.always("account.move", "message_post", 1)

    relance_record_history(context=make_context(language="en"), event=SENT)

    assert odoo.model_calls("account.move", "message_post")[0].params["body"] == NOTE_EN


@pytest.mark.parametrize(
    ("version", "answer"),
    [(16, "mail.activity(5531,)"), (18, "mail.activity(5531,)"), (19, [5531])],
)
def test_a_phone_reminder_schedules_a_call_activity(
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    version: int,
    answer: Any,
) -> None:
    odoo = odoo_factory(version)
    odoo.always("account.move", "message_post", message_id(version, 90871))
    odoo.on("account.move", "activity_schedule", answer)
    phone = SENT.model_copy(
        update={"channel": ChannelKind.PHONE, "recipient": None, "level": "Relance 2"}
    )

    relance_record_history(
        context=make_context(activity_user_id=2, activity_due_days=5), event=phone
    )

    (activity,) = odoo.model_calls("account.move", "activity_schedule")
    assert activity.ids == [412]
    assert activity.params == {
        "act_type_xmlid": "mail.mail_activity_data_call",
        "date_deadline": "2025-03-20",
        "summary": "Appeler le client : relance « Relance 2 » (INV/2025/00087, INV/2024/00311)",
        "note": "Relance « Relance 2 » envoyée par appel téléphonique le 15/03/2025 par relance. Reste dû relancé : 1\u202f500,00\xa0€.",
        "user_id": 2,
    }
    assert len(odoo.model_calls("account.move", "message_post")) == 2


def test_configured_custom_fields_are_written(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(19)
    odoo.always("account.move", "message_post", [1])
    odoo.on("account.move", "write", True)

    relance_record_history(
        context=make_context(
            sent_values={"x_relance_level": "{level} ({channel}, {date})", "x_reminded": True}
        ),
        event=SENT,
    )

    (write,) = odoo.model_calls("account.move", "write")
    assert write.ids == [412, 398]
    assert write.params == {
        "vals": {"x_relance_level": "R&D 1 (email, 2025-03-15)", "x_reminded": True}
    }


@pytest.mark.parametrize(
    ("event", "options"),
    [
        (SENT, {"dry_run": True}),
        (SENT, {"write_back": False}),
        (SENT.model_copy(update={"source": "csv"}), {}),
        (SENT.model_copy(update={"type": EventType.INTENT}), {}),
        (SENT.model_copy(update={"type": EventType.FAILED}), {}),
    ],
)
def test_nothing_is_written_for_dry_runs_other_sources_or_other_events(
    odoo_factory: Callable[..., FakeOdoo],
    make_context: Callable[..., PluginContext],
    event: HistoryEvent,
    options: dict[str, Any],
) -> None:
    odoo = odoo_factory(17)

    relance_record_history(context=make_context(**options), event=event)

    assert odoo.sent == []


def test_a_refused_login_posts_nothing(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(17)
    odoo.login_answer = False

    with pytest.raises(ConnectorError, match="Odoo refused the login") as raised:
        relance_record_history(context=make_context(), event=SENT)

    assert KEY not in str(raised.value)
    assert odoo.model_calls() == []


@pytest.mark.parametrize("version", [17, 19])
def test_a_refused_note_stops_before_the_next_invoice(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext], version: int
) -> None:
    odoo = odoo_factory(version)
    odoo.on("account.move", "message_post", ACCESS_ERROR_MOVE)

    with pytest.raises(ConnectorError) as raised:
        relance_record_history(context=make_context(), event=SENT)

    assert str(raised.value).startswith(
        "The Odoo user relance-bot@acme.fr may not use account.move (account.move.message_post)"
    )
    assert [post.ids for post in odoo.model_calls("account.move", "message_post")] == [[412]]


def test_the_event_day_is_the_run_date_when_given(
    odoo_factory: Callable[..., FakeOdoo], make_context: Callable[..., PluginContext]
) -> None:
    odoo = odoo_factory(17)
    odoo.always("account.move", "message_post", 1)

    relance_record_history(
        context=make_context(), event=SENT.model_copy(update={"run_date": date(2025, 3, 14)})
    )

    assert "le 14/03/2025" in odoo.model_calls("account.move", "message_post")[0].params["body"]
