"""A message greets the person it is sent to."""

from __future__ import annotations

import dataclasses
from typing import Any

from relance.model import ChannelKind, Contact
from relance.render import TemplateEnvironment, compose

BUYER = Contact(name="Paul Girard", emails=("achats@maison-etienne.fr",), phone="+33612345678")


def message(sample: Any, reminder: Any, kind: ChannelKind) -> Any:
    return compose(
        reminder,
        kind,
        company=sample.company,
        today=sample.today,
        templates=TemplateEnvironment(),
    )


def for_buyer(reminder: Any, emails: tuple[str, ...]) -> Any:
    """``reminder`` whose first invoice names its own contact, e-mailed to ``emails``."""
    first, *rest = reminder.items
    invoice = first.invoice.model_copy(update={"contact": BUYER})
    return dataclasses.replace(
        reminder, items=(dataclasses.replace(first, invoice=invoice), *rest), emails=emails
    )


def test_an_email_to_the_invoice_s_own_contact_greets_that_contact(sample: Any) -> None:
    reminder, _history = sample.planned("first", "fr")

    email = message(sample, for_buyer(reminder, BUYER.emails), ChannelKind.EMAIL)

    assert email.to == BUYER.emails
    assert email.contact_name == "Paul Girard"
    assert "Bonjour Paul Girard," in email.text
    assert "Hélène Martin" not in email.text


def test_an_email_to_addresses_the_configuration_chose_greets_no_one_by_name(
    sample: Any,
) -> None:
    reminder, _history = sample.planned("first", "fr")

    email = message(sample, for_buyer(reminder, ("recouvrement@groupe.fr",)), ChannelKind.EMAIL)

    assert email.text.startswith("Bonjour,")


def test_a_letter_is_for_the_invoice_s_own_contact(sample: Any) -> None:
    reminder, _history = sample.planned("first", "fr")

    letter = message(sample, for_buyer(reminder, ()), ChannelKind.LETTER)

    assert letter.contact_name == "Paul Girard"  # the recipient block's attention line
    assert "Hélène Martin" not in letter.text


def test_a_text_goes_to_the_number_of_the_contact_it_greets(sample: Any) -> None:
    reminder, _history = sample.planned("first", "fr")

    sms = message(sample, for_buyer(reminder, ()), ChannelKind.SMS)

    assert sms.to == (BUYER.phone,)
