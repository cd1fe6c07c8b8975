"""What a jurisdiction computes, and the arithmetic every jurisdiction shares.

Interest is simple interest, ``principal x rate / 100 x days / basis`` per segment, kept
as an exact fraction (no binary float, no intermediate rounding) and rounded to the cent
with ROUND_HALF_UP only at the end: once for the sum (the default) or once per segment
(``[legal] rounding = "per_segment"``).

A third party's jurisdiction subclasses :class:`Jurisdiction` and builds its segments
with :func:`accrue` and its result with :func:`settle`; see ``docs/legal.md``.
"""

from __future__ import annotations

import calendar
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, model_validator

from relance.legal.periods import ONE_DAY, split_days
from relance.legal.settings import DayCount, Rounding
from relance.model import FrozenModel, minor_unit_places, penalty_amounts, to_decimal

if TYPE_CHECKING:
    from relance.legal.rates import RateSeries
    from relance.legal.rules import LegalRules

__all__ = [
    "Claim",
    "Jurisdiction",
    "Penalty",
    "PenaltySegment",
    "accrue",
    "round_half_up",
    "segment_interest",
    "settle",
    "total_interest",
]

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Claim:
    """What is owed and since when: the input of every jurisdiction.

    :ivar principal: the amount late (VAT included in France unless the contract says
        otherwise).
    :ivar due_date: the payment date agreed; interest runs from the next day.
    :ivar on: the payment date (or the date the penalties are computed for), included.
    :ivar contract_rate: a contractual rate in percent a year, replacing the statutory one.
    :ivar notice_date: the day the formal notice was received (consumer claims).
    :ivar judgment_date: the day the judgment became enforceable (or was served; see
        ``docs/legal.md``), for the French post-judgment increase.
    """

    principal: Decimal
    currency: str
    due_date: date
    on: date
    contract_rate: Decimal | None = None
    notice_date: date | None = None
    judgment_date: date | None = None

    @property
    def is_late(self) -> bool:
        return self.on > self.due_date

    @property
    def first_day(self) -> date:
        """The first day of interest for a debt late from its due date."""
        return self.due_date + ONE_DAY


class PenaltySegment(FrozenModel):
    """Interest at one rate over consecutive days ``start``..``end`` (both included)."""

    start: date
    end: date
    days: int
    rate: Decimal = Field(description="percent a year")
    basis: int = Field(description="days in the year used as divisor: 365 or 366")
    interest: Decimal = Field(description="this segment's interest, rounded to the cent")
    exact_interest: Fraction = Field(repr=False, description="unrounded")


class Penalty(FrozenModel):
    """The late-payment penalties of one debt: interest, fixed indemnity, and how.

    The principal and the interest are in ``currency``, the debt's; the indemnity is in
    ``indemnity_currency``, the jurisdiction's, because the law sets it as an amount
    (EUR 40): a French company's invoice in US dollars owes interest in dollars and the
    indemnity in euros. Add them up with :attr:`totals`, never across currencies.
    """

    jurisdiction: str
    currency: str
    principal: Decimal
    interest: Decimal
    indemnity: Decimal
    indemnity_currency: str = Field(description="default: the debt's currency")
    segments: tuple[PenaltySegment, ...] = ()
    warnings: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _as_earlier_versions_built_it(cls, data: Any) -> Any:
        """A penalty built as before foreign currencies (a plugin's jurisdiction not using
        :func:`settle`): the indemnity in the debt's currency, and its ``total``, now
        computed, accepted with a deprecation warning while it agrees."""
        if not isinstance(data, dict) or ("indemnity_currency" in data and "total" not in data):
            return data
        data = {"indemnity_currency": data.get("currency"), **data}
        if "total" in data:
            given = data.pop("total")
            warnings.warn(
                "Penalty(total=...) is deprecated: the total is computed (see Penalty.totals)",
                DeprecationWarning,
                stacklevel=3,  # the caller, past pydantic's __init__
            )
            if data["indemnity_currency"] != data.get("currency"):
                raise ValueError("a total cannot add an indemnity in another currency")
            try:
                parts = [to_decimal(data.get(name, 0)) for name in ("interest", "indemnity")]
                agrees = to_decimal(given) == sum(parts, Decimal(0))
            except (ValueError, ArithmeticError):
                return data  # a malformed figure: the fields' validation names it
            if not agrees:
                raise ValueError(f"total {given} is not interest plus indemnity")
        return data

    @property
    def totals(self) -> dict[str, Decimal]:
        """Interest plus indemnity per currency, the debt's first (the principal is not
        included). An indemnity of zero in another currency adds no entry."""
        return penalty_amounts(
            self.currency, self.interest, self.indemnity, self.indemnity_currency
        )

    @property
    def total(self) -> Decimal | None:
        """Interest plus indemnity when they are in one currency, else ``None``."""
        totals = self.totals
        return totals[self.currency] if len(totals) == 1 else None

    @property
    def exact_interest(self) -> Fraction:
        """The unrounded interest: the sum of the segments' exact interest."""
        return sum((s.exact_interest for s in self.segments), Fraction(0))


