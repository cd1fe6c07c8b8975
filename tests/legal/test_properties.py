"""Properties of the interest computation, on random amounts and dates."""

from __future__ import annotations

import decimal
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.legal import LegalRules, compute_penalty, segment_interest

RULES = LegalRules.from_settings()
# Every table covers these dates plus 800 days (fr-b2b's default rate exists from 2013 on).
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2024, 1, 1))
amounts = st.decimals(min_value=0, max_value=Decimal("10000000"), places=2)
#: Jurisdictions whose rate depends only on the day, so that splitting a delay is neutral.
FLOATING = ("fr-b2b", "de-b2b", "de-b2c")


def interest(name: str, amount: Decimal, due: date, on: date) -> Fraction:
    return compute_penalty(amount, "EUR", due, on, name, rules=RULES).exact_interest


@given(st.sampled_from(FLOATING), amounts, days, st.integers(0, 400), st.integers(0, 400))
def test_interest_is_additive_over_a_split_period(
    name: str, amount: Decimal, due: date, first: int, second: int
) -> None:
    middle = due + timedelta(days=first)
    end = middle + timedelta(days=second)
    whole = interest(name, amount, due, end)
    assert whole == interest(name, amount, due, middle) + interest(name, amount, middle, end)


@given(st.sampled_from((*FLOATING, "fr-b2c")), amounts, days)
def test_nothing_is_owed_for_zero_days(name: str, amount: Decimal, due: date) -> None:
    result = compute_penalty(amount, "EUR", due, due, name, rules=RULES, notice_date=due)
    assert (result.interest, result.indemnity, result.total) == (Decimal(0),) * 3
    assert result.segments == ()


@given(st.sampled_from(FLOATING), amounts, days, st.integers(0, 400), st.integers(0, 400))
def test_interest_grows_with_the_delay(
    name: str, amount: Decimal, due: date, shorter: int, extra: int
) -> None:
    early = compute_penalty(amount, "EUR", due, due + timedelta(days=shorter), name, rules=RULES)
    later = compute_penalty(
        amount, "EUR", due, due + timedelta(days=shorter + extra), name, rules=RULES
    )
    assert early.interest <= later.interest
    assert early.total <= later.total


@given(st.sampled_from(FLOATING), amounts, amounts, days, st.integers(1, 400))
def test_interest_grows_with_the_amount(
    name: str, a: Decimal, b: Decimal, due: date, delay: int
) -> None:
    small, large = sorted((a, b))
    on = due + timedelta(days=delay)
    assert (
        compute_penalty(small, "EUR", due, on, name, rules=RULES).interest
        <= compute_penalty(large, "EUR", due, on, name, rules=RULES).interest
    )


@given(amounts, st.sampled_from(("GBP",)), days, st.integers(1, 400))
def test_uk_interest_is_one_rate_over_the_whole_debt(
    amount: Decimal, currency: str, due: date, delay: int
) -> None:
    result = compute_penalty(
        amount, currency, due, due + timedelta(days=delay), "uk-b2b", rules=RULES
    )
    assert len({s.rate for s in result.segments}) == 1
    assert sum(s.days for s in result.segments) == delay


# --------------------------------------------------------------------------- no float


def test_a_float_amount_or_rate_is_refused() -> None:
    due, on = date(2025, 3, 31), date(2025, 4, 30)
    with pytest.raises(TypeError, match="principal must be a Decimal, not float"):
        compute_penalty(1200.0, "EUR", due, on, "fr-b2b", rules=RULES)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="contract_rate must be a Decimal, not float"):
        compute_penalty(
            Decimal("1200.00"),
            "EUR",
            due,
            on,
            "fr-b2b",
            rules=RULES,
            contract_rate=15.0,  # type: ignore[arg-type]
        )


def test_a_float_that_reaches_the_interest_arithmetic_is_refused() -> None:
    with pytest.raises(TypeError, match="rate must be a Decimal, not float"):
        segment_interest(Decimal("1200.00"), 13.15, 30, 365)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="principal must be a Decimal, not float"):
        segment_interest(1200.0, Decimal("13.15"), 30, 365)  # type: ignore[arg-type]


def test_a_float_in_a_rate_table_never_reaches_a_result() -> None:
    from dataclasses import replace

    from relance.legal import RateBook

    mro = RULES.rates["ecb_mro"]
    poisoned = replace(mro, rates=((date(2025, 1, 1), 3.15),))  # type: ignore[arg-type]
    rules = replace(RULES, rates=RateBook({**RULES.rates.tables, "ecb_mro": poisoned}))
    # Refused by the arithmetic guard or by Decimal itself, never turned into an amount.
    with pytest.raises(TypeError, match="float"):
        compute_penalty(
            Decimal("1200.00"), "EUR", date(2025, 3, 31), date(2025, 4, 30), "fr-b2b", rules=rules
        )


@pytest.mark.parametrize(
    ("name", "currency"),
    [("fr-b2b", "EUR"), ("fr-b2c", "EUR"), ("de-b2b", "EUR"), ("de-b2c", "EUR"), ("uk-b2b", "GBP")],
)
def test_no_decimal_meets_a_float_anywhere_in_a_computation(name: str, currency: str) -> None:
    with decimal.localcontext() as context:
        context.traps[decimal.FloatOperation] = True
        result = compute_penalty(
            Decimal("1234.56"),
            currency,
            date(2024, 11, 30),
            date(2025, 8, 15),
            name,
            rules=RULES,
            contract_rate=None,
            notice_date=date(2024, 12, 10),
            judgment_date=date(2025, 2, 1),
        )
    assert result.interest > 0


@given(
    st.sampled_from((*FLOATING, "fr-b2c")),
    st.sampled_from(("USD", "CHF", "GBP")),
    amounts,
    days,
    st.integers(0, 400),
)
def test_a_debt_in_another_currency_has_the_same_figures_with_the_indemnity_in_euros(
    name: str, currency: str, amount: Decimal, due: date, delay: int
) -> None:
    on = due + timedelta(days=delay)
    notice = due + timedelta(days=delay // 2)
    in_euros = compute_penalty(amount, "EUR", due, on, name, rules=RULES, notice_date=notice)
    other = compute_penalty(amount, currency, due, on, name, rules=RULES, notice_date=notice)
    assert (other.interest, other.indemnity, other.segments) == (
        in_euros.interest,
        in_euros.indemnity,
        in_euros.segments,
    )
    assert (other.currency, other.indemnity_currency) == (currency, "EUR")
    expected = {currency: other.interest} | ({"EUR": other.indemnity} if other.indemnity else {})
    assert other.totals == expected
    assert sum(other.totals.values()) == in_euros.total
