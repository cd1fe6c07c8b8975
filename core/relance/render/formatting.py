"""Money, dates and percentages written the way the reader's language writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

__all__ = ["format_day", "format_money", "format_rate"]


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale:
    """The Babel locale of a language tag, parsed once: every amount and date of every
    message is formatted with one of a few locales."""
    return Locale.parse(language)


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """``2 430,00 €`` in French, ``€2,430.00`` in English."""
    # Keyed by the amount's text: Decimal("-0") equals Decimal("0") but is written "-0,00".
    return _money(str(amount), currency, language)


@lru_cache(maxsize=4096)
def _money(amount: str, currency: str, language: str) -> str:
    """One message writes each of its amounts several times (text, HTML, totals), and
    Babel takes tens of microseconds for each."""
    return str(format_currency(Decimal(amount), currency, locale=_locale(language)))


@lru_cache(maxsize=4096)
def format_day(day: date, language: str) -> str:
    """``5 juin 2025`` and ``1er juin 2025`` in French, ``5 June 2025`` in English
    (cached: a day's messages mostly write the same few dates)."""
    text = str(
        format_date(day, format="long", locale=_locale("en_GB" if language == "en" else language))
    )
    if day.day == 1 and language.split("_", maxsplit=1)[0] == "fr" and text.startswith("1 "):
        # French writes the first of the month as an ordinal; CLDR has no such pattern.
        return "1er" + text[1:]
    return text


def format_rate(rate: Decimal, language: str) -> str:
    """A percentage given in points: ``12,15 %`` in French or German, ``12.15%`` in English."""
    number = format_decimal(rate, format="#,##0.00", locale=_locale(language))
    return f"{number}%" if language.split("_", maxsplit=1)[0] == "en" else f"{number}\u00a0%"
