"""``relance penalties``: tables for people, JSON for scripts, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import COMPANY

T1 = ("penalties", "--amount", "1200.00", "--currency", "EUR", "--due", "2025-03-31")


@pytest.fixture(autouse=True)
def _no_config_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RELANCE_CONFIG", raising=False)


def test_json_without_a_configuration(cli) -> None:
    result = cli(*T1, "--on", "2025-04-30", "--jurisdiction", "fr-b2b", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert (document["interest"], document["indemnity"], document["total"]) == (
        "12.97",
        "40.00",
        "52.97",
    )
    assert (document["indemnity_currency"], document["totals"]) == ("EUR", {"EUR": "52.97"})
    assert document["segments"] == [
        {
            "from": "2025-04-01",
            "to": "2025-04-30",
            "days": 30,
            "rate": "13.15",
            "basis": 365,
            "interest": "12.97",
            "exact_interest": "12.969863",
        }
    ]


def test_an_amount_in_dollars_in_json_and_for_people(cli) -> None:
    args = ("penalties", "--amount", "1200.00", "--currency", "USD", "--due", "2025-03-31")
    result = cli(*args, "--on", "2025-04-30", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert {k: document[k] for k in ("currency", "interest", "indemnity", "total", "totals")} == {
        "currency": "USD",
        "interest": "12.97",
        "indemnity": "40.00",
        "total": None,
        "totals": {"USD": "12.97", "EUR": "40.00"},
    }
    assert document["indemnity_currency"] == "EUR"
    result = cli(*args, "--on", "2025-04-30")
    assert result.code == 0, result.err
    assert "Interest: 12.97 USD" in result.out
    assert "Fixed indemnity: 40.00 EUR" in result.out
    assert "Total: 12.97 USD + 40.00 EUR" in result.out


def test_table_for_people_with_segments_and_a_warning(cli) -> None:
    result = cli(
        "penalties",
        "--amount",
        "5000.00",
        "--due",
        "2024-10-01",
        "--on",
        "2024-10-31",
        "--rate",
        "10",
    )
    assert result.code == 0, result.err
    assert "│ 2024-10-02 │ 2024-10-31 │   30 │ 10 % │ 41.10 EUR │" in result.out
    assert "Interest: 41.10 EUR" in result.out
    assert "Fixed indemnity: 40.00 EUR" in result.out
    assert "Total: 81.10 EUR" in result.out
    assert "Warning: The rate of 10% is below the legal minimum of 14.76%" in result.err


def test_the_configurations_legal_table_is_used(cli, write_config) -> None:
    path = write_config(COMPANY + "[legal.fr]\nsplit_half_years = false\n", "single-rate.toml")
    args = ("penalties", "--amount", "10000.00", "--due", "2025-06-15", "--on", "2025-07-15")
    assert json.loads(cli(*args, "--json").out)["interest"] == "103.97"
    assert json.loads(cli(*args, "--json", "--config", str(path)).out)["interest"] == "108.08"


def test_the_default_jurisdiction_is_the_companys_country(cli, write_config) -> None:
    path = write_config(COMPANY + 'country = "GB"\n')
    result = cli(
        "penalties",
        "--amount",
        "5000.00",
        "--due",
        "2025-06-30",
        "--on",
        "2025-09-28",
        "--config",
        str(path),
        "--json",
    )
    document = json.loads(result.out)
    assert (document["jurisdiction"], document["currency"]) == ("uk-b2b", "GBP")
    assert (document["interest"], document["indemnity"]) == ("151.03", "70.00")


def test_french_output(cli) -> None:
    result = cli("--lang", "fr", *T1, "--on", "2025-04-30")
    assert "Pénalités de retard" in result.out
    assert "Indemnité forfaitaire : 40.00 EUR" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--amount", "-1200", "--due", "2025-03-31", "--on", "2025-04-30"),
            "amount: must be zero or more, got -1200",
        ),
        (
            ("--amount", "12,00", "--due", "2025-03-31"),
            "--amount: expected a decimal number such as 1200.00, got '12,00'",
        ),
        (
            ("--amount", "1200", "--due", "2025-03-31", "--on", "2025-03-01"),
            "payment date: the payment date 2025-03-01 is before the due date 2025-03-31",
        ),
        (
            ("--amount", "1200", "--due", "31/03/2025"),
            "--due: expected a date as YYYY-MM-DD, got '31/03/2025'",
        ),
        (
            ("--amount", "1200", "--due", "2025-03-31", "--jurisdiction", "fr-bb2"),
            "unknown jurisdiction 'fr-bb2' (did you mean",
        ),
        (
            ("--amount", "1200", "--due", "2026-06-15", "--on", "2026-07-15"),
            'add 2026H2 = "<rate in percent>" under [legal.rates.ecb_mro] in relance.toml',
        ),
    ],
)
def test_bad_input_is_a_clear_error_with_exit_code_1(cli, args, message: str) -> None:
    result = cli("penalties", *args)
    assert result.code == 1
    assert message in " ".join(result.err.split())
    assert "Traceback" not in result.err
