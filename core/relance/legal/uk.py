"""United Kingdom: Late Payment of Commercial Debts (Interest) Act 1998."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from relance.legal.base import ZERO, Claim, Jurisdiction, Penalty, accrue, settle
from relance.legal.periods import HalfYear

if TYPE_CHECKING:
    from relance.legal.rules import LegalRules

__all__ = ["UnitedKingdomB2B", "fixed_sum"]

BANK_RATE = "uk_bank_rate"
MARGIN = Decimal(8)
#: s.5A fixed sums: (debts below this amount, sum), in increasing order; then the last.
FIXED_SUMS = ((Decimal(1000), Decimal(40)), (Decimal(10000), Decimal(70)))
LARGEST_FIXED_SUM = Decimal(100)


def fixed_sum(debt: Decimal) -> Decimal:
    """GBP 40 under GBP 1,000; 70 up to 9,999.99; 100 from 10,000 (s.5A)."""
    for below, amount in FIXED_SUMS:
        if debt < below:
            return amount
    return LARGEST_FIXED_SUM


class UnitedKingdomB2B(Jurisdiction):
    """Bank Rate on the reference date before interest starts + 8 points, fixed.

    The reference date is 31 December for interest that starts in January-June, 30 June
    for July-December (SI 2002/1675); the rate then stays the same for the whole debt,
    whatever Bank Rate does later. Segments are still cut at 1 Jan / 1 Jul, at one rate,
    so that per-segment rounding matches the other jurisdictions.
    """

    name = "uk-b2b"
    title = "United Kingdom, between businesses (Late Payment of Commercial Debts Act 1998)"
    currency = "GBP"
    any_currency = False
    """The fixed sum depends on the size of the debt in pounds (s.5A): a debt in another
    currency would need an exchange rate the law does not give."""

    def compute(self, claim: Claim, rules: LegalRules) -> Penalty:
        if claim.contract_rate is not None:
            rate = claim.contract_rate
        else:
            bank_rate = rules.rates[BANK_RATE].for_half_year(HalfYear.of(claim.first_day))
            rate = bank_rate + MARGIN
        segments = accrue(claim.principal, claim.first_day, claim.on, lambda _day: rate)
        indemnity = fixed_sum(claim.principal) if claim.is_late else ZERO
        return settle(self, claim, segments, indemnity, rules)
