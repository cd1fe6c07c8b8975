"""What ``relance check`` verifies of the policies, so that ``relance run`` cannot fail
on them after planning: every channel a level uses is delivered by an enabled channel
plugin, and every level's wording renders, in every language it exists in, for each of
its channels.

The wording is rendered for a sample customer at that level (one late invoice, its
penalties when the level quotes them): a missing template, an undefined variable or a
letter that cannot be laid out is found here rather than in the middle of a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from relance.config import CompanySettings
from relance.engine.planner import PlannedItem, Quote, Reminder
from relance.engine.policy import Level, LevelKind, PolicyBook
from relance.errors import RelanceError
from relance.i18n import _
from relance.legal import MissingRateError, Penalty, PenaltySegment, jurisdiction_for
from relance.model import Address, ChannelKind, Contact, Customer, Invoice
from relance.render import TemplateEnvironment, compose

__all__ = ["LevelCheck", "check_levels"]

SAMPLE_RESIDUAL = Decimal("1200.00")


@dataclass(frozen=True)
class LevelCheck:
    """What was found for one level of one policy: ``problem`` is ``None`` when fine."""

    where: str
    """``policies.<policy>.<level>``, as relance.toml names it."""
    problem: str | None
    languages: tuple[str, ...] = ()
    warning: str | None = None
    """What may fail for some customers only (an email level for a customer without an
    email address goes by letter)."""


def undelivered(kinds: Iterable[ChannelKind]) -> str:
    """What to say of ``kinds`` of messages that no enabled channel delivers."""
    return _(
        "no enabled channel delivers {kinds}: add one (e.g. [channels.outbox]) or set its 'kinds'"
    ).format(kinds=", ".join(kind.value for kind in kinds))


def check_levels(
    book: PolicyBook,
    *,
    company: CompanySettings,
    today: date,
    templates: TemplateEnvironment,
    delivered: Iterable[ChannelKind],
    quote: Callable[[Invoice, date], Quote | None] | None = None,
) -> Iterator[LevelCheck]:
    """One :class:`LevelCheck` per message level of every policy; ``delivered`` are the
    kinds the enabled channels deliver, ``quote`` the run's penalty calculator."""
    kinds = set(delivered)
    wordings = {info.name for info in templates.templates()}  # one walk of the folders
    for policy_name, policy in book.policies.items():
        for level in policy.levels:
            if level.kind is not LevelKind.MESSAGE:
                continue
            where = f"policies.{policy_name}.{level.name}"
            missing = [kind for kind in level.channels if kind not in kinds]
            if missing:
                yield LevelCheck(where, undelivered(missing))
                continue
            checked = _rendered(
                where, policy_name, level, wordings, company, today, templates, quote
            )
            if (
                checked.problem is None
                and ChannelKind.EMAIL in level.channels
                and ChannelKind.LETTER not in kinds
            ):
                warning = _(
                    "a customer without an email address gets this level by letter, which "
                    "no enabled channel delivers: add one or set its 'kinds' (the run "
                    "would stop, sending nothing)"
                )
                checked = LevelCheck(where, None, checked.languages, warning)
            yield checked
    for customer_id, override in book.customers.items():
        if override.channel is not None and override.channel not in kinds:
            message = _(
                "this customer's email reminders go by {kind}, which no enabled channel "
                "delivers: add one or set its 'kinds'"
            ).format(kind=override.channel.value)
            yield LevelCheck(f"customers.{customer_id}", message)


def _rendered(
    where: str,
    policy: str,
    level: Level,
    wordings: set[str],
    company: CompanySettings,
    today: date,
    templates: TemplateEnvironment,
    quote: Callable[[Invoice, date], Quote | None] | None,
) -> LevelCheck:
    """The level rendered in every language that has its wording (``wordings``: every
    template's name, ``fr/first.j2``), informal variant included."""
    name = level.template_name
    languages = tuple(
        sorted({w.split("/")[0] for w in wordings if w.split("/", 1)[-1] == f"{name}.j2"})
    )
    if not languages:
        message = _("no template {name} in any language").format(name=f"{name}.j2")
        return LevelCheck(where, message)
    tag = templates.informal_tag
    for language in languages:
        informal = tag is not None and f"{language}/{name}.tu.j2" in wordings
        for tags in [frozenset(), *([frozenset({tag})] if informal and tag else [])]:
            reminder = _sample(policy, level, company, today, language, tags, quote)
            for kind in level.channels:
                try:
                    compose(reminder, kind, company=company, today=today, templates=templates)
                except RelanceError as exc:
                    return LevelCheck(where, f"{language}, {kind.value}: {exc}", languages)
    return LevelCheck(where, None, languages)


