"""Money, dates and percentages written the way the reader's language writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

__all__ = ["format_day", "format_money", "format_rate"]


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """``2 430,00 €`` in French, ``€2,430.00`` in English."""
    return str(format_currency(amount, currency, locale=language))


def format_day(day: date, language: str) -> str:
    """``5 juin 2025`` in French, ``5 June 2025`` in English."""
    return str(format_date(day, format="long", locale="en_GB" if language == "en" else language))


def format_rate(rate: Decimal, language: str) -> str:
    """A percentage given in points: ``12,15 %`` in French or German, ``12.15%`` in English."""
    number = format_decimal(rate, format="#,##0.00", locale=language)
    return f"{number}%" if language.split("_", maxsplit=1)[0] == "en" else f"{number}\u00a0%"
