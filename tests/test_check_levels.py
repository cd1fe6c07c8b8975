"""`relance check` finds what would make `relance run` fail after planning: a level no
channel delivers, a level without wording, a wording that does not render."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from relance.config import CompanySettings
from relance.legal.germany import GermanyB2B

from .conftest import COMPANY, CliResult

OUTBOX = '\n[history]\npath = "h.sqlite3"\n\n[channels.outbox]\npath = "outbox"\n'


def results(result: CliResult) -> dict[str, tuple[str, str]]:
    document = json.loads(result.out)
    return {
        row["instance"]: (row["status"], row["summary"])
        for row in document["results"]
        if row["instance"].startswith("policies.")
    }


def test_the_shipped_policy_renders_in_every_language(
    cli: Callable[..., CliResult], write_config: Callable[[str], Path]
) -> None:
    path = write_config(COMPANY + OUTBOX)

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 0, result.err
    assert results(result) == {
        f"policies.standard.{level}": ("ok", "renders in de, en, fr")
        for level in ("courtesy", "first", "second", "final", "formal_notice")
    }


def test_a_level_without_wording_is_an_error_before_any_run(
    cli: Callable[..., CliResult], write_config: Callable[[str], Path]
) -> None:
    path = write_config(
        COMPANY + OUTBOX + '\n[[policies.standard.levels]]\nname = "nudge"\noffset_days = 10\n'
    )

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 1
    assert results(result)["policies.standard.nudge"] == (
        "error",
        "no template nudge.j2 in any language",
    )


def test_a_channel_no_plugin_delivers_is_an_error(
    cli: Callable[..., CliResult], write_config: Callable[[str], Path]
) -> None:
    path = write_config(
        COMPANY + '\n[history]\npath = "h.sqlite3"\n\n[channels.outbox]\npath = "o"\n'
        'kinds = ["letter"]\n'
    )

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 1
    status, summary = results(result)["policies.standard.first"]
    assert (status, summary.split(":")[0]) == ("error", "no enabled channel delivers email")
    assert results(result)["policies.standard.formal_notice"][0] == "error"  # registered
    table = cli("check", "--config", str(path))
    assert "add one (e.g. [channels.outbox]) or set" in " ".join(table.out.split())


def test_a_user_wording_that_does_not_render_names_its_file_and_line(
    cli: Callable[..., CliResult], write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    (tmp_path / "templates" / "fr").mkdir(parents=True)
    wording = tmp_path / "templates" / "fr" / "second.j2"
    wording.write_text("{% block opening %}\nVous devez {{ montant }}.\n{% endblock %}\n")
    path = write_config(COMPANY + OUTBOX + '\n[templates]\npath = "templates"\n')

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 1
    assert results(result)["policies.standard.second"] == (
        "error",
        f"fr, email: template {wording}, line 2: 'montant' is undefined",
    )
    assert results(result)["policies.standard.first"][0] == "ok"


def test_a_wording_adding_up_amounts_of_two_currencies_is_found_before_any_run(
    cli: Callable[..., CliResult], write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    """The levels quoting penalties are checked with an invoice in dollars too: its
    interest is in dollars and its EUR 40 in euros, so a penalty row has no one total."""
    (tmp_path / "templates" / "fr").mkdir(parents=True)
    wording = tmp_path / "templates" / "fr" / "final.j2"
    wording.write_text(
        "{% block opening %}\n"
        "{% for row in penalty_rows %}{{ row.total | money(row.item.invoice.currency) }}"
        "{% endfor %}\n{% endblock %}\n"
    )
    path = write_config(COMPANY + OUTBOX + '\n[templates]\npath = "templates"\n')

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 1
    assert results(result)["policies.standard.final"] == (
        "error",
        f"fr, email: template {wording}, line 2: money needs an amount, not None",
    )


def test_no_other_currency_in_the_sample_where_the_law_takes_none(
    cli: Callable[..., CliResult],
    write_config: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """uk-b2b computes in pounds only: a run holds a customer owing dollars, so a
    wording with a penalty row's single total is fine for a British company."""
    monkeypatch.setattr(CompanySettings, "today", lambda _self: date(2026, 3, 16))
    (tmp_path / "templates" / "en").mkdir(parents=True)
    wording = tmp_path / "templates" / "en" / "final.j2"
    wording.write_text(
        "{% block opening %}\n"
        "{% for row in penalty_rows %}{{ row.total | money(row.item.invoice.currency) }}"
        "{% endfor %}\n{% endblock %}\n"
    )
    british = COMPANY + 'country = "GB"\ncurrency = "GBP"\nlanguage = "en"\n'
    path = write_config(british + OUTBOX + '\n[templates]\npath = "templates"\n')

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 0, result.err
    assert results(result)["policies.standard.final"][0] == "ok"


def legal_rows(result: CliResult) -> dict[str, tuple[str, str]]:
    return {
        row["instance"]: (row["status"], row["summary"])
        for row in json.loads(result.out)["results"]
        if row["instance"].startswith("legal.")
    }


