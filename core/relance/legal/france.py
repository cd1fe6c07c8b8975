"""France: L441-10 / D441-5 of the Code de commerce (B2B) and the legal rate (B2C)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from relance.errors import InputError, Problem
from relance.i18n import _
from relance.legal.base import ZERO, Claim, Jurisdiction, Penalty, accrue, settle
from relance.legal.periods import ONE_DAY, HalfYear, add_months
from relance.legal.rates import MissingRateError
from relance.legal.settings import BelowFloor, NoticeStart

if TYPE_CHECKING:
    from relance.legal.rules import LegalRules

__all__ = ["FranceB2B", "FranceB2C"]

ECB_MRO = "ecb_mro"
LEGAL_RATE = "fr_legal_rate_other"
"""The creditor is a business, so the "all other cases" legal rate applies (L313-2)."""
B2B_MARGIN = Decimal(10)
FLOOR_FACTOR = 3
INDEMNITY = Decimal(40)
JUDGMENT_INCREASE = Decimal(5)
JUDGMENT_DELAY_MONTHS = 2
SEMESTER_RULE_SINCE = HalfYear(2013, 1)
"""Loi 2012-387: the rate of 1 January / 1 July applies from 2013; before, it followed
every ECB change and the margin was 7 points before 2009. Not modelled: give the rate."""

RateOn = Callable[[date], Decimal]


class FranceB2B(Jurisdiction):
    """Between businesses: ECB + 10 points per half-year and EUR 40 per late invoice."""

    name = "fr-b2b"
    title = "France, between businesses (C. com. L441-10, D441-5)"
    currency = "EUR"
    any_currency = True

    def compute(self, claim: Claim, rules: LegalRules) -> Penalty:
        settings = rules.settings.fr
        warnings: list[str] = []
        rate_on: RateOn
        if claim.contract_rate is not None:
            contract = claim.contract_rate
            rate_on = self._floored(lambda _day: contract, rules, warnings)
        else:
            rate_on = self._default_rate(rules)
            if not settings.split_half_years:
                fixed = rate_on(claim.first_day)
                rate_on = lambda _day: fixed  # noqa: E731 - the reading with one rate
            if settings.default_rate_is_clause:
                rate_on = self._floored(rate_on, rules, warnings)
        segments = accrue(
            claim.principal, claim.first_day, claim.on, rate_on, day_count=settings.day_count
        )
        indemnity = INDEMNITY if claim.is_late else ZERO
        return settle(self, claim, segments, indemnity, rules, warnings)

    @staticmethod
    def _default_rate(rules: LegalRules) -> RateOn:
        mro = rules.rates[ECB_MRO]

        def rate_on(day: date) -> Decimal:
            half = HalfYear.of(day)
            if half < SEMESTER_RULE_SINCE:
                message = _(
                    "the statutory rate is computed from 2013 on (semester rule); "
                    "for {period}, give the applicable rate as a contractual rate"
                ).format(period=half)
                raise InputError(_("Cannot compute the fr-b2b rate."), [Problem("", message)])
            return mro.for_half_year(half) + B2B_MARGIN

        return rate_on

    @staticmethod
    def _floored(rate_on: RateOn, rules: LegalRules, warnings: list[str]) -> RateOn:
        """Check a clause's rate against 3 x the legal rate of each half-year it covers."""
        legal = rules.rates[LEGAL_RATE]
        raise_to_floor = rules.settings.fr.below_floor is BelowFloor.FLOOR

        def checked(day: date) -> Decimal:
            rate = rate_on(day)
            half = HalfYear.of(day)
            try:
                legal_rate = legal.for_half_year(half)
            except MissingRateError:
                warnings.append(
                    _(
                        "The contractual rate could not be checked against the legal minimum "
                        "for {period}: the legal interest rate is not in the table."
                    ).format(period=half)
                )
                return rate
            floor = FLOOR_FACTOR * legal_rate
            if rate >= floor:
                return rate
            warnings.append(
                _(
                    "The rate of {rate}% is below the legal minimum of {floor}% "
                    "(3 x the legal interest rate of {legal}%) for {period} (C. com. L441-10)."
                ).format(rate=rate, floor=floor, legal=legal_rate, period=half)
            )
            if raise_to_floor:
                warnings.append(_("The legal minimum is applied instead."))
                return floor
            return rate

        return checked


class FranceB2C(Jurisdiction):
    """A business creditor and a consumer: the legal rate from the formal notice."""

    name = "fr-b2c"
    title = "France, business to consumer (C. civ. 1231-6, 1344-1; C. monét. fin. L313-2, L313-3)"
    currency = "EUR"
    any_currency = True

    def compute(self, claim: Claim, rules: LegalRules) -> Penalty:
        settings = rules.settings.fr
        if claim.notice_date is None:
            warning = _(
                "No formal notice date: legal interest against a consumer runs only from "
                "the formal notice (mise en demeure)."
            )
            return settle(self, claim, (), ZERO, rules, [warning])
        first = claim.notice_date
        if settings.b2c_interest_from is NoticeStart.DAY_AFTER:
            first += ONE_DAY
        first = max(first, claim.first_day)
        legal = rules.rates[LEGAL_RATE]
        increase_from = None
        if claim.judgment_date is not None and claim.contract_rate is None:
            increase_from = add_months(claim.judgment_date, JUDGMENT_DELAY_MONTHS) + ONE_DAY

        def rate_on(day: date) -> Decimal:
            if claim.contract_rate is not None:
                return claim.contract_rate
            rate = legal.for_half_year(HalfYear.of(day))
            if increase_from is not None and day >= increase_from:
                rate += JUDGMENT_INCREASE
            return rate

        breaks = [increase_from] if increase_from else []
        segments = accrue(
            claim.principal, first, claim.on, rate_on, day_count=settings.day_count, breaks=breaks
        )
        return settle(self, claim, segments, ZERO, rules)
