"""Turn a planned reminder into the message one channel delivers.

An email gets a plain-text and an HTML body (``email.txt.j2``, ``email.html.j2``), the
invoice PDFs its source provided, and the letter PDF when the same reminder also goes
out by letter. A letter gets its PDF (the envelope-window layout of
:mod:`relance.render.letter`) and a plain-text version (``letter.txt.j2``). An SMS gets
the short text of ``<lang>/sms.j2`` and a phone call the script of ``<lang>/call.j2``,
both addressed to the contact's phone number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from relance.i18n import _
from relance.model import ChannelKind, Document, HistoryEvent, Message, Money
from relance.render.context import LETTER_KINDS, addressee, template_context
from relance.render.documents import InvoiceCopies
from relance.render.environment import RenderError

if TYPE_CHECKING:
    from relance.config import CompanySettings
    from relance.engine.planner import Reminder
    from relance.render.environment import TemplateEnvironment

__all__ = ["compose", "compose_reminder"]

NO_COPIES = InvoiceCopies()


def compose(
    reminder: Reminder,
    kind: ChannelKind,
    *,
    company: CompanySettings,
    today: date,
    templates: TemplateEnvironment,
    history: Sequence[HistoryEvent] = (),
    copies: InvoiceCopies = NO_COPIES,
) -> Message:
    """Render ``reminder`` for the channel ``kind``; a template error raises RenderError.

    :param history: the history events so far; the formal notice lists the reminders
        already delivered for these invoices.
    :param copies: the invoices' PDFs (:func:`relance.render.invoice_documents`),
        attached to emails; when some were left out for the email's size, the wording
        offers them on request.
    """
    return _compose(reminder, kind, company, today, templates, history, copies, {})


def compose_reminder(
    reminder: Reminder,
    *,
    company: CompanySettings,
    today: date,
    templates: TemplateEnvironment,
    history: Sequence[HistoryEvent] = (),
    copies: InvoiceCopies = NO_COPIES,
) -> list[Message]:
    """:func:`compose` for each of the reminder's channels, in their order.

    A reminder that goes by letter and by email carries the same letter PDF in both:
    it is laid out once (a letter costs ten to twenty times an email), and the email
    keeps only the invoices' copies that fit beside it within their limit.
    """
    letters: dict[ChannelKind, Document] = {}
    return [
        _compose(reminder, kind, company, today, templates, history, copies, letters)
        for kind in reminder.channels
    ]


def _compose(
    reminder: Reminder,
    kind: ChannelKind,
    company: CompanySettings,
    today: date,
    templates: TemplateEnvironment,
    history: Sequence[HistoryEvent],
    copies: InvoiceCopies,
    letters: dict[ChannelKind, Document],
) -> Message:
    template = reminder.level.template_name
    language = templates.language_for(template, [reminder.language, company.language, "en"])
    informal = templates.is_informal(reminder.customer.tags)
    email = kind is ChannelKind.EMAIL
    letter_kind = next((k for k in reminder.channels if k in LETTER_KINDS), None)

    def rendered(
        for_kind: ChannelKind, attachments: Sequence[str], held_back: bool = False
    ) -> dict[str, Any]:
        context = template_context(
            reminder,
            for_kind,
            company=company,
            today=today,
            language=language,
            informal=informal,
            history=history,
            attachments=attachments,
            attachments_held_back=held_back,
        )
        names = templates.wording_names(language, template, informal)
        context["text"] = templates.sections(names, context)
        return context

    def letter(for_kind: ChannelKind, context: dict[str, Any] | None = None) -> Document:
        if for_kind not in letters:
            letters[for_kind] = _letter(context or rendered(for_kind, ()), reminder)
        return letters[for_kind]

    if not email:
        copies = NO_COPIES
    elif letter_kind is not None:
        copies = copies.beside(letter(letter_kind))
    attached = copies.documents
    context = rendered(kind, [d.filename for d in attached], copies.held_back)
    html = None
    to = reminder.emails if email else ()
    spoken = language
    if kind in SPOKEN:
        to = _phones(reminder, kind)
        # A German customer gets the English SMS when there is no German one.
        spoken = templates.language_for(SPOKEN[kind], [reminder.language, company.language, "en"])
        short = template_context(
            reminder, kind, company=company, today=today, language=spoken, history=history
        )
        body = _short_text(templates, spoken, SPOKEN[kind], reminder.level.template_name, short)
        attachments: tuple[Document, ...] = ()
    elif kind in LETTER_KINDS:
        body = templates.render("letter.txt.j2", context)
        attachments = (letter(kind, context),)
    else:
        body = templates.render("email.txt.j2", context)
        attachments = attached
        if email:
            html = templates.render("email.html.j2", context)
            if letter_kind is not None:
                attachments = (letter(letter_kind), *attachments)
    return Message(
        reminder_key=reminder.key,
        message_key=reminder.message_key(kind),
        kind=kind,
        customer_id=reminder.customer.id,
        source=reminder.source,
        level=reminder.level.name,
        language=spoken,
        to=to,
        reply_to=str(company.reply_to or company.email) if company.email else None,
        sender=str(company.email) if company.email else None,
        postal_address=reminder.customer.address,
        recipient_name=reminder.customer.name,
        subject=context["text"]["subject"],
        text=body,
        html=html,
        attachments=attachments,
        headers=(("Auto-Submitted", "auto-generated"),),
        invoice_ids=tuple(i.invoice.id for i in reminder.items),
        amounts=tuple(
            Money(amount=amount, currency=currency) for currency, amount in reminder.totals.items()
        ),
        invoice_numbers=tuple(context["invoice_numbers"]),
        oldest_due_date=min(
            (d for d in (i.invoice.payable_since for i in context["invoices"]) if d), default=None
        ),
        contact_name=context["contact_name"],
    )


SPOKEN = {ChannelKind.SMS: "sms", ChannelKind.PHONE: "call"}
"""The channel kinds whose text is a short one of its own, and their template."""


def _short_text(
    templates: TemplateEnvironment,
    language: str,
    name: str,
    level_template: str,
    context: dict[str, Any],
) -> str:
    """The block of ``<language>/<name>.j2`` named after the level's template, else ``default``.

    An SMS or a call script says much less than a letter: one template per language
    holds the wording of every level, one block each.
    """
    blocks = templates.sections([f"{language}/{name}.j2"], context)
    text = blocks.get(level_template) or blocks.get("default")
    if text is None:
        raise RenderError(
            _("template {name} has neither a block {level} nor a block default").format(
                name=f"{language}/{name}.j2", level=level_template
            )
        )
    return text


def _phones(reminder: Reminder, kind: ChannelKind) -> tuple[str, ...]:
    """The number to text or call (see :func:`addressee`), raw as the source has it;
    channels normalise it."""
    contact = addressee(reminder, kind)
    return (contact.phone,) if contact is not None and contact.phone else ()


def _letter(context: dict[str, Any], reminder: Reminder) -> Document:
    from relance.render.letter import letter_pdf

    return Document(filename=letter_filename(reminder), content=letter_pdf(context))


def letter_filename(reminder: Reminder) -> str:
    """``letter_<level>_<customer>.pdf``, safe on every file system."""
    customer = re.sub(r"[^A-Za-z0-9_-]+", "-", reminder.customer.id).strip("-") or "customer"
    return f"letter_{reminder.level.name}_{customer}.pdf"