@pytest.mark.parametrize(
    ("today", "status"), [(date(2026, 3, 16), "ok"), (date(2027, 1, 4), "warning")]
)
def test_a_rate_table_ending_before_today_is_a_warning_naming_the_rate_to_add(
    cli: Callable[..., CliResult],
    write_config: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    today: date,
    status: str,
) -> None:
    """Without the rate of today's half-year, every reminder quoting penalties is held:
    `relance check` says which rate to add, for the company's jurisdictions and those
    set for a customer."""
    monkeypatch.setattr(CompanySettings, "today", lambda _self: today)
    path = write_config(COMPANY + OUTBOX + '\n[customers.C9]\njurisdiction = "de-b2b"\n')

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 0, result.err
    rows = legal_rows(result)
    assert sorted(rows) == ["legal.de-b2b", "legal.fr-b2b", "legal.fr-b2c"]
    assert {status for status, _summary in rows.values()} == {status}
    if status == "warning":
        assert rows["legal.fr-b2b"][1].startswith(
            "penalties cannot be computed today, and the reminders quoting them are held: "
            "The rate table ecb_mro (ECB main refinancing operations rate) has no rate for 2027H1."
        )
        assert (
            'add 2027H1 = "<rate in percent>" under [legal.rates.ecb_mro]'
            in (rows["legal.fr-b2b"][1])
        )


def test_a_jurisdiction_without_rules_or_misspelt_is_a_warning_and_a_crash_an_error(
    cli: Callable[..., CliResult],
    write_config: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Customers under a jurisdiction relance has no rules for are held at the levels
    quoting penalties: check names it, with a suggestion for a typing mistake. A
    plugin's jurisdiction whose computation crashes is an error, not a crash of check."""
    monkeypatch.setattr(CompanySettings, "today", lambda _self: date(2026, 3, 16))
    monkeypatch.setattr(GermanyB2B, "compute", lambda _self, _claim, _rules: 1 / 0, raising=True)
    extra = (
        '\n[customers.C7]\njurisdiction = "fr-b2bb"\n'
        '\n[customers.C8]\njurisdiction = "uk-b2c"\n'
        '\n[customers.C9]\njurisdiction = "de-b2b"\n'
    )
    path = write_config(COMPANY + OUTBOX + extra)

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 2, result.err
    rows = legal_rows(result)
    assert rows["legal.fr-b2b"][0] == "ok"
    assert rows["legal.fr-b2bb"][0] == "warning"
    assert "unknown jurisdiction 'fr-b2bb' (did you mean 'fr-b2b'?)" in rows["legal.fr-b2bb"][1]
    assert rows["legal.uk-b2c"][0] == "warning"
    assert rows["legal.de-b2b"] == (
        "error",
        "the jurisdiction's computation failed: ZeroDivisionError: division by zero",
    )


def test_no_legal_row_when_no_level_quotes_penalties(
    cli: Callable[..., CliResult], write_config: Callable[[str], Path]
) -> None:
    levels = "".join(
        f'\n[[policies.standard.levels]]\nname = "{name}"\noffset_days = {days}\n'
        for name, days in (("first", 5), ("second", 15))
    )
    path = write_config(COMPANY + OUTBOX + levels)

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 0, result.err
    assert sorted(results(result)) == ["policies.standard.first", "policies.standard.second"]
    assert legal_rows(result) == {}


def test_an_invalid_configuration_is_also_a_json_verdict(
    cli: Callable[..., CliResult], write_config: Callable[[str], Path]
) -> None:
    path = write_config(COMPANY + '\n[history]\npaht = "h.sqlite3"\n')

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 1
    assert json.loads(result.out) == {
        "ok": False,
        "error": "relance.toml is invalid (1 problem).",
        "problems": [
            {"where": "relance.toml: history.paht", "message": "unknown key (did you mean 'path'?)"}
        ],
    }
    assert "unknown key" in result.err


def test_an_email_level_without_a_letter_channel_is_a_warning(
    cli: Callable[..., CliResult], write_config: Callable[[str], Path]
) -> None:
    """A customer without an email address gets an email level by letter: with no
    channel for letters, the run would stop for everyone."""
    path = write_config(
        COMPANY + '\n[history]\npath = "h.sqlite3"\n\n[channels.outbox]\npath = "o"\n'
        'kinds = ["email", "registered_letter"]\n'
    )

    result = cli("check", "--json", "--config", str(path))

    status, summary = results(result)["policies.standard.first"]
    assert status == "warning"
    assert summary.startswith("a customer without an email address gets this level by letter")
    assert results(result)["policies.standard.formal_notice"][0] == "ok"
    assert results(result)["policies.standard.final"][0] == "error"  # email and letter
    assert result.code == 1


def test_a_customer_s_channel_no_plugin_delivers_is_an_error(
    cli: Callable[..., CliResult], write_config: Callable[[str], Path]
) -> None:
    path = write_config(
        COMPANY + '\n[history]\npath = "h.sqlite3"\n\n[channels.outbox]\npath = "o"\n'
        'kinds = ["email", "letter", "registered_letter"]\n'
        '\n[customers.C9]\nchannel = "sms"\n'
    )

    result = cli("check", "--json", "--config", str(path))

    assert result.code == 1
    rows = {row["instance"]: row for row in json.loads(result.out)["results"]}
    assert rows["customers.C9"]["status"] == "error"
    assert rows["customers.C9"]["summary"].startswith(
        "this customer's email reminders go by sms, which no enabled channel delivers"
    )
    assert results(result)["policies.standard.first"][0] == "ok"
