"""Odoo's JSON values, normalised at the boundary.

Empty fields come back as ``false`` (never ``null`` or ``""``), many-to-one fields as
``[id, "display name"]``, dates as ``"YYYY-MM-DD"``, datetimes as ``"YYYY-MM-DD
HH:MM:SS"`` in UTC without a zone, amounts as JSON numbers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from relance.model import to_decimal

ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"


def text(value: Any) -> str | None:
    """A char field: ``None`` for ``false`` or blank."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


def many2one(value: Any) -> tuple[int, str] | None:
    """``[id, "name"]`` as ``(id, name)``; ``None`` for ``false``."""
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int):
        return value[0], str(value[1])
    return None


def ref_id(value: Any) -> int | None:
    pair = many2one(value)
    return pair[0] if pair else None


def day(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    return date.fromisoformat(value[:10])


def amount(value: Any) -> Decimal:
    """A monetary field; ``false`` (unset) counts as zero."""
    if value is False or value is None:
        return Decimal(0)
    return to_decimal(value)


def odoo_datetime(instant: datetime) -> str:
    """An aware instant as Odoo writes ``write_date``: UTC, second precision, no zone."""
    return instant.astimezone(UTC).strftime(ODOO_DATETIME)


def ids_of(values: Any) -> list[int]:
    """A one2many/many2many value (a list of ids)."""
    if not isinstance(values, list):
        return []
    return [value for value in values if isinstance(value, int)]
