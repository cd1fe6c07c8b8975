"""Every worked example of reference/late-payment-law.md §9, to the cent, in each reading."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from relance.legal import LegalRules

from .conftest import penalty, with_settings


def segments(result) -> list[tuple[str, str, int, str]]:
    return [(s.start.isoformat(), s.end.isoformat(), s.days, str(s.rate)) for s in result.segments]


def test_t1_fr_b2b_single_half_year(rules: LegalRules) -> None:
    result = penalty(rules, "fr-b2b", "1200.00", "2025-03-31", "2025-04-30")
    assert segments(result) == [("2025-04-01", "2025-04-30", 30, "13.15")]
    assert (result.interest, result.indemnity, result.total) == (
        Decimal("12.97"),
        Decimal("40.00"),
        Decimal("52.97"),
    )
    assert result.warnings == ()


def test_t2_fr_b2b_split_at_1_july(rules: LegalRules) -> None:
    result = penalty(rules, "fr-b2b", "10000.00", "2025-06-15", "2025-07-15")
    assert segments(result) == [
        ("2025-06-16", "2025-06-30", 15, "13.15"),
        ("2025-07-01", "2025-07-15", 15, "12.15"),
    ]
    assert [s.interest for s in result.segments] == [Decimal("54.04"), Decimal("49.93")]
    assert result.interest == Decimal("103.97")
    assert result.indemnity == Decimal("40.00")


def test_t2_alternative_reading_one_rate_for_the_whole_delay() -> None:
    single = with_settings(fr={"split_half_years": False})
    result = penalty(single, "fr-b2b", "10000.00", "2025-06-15", "2025-07-15")
    assert {str(s.rate) for s in result.segments} == {"13.15"}
    assert result.interest == Decimal("108.08")


def test_t4_leap_year_february_on_365_and_366(rules: LegalRules) -> None:
    result = penalty(rules, "fr-b2b", "2400.00", "2024-02-15", "2024-03-15")
    assert segments(result) == [("2024-02-16", "2024-03-15", 29, "14.50")]
    assert result.interest == Decimal("27.65")
    assert result.indemnity == Decimal("40.00")
    actual = with_settings(fr={"day_count": "actual/actual"})
    leap = penalty(actual, "fr-b2b", "2400.00", "2024-02-15", "2024-03-15")
    assert [s.basis for s in leap.segments] == [366]
    assert leap.interest == Decimal("27.57")


def test_t6a_contractual_rate_matches_the_published_example(rules: LegalRules) -> None:
    result = penalty(rules, "fr-b2b", "15000.00", "2018-04-15", "2018-05-15", rate="15")
    assert segments(result) == [("2018-04-16", "2018-05-15", 30, "15")]
    assert result.interest == Decimal("184.93")
    assert result.warnings == ()  # 15 % is above the 2018H1 floor of 3 x 0.89 = 2.67 %


def test_t6b_contractual_rate_below_the_2024_floor_is_computed_and_flagged(
    rules: LegalRules,
) -> None:
    result = penalty(rules, "fr-b2b", "5000.00", "2024-10-01", "2024-10-31", rate="10")
    assert result.interest == Decimal("41.10")
    assert result.warnings == (
        "The rate of 10% is below the legal minimum of 14.76% (3 x the legal interest rate "
        "of 4.92%) for 2024H2 (C. com. L441-10).",
    )


def test_t6b_with_the_floor_applied() -> None:
    floored = with_settings(fr={"below_floor": "floor"})
    result = penalty(floored, "fr-b2b", "5000.00", "2024-10-01", "2024-10-31", rate="10")
    assert [str(s.rate) for s in result.segments] == ["14.76"]
    # 5000 x 14.76 % x 30 / 365 = 60.657534...
    assert result.interest == Decimal("60.66")
    assert result.warnings[-1] == "The legal minimum is applied instead."


def test_t8_three_late_invoices_each_owe_interest_and_40_euros(rules: LegalRules) -> None:
    results = [penalty(rules, "fr-b2b", "400.00", "2025-09-30", "2025-10-30") for _ in range(3)]
    assert [r.interest for r in results] == [Decimal("3.99")] * 3
    assert sum(r.interest for r in results) == Decimal("11.97")
    assert sum(r.indemnity for r in results) == Decimal("120.00")
    assert sum(r.total for r in results) == Decimal("131.97")


def test_t9_fr_b2c_legal_rate_from_the_day_after_the_formal_notice(rules: LegalRules) -> None:
    result = penalty(rules, "fr-b2c", "1500.00", "2025-09-30", "2026-02-13", notice="2025-10-15")
    assert segments(result) == [
        ("2025-10-16", "2025-12-31", 77, "2.76"),
        ("2026-01-01", "2026-02-13", 44, "2.62"),
    ]
    assert result.interest == Decimal("13.47")
    assert result.indemnity == Decimal("0.00")


def test_t9_counting_the_day_of_the_notice_adds_exactly_that_day(rules: LegalRules) -> None:
    same_day = with_settings(fr={"b2c_interest_from": "same_day"})
    args = ("fr-b2c", "1500.00", "2025-09-30", "2026-02-13")
    default = penalty(rules, *args, notice="2025-10-15")
    longer = penalty(same_day, *args, notice="2025-10-15")
    assert longer.segments[0].start == date(2025, 10, 15)
    assert longer.segments[0].days == 78
    assert (
        longer.exact_interest - default.exact_interest == Fraction(1500) * Fraction("0.0276") / 365
    )


def test_fr_b2c_without_a_formal_notice_owes_nothing_yet(rules: LegalRules) -> None:
    result = penalty(rules, "fr-b2c", "1500.00", "2025-09-30", "2026-02-13")
    assert (result.total, result.segments) == (Decimal("0.00"), ())
    assert "formal notice" in result.warnings[0]


def test_t12a_uk_rate_of_30_june_plus_8_and_the_70_pound_fixed_sum(rules: LegalRules) -> None:
    result = penalty(rules, "uk-b2b", "5000.00", "2025-06-30", "2025-09-28", currency="GBP")
    assert segments(result) == [("2025-07-01", "2025-09-28", 90, "12.25")]
    assert (result.interest, result.indemnity) == (Decimal("151.03"), Decimal("70.00"))


def test_t12b_uk_rate_stays_fixed_after_1_january(rules: LegalRules) -> None:
    result = penalty(rules, "uk-b2b", "12000.00", "2025-12-15", "2026-02-13", currency="GBP")
    assert segments(result) == [
        ("2025-12-16", "2025-12-31", 16, "12.25"),
        ("2026-01-01", "2026-02-13", 44, "12.25"),
    ]
    assert result.interest == Decimal("241.64")
    assert result.interest != Decimal("234.41")  # the trap: 11.75 % from 1 January
    assert result.indemnity == Decimal("100.00")
    per_segment = with_settings(rounding="per_segment")
    rounded = penalty(per_segment, "uk-b2b", "12000.00", "2025-12-15", "2026-02-13", currency="GBP")
    assert rounded.interest == Decimal("241.65")


def test_d5_uk_fixed_sums_by_debt_size(rules: LegalRules) -> None:
    sums = [
        penalty(rules, "uk-b2b", amount, "2025-06-30", "2025-07-01", currency="GBP").indemnity
        for amount in ("999.99", "1000.00", "9999.99", "10000.00")
    ]
    assert sums == [Decimal("40.00"), Decimal("70.00"), Decimal("70.00"), Decimal("100.00")]
