"""Cells as exports write them: amounts (round trips in every format), dates, flags, codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from relance import CustomerKind, DocumentKind
from relance_csv.columns import INVOICE_SYNONYMS, map_columns, normalise
from relance_csv.parse import (
    parse_amount,
    parse_country,
    parse_currency,
    parse_customer_kind,
    parse_date,
    parse_flag,
    parse_kind,
    parse_language,
    read_amount,
)
from relance_csv.sniff import sniff_delimiter

# (thousands separator, decimal separator) as French, English and Swiss exports write them.
FORMATS = [
    (" ", ","), ("\u00a0", ","), ("\u202f", ","), (".", ","), ("", ","), ("", "."),
    (",", "."), ("'", "."),
]  # fmt: skip

amounts = st.decimals(
    min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2
) | st.decimals(min_value=Decimal(-100_000), max_value=Decimal(100_000), places=1)


def write(value: Decimal, grouping: str, decimal: str, negative: str, euro: bool) -> str:
    """Format ``value`` the way a spreadsheet would."""
    digits, _, fraction = f"{abs(value):f}".partition(".")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    text = grouping.join(groups) + (decimal + fraction if fraction else "")
    if euro:
        text += "\u00a0€"
    if value < 0:
        text = f"({text})" if negative == "parentheses" else f"-{text}"
    return text


def outcome(read: object, raw: str, separator: str | None) -> str:
    """The amount read, written exactly (``-0.00`` is not ``0``), or the error."""
    assert callable(read)
    try:
        return str(read(raw, separator))
    except ValueError as exc:
        return f"error: {exc}"


@settings(max_examples=1000)
@given(
    st.one_of(
        st.text(alphabet="0123456789 ,.-\u00a0\u202f\u2009", min_size=1, max_size=12),
        st.text(alphabet="09 ,.-+'()€e\u00a0\u0663_", min_size=1, max_size=8),
    ),
    st.sampled_from([None, ",", "."]),
)
@example("3 349,51", None)
@example("-0,00", ",")
@example("1 2 3,4", ".")
@example("1.234", ",")
def test_plain_amounts_read_as_the_general_reading_does(raw: str, separator: str | None) -> None:
    """``parse_amount`` reads plain amounts itself, the others through ``read_amount``."""
    assert outcome(parse_amount, raw, separator) == outcome(read_amount, raw, separator)


@given(
    amounts,
    st.sampled_from(FORMATS),
    st.sampled_from(["minus", "parentheses"]),
    st.booleans(),
)
def test_amounts_round_trip_in_every_format(
    value: Decimal, separators: tuple[str, str], negative: str, euro: bool
) -> None:
    grouping, decimal = separators
    text = write(value, grouping, decimal, negative, euro)
    assert parse_amount(text, decimal_separator=decimal) == value
    if "." not in text or "," not in text:
        return
    assert parse_amount(text) == value  # both separators: the last one is decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2 430,50", "2430.50"), ("2\u202f430,50", "2430.50"), ("2\u00a0430,50", "2430.50"),
        ("2.430,50", "2430.50"), ("2430.50", "2430.50"), ("1 234,5 €", "1234.5"),
        ("-120,00", "-120.00"), ("(120,00)", "-120.00"), ("120,00-", "-120.00"),
        ("EUR 12", "12"), ("1,234.56", "1234.56"), ("1.234.567", "1234567"), ("1,5", "1.5"),
        ("\u2212 3,00", "-3.00"), ("+7", "7"),
    ],
)  # fmt: skip
def test_amounts(raw: str, expected: str) -> None:
    amount = parse_amount(raw)
    assert amount == Decimal(expected)
    assert str(amount) == expected  # exact, with its places


@pytest.mark.parametrize(
    "raw", ["douze", "12%", "1.23.4,5", "1,2,3,4.5.6", "-", "()", "1e5", "NaN"]
)
def test_not_amounts(raw: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount(raw)


def test_a_declared_decimal_separator_settles_ambiguous_amounts() -> None:
    assert parse_amount("1.234") == Decimal("1.234")
    assert parse_amount("1.234", decimal_separator=",") == Decimal(1234)
    assert parse_amount("1,234", decimal_separator=".") == Decimal(1234)
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount("1,23", decimal_separator=".")


@pytest.mark.parametrize(
    ("raw", "day_first", "expected"),
    [
        ("2025-06-05", True, date(2025, 6, 5)), ("05/06/2025", True, date(2025, 6, 5)),
        ("05/06/2025", False, date(2025, 5, 6)), ("5/6/25", True, date(2025, 6, 5)),
        ("05.06.2025", True, date(2025, 6, 5)), ("05-06-2025", True, date(2025, 6, 5)),
        ("45813", True, date(2025, 6, 5)), ("45813.0", True, date(2025, 6, 5)),
        ("20250605", True, date(2025, 6, 5)), ("05/06/2025 00:00:00", True, date(2025, 6, 5)),
        ("2025-06-05T00:00:00", True, date(2025, 6, 5)), ("1/2/99", True, date(1999, 2, 1)),
    ],
)  # fmt: skip
def test_dates(raw: str, day_first: bool, expected: date) -> None:
    assert parse_date(raw, day_first) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [("31/02/2025", "not a valid date"), ("13/13/2025", "not a valid date"),
     ("demain", "not a date"), ("2025", "not a date")],
)  # fmt: skip
def test_not_dates(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(raw)


def test_flags_kinds_and_codes() -> None:
    assert [parse_flag(v) for v in ("Oui", "x", "YES", "1", "non", "No", "0", "faux")] == [
        True, True, True, True, False, False, False, False,
    ]  # fmt: skip
    with pytest.raises(ValueError, match="not a yes/no value"):
        parse_flag("peut-être")
    assert [parse_kind(v) for v in ("Facture", "AVOIR", "Règlement", "Credit note")] == [
        DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE, DocumentKind.PAYMENT,
        DocumentKind.CREDIT_NOTE,
    ]  # fmt: skip
    assert parse_customer_kind("Particulier") is CustomerKind.CONSUMER
    assert parse_customer_kind("B2B") is CustomerKind.BUSINESS
    assert [parse_language(v) for v in ("Français", "english", "de")] == ["fr", "en", "de"]
    assert [parse_country(v) for v in ("fr", "Allemagne", "United Kingdom", "UK")] == [
        "FR", "DE", "GB", "GB",
    ]  # fmt: skip
    for unknown in ("Atlantide", "AA", "qq"):
        with pytest.raises(ValueError, match="not a country"):
            parse_country(unknown)
    assert [parse_currency(v) for v in ("EUR", "gbp", "€", "Euros", "£", "Livre sterling")] == [
        "EUR", "GBP", "EUR", "EUR", "GBP", "GBP",
    ]  # fmt: skip
    for unknown in ("ZZZ", "$", "dollars", "EU"):
        with pytest.raises(ValueError, match="not an ISO 4217 currency code"):
            parse_currency(unknown)


def test_headers_are_recognised_in_french_and_english() -> None:
    assert normalise("Montant TTC (€)") == "montant ttc"
    assert normalise("N° Facture") == "n facture"
    french = ["N° facture", "Code client", "Raison sociale", "Échéance", "Montant TTC", "Reste dû"]
    english = ["Invoice No", "Customer ID", "Customer", "Due Date", "Total", "Balance Due"]
    expected = ["number", "customer_id", "customer_name", "due_date", "total", "residual"]
    for headers in (french, english):
        columns, unknown = map_columns(headers, INVOICE_SYNONYMS, {})
        assert (list(columns.index), unknown) == (expected, [])


def test_the_separator_is_the_one_that_splits_lines_evenly() -> None:
    assert sniff_delimiter(["a;b;c\n", "1,5;2,5;3\n", "4;5;6\n"]) == ";"
    assert sniff_delimiter(["a,b,c\n", '"1;5",2,3\n']) == ","
    assert sniff_delimiter(["a\tb\n", "1\t2\n"]) == "\t"
    assert sniff_delimiter(["just one column\n", "here\n"]) is None
