"""Helpers for the late-payment law tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from relance.legal import LegalRules, LegalSettings, Penalty, compute_penalty

#: The smallest valid configuration: the legal tests need nothing else.
COMPANY = '[company]\nname = "Atelier Test"\n'


@pytest.fixture(scope="session")
def rules() -> LegalRules:
    """The rules with relance's defaults and shipped rate tables."""
    return LegalRules.from_settings()


def with_settings(**settings: Any) -> LegalRules:
    """The rules with ``[legal]`` settings, given as they would be in relance.toml."""
    return LegalRules.from_settings(LegalSettings.model_validate(settings))


def penalty(
    rules: LegalRules,
    jurisdiction: str,
    amount: str,
    due: str,
    on: str,
    *,
    currency: str = "EUR",
    rate: str | None = None,
    notice: str | None = None,
    judgment: str | None = None,
) -> Penalty:
    return compute_penalty(
        Decimal(amount),
        currency,
        date.fromisoformat(due),
        date.fromisoformat(on),
        jurisdiction,
        rules=rules,
        contract_rate=Decimal(rate) if rate is not None else None,
        notice_date=date.fromisoformat(notice) if notice else None,
        judgment_date=date.fromisoformat(judgment) if judgment else None,
    )
