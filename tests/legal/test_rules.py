"""Rate tables, settings, jurisdictions from plugins, and the engine's entry points."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from functools import partial
from importlib import resources
from pathlib import Path

import pytest

from relance import hookimpl
from relance.config import load_config
from relance.context import Role
from relance.errors import ConfigError, InputError, PluginError
from relance.legal import (
    Claim,
    HalfYear,
    Jurisdiction,
    LegalRules,
    MissingRateError,
    Penalty,
    RateSeries,
    accrue,
    jurisdiction_for,
    settle,
)
from relance.legal.rates import SHIPPED_TABLES
from relance.model import Customer, CustomerKind, Instalment, Invoice
from relance.plugins import PluginRegistry

from .conftest import COMPANY, penalty, with_settings

DATA = resources.files("relance.legal") / "data"


@pytest.mark.parametrize("name", SHIPPED_TABLES)
def test_shipped_tables_have_an_as_of_date_sources_and_exact_rates(name: str) -> None:
    raw = tomllib.loads((DATA / f"{name}.toml").read_text(encoding="utf-8"))
    assert isinstance(raw["as_of"], date)
    assert raw["sources"]
    assert all(isinstance(value, str) for value in raw["rates"].values())
    series = RateSeries.load(DATA / f"{name}.toml")
    assert series.rates[-1][0] <= series.known_through


def test_a_float_in_a_table_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "be_rate.toml"
    path.write_text("title = 'x'\n[rates]\n2025H1 = 11.5\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r'rates.2025H1: write the rate as a string, e.g. "2.15"'):
        RateSeries.load(path)


def test_a_half_year_beyond_the_table_is_an_error_saying_what_to_add(rules: LegalRules) -> None:
    with pytest.raises(MissingRateError) as caught:
        penalty(rules, "fr-b2b", "1000.00", "2026-06-15", "2026-07-15")
    assert isinstance(caught.value, InputError)
    assert caught.value.summary == (
        "The rate table ecb_mro (ECB main refinancing operations rate) has no rate for 2026H2."
    )
    assert str(caught.value.problems[0]) == (
        "legal.rates.ecb_mro: the table covers 2007-06-13 to 2026-04-30 (as of 2026-05-01); "
        'once the rate is published, add 2026H2 = "<rate in percent>" under '
        "[legal.rates.ecb_mro] in relance.toml"
    )


def test_the_users_rates_extend_the_tables() -> None:
    rules = with_settings(
        rates={"ecb_mro": {"2026-07-01": "2.00"}, "de_base_rate": {"2026H2": 1.02}}
    )
    result = penalty(rules, "fr-b2b", "1000.00", "2026-06-15", "2026-07-15")
    assert [str(s.rate) for s in result.segments] == ["12.15", "12.00"]
    german = penalty(rules, "de-b2b", "1000.00", "2026-06-15", "2026-07-15")
    assert [str(s.rate) for s in german.segments] == ["10.27", "10.02"]
    with pytest.raises(MissingRateError, match="2027H1"):
        penalty(rules, "fr-b2b", "1000.00", "2026-12-15", "2027-01-15")


def test_a_users_entry_replaces_a_shipped_one() -> None:
    rules = with_settings(rates={"uk_bank_rate": {"2016H1": "0.75"}})
    result = penalty(rules, "uk-b2b", "1000.00", "2016-01-31", "2016-03-01", currency="GBP")
    assert [str(s.rate) for s in result.segments] == ["8.75"]


def test_the_legal_table_of_relance_toml_is_validated(write_config) -> None:
    path = write_config(
        COMPANY
        + '[legal]\nrounding = "sometimes"\n[legal.fr]\nsplit_half_year = false\n'
        + '[legal.rates.ecb_mro]\n"July 2026" = "2.00"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, PluginRegistry(load_entrypoints=False))
    problems = [str(p) for p in caught.value.problems]
    assert any("legal.rounding" in p and "'once' or 'per_segment'" in p for p in problems)
    assert any(
        "legal.fr.split_half_year: unknown key (did you mean 'split_half_years'?)" in p
        for p in problems
    )
    assert any(
        "legal.rates.ecb_mro" in p
        and "'July 2026' is neither a date such as 2026-07-01 nor a half-year" in p
        for p in problems
    )


def test_an_unknown_rate_table_is_named_with_a_suggestion() -> None:
    with pytest.raises(ConfigError) as caught:
        with_settings(rates={"ecb_mr": {"2026H2": "2.00"}})
    assert str(caught.value.problems[0]).startswith(
        "legal.rates.ecb_mr: unknown rate table (did you mean 'ecb_mro'?); known: de_base_rate"
    )


def test_bad_requests_are_input_errors_naming_each_problem(rules: LegalRules) -> None:
    with pytest.raises(InputError) as caught:
        penalty(rules, "uk-b2b", "-5.00", "2025-03-31", "2025-03-01", currency="EUR", rate="-1")
    assert [str(p) for p in caught.value.problems] == [
        "amount: must be zero or more, got -5.00",
        "rate: must be zero or more, got -1",
        "payment date: the payment date 2025-03-01 is before the due date 2025-03-31",
        "currency: uk-b2b applies to amounts in GBP, not EUR",
    ]
    with pytest.raises(InputError) as caught:
        penalty(rules, "fr-b2b", "5.00", "2025-03-31", "2025-04-30", currency="EURO")
    assert [str(p) for p in caught.value.problems] == [
        "currency: 'EURO' is not an ISO 4217 currency code"
    ]
    with pytest.raises(
        InputError, match=r"unknown jurisdiction 'de-btb' \(did you mean 'de-b2b'\?\)"
    ):
        penalty(rules, "de-btb", "5.00", "2025-03-31", "2025-04-01")


def test_fr_b2b_default_rate_is_not_guessed_before_the_semester_rule(rules: LegalRules) -> None:
    with pytest.raises(InputError, match="computed from 2013 on"):
        penalty(rules, "fr-b2b", "1000.00", "2012-11-30", "2013-01-15")
    assert penalty(rules, "fr-b2b", "1000.00", "2012-11-30", "2013-01-15", rate="10").interest > 0


def test_the_default_rate_read_as_a_clause_is_checked_against_the_2024_floor() -> None:
    strict = with_settings(fr={"default_rate_is_clause": True})
    result = penalty(strict, "fr-b2b", "1000.00", "2024-01-31", "2024-03-01")
    assert result.warnings == (
        "The rate of 14.50% is below the legal minimum of 15.21% (3 x the legal interest rate "
        "of 5.07%) for 2024H1 (C. com. L441-10).",
    )


def test_the_floor_cannot_be_checked_without_the_legal_rate(rules: LegalRules) -> None:
    extended = with_settings(rates={"ecb_mro": {"2026H2": "2.15"}})
    result = penalty(extended, "fr-b2b", "1000.00", "2026-06-30", "2026-07-30", rate="12")
    assert result.warnings == (
        "The contractual rate could not be checked against the legal minimum for 2026H2: "
        "the legal interest rate is not in the table.",
    )
    assert result.interest > 0


def test_fr_b2c_rate_rises_by_5_points_two_months_after_the_judgment(rules: LegalRules) -> None:
    result = penalty(
        rules,
        "fr-b2c",
        "1000.00",
        "2025-01-31",
        "2025-05-31",
        notice="2025-02-10",
        judgment="2025-03-10",
    )
    assert [(s.start.isoformat(), s.end.isoformat(), str(s.rate)) for s in result.segments] == [
        ("2025-02-11", "2025-05-10", "3.71"),
        ("2025-05-11", "2025-05-31", "8.71"),
    ]


def test_germany_base_rate_plus_9_or_5_and_the_40_euro_fee_for_businesses(
    rules: LegalRules,
) -> None:
    business = penalty(rules, "de-b2b", "1000.00", "2025-06-15", "2025-07-15")
    assert [str(s.rate) for s in business.segments] == ["11.27", "10.27"]
    assert business.indemnity == Decimal("40.00")
    consumer = penalty(rules, "de-b2c", "1000.00", "2025-06-15", "2025-07-15")
    assert [str(s.rate) for s in consumer.segments] == ["7.27", "6.27"]
    assert consumer.indemnity == Decimal("0.00")
    reminded = penalty(rules, "de-b2c", "1000.00", "2025-06-15", "2025-07-15", notice="2025-07-01")
    assert reminded.segments[0].start == date(2025, 7, 2)


# --------------------------------------------------------------------------- jurisdictions


@pytest.mark.parametrize(
    ("country", "kind", "override", "expected"),
    [
        # A business customer: the seller's law (the company is in Germany here).
        ("FR", CustomerKind.BUSINESS, None, "de-b2b"),
        ("GB", CustomerKind.BUSINESS, None, "de-b2b"),
        (None, CustomerKind.BUSINESS, None, "de-b2b"),
        # A consumer: the consumer's country, the company's when unknown.
        ("FR", CustomerKind.CONSUMER, None, "fr-b2c"),
        ("DE", CustomerKind.CONSUMER, None, "de-b2c"),
        ("GB", CustomerKind.CONSUMER, None, "uk-b2c"),
        (None, CustomerKind.CONSUMER, None, "de-b2c"),
        ("FR", CustomerKind.CONSUMER, "FR-B2B", "fr-b2b"),
    ],
)
def test_jurisdiction_for(country, kind, override, expected) -> None:
    customer = Customer(id="C1", name="Client", country=country, kind=kind)
    assert jurisdiction_for(customer, company_country="DE", override=override) == expected


def _invoice(**fields) -> Invoice:
    customer = Customer(id="C1", name="Client", country="FR")
    defaults = {
        "currency": "EUR",
        "total": Decimal("1500.00"),
        "residual": Decimal("1200.00"),
        "due_date": date(2025, 3, 31),
    }
    return Invoice(source="csv", id="1", number="F1", customer=customer, **defaults | fields)


def test_the_engine_quotes_an_invoice_on_its_residual(rules: LegalRules) -> None:
    quote = partial(rules.quote, company_country="FR")
    quoted = quote(_invoice(), date(2025, 4, 30))
    assert quoted is not None
    assert (quoted.interest, quoted.indemnity) == (Decimal("12.97"), Decimal("40.00"))
    assert quote(_invoice(), date(2025, 3, 31)) is None
    contractual = quote(
        _invoice(contract_rate=Decimal(15), jurisdiction="de-b2b"), date(2025, 4, 30)
    )
    assert contractual is not None
    assert (contractual.jurisdiction, str(contractual.segments[0].rate)) == ("de-b2b", "15")


@pytest.mark.parametrize("jurisdiction", ["fr-b2b", "de-b2b"])
def test_a_debt_in_dollars_bears_interest_in_dollars_and_the_indemnity_in_euros(
    rules: LegalRules, jurisdiction: str
) -> None:
    """The law sets a rate, which applies to any amount, and EUR 40 (D441-5, BGB §288 V):
    an exporter's invoice in dollars is quoted as the same invoice in euros would be,
    with the indemnity in euros and no sum across the two."""
    in_euros = penalty(rules, jurisdiction, "1200.00", "2025-03-31", "2025-04-30")
    in_dollars = penalty(rules, jurisdiction, "1200.00", "2025-03-31", "2025-04-30", currency="usd")
    assert (in_dollars.currency, in_dollars.indemnity_currency) == ("USD", "EUR")
    assert (in_dollars.interest, in_dollars.indemnity) == (in_euros.interest, Decimal("40.00"))
    assert in_dollars.segments == in_euros.segments
    assert in_dollars.totals == {"USD": in_euros.interest, "EUR": Decimal("40.00")}
    assert in_dollars.total is None
    assert in_euros.totals == {"EUR": in_euros.interest + Decimal("40.00")}
    assert in_euros.total == in_euros.interest + Decimal("40.00")


@pytest.mark.parametrize("rounding", ["once", "per_segment"])
def test_interest_is_rounded_to_the_smallest_unit_of_the_debt_s_currency(rounding: str) -> None:
    """No cents in yen, three decimals in Kuwaiti dinars: what a message shows is the
    figure computed, in the plan and the case file too. 10,000 from 15 June to 15 July
    2025: 10000 x 13.15 % x 15 / 365 + 10000 x 12.15 % x 15 / 365 = 103.972602..."""
    rules = with_settings(rounding=rounding)
    figures = {
        currency: penalty(rules, "fr-b2b", "10000", "2025-06-15", "2025-07-15", currency=currency)
        for currency in ("EUR", "JPY", "KWD")
    }
    segments = {c: [str(s.interest) for s in p.segments] for c, p in figures.items()}
    assert segments == {
        "EUR": ["54.04", "49.93"],
        "JPY": ["54", "50"],
        "KWD": ["54.041", "49.932"],
    }
    interest = {c: str(p.interest) for c, p in figures.items()}
    assert interest == {"EUR": "103.97", "JPY": "104", "KWD": "103.973"}  # either way here
    assert {p.indemnity for p in figures.values()} == {Decimal("40.00")}


def test_a_consumers_debt_in_dollars_owes_interest_only_in_dollars(rules: LegalRules) -> None:
    quoted = penalty(
        rules, "fr-b2c", "1500.00", "2025-09-30", "2026-02-13", currency="USD", notice="2025-10-15"
    )
    assert quoted.interest == Decimal("13.47")  # the T9 vector's figure, in dollars
    assert (quoted.indemnity, quoted.indemnity_currency) == (Decimal("0.00"), "EUR")
    assert quoted.totals == {"USD": Decimal("13.47")}
    assert quoted.total == Decimal("13.47")


def test_an_invoice_in_instalments_in_dollars_keeps_its_indemnity_in_euros(
    rules: LegalRules,
) -> None:
    invoice = _invoice(
        currency="USD",
        total=Decimal("1200.00"),
        residual=Decimal("1200.00"),
        instalments=(
            Instalment(
                due_date=date(2025, 3, 31), amount=Decimal("600.00"), residual=Decimal("600.00")
            ),
            Instalment(
                due_date=date(2025, 4, 15), amount=Decimal("600.00"), residual=Decimal("600.00")
            ),
        ),
    )
    quoted = rules.quote(invoice, date(2025, 4, 30), company_country="FR")
    assert quoted is not None
    assert (quoted.currency, quoted.indemnity, quoted.indemnity_currency) == (
        "USD",
        Decimal("40.00"),
        "EUR",
    )
    assert quoted.totals == {"USD": quoted.interest, "EUR": Decimal("40.00")}


class FlatB2B(Jurisdiction):
    """A made-up jurisdiction with its own rate table, as a third party would write it."""

    name = "xx-b2b"
    title = "Testland"
    currency = "EUR"

    def __init__(self, table: Path) -> None:
        self.table = table

    def rate_tables(self):
        return [RateSeries.load(self.table)]

    def compute(self, claim: Claim, rules: LegalRules) -> Penalty:
        table = rules.rates["xx_rate"]
        segments = accrue(
            claim.principal,
            claim.first_day,
            claim.on,
            lambda day: table.for_half_year(HalfYear.of(day)),
        )
        return settle(self, claim, segments, Decimal(10), rules)


def _host_with(write_config, tmp_path: Path, jurisdictions: list[Jurisdiction], extra: str = ""):
    class Plugin:
        @hookimpl
        def relance_jurisdictions(self, context):
            return jurisdictions

    registry = PluginRegistry(load_entrypoints=False)
    registry.register(Plugin(), "testland")
    config = load_config(write_config(COMPANY + "[plugins.testland]\n" + extra), registry)
    return config, config.host(today=date(2025, 1, 1), dry_run=True, roles=[Role.PLUGIN])


def test_a_plugin_adds_a_jurisdiction_with_its_own_rate_table(write_config, tmp_path: Path) -> None:
    table = tmp_path / "xx_rate.toml"
    table.write_text('title = "Testland rate"\n[rates]\n2025H1 = "7.30"\n', encoding="utf-8")
    config, host = _host_with(
        write_config, tmp_path, [FlatB2B(table)], '[legal.rates.xx_rate]\n2025H2 = "3.65"\n'
    )
    rules = LegalRules.from_settings(config.settings.legal, extra=host.jurisdictions())
    result = penalty(rules, "xx-b2b", "1000.00", "2025-06-20", "2025-07-10")
    assert [(str(s.rate), s.interest) for s in result.segments] == [
        ("7.30", Decimal("2.00")),
        ("3.65", Decimal("1.00")),
    ]
    assert result.indemnity == Decimal("10.00")


def test_a_plugin_cannot_take_a_builtin_name_or_return_something_else(
    write_config, tmp_path: Path
) -> None:
    class Impostor(FlatB2B):
        name = "fr-b2b"

    _, host = _host_with(write_config, tmp_path, [Impostor(tmp_path)])
    with pytest.raises(PluginError, match="jurisdiction 'fr-b2b', already provided by relance"):
        host.jurisdictions()
    _, host = _host_with(write_config, tmp_path, ["be-b2b"])  # type: ignore[list-item]
    with pytest.raises(PluginError, match="returned str, expected Jurisdiction"):
        host.jurisdictions()


def test_a_penalty_built_as_before_foreign_currencies_still_is() -> None:
    """A plugin's jurisdiction may build its Penalty without `settle`: without an
    indemnity currency (the debt's), and with a total, deprecated but accepted while it
    is interest plus indemnity."""
    figures = {"jurisdiction": "xx-b2b", "currency": "EUR", "principal": Decimal("100.00"),
               "interest": Decimal("1.50"), "indemnity": Decimal("40.00")}  # fmt: skip
    with pytest.warns(DeprecationWarning, match=r"Penalty\(total=...\) is deprecated"):
        earlier = Penalty(**figures, total=Decimal("41.50"))
    assert (earlier.indemnity_currency, earlier.total) == ("EUR", Decimal("41.50"))
    assert Penalty(**figures).indemnity_currency == "EUR"
    deprecated = pytest.warns(DeprecationWarning, match="deprecated")
    with deprecated, pytest.raises(ValueError, match="not interest plus"):
        Penalty(**figures, total=Decimal("99.00"))


class FlatCharge(Jurisdiction):
    """A made-up jurisdiction charging 1 % of the principal, with no segments."""

    name = "zz-b2b"
    title = "Flatland"
    currency = "EUR"

    def compute(self, claim: Claim, rules: LegalRules) -> Penalty:
        return Penalty(
            jurisdiction=self.name, currency=claim.currency, principal=claim.principal,
            interest=(claim.principal / 100).quantize(Decimal("0.01")),
            indemnity=Decimal("0.00"), indemnity_currency=self.currency,
        )  # fmt: skip


def test_an_invoice_in_instalments_keeps_the_interest_of_a_jurisdiction_without_segments() -> None:
    """Its interest is not its segments' (it has none): the instalments' own figures add
    up, instead of a sum of no segments."""
    rules = LegalRules.from_settings(extra=[FlatCharge()])
    split = _invoice(
        jurisdiction="zz-b2b",
        total=Decimal("1200.00"),
        residual=Decimal("1200.00"),
        instalments=(
            Instalment(due_date=date(2025, 3, 1), amount=Decimal(600), residual=Decimal(600)),
            Instalment(due_date=date(2025, 3, 31), amount=Decimal(600), residual=Decimal(600)),
        ),
    )
    quoted = rules.quote(split, date(2025, 4, 30), company_country="FR")
    assert quoted is not None
    assert quoted.interest == Decimal("12.00")


def test_a_deprecated_total_is_read_as_an_amount_and_never_across_currencies() -> None:
    figures = {"jurisdiction": "xx-b2b", "currency": "USD", "principal": Decimal("100.00"),
               "interest": Decimal("1.50"), "indemnity": Decimal("40.00")}  # fmt: skip
    with pytest.warns(DeprecationWarning, match="deprecated") as caught:
        assert Penalty(**figures, total="41.50").total == Decimal("41.50")
    assert caught[0].filename == __file__  # the caller's line, not pydantic's
    deprecated = pytest.warns(DeprecationWarning, match="deprecated")
    with deprecated, pytest.raises(ValueError, match="cannot add an indemnity in another"):
        Penalty(**figures, indemnity_currency="EUR", total="41.50")
