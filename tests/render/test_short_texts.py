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
        Contact(
            name="Hélène Martin", emails=("compta@maison-etienne.fr",), phone=phone, role="billing"
        ),
    )
    return dataclasses.replace(
        reminder, customer=customer.model_copy(update={"contacts": contacts})
    )


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


@pytest.mark.parametrize("language", ["fr", "en", "de"])
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


def test_the_french_first_reminder_by_sms(sample: Any) -> None:
    message = render(sample, "first", "fr", ChannelKind.SMS)
    assert message.text == (
        "Atelier Dupré SARL : sauf erreur, la facture n°F4567 (2\u202f430,00\xa0€) reste impayée. "
        "Merci de procéder au règlement. Virement : IBAN FR76 3000 6000 0112 3456 7890 189, "
        "réf. RF-F4567. Déjà réglé ? Merci d'ignorer ce SMS."
    )


@pytest.mark.parametrize("language", ["fr", "en", "de"])
@pytest.mark.parametrize("level", LEVELS)
def test_every_call_script_greets_states_asks_and_records(
    sample: Any, level: str, language: str
) -> None:
    message = render(sample, level, language, ChannelKind.PHONE)
    greet, state, ask, record = message.text.split("\n\n")
    assert "Hélène Martin" in greet
    assert "F4567" in state
    assert {"fr": "date", "en": "date", "de": "Datum"}[language] in ask
    assert ask.endswith(("?", "."))
    assert "relance promise" in record
    assert message.invoice_numbers[0] == "F4567"
    assert message.contact_name == "Hélène Martin"
    assert message.oldest_due_date == min(
        i.invoice.due_date
        for i in sample.planned(level, language)[0].items
        if not i.invoice.is_credit
    )


def test_the_german_first_reminder_by_sms(sample: Any) -> None:
    message = render(sample, "first", "de", ChannelKind.SMS)
    assert message.text == (
        "Atelier Dupré SARL: Laut unseren Unterlagen ist die Rechnung Nr. F4567 (2.430,00\xa0€) "
        "noch offen. Bitte veranlassen Sie die Zahlung. Überweisung: IBAN FR76 3000 6000 0112 "
        "3456 7890 189, Verwendungszweck RF-F4567. Bereits bezahlt? Dann ist diese SMS "
        "gegenstandslos."
    )


def test_a_customer_without_a_phone_gets_a_message_without_recipient(sample: Any) -> None:
    message = render(sample, "second", "en", ChannelKind.SMS, phone=None)
    assert message.to == ()