class Jurisdiction(ABC):
    """The late-payment rules of one country and kind of debtor, e.g. ``fr-b2b``.

    Subclasses set ``name`` (lower case, ``<country>-<b2b|b2c>`` by convention, the
    value users write), ``title`` and ``currency``, and implement :meth:`compute`.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    currency: ClassVar[str]
    """The currency of the amounts the law sets (a fixed indemnity, thresholds)."""
    any_currency: ClassVar[bool] = False
    """Whether a debt in another currency than :attr:`currency` has penalties here: true
    when the law sets a rate, which applies to any amount, and amounts that do not
    depend on the debt's (the indemnity, paid in :attr:`currency`). False (the default)
    refuses such a debt, as where the indemnity depends on the size of the debt."""

    def rate_tables(self) -> Iterable[RateSeries]:
        """Rate tables this jurisdiction ships (see :meth:`RateSeries.load`)."""
        return ()

    @abstractmethod
    def compute(self, claim: Claim, rules: LegalRules) -> Penalty:
        """The penalties of ``claim`` under these rules; ``rules`` gives rates and settings."""


def segment_interest(principal: Decimal, rate: Decimal, days: int, basis: int) -> Fraction:
    """Exact simple interest: ``principal x rate / 100 x days / basis``.

    Refuses anything but :class:`~decimal.Decimal` amounts and rates: a float would
    silently bring a binary approximation into a legal amount.
    """
    for label, value in (("principal", principal), ("rate", rate)):
        if not isinstance(value, Decimal):
            raise TypeError(f"{label} must be a Decimal, not {type(value).__name__}")
    # One fraction from integers: the same exact value as multiplying Fractions, with a
    # single reduction instead of one per operation (this runs for every invoice quoted).
    principal_num, principal_den = principal.as_integer_ratio()
    rate_num, rate_den = rate.as_integer_ratio()
    return Fraction(principal_num * rate_num * days, principal_den * rate_den * 100 * basis)


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """``value`` rounded to ``places`` decimals (the cent by default), halves away from
    zero (ROUND_HALF_UP), exactly."""
    # floor(|n/d| x 10^p + 1/2) in integers: floor((2 x 10^p |n| + d) / 2d).
    scale = 10**places
    units = (2 * scale * abs(value.numerator) + value.denominator) // (2 * value.denominator)
    return Decimal(units if value >= 0 else -units).scaleb(-places)


def accrue(
    principal: Decimal,
    first: date,
    last: date,
    rate_on: Callable[[date], Decimal],
    *,
    day_count: DayCount = DayCount.ACTUAL_365,
    breaks: Iterable[date] = (),
) -> tuple[PenaltySegment, ...]:
    """Interest from ``first`` to ``last`` (inclusive), split at 1 Jan, 1 Jul and ``breaks``.

    ``rate_on(day)`` gives the rate (percent a year) of the segment starting on ``day``.
    Nothing accrues when ``last < first``.
    """
    segments = []
    for start, end in split_days(first, last, breaks):
        rate = rate_on(start)
        days = (end - start).days + 1
        leap = day_count is DayCount.ACTUAL_ACTUAL and calendar.isleap(start.year)
        basis = 366 if leap else 365
        exact = segment_interest(principal, rate, days, basis)
        segments.append(
            PenaltySegment(
                start=start,
                end=end,
                days=days,
                rate=rate,
                basis=basis,
                interest=round_half_up(exact),
                exact_interest=exact,
            )
        )
    return tuple(segments)


def total_interest(segments: Iterable[PenaltySegment], rules: LegalRules, currency: str) -> Decimal:
    """The interest of ``segments`` (rounded to ``currency``'s smallest unit each), as
    ``[legal] rounding`` says: their exact sum rounded once, or their rounded sum."""
    places = minor_unit_places(currency)
    if rules.settings.rounding is Rounding.PER_SEGMENT:
        return sum((s.interest for s in segments), Decimal(0).scaleb(-places))
    return round_half_up(sum((s.exact_interest for s in segments), Fraction(0)), places)


def settle(
    jurisdiction: Jurisdiction,
    claim: Claim,
    segments: tuple[PenaltySegment, ...],
    indemnity: Decimal,
    rules: LegalRules,
    warnings: Iterable[str] = (),
) -> Penalty:
    """Round the interest as configured, to the smallest unit of the debt's currency (the
    cent, the yen), and assemble the :class:`Penalty`."""
    places = minor_unit_places(claim.currency)
    if places != 2:  # :func:`accrue` rounds each segment to the cent
        segments = tuple(
            s.model_copy(update={"interest": round_half_up(s.exact_interest, places)})
            for s in segments
        )
    interest = total_interest(segments, rules, claim.currency)
    indemnity = indemnity.quantize(ZERO)
    return Penalty(
        jurisdiction=jurisdiction.name,
        currency=claim.currency,
        principal=claim.principal,
        interest=interest,
        indemnity=indemnity,
        indemnity_currency=jurisdiction.currency,
        segments=segments,
        warnings=tuple(dict.fromkeys(warnings)),
    )
