"""The conformance kit for connector authors (install the ``relance[testing]`` extra).

* :class:`ConnectorContract`: the checks every source plugin must pass, to subclass in
  your tests with a ``connector`` fixture returning a :class:`ConnectorSetup`;
* :class:`FakeSource` (what your fake system must do) and :class:`ResponsesFake` (a base
  for HTTP APIs faked with ``responses``);
* :mod:`relance.testing.plugin`: the pytest fixtures (``relance_registry``,
  ``hook_calls``, ``sample_invoices``, ``relance_cli``, ``relance_toml``), opted into with
  ``pytest_plugins = ["relance.testing.plugin"]``;
* :mod:`relance.testing.ledgers`: customers, invoices and history events in one line each.

See ``docs/plugins/testing.md``.
"""

from relance.testing.cli import CliResult
from relance.testing.contract import ConnectorContract, ConnectorSetup
from relance.testing.fakes import FakeSource, ResponsesFake
from relance.testing.harness import TEST_COMPANY, ConnectorHarness
from relance.testing.recorder import HookCall, HookRecorder

__all__ = [
    "TEST_COMPANY",
    "CliResult",
    "ConnectorContract",
    "ConnectorHarness",
    "ConnectorSetup",
    "FakeSource",
    "HookCall",
    "HookRecorder",
    "ResponsesFake",
]
