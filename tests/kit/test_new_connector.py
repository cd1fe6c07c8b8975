"""``relance new-connector``: the generated package installs, is discovered, and passes its tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from relance.cli.new_connector_cmd import Scaffold
from relance.testing.cli import CliRunner

from .conftest import install


@pytest.mark.slow
def test_a_generated_connector_installs_and_passes_its_own_tests(
    relance_cli: CliRunner, tmp_path: Path
) -> None:
    result = relance_cli("new-connector", "acme-erp", "--dir", str(tmp_path / "new"))
    assert result.code == 0, result.err
    project = tmp_path / "new" / "relance-acme-erp"
    assert f"Created {project} (8 files)." in result.out
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()) == [
        "README.md",
        "pyproject.toml",
        "relance_acme_erp/__init__.py",
        "relance_acme_erp/plugin.py",
        "relance_acme_erp/py.typed",
        "tests/conftest.py",
        "tests/test_contract.py",
        "tests/test_requests.py",
    ]
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.relance]\nacme-erp = "relance_acme_erp"\n' in pyproject

    installed = install(project, tmp_path / "work")

    plugin = installed.plugins(cwd=tmp_path)["acme-erp"]
    assert (plugin["status"], plugin["distribution"], plugin["version"]) == (
        "loaded",
        "relance-acme-erp",
        "0.1.0",
    )
    assert plugin["hooks"] == [
        "relance_check_connection",
        "relance_fetch_invoices",
        "relance_record_history",
        "relance_refresh_balances",
        "relance_settings_model",
    ]
    tests = installed.pytest()
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "16 passed" in tests.stdout


def test_the_names_of_a_connector_derive_from_its_plugin_name() -> None:
    names = Scaffold.of("my_erp")
    assert (names.package, names.distribution, names.title, names.cls, names.env) == (
        "relance_my_erp",
        "relance-my-erp",
        "My Erp",
        "MyErp",
        "MY_ERP_TOKEN",
    )


@pytest.mark.parametrize("name", ["Acme", "2erp", "acme erp", "relance_", "a--b"])
def test_a_bad_name_is_refused_and_nothing_is_written(
    relance_cli: CliRunner, tmp_path: Path, name: str
) -> None:
    result = relance_cli("new-connector", name, "--dir", str(tmp_path))
    assert result.code == 1
    assert f"NAME: {name!r} is not a plugin name" in result.err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(relance_cli: CliRunner, tmp_path: Path) -> None:
    mine = tmp_path / "relance-acme" / "pyproject.toml"
    mine.parent.mkdir()
    mine.write_text("mine", encoding="utf-8")

    result = relance_cli("new-connector", "acme", "--dir", str(tmp_path))

    assert result.code == 1
    assert "already exists; choose another --dir or remove it" in result.err
    assert mine.read_text(encoding="utf-8") == "mine"
