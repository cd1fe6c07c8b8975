"""The pytest plugin of the conformance kit: opt in with ``pytest_plugins``.

In the ``conftest.py`` at the root of your tests::

    pytest_plugins = ["relance.testing.plugin"]

It is not registered under ``pytest11`` on purpose: installing relance must not add
fixtures to every pytest run on the machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from relance.model import Invoice
from relance.plugins import PluginRegistry
from relance.testing.cli import CliRunner, cli_runner
from relance.testing.harness import TEST_COMPANY
from relance.testing.ledgers import sample_ledger
from relance.testing.recorder import HookRecorder


@pytest.fixture
def relance_registry() -> PluginRegistry:
    """A fresh plugin manager with relance's hooks and no plugin: register yours.

    ``relance_registry.register(module_or_object, "name")``; see
    :class:`relance.plugins.PluginRegistry`.
    """
    return PluginRegistry(load_entrypoints=False, strict=True)


@pytest.fixture
def hook_calls(relance_registry: PluginRegistry) -> Iterator[HookRecorder]:
    """Every hook call made through ``relance_registry`` during the test."""
    recorder = HookRecorder(relance_registry.pm)
    yield recorder
    recorder.close()


@pytest.fixture
def sample_invoices() -> list[Invoice]:
    """A small varied ledger (see :func:`relance.testing.ledgers.sample_ledger`)."""
    return sample_ledger()


@pytest.fixture
def relance_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """Run ``relance`` in-process: ``relance_cli("check", "--config", path)``.

    Returns a :class:`relance.testing.cli.CliResult` with ``code``, ``out`` and ``err``.
    """
    return cli_runner(capsys, monkeypatch)


@pytest.fixture
def relance_toml(tmp_path: Path) -> Callable[[str], Path]:
    """Write ``tmp_path/relance.toml``: a valid ``[company]`` followed by ``text``."""

    def write(text: str) -> Path:
        path = tmp_path / "relance.toml"
        path.write_text(TEST_COMPANY + "\n" + text, encoding="utf-8")
        return path

    return write