def _sample_penalty(invoice: Invoice, company: CompanySettings, today: date) -> Penalty:
    """Interest over one rate segment and a fixed indemnity, for a sample invoice, under
    the law its penalties would come from (the wording cites it)."""
    assert invoice.due_date is not None  # the sample's
    start = invoice.due_date + timedelta(days=1)
    interest = Decimal("12.34")
    segment = PenaltySegment(
        start=start,
        end=today,
        days=(today - start).days + 1,
        rate=Decimal("12.15"),
        basis=365,
        interest=interest,
        exact_interest=Fraction(str(interest)),
    )
    return Penalty(
        jurisdiction=jurisdiction_for(invoice.customer, company_country=company.country),
        currency=invoice.currency,
        principal=invoice.residual,
        interest=interest,
        indemnity=Decimal("40.00"),
        indemnity_currency=company.currency,
        segments=(segment,),
    )


def _sample(
    policy: str,
    level: Level,
    company: CompanySettings,
    today: date,
    language: str,
    tags: frozenset[str],
    quote: Callable[[Invoice, date], Quote | None] | None,
) -> Reminder:
    """A customer of the company's country at ``level``: one invoice that many days late
    and, where the level quotes penalties and the law takes another currency, one more
    in it (whose indemnity is in the law's currency: a template must not add them up)."""
    customer = Customer(
        id="CHECK",
        name=_("Sample customer"),
        language=language,
        country=company.country,
        tags=tags,
        address=Address(lines=("1 rue de l'Exemple",), postal_code="75001", city="Paris"),
        contacts=(
            Contact(
                name="Camille Martin",
                emails=("compta@example.com",),
                phone="+33612345678",
                role="billing",
            ),
        ),
    )
    late = max(level.offset_days, 1)
    foreign = "USD" if company.currency != "USD" else "EUR"
    items = []
    for number, currency in enumerate((company.currency, foreign), start=1):
        invoice = Invoice(
            source="check",
            id=f"CHECK-{number}",
            number=f"F-{number:04}",
            customer=customer,
            issue_date=today - timedelta(days=late + 30),
            due_date=today - timedelta(days=late),
            currency=currency,
            total=SAMPLE_RESIDUAL,
            residual=SAMPLE_RESIDUAL,
        )
        penalty: Quote | None = None
        if level.penalties and quote is not None:
            try:
                penalty = quote(invoice, today)
            except MissingRateError:
                # A rate not yet in a table (`relance check` says so in a row of its own):
                # the wording is checked with figures of the same shape all the same.
                penalty = _sample_penalty(invoice, company, today)
            except RelanceError:
                if currency != company.currency:
                    continue  # the law takes no other currency: a run holds such a customer
                penalty = None  # held at run time (no_penalties): no template fault
        elif currency != company.currency:
            continue  # the other currency matters where penalties are quoted
        items.append(
            PlannedItem(invoice=invoice, days_late=late, reaches=level.name, penalty=penalty)
        )
    currencies = sorted({item.invoice.currency for item in items})
    return Reminder(
        key="check",
        source="check",
        customer=customer,
        policy=policy,
        level=level,
        channels=level.channels,
        items=tuple(items),
        totals=dict.fromkeys(currencies, SAMPLE_RESIDUAL),
        emails=customer.contacts[0].emails,
        language=language,
        requires_approval=False,
        deadline=(
            today + timedelta(days=level.deadline_business_days)
            if level.deadline_business_days
            else None
        ),
    )
