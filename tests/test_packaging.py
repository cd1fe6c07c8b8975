"""Packaging: what a user installs, and the promise of the README's two commands."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """Build the real wheel, as `pip install relance` would get it."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("relance-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_installs_only_relance_named_packages(wheel: zipfile.ZipFile) -> None:
    top_level = {
        name.split("/")[0]
        for name in wheel.namelist()
        if not name.split("/")[0].endswith(".dist-info")
    }
    assert top_level == {"relance", "relance_csv", "relance_odoo", "relance_axonaut"}


def test_the_wheel_ships_type_information_and_data(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for package in ("relance", "relance_csv", "relance_odoo", "relance_axonaut"):
        assert f"{package}/py.typed" in names
    assert "relance/locale/fr/LC_MESSAGES/relance.po" in names


def test_the_wheel_registers_the_builtin_plugins_as_entry_points(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    section = text.split("[relance]", 1)[1].split("\n[", 1)[0]
    assert re.search(r"^csv = relance_csv$", section, re.M)
    assert re.search(r"^odoo = relance_odoo$", section, re.M)
    assert re.search(r"^axonaut = relance_axonaut$", section, re.M)
    assert "relance = relance.cli:main" in text


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick_start.strip().splitlines()]
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^exec make test$", ci, re.M)
