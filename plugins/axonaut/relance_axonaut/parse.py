"""Liberal parsing of Axonaut's amounts and dates.

Axonaut's spec types amounts as JSON numbers but real answers also carry strings
(``"0.00"``, ``"-960.00"``); its spec gives invoice dates as Unix seconds in strings
(``"1653955200"``) while real answers use ISO 8601 with an offset
(``"2025-04-13T00:00:00+02:00"``), payments use plain dates and the query filters use
``DD/MM/YYYY``. Every form is accepted here; anything else is a ``ValueError`` whose
message quotes the value (never a secret: these are invoice fields).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from relance.model import to_decimal

_CENT = Decimal("0.01")
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_amount(value: object) -> Decimal | None:
    """An amount as a Decimal rounded to the cent; ``None`` for null or an empty string.

    Floats are converted through their shortest repr, so ``700.1`` stays ``700.10``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return to_decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_date(value: object, timezone: ZoneInfo) -> date | None:  # noqa: PLR0911
    """A date from any form Axonaut uses; ``None`` for null or an empty string.

    ISO 8601 date-times keep the calendar date they were written with (the date the
    user sees in Axonaut); Unix seconds are read in ``timezone``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, int):
        return datetime.fromtimestamp(value, timezone).date()
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return datetime.fromtimestamp(int(text), timezone).date()
    french = _FRENCH_DATE.fullmatch(text)
    try:
        if french:
            day, month, year = (int(part) for part in french.groups())
            return date(year, month, day)
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date (expected ISO 8601, DD/MM/YYYY or Unix seconds)"
        ) from None


def filter_date(day: date) -> str:
    """A date as Axonaut's query filters want it: ``DD/MM/YYYY``."""
    return day.strftime("%d/%m/%Y")
