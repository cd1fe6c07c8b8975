"""Errors cross process boundaries intact (rendering runs on worker processes)."""

from __future__ import annotations

import pickle

import pytest

from relance.errors import (
    ChannelError,
    ConfigError,
    ConnectorAuthError,
    InputError,
    PluginError,
    Problem,
    RelanceError,
    UnknownNameError,
)

ERRORS = [
    InputError("Invalid input.", [Problem("factures.csv, line 3", "not an amount: 'douze'")]),
    ConfigError("Invalid configuration.", [Problem("relance.toml: company.iban", "bad IBAN")]),
    PluginError("it crashed", plugin="odoo", distribution="relance-odoo 1.0"),
    ChannelError("mailbox full", permanent=True),
    ConnectorAuthError("wrong API key"),
    UnknownNameError("jurisdiction", "fr-b3b", ["fr-b2b", "fr-b2c"]),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: type(error).__name__)
def test_an_error_comes_back_from_pickling_as_it_was(error: RelanceError) -> None:
    error.plugin = "sources.csv"
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.args == error.args
    assert vars(again) == vars(error)
    assert again.exit_code == error.exit_code
