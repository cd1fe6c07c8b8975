"""Turn a planned reminder into the message one channel delivers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from relance.model import ChannelKind, DocumentKind, Message, Money

if TYPE_CHECKING:
    from relance.config import CompanySettings
    from relance.engine.planner import Reminder
    from relance.render.environment import TemplateEnvironment

__all__ = ["compose", "template_context"]


def template_context(
    reminder: Reminder, kind: ChannelKind, company: CompanySettings, today: date, language: str
) -> dict[str, Any]:
    """Every variable a reminder template may use (documented in docs/templates.md)."""
    invoices = [i for i in reminder.items if i.invoice.kind is DocumentKind.INVOICE]
    credits = [i for i in reminder.items if i.invoice.kind is not DocumentKind.INVOICE]
    penalties = reminder.penalties
    grand_totals = {
        currency: amount + penalties.get(currency, Decimal(0))
        for currency, amount in reminder.totals.items()
    }
    billing = reminder.customer.billing_contact
    return {
        "language": language,
        "today": today,
        "channel": kind.value,
        "company": company,
        "customer": reminder.customer,
        "business": reminder.customer.kind.value == "business",
        "contact_name": billing.name if billing is not None and billing.name else None,
        "level": reminder.level.name,
        "deadline": reminder.deadline,
        "invoices": invoices,
        "credits": credits,
        "totals": reminder.totals,
        "penalties": penalties,
        "grand_totals": grand_totals,
        "quotes_penalties": reminder.level.penalties,
        "payment_references": sorted(
            {i.invoice.payment_reference or i.invoice.number for i in invoices}
        ),
    }


def compose(
    reminder: Reminder,
    kind: ChannelKind,
    *,
    company: CompanySettings,
    today: date,
    templates: TemplateEnvironment,
) -> Message:
    """Render ``reminder`` for the channel ``kind``; a template error raises RenderError."""
    template = reminder.level.template_name
    language = templates.language_for(template, [reminder.language, company.language, "en"])
    context = template_context(reminder, kind, company, today, language)
    subject = templates.render(f"{language}/{template}.subject.j2", context)
    text = templates.render(f"{language}/{template}.txt.j2", context)
    return Message(
        reminder_key=reminder.key,
        message_key=reminder.message_key(kind),
        kind=kind,
        customer_id=reminder.customer.id,
        source=reminder.source,
        level=reminder.level.name,
        language=language,
        to=reminder.emails if kind is ChannelKind.EMAIL else (),
        reply_to=str(company.reply_to or company.email) if company.email else None,
        sender=str(company.email) if company.email else None,
        postal_address=reminder.customer.address,
        recipient_name=reminder.customer.name,
        subject=" ".join(subject.split()),
        text=text,
        headers=(("Auto-Submitted", "auto-generated"),),
        invoice_ids=tuple(i.invoice.id for i in reminder.items),
        amounts=tuple(
            Money(amount=amount, currency=currency) for currency, amount in reminder.totals.items()
        ),
    )
