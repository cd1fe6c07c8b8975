"""Germany: BGB §§ 247, 286, 288 (base rate + 9 or + 5 points; EUR 40 flat fee in B2B)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from relance.legal.base import ZERO, Claim, Jurisdiction, Penalty, accrue, settle
from relance.legal.periods import ONE_DAY, HalfYear

if TYPE_CHECKING:
    from relance.legal.rules import LegalRules

__all__ = ["GermanyB2B", "GermanyB2C"]

BASE_RATE = "de_base_rate"


class _Germany(Jurisdiction):
    """The base rate of each half-year plus a margin; actual days / 365."""

    currency = "EUR"
    any_currency = True
    margin: ClassVar[Decimal]
    flat_fee: ClassVar[Decimal]

    def first_day(self, claim: Claim) -> date:
        return claim.first_day

    def compute(self, claim: Claim, rules: LegalRules) -> Penalty:
        base = rules.rates[BASE_RATE]

        def rate_on(day: date) -> Decimal:
            if claim.contract_rate is not None:
                return claim.contract_rate
            return base.for_half_year(HalfYear.of(day)) + self.margin

        segments = accrue(claim.principal, self.first_day(claim), claim.on, rate_on)
        return settle(self, claim, segments, self.flat_fee if claim.is_late else ZERO, rules)


class GermanyB2B(_Germany):
    """Payment claims where no consumer is involved: base rate + 9 points, EUR 40 (§288 II, V)."""

    name = "de-b2b"
    title = "Germany, between businesses (BGB §288 II, V)"
    margin = Decimal(9)
    flat_fee = Decimal(40)


class GermanyB2C(_Germany):
    """Other cases: base rate + 5 points, no flat fee (§288 I).

    A consumer is in default from a calendar-fixed due date (§286 II Nr. 1) or from a
    reminder: when ``notice_date`` is given, interest runs from the day after it.
    """

    name = "de-b2c"
    title = "Germany, consumer debtor (BGB §288 I)"
    margin = Decimal(5)
    flat_fee = ZERO

    def first_day(self, claim: Claim) -> date:
        if claim.notice_date is not None:
            return max(claim.notice_date + ONE_DAY, claim.first_day)
        return claim.first_day
