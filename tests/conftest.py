"""Fixtures shared by relance's core tests."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from relance.testing.cli import CliResult, CliRunner

TESTS = Path(__file__).parent
FAKE_DIST = TESTS / "data" / "fake-dist"

COMPANY = """\
[company]
name = "Atelier Test"
iban = "FR7630006000011234567890189"
bic = "BNPAFRPPXXX"
email = "compta@atelier-test.fr"
"""


@pytest.fixture
def fake_dist(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Make the fake third-party distribution in tests/data/fake-dist 'installed'.

    Its entry points (group ``relance``) are then discovered like any installed
    plugin's: a good source, a broken import, a misspelled hook, a name conflict.
    """
    monkeypatch.syspath_prepend(str(FAKE_DIST))
    yield FAKE_DIST
    for name in [m for m in sys.modules if m.startswith("relance_fake_")]:
        del sys.modules[name]


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write a relance.toml in a temporary folder and return its path."""

    def write(text: str, name: str = "relance.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


__all__ = ["COMPANY", "FAKE_DIST", "CliResult"]


@pytest.fixture
def cli(relance_cli: CliRunner) -> CliRunner:
    """Run the ``relance`` command in-process: the conformance kit's ``relance_cli``."""
    return relance_cli
