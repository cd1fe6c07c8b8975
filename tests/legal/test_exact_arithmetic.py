"""The interest arithmetic, computed in integers for speed, equals its definition."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from relance.legal import segment_interest
from relance.legal.base import round_half_up

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
rates = st.decimals(min_value=0, max_value=50, places=4, allow_nan=False)


@given(amounts, rates, st.integers(0, 4000), st.sampled_from([365, 366]))
def test_segment_interest_is_principal_times_rate_times_days(
    principal: Decimal, rate: Decimal, days: int, basis: int
) -> None:
    expected = Fraction(principal) * Fraction(rate) * days / (100 * basis)
    assert segment_interest(principal, rate, days, basis) == expected


@given(st.fractions(min_value=-(10**9), max_value=10**9))
def test_round_half_up_rounds_halves_away_from_zero(value: Fraction) -> None:
    cents = math.floor(abs(value) * 100 + Fraction(1, 2))
    expected = Decimal(cents if value >= 0 else -cents).scaleb(-2)
    result = round_half_up(value)
    assert result == expected
    assert result.as_tuple().exponent == expected.as_tuple().exponent


def test_round_half_up_on_the_half_cent() -> None:
    assert str(round_half_up(Fraction(1, 200))) == "0.01"
    assert str(round_half_up(Fraction(-1, 200))) == "-0.01"
    assert str(round_half_up(Fraction(1, 201))) == "0.00"
