"""``[legal]``: how late-payment penalties and deadlines are computed.

Every point the law or practice leaves open (see ``docs/legal.md``) is a setting here,
with the reading the reference notes recommend as its default.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from relance.legal.rates import rate_entries

__all__ = [
    "BelowFloor",
    "DayCount",
    "DeadlineSettings",
    "EndOfMonthReading",
    "FranceSettings",
    "LegalSettings",
    "NoticeStart",
    "Rounding",
]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rounding(StrEnum):
    """When interest is rounded to the cent."""

    ONCE = "once"
    """Add the unrounded segments, round the sum once (recommended)."""
    PER_SEGMENT = "per_segment"
    """Round each rate segment, then add (can differ by a cent)."""


class DayCount(StrEnum):
    """The divisor of the French day count."""

    ACTUAL_365 = "actual/365"
    """Days / 365, even in a leap year (Banque de France guidance)."""
    ACTUAL_ACTUAL = "actual/actual"
    """Days / 366 for the days of a leap year."""


class BelowFloor(StrEnum):
    """What to do with a French B2B contractual rate below 3 x the legal rate."""

    KEEP = "keep"
    """Compute with the contractual rate, and warn."""
    FLOOR = "floor"
    """Compute with the floor (3 x the legal rate), and warn."""


class NoticeStart(StrEnum):
    """The first day of interest against a French consumer."""

    DAY_AFTER = "day_after"
    """The day after the formal notice was received."""
    SAME_DAY = "same_day"
    """The day the formal notice was received."""


class EndOfMonthReading(StrEnum):
    """The two readings of "45 jours fin de mois"."""

    A = "A"
    """End of the invoice's month, then 45 days (favoured by the Senate report, 2008)."""
    B = "B"
    """Invoice date + 45 days, then the end of that month."""


class FranceSettings(_Section):
    """``[legal.fr]``: the French rules' open questions."""

    split_half_years: bool = Field(
        True,
        description="fr-b2b: a delay across 1 Jan / 1 Jul takes each half-year's rate; "
        "false: the rate of the half-year in which the delay starts, for the whole delay",
    )
    day_count: DayCount = Field(DayCount.ACTUAL_365, description="fr-b2b and fr-b2c divisor")
    default_rate_is_clause: bool = Field(
        False,
        description="fr-b2b: treat the default rate (ECB + 10) as a contractual clause, "
        "checked against the 3 x legal rate floor like any contractual rate",
    )
    below_floor: BelowFloor = Field(
        BelowFloor.KEEP, description="fr-b2b: a contractual rate below the floor"
    )
    b2c_interest_from: NoticeStart = Field(
        NoticeStart.DAY_AFTER, description="fr-b2c: first day of interest after the notice"
    )


class DeadlineSettings(_Section):
    """``[legal.deadlines]``: payment-term caps and reply deadlines."""

    end_of_month_reading: EndOfMonthReading = EndOfMonthReading.A
    extend_to_business_day: bool = Field(
        True,
        description='a deadline in calendar days ("sous huitaine") that ends on a weekend '
        "or holiday moves to the next business day, as procedural periods do (CPC 642)",
    )


RateEntries = Annotated[dict[str, Decimal], BeforeValidator(rate_entries)]


class LegalSettings(_Section):
    """``[legal]``: rounding, the French readings, deadlines and rate-table additions."""

    rounding: Rounding = Rounding.ONCE
    notice_delivery_days: int = Field(
        2,
        ge=0,
        le=30,
        description="business days between sending a formal notice and its receipt, from "
        "which a consumer's interest runs (a registered letter: 2)",
    )
    fr: FranceSettings = FranceSettings()
    deadlines: DeadlineSettings = DeadlineSettings()
    rates: dict[str, RateEntries] = Field(
        default_factory=dict,
        description='additions to the rate tables: [legal.rates.<table>] 2026H2 = "2.50"',
    )
