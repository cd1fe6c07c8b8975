"""The demo ledger, copied to a temporary folder, and small ledgers built by hand."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from relance.model import Customer, DocumentKind, Invoice

DEMO = Path(__file__).parents[2] / "examples" / "demo"
DEMO_TODAY = "2026-03-16"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The demo's configuration, in a folder of its own (the history is written there)."""
    folder = tmp_path / "demo"
    folder.mkdir()
    for name in ("relance.toml", "factures.csv", "clients.csv"):
        shutil.copy(DEMO / name, folder / name)
    return folder / "relance.toml"


def french_day(text: str) -> date:
    """``"16/03/2026"`` -> ``date(2026, 3, 16)``, as the demo's CSV writes dates."""
    day, month, year = text.split("/")
    return date(int(year), int(month), int(day))


InvoiceMaker = Callable[..., Invoice]


@pytest.fixture
def make_invoice() -> InvoiceMaker:
    """``make_invoice("F1", due=date(...), total="100", residual="0", paid=date(...))``."""
    customers: dict[str, Customer] = {}

    def make(
        number: str,
        *,
        customer: str = "C1",
        issued: date | None = None,
        due: date | None = None,
        total: str = "100.00",
        residual: str | None = None,
        paid: date | None = None,
        credit: bool = False,
        promise: date | None = None,
        disputed: bool = False,
    ) -> Invoice:
        who = customers.setdefault(customer, Customer(id=customer, name=f"Client {customer}"))
        return Invoice(
            source="books",
            id=number,
            number=number,
            kind=DocumentKind.CREDIT_NOTE if credit else DocumentKind.INVOICE,
            customer=who,
            issue_date=issued,
            due_date=due,
            currency="EUR",
            total=Decimal(total),
            residual=Decimal(total if residual is None else residual),
            paid_date=paid,
            promise_date=promise,
            disputed=disputed,
        )

    return make
