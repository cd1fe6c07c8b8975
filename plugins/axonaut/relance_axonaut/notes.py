"""The words of what relance writes into Axonaut: titles and texts of events and tasks.

They are read by the creditor's staff in Axonaut's customer timeline, so they are in
the company's language (``[company] language``): French, or English for anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency

from relance import ChannelKind, HistoryEvent
from relance.model import totals_by_currency


@dataclass(frozen=True)
class Wording:
    """One language's sentences; ``{placeholders}`` are filled by :func:`describe`."""

    locale: str
    title: str
    one_invoice: str
    many_invoices: str
    sent: str
    invoices: str
    outstanding: str
    penalties: str
    reference: str
    channels: dict[ChannelKind, str]


FRENCH = Wording(
    locale="fr_FR",
    title="Relance {level} - {invoices} ({amount} restant dû)",
    one_invoice="facture {number}",
    many_invoices="{count} factures",
    sent="Relance « {level} » envoyée par {channel}{recipient} par relance.",
    invoices="Factures : {numbers}.",
    outstanding="Reste dû : {amount} TTC.",
    penalties="Pénalités et indemnités : {amount}.",
    reference="Référence : {reference}.",
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
    title="Reminder {level} - {invoices} ({amount} outstanding)",
    one_invoice="invoice {number}",
    many_invoices="{count} invoices",
    sent="Reminder '{level}' sent by {channel}{recipient} by relance.",
    invoices="Invoices: {numbers}.",
    outstanding="Outstanding: {amount} incl. tax.",
    penalties="Penalties and indemnities: {amount}.",
    reference="Reference: {reference}.",
    channels={
        ChannelKind.EMAIL: "e-mail",
        ChannelKind.LETTER: "letter",
        ChannelKind.REGISTERED_LETTER: "registered letter",
        ChannelKind.SMS: "SMS",
        ChannelKind.PHONE: "phone call",
    },
)


@dataclass(frozen=True)
class Note:
    title: str
    content: str


def wording_for(language: str) -> Wording:
    return FRENCH if language.lower().startswith("fr") else ENGLISH


def describe(event: HistoryEvent, language: str) -> Note:
    """The title and text that tell a person which reminder went out, and for what."""
    words = wording_for(language)
    level = event.level or "?"
    numbers = event.invoice_numbers or event.invoice_ids
    invoices = (
        words.one_invoice.format(number=numbers[0])
        if len(numbers) == 1
        else words.many_invoices.format(count=len(numbers))
    )
    outstanding = _money(totals_by_currency(event.amounts), words.locale)
    channel = words.channels.get(event.channel, "?") if event.channel else "?"
    recipient = f" ({event.recipient})" if event.recipient else ""
    lines = [words.sent.format(level=level, channel=channel, recipient=recipient)]
    if numbers:
        lines.append(words.invoices.format(numbers=", ".join(numbers)))
    if event.amounts:
        lines.append(words.outstanding.format(amount=outstanding))
    if event.penalties:
        penalties = _money(totals_by_currency(event.penalties), words.locale)
        lines.append(words.penalties.format(amount=penalties))
    reference = event.provider_reference or event.message_id
    if reference:
        lines.append(words.reference.format(reference=reference))
    title = words.title.format(level=level, invoices=invoices, amount=outstanding or "?")
    return Note(title=title, content="\n".join(lines))


def _money(totals: Mapping[str, Decimal], locale: str) -> str:
    return " + ".join(
        format_currency(amount, currency, locale=locale) for currency, amount in totals.items()
    )
