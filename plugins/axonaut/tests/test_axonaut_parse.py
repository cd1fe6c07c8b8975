"""Amounts and dates in every form Axonaut sends them (reference §2.4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from relance_axonaut.parse import filter_date, parse_amount, parse_date

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (700.0, Decimal("700.00")),
        (1200, Decimal("1200.00")),
        ("0.00", Decimal("0.00")),
        ("-960.00", Decimal("-960.00")),
        (" 540.5 ", Decimal("540.50")),
        (0.1, Decimal("0.10")),
        (33.335, Decimal("33.34")),
    ],
)
def test_amounts_from_numbers_and_strings(raw: object, expected: Decimal) -> None:
    parsed = parse_amount(raw)
    assert parsed == expected
    assert str(parsed) == str(expected)


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_missing_amounts_are_none(raw: object) -> None:
    assert parse_amount(raw) is None


@pytest.mark.parametrize("raw", ["12,50", True, "abc", float("nan")])
def test_bad_amounts_are_value_errors(raw: object) -> None:
    with pytest.raises(ValueError, match=r"amount|decimal"):
        parse_amount(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-04-13T00:00:00+02:00", date(2025, 4, 13)),
        ("2025-03-14T09:12:44+01:00", date(2025, 3, 14)),
        ("2025-04-18", date(2025, 4, 18)),
        ("14/04/2025", date(2025, 4, 14)),
        ("1/4/2025", date(2025, 4, 1)),
        ("1741910400", date(2025, 3, 14)),
        (1744502400, date(2025, 4, 13)),
        ("1653955200", date(2022, 5, 31)),
    ],
)
def test_dates_in_every_form(raw: object, expected: date) -> None:
    assert parse_date(raw, PARIS) == expected


def test_unix_seconds_are_read_in_the_given_timezone() -> None:
    late_evening_utc = 1744498800  # 2025-04-12 23:00 UTC = 2025-04-13 01:00 in Paris
    assert parse_date(late_evening_utc, PARIS) == date(2025, 4, 13)
    assert parse_date(late_evening_utc, ZoneInfo("UTC")) == date(2025, 4, 12)


@pytest.mark.parametrize("raw", [None, "", " "])
def test_missing_dates_are_none(raw: object) -> None:
    assert parse_date(raw, PARIS) is None


@pytest.mark.parametrize("raw", ["31/02/2025", "next week", "2025-13-01", True, 12.5])
def test_bad_dates_name_the_value(raw: object) -> None:
    with pytest.raises(ValueError, match="is not a date") as caught:
        parse_date(raw, PARIS)
    assert repr(raw) in str(caught.value)


def test_filter_dates_are_day_month_year() -> None:
    assert filter_date(date(2025, 4, 4)) == "04/04/2025"
