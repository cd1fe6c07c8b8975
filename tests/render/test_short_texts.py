"""SMS texts and call scripts: rendered per level and language, short, to the contact's phone."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from relance.model import ChannelKind, Contact, Message
from relance.render import TemplateEnvironment, compose

LEVELS = ("courtesy", "first", "second", "final", "formal_notice")
SMS_LIMIT = 320


def with_phone(reminder: Any, phone: str | None = "06 12 34 56 78") -> Any:
    customer = reminder.customer
    contacts = (
        Contact(name="Hélène Martin", emails=("compta@maison-etienne.fr",), phone=phone, role="billing"),
    )
    return dataclasses.replace(reminder, customer=customer.model_copy(update={"contacts": contacts}))


def render(sample: Any, level: str, language: str, kind: ChannelKind, **phone: Any) -> Message:
    reminder, history = sample.planned(level, language)
    return compose(
        with_phone(reminder, **phone),
        kind,
        company=sample.company,
        today=sample.today,
        templates=TemplateEnvironment(),
        history=history,
    )


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("level", LEVELS)
def test_every_sms_is_short_and_names_invoices_amount_and_how_to_pay(
    sample: Any, level: str, language: str
) -> None:
    message = render(sample, level, language, ChannelKind.SMS)
    assert len(message.text) < SMS_LIMIT, message.text
    assert message.language == language
    assert message.to == ("06 12 34 56 78",)
    assert "F4567" in message.text
    assert "FR76 3000 6000 0112 3456 7890 189" in message.text
    assert message.text.startswith("Atelier Dupré SARL")
    assert "\n" not in message.text
