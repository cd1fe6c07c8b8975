"""`relance check` finds what would make `relance run` fail after planning: a level no
channel delivers, a level without wording, a wording that does not render."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

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
