"""Facturo passes relance's connector contract."""

from __future__ import annotations

import pytest

from relance.testing import ConnectorContract, ConnectorSetup

from .conftest import KEY, URL, VARIABLE, FakeFacturo


class TestFacturoConnector(ConnectorContract):
    plugin = "facturo"

    @pytest.fixture
    def connector(self, facturo: FakeFacturo) -> ConnectorSetup:
        return ConnectorSetup(
            table={"url": URL, "api_key_env": VARIABLE, "page_size": 2},
            fake=facturo,
            secrets={VARIABLE: KEY},
            credit_note_ids=["doc_3"],
        )
