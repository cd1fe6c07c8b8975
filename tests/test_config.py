"""relance.toml: one clear message per problem, with its key path; secrets stay secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from relance.config import load_config
from relance.context import Role
from relance.errors import ConfigError
from relance.plugins import PluginRegistry

from .conftest import COMPANY


def problems_of(path: Path, registry: PluginRegistry | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, registry or PluginRegistry())
    return [str(problem) for problem in caught.value.problems]


def test_a_minimal_configuration_loads(write_config) -> None:
    config = load_config(write_config(COMPANY), PluginRegistry())
    assert config.company.name == "Atelier Test"
    assert config.company.iban == "FR7630006000011234567890189"
    assert config.company.language == "fr"
    assert config.company.timezone == "Europe/Paris"
    assert config.instances == ()


def test_relative_paths_are_relative_to_the_configuration_file(
    write_config, tmp_path: Path
) -> None:
    config = load_config(
        write_config(COMPANY + '[history]\npath = "data/history.sqlite3"\n'), PluginRegistry()
    )
    assert config.settings.history.path == tmp_path / "data" / "history.sqlite3"


def test_every_problem_is_reported_with_its_key_path(write_config) -> None:
    text = """\
[company]
name = "Atelier Test"
iban = "FR7630006000011234567890188"
timezone = "Europe/Pariss"
langage = "fr"

[history]
path = 42

[sources.nothere]
"""
    problems = problems_of(write_config(text))
    assert sorted(problems) == sorted(
        [
            "relance.toml: company.langage: unknown key (did you mean 'language'?)",
            "relance.toml: company.iban: invalid IBAN: Invalid checksum digits",
            "relance.toml: company.timezone: 'Europe/Pariss' is not a timezone name such as 'Europe/Paris'",
            "relance.toml: history.path: must be a path, as text in quotes",
            "relance.toml: sources.nothere: no installed plugin is named 'nothere'; installed: axonaut, csv, email, letter, odoo, outbox, phone, sms",
        ]
    )


def test_a_missing_section_and_a_wrong_type_are_named(write_config) -> None:
    problems = problems_of(write_config('[company]\nname = ["a", "list"]\n[channel.email]\n'))
    assert "relance.toml: company.name: must be text in quotes" in problems
    assert "relance.toml: channel: unknown key (did you mean 'channels'?)" in problems


def test_a_missing_company_is_a_required_key(write_config) -> None:
    assert problems_of(write_config("[history]\n")) == [
        "relance.toml: company: required key is missing"
    ]


def test_toml_syntax_errors_give_the_line_and_column(write_config) -> None:
    problems = problems_of(write_config('[company]\nname = "unterminated\n'))
    assert len(problems) == 1
    assert "line 2" in problems[0]
    assert problems[0].startswith(str(Path(problems[0].split(":")[0])))


def test_a_missing_file_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found") as caught:
        load_config(tmp_path / "absent.toml", PluginRegistry())
    assert "--config" in str(caught.value)


@pytest.mark.usefixtures("fake_dist")
def test_plugin_tables_are_validated_by_the_plugin_model(write_config) -> None:
    text = COMPANY + '[sources.fakesource]\ngreting = "x"\nfail = "maybe"\ntoken_env = "my token"\n'
    problems = problems_of(write_config(text))
    assert sorted(problems) == sorted(
        [
            "relance.toml: sources.fakesource.fail: must be true or false",
            "relance.toml: sources.fakesource.token_env: must be the name of an environment variable in upper "
            "case (such as MY_API_KEY), not the secret itself",
            "relance.toml: sources.fakesource.greting: unknown key (did you mean 'greeting'?)",
        ]
    )
    assert not any("my token" in problem for problem in problems)


@pytest.mark.usefixtures("fake_dist")
def test_a_failed_plugin_enabled_is_a_plugin_failure_exit_2(cli, write_config) -> None:
    """The file is right to enable it; the plugin is what is broken (README: exit 2)."""
    broken = write_config(COMPANY + "[sources.fakebroken]\n")
    misspelled = write_config(COMPANY + "[sources.fakesorce]\n", "other.toml")

    failed = cli("check", "--config", str(broken))
    unknown = cli("check", "--config", str(misspelled))

    assert failed.code == 2
    assert "plugin 'fakebroken' is failed: could not import" in failed.err
    assert unknown.code == 1


@pytest.mark.usefixtures("fake_dist")
def test_failed_and_misused_plugins_are_configuration_problems(write_config) -> None:
    text = COMPANY + "[sources.fakebroken]\n[channels.fakesource]\n[sources.faketypo]\n"
    problems = problems_of(write_config(text))
    assert any(
        p.startswith(
            "relance.toml: sources.fakebroken: plugin 'fakebroken' is failed: could not import"
        )
        for p in problems
    )
    assert (
        "relance.toml: channels.fakesource: plugin 'fakesource' cannot be a channel: it does not implement relance_send_reminder"
        in problems
    )
    assert any(
        p.startswith("relance.toml: sources.faketypo: plugin 'faketypo' is failed")
        for p in problems
    )


def test_instance_names_are_checked(write_config) -> None:
    problems = problems_of(write_config(COMPANY + '[sources."Mon Odoo"]\n'))
    assert problems == [
        "relance.toml: sources: 'Mon Odoo' is not a valid name: use lower-case letters, digits, '-' and '_'"
    ]


@pytest.mark.usefixtures("fake_dist")
def test_missing_secrets_are_checked_only_for_the_roles_a_command_uses(
    write_config, monkeypatch
) -> None:
    monkeypatch.delenv("FAKE_TOKEN", raising=False)
    config = load_config(write_config(COMPANY + "[sources.fakesource]\n"), PluginRegistry())
    config.require_secrets(Role.CHANNEL)  # no channel enabled: nothing is required
    with pytest.raises(ConfigError) as caught:
        config.require_secrets(Role.SOURCE)
    assert [str(p) for p in caught.value.problems] == [
        "relance.toml: sources.fakesource.token_env: environment variable FAKE_TOKEN is not set "
        "(it must hold the secret)"
    ]


def test_a_shipped_policy_can_be_tuned_without_repeating_its_levels(write_config) -> None:
    path = write_config(
        COMPANY
        + "[policies.standard]\nmin_gap_days = 10\n"
        + '[policies.fast]\nlevels = [{ name = "only", offset_days = 1 }]\n'
        + '[[scenarios]]\npolicy = "fast"\ntags = ["risky"]\n'
    )
    book = load_config(path, PluginRegistry(load_entrypoints=False)).settings.policy_book()
    standard = book.policies["standard"]
    assert standard.min_gap_days == 10
    assert [level.name for level in standard.levels][:2] == ["courtesy", "first"]
    assert [level.name for level in book.policies["fast"].levels] == ["only"]


def test_policy_mistakes_are_reported(write_config) -> None:
    registry = PluginRegistry(load_entrypoints=False)
    missing = write_config(COMPANY + "[policies.fast]\nmin_gap_days = 3\n")
    with pytest.raises(ConfigError, match=r"policies\.fast\.levels: required key is missing"):
        load_config(missing, registry)
    typo = write_config(COMPANY + '[[scenarios]]\npolicy = "fats"\n')
    with pytest.raises(
        ConfigError, match=r"scenarios.0.policy: unknown policy 'fats' \(known: standard\)"
    ):
        load_config(typo, registry)
