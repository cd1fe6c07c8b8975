"""Fixtures of the Axonaut connector's tests: reference fixtures, a fake API, contexts."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import responses

from relance import PluginContext, Role
from relance.config import CompanySettings
from relance_axonaut.settings import AxonautSettings

BASE = "https://axonaut.com/api/v2"
API_KEY = "axk-9f8e7d6c5b4a39281706f5e4"
KEY_VARIABLE = "AXONAUT_API_KEY"
DATA = Path(__file__).parent / "data"
TODAY = date(2025, 4, 20)

COMPANY = """\
[company]
name = "Rousseau Maintenance"
iban = "FR7630006000011234567890189"
bic = "BNPAFRPPXXX"
email = "compta@rousseau-maintenance.fr"
"""


def load(name: str) -> Any:
    """A fresh copy of a fixture of ``data/`` (tests may change it)."""
    return copy.deepcopy(json.loads((DATA / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture
def fixture() -> Callable[[str], Any]:
    """Load a reference fixture by name: ``fixture("invoices_page_1")``."""
    return load


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_VARIABLE, API_KEY)
    return API_KEY


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    """The fake Axonaut API; every registered answer must be asked for."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def make_context(api_key: str) -> Iterator[Callable[..., PluginContext]]:
    """Build the context of an ``[sources.axonaut]`` instance with the given settings."""
    made: list[PluginContext] = []

    def make(*, dry_run: bool = False, language: str = "fr", **settings: Any) -> PluginContext:
        context = PluginContext(
            name="axonaut",
            plugin="axonaut",
            role=Role.SOURCE,
            settings=AxonautSettings(**settings),
            company=CompanySettings(name="Rousseau Maintenance", language=language),
            today=TODAY,
            dry_run=dry_run,
        )
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "relance.toml"
        path.write_text(COMPANY + text, encoding="utf-8")
        return path

    return write
