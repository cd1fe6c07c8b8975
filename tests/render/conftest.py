"""A fixed ledger, planned by the real planner, for the rendering tests.

One customer per default level, in each language; the history puts each invoice where
its level needs it. Penalties are ``relance.legal``'s own
``Penalty`` with fixed figures: the rendering only places these numbers, so they are
given, not computed here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from relance.config import CompanySettings
from relance.engine.calendar import BusinessCalendar
from relance.engine.planner import Reminder, plan
from relance.engine.policy import PolicyBook
from relance.engine.state import DunningState
from relance.legal.base import Penalty, PenaltySegment
from relance.model import (
    Address,
    ChannelKind,
    Contact,
    Customer,
    DocumentKind,
    HistoryEvent,
    Invoice,
    Message,
)
from relance.render import TemplateEnvironment, compose
from relance.testing.ledgers import invoice, sent

TODAY = date(2025, 7, 10)
LEVELS = ("courtesy", "first", "second", "final", "formal_notice")
LANGUAGES = ("fr", "en", "de")
GERMAN_LEVELS = LEVELS

COMPANY = CompanySettings.model_validate(
    {
        "name": "Atelier Dupré SARL",
        "legal_form": "SARL au capital de 8 000 €",
        "address": {"lines": ["12 quai Saint-Vincent"], "postal_code": "69001", "city": "Lyon"},
        "registration_number": "812 345 678 00012",
        "vat_number": "FR12812345678",
        "email": "compta@atelier-dupre.fr",
        "phone": "+33 4 78 00 00 00",
        "iban": "FR7630006000011234567890189",
        "bic": "BNPAFRPPXXX",
        "signatory": "Claire Dupré, gérante",
        "language": "fr",
    }
)


def quote(item: Invoice, today: date) -> Penalty:
    """Two segments, split on 1 July, with fixed illustrative figures."""
    assert item.due_date is not None
    first_days = (date(2025, 6, 30) - item.due_date).days
    return Penalty(
        jurisdiction="fr-b2b",
        currency=item.currency,
        principal=item.residual,
        interest=Decimal("30.06"),
        indemnity=Decimal("40.00"),
        indemnity_currency="EUR",
        segments=(
            PenaltySegment(
                start=item.due_date,
                end=date(2025, 6, 30),
                days=first_days,
                rate=Decimal("13.15"),
                basis=365,
                interest=Decimal("22.07"),
                exact_interest=Fraction("22.07"),
            ),
            PenaltySegment(
                start=date(2025, 7, 1),
                end=today,
                days=10,
                rate=Decimal("12.15"),
                basis=365,
                interest=Decimal("7.99"),
                exact_interest=Fraction("7.99"),
            ),
        ),
    )


def customer_for(level: str, language: str) -> Customer:
    return Customer(
        id=f"{language.upper()}-{level}",
        name=f"Maison Étienne & Fils ({level})",
        language=language,
        country="FR",
        address=Address(
            lines=("3 rue des Écoles", "Bâtiment B"), postal_code="75005", city="Paris"
        ),
        contacts=(
            Contact(name="Hélène Martin", emails=("compta@maison-etienne.fr",), role="billing"),
        ),
    )


# Each level: its invoices' due dates and the levels already delivered before TODAY.
SCENARIOS: dict[str, tuple[list[tuple[str, date, str]], list[tuple[str, date]]]] = {
    "courtesy": ([("F4567", date(2025, 7, 13), "2430.00")], []),
    "first": ([("F4567", date(2025, 7, 3), "2430.00")], []),
    "second": ([("F4567", date(2025, 6, 20), "2430.00")], [("first", date(2025, 6, 27))]),
    "final": (
        [("F4567", date(2025, 6, 5), "2430.00"), ("F4590", date(2025, 6, 9), "615.50")],
        [("first", date(2025, 6, 12)), ("second", date(2025, 6, 24))],
    ),
    "formal_notice": (
        [("F4567", date(2025, 5, 20), "2430.00")],
        [("first", date(2025, 5, 27)), ("second", date(2025, 6, 6)), ("final", date(2025, 6, 20))],
    ),
}


def ledger(
    level: str, language: str, dollars: frozenset[str] = frozenset()
) -> tuple[list[Invoice], list[HistoryEvent]]:
    """The ledger of ``level``; the invoices numbered in ``dollars`` are in USD."""
    who = customer_for(level, language)
    due, delivered = SCENARIOS[level]
    invoices = [
        invoice(
            number,
            due=when,
            residual=amount,
            who=who,
            payment_reference=f"RF-{number}",
            currency="USD" if number in dollars else "EUR",
        )
        for number, when, amount in due
    ]
    if level == "final":
        invoices.append(
            invoice(
                "AV102",
                due=date(2025, 6, 1),
                residual="115.50",
                who=who,
                kind=DocumentKind.CREDIT_NOTE,
            )
        )
    history = [
        sent(
            name,
            {i.id: name for i in invoices if i.kind is DocumentKind.INVOICE},
            on=day,
            who=who.id,
        )
        for name, day in delivered
    ]
    return invoices, history


def planned(
    level: str, language: str, dollars: frozenset[str] = frozenset()
) -> tuple[Reminder, list[HistoryEvent]]:
    invoices, history = ledger(level, language, dollars)
    result = plan(
        invoices,
        DunningState.from_events(history),
        PolicyBook.build({}),
        BusinessCalendar(country="FR"),
        TODAY,
        penalties=quote,
    )
    (reminder,) = result.reminders
    assert reminder.level.name == level
    return reminder, history


@pytest.fixture
def templates() -> TemplateEnvironment:
    return TemplateEnvironment()


@dataclass(frozen=True)
class Sample:
    """The fixed ledger, for tests (conftest modules are not importable)."""

    company: CompanySettings = COMPANY
    today: date = TODAY

    @staticmethod
    def planned(
        level: str, language: str, dollars: frozenset[str] = frozenset()
    ) -> tuple[Reminder, list[HistoryEvent]]:
        return planned(level, language, dollars)

    @staticmethod
    def with_invoices(reminder: Reminder, count: int) -> Reminder:
        """``reminder`` for ``count`` invoices: copies of its first one, numbered F1, F2...
        with the payment references RF-F1, RF-F2..."""
        item = reminder.items[0]
        items = tuple(
            dataclasses.replace(
                item,
                invoice=item.invoice.model_copy(
                    update={"id": f"F{n}", "number": f"F{n}", "payment_reference": f"RF-F{n}"}
                ),
            )
            for n in range(1, count + 1)
        )
        return dataclasses.replace(reminder, items=items)

    def registered_letter(
        self,
        reminder: Reminder | None = None,
        *,
        company: CompanySettings | None = None,
        templates: TemplateEnvironment | None = None,
    ) -> Message:
        """The French formal notice (or ``reminder``, with its history) as a registered
        letter."""
        planned_reminder, history = planned("formal_notice", "fr")
        return compose(
            reminder or planned_reminder,
            ChannelKind.REGISTERED_LETTER,
            company=company or self.company,
            today=self.today,
            templates=templates or TemplateEnvironment(),
            history=history,
        )


@pytest.fixture
def sample() -> Sample:
    return Sample()
