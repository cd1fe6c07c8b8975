"""The words relance writes into Odoo: the chatter note and the call activity.

They are read by the creditor's staff in Odoo, so they are in the company's language
(``[company] language``): French, or English for anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_currency

from relance import ChannelKind, HistoryEvent
from relance.model import totals_by_currency


@dataclass(frozen=True)
class Wording:
    locale: str
    note: str
    recipient: str
    outstanding: str
    activity: str
    channels: dict[ChannelKind, str]


FRENCH = Wording(
    locale="fr_FR",
    note="Relance « {level} » envoyée par {channel} le {date}{recipient} par relance.",
    recipient=" à {recipient}",
    outstanding=" Reste dû relancé : {amount}.",
    activity="Appeler le client : relance « {level} » ({invoices})",
    channels={
        ChannelKind.EMAIL: "e-mail",
        ChannelKind.LETTER: "courrier",
        ChannelKind.REGISTERED_LETTER: "lettre recommandée",
        ChannelKind.SMS: "SMS",
        ChannelKind.PHONE: "appel téléphonique",
    },
)

ENGLISH = Wording(
    locale="en_GB",
    note="Reminder '{level}' sent by {channel} on {date}{recipient} by relance.",
    recipient=" to {recipient}",
    outstanding=" Outstanding amount reminded: {amount}.",
    activity="Call the customer: reminder '{level}' ({invoices})",
    channels={
        ChannelKind.EMAIL: "e-mail",
        ChannelKind.LETTER: "letter",
        ChannelKind.REGISTERED_LETTER: "registered letter",
        ChannelKind.SMS: "SMS",
        ChannelKind.PHONE: "phone call",
    },
)


def wording_for(language: str) -> Wording:
    return FRENCH if language.lower().startswith("fr") else ENGLISH


def note_text(event: HistoryEvent, language: str) -> str:
    """One sentence: which level went out, how, when, to whom, for how much."""
    words = wording_for(language)
    channel = words.channels.get(event.channel, "?") if event.channel else "?"
    recipient = words.recipient.format(recipient=event.recipient) if event.recipient else ""
    sentence = words.note.format(
        level=event.level or "?",
        channel=channel,
        date=_day(event.day, words.locale),
        recipient=recipient,
    )
    if event.amounts:
        sentence += words.outstanding.format(amount=_money(event, words.locale))
    return sentence


def activity_summary(event: HistoryEvent, language: str) -> str:
    numbers = event.invoice_numbers or event.invoice_ids
    return wording_for(language).activity.format(
        level=event.level or "?", invoices=", ".join(numbers)
    )


def _day(value: date, locale: str) -> str:
    return format_date(value, format="short", locale=locale)


def _money(event: HistoryEvent, locale: str) -> str:
    return " + ".join(
        format_currency(total, currency, locale=locale)
        for currency, total in totals_by_currency(event.amounts).items()
    )
