"""The relance command: help everywhere, JSON for scripts, exit codes, no secret in output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest

from relance import __version__
from relance.cli import app

from .conftest import COMPANY, FAKE_DIST

SECRET = "sk-live-7f3a9c1e5b2d"


def all_command_paths(
    group: click.Group = app, prefix: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths.extend(all_command_paths(command, (*prefix, name)))
        else:
            paths.append((*prefix, name))
    return paths


@pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p) or "relance")
def test_every_command_has_help(cli, path: tuple[str, ...]) -> None:
    result = cli(*path, "--help")
    assert result.code == 0
    assert "Usage: relance" in result.out
    assert "--help" in result.out


def test_version(cli) -> None:
    result = cli("--version")
    assert (result.code, result.out.strip()) == (0, f"relance {__version__}")


def test_usage_errors_exit_with_code_1(cli) -> None:
    result = cli("frobnicate")
    assert result.code == 1
    assert "No such command 'frobnicate'" in result.err
    assert cli("plugins", "--no-such-option").code == 1


def test_plugins_json_lists_the_builtin_connectors(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no relance.toml here
    result = cli("plugins", "--json")
    assert result.code == 0
    document = json.loads(result.out)
    by_name = {row["name"]: row for row in document["plugins"]}
    for name in ("csv", "odoo", "axonaut"):
        assert by_name[name]["status"] == "loaded"
        assert by_name[name]["distribution"] == "relance"
        assert by_name[name]["version"] == __version__
        assert by_name[name]["enabled_as"] is None
    assert document["config"] == "no configuration file found"


@pytest.mark.usefixtures("fake_dist")
def test_plugins_shows_enabled_and_failed_plugins(cli, write_config) -> None:
    path = write_config(COMPANY + "[sources.fakesource]\n")
    document = json.loads(cli("plugins", "--json", "--config", str(path)).out)
    by_name = {row["name"]: row for row in document["plugins"]}
    assert by_name["fakesource"]["enabled_as"] == ["sources.fakesource"]
    assert by_name["fakesource"]["hooks"] == [
        "relance_check_connection",
        "relance_fetch_invoices",
        "relance_settings_model",
    ]
    assert by_name["csv"]["enabled_as"] == []
    assert by_name["fakebroken"]["status"] == "failed"
    assert "a_module_that_does_not_exist" in by_name["fakebroken"]["error"]
    table = cli("plugins", "--config", str(path))
    assert table.code == 0
    assert "fakebroken" in table.out
    assert "could not import 'relance_fake_broken'" in table.out


@pytest.mark.usefixtures("fake_dist")
def test_plugins_strict_fails_when_a_plugin_is_broken(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("plugins", "--strict")
    assert result.code == 2
    assert "plugin 'csv' from relance-fake-plugins" in result.err


def test_check_reports_config_problems_with_exit_code_1(cli, write_config) -> None:
    path = write_config('[company]\nname = "X"\niban = "FR00"\n[sourcs.csv]\n')
    result = cli("check", "--config", str(path))
    assert result.code == 1
    assert "relance.toml is invalid (2 problems)." in result.err
    assert "company.iban: invalid IBAN" in result.err
    assert "sourcs: unknown key (did you mean 'sources'?)" in result.err
    assert result.out == ""


@pytest.mark.usefixtures("fake_dist")
def test_check_asks_each_source_to_test_its_connection(cli, write_config, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_TOKEN", SECRET)
    path = write_config(COMPANY + '[sources.fakesource]\ngreeting = "salut"\n')
    result = cli("check", "--config", str(path), "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["ok"] is True
    assert document["results"] == [
        {
            "instance": "sources.fakesource",
            "plugin": "fakesource",
            "status": "ok",
            "summary": "salut from fakesource",
            "input_error": False,
        }
    ]
    assert "salut from fakesource" in cli("check", "--config", str(path)).out


@pytest.mark.usefixtures("fake_dist")
def test_a_failing_connection_exits_2_and_never_prints_the_secret(
    cli, write_config, monkeypatch
) -> None:
    monkeypatch.setenv("FAKE_TOKEN", SECRET)
    path = write_config(COMPANY + "[sources.fakesource]\nfail = true\n")
    for args in (("check", "--config", str(path)), ("check", "--config", str(path), "--json")):
        result = cli(*args)
        assert result.code == 2
        assert "server refused token ***" in result.out
        assert SECRET not in result.out + result.err


@pytest.mark.usefixtures("fake_dist")
def test_a_missing_secret_is_a_user_error_naming_the_variable(
    cli, write_config, monkeypatch
) -> None:
    monkeypatch.delenv("FAKE_TOKEN", raising=False)
    path = write_config(COMPANY + "[sources.fakesource]\n")
    result = cli("check", "--config", str(path))
    assert result.code == 1
    assert "sources.fakesource.token_env: environment variable FAKE_TOKEN is not set" in result.err


def test_the_console_script_exits_with_the_documented_codes(tmp_path: Path) -> None:
    """The installed `relance` script itself, in a subprocess, as a user runs it."""
    script = Path(sys.executable).parent / "relance"
    env = {**os.environ, "PYTHONPATH": str(FAKE_DIST), "FAKE_TOKEN": SECRET, "RELANCE_LANG": "en"}
    ok = tmp_path / "ok.toml"
    ok.write_text(COMPANY + "[sources.fakesource]\n", encoding="utf-8")
    failing = tmp_path / "failing.toml"
    failing.write_text(COMPANY + "[sources.fakesource]\nfail = true\n", encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("[company]\n", encoding="utf-8")
    codes = {}
    for name, path in (("ok", ok), ("failing", failing), ("bad", bad)):
        done = subprocess.run(
            [str(script), "check", "--config", str(path)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        codes[name] = done.returncode
        assert SECRET not in done.stdout + done.stderr
    assert codes == {"ok": 0, "failing": 2, "bad": 1}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM cannot be sent to oneself there")
def test_sigterm_stops_a_command_as_ctrl_c_would_with_its_own_exit_code(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cleaned: list[str] = []

    @click.command("terminated")
    def terminated() -> None:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            cleaned.append("not stopped")
        finally:
            cleaned.append("cleaned up")

    monkeypatch.setitem(app.commands, "terminated", terminated)
    before = signal.getsignal(signal.SIGTERM)
    result = cli("terminated")
    assert (result.code, result.err.strip()) == (128 + signal.SIGTERM, "Stopped (SIGTERM).")
    assert cleaned == ["cleaned up"]
    assert signal.getsignal(signal.SIGTERM) == before
