"""A connector under test, configured through ``relance.toml`` and called as the engine does.

The harness writes a real configuration file (a ``[company]`` and one
``[sources.<instance>]`` table naming the plugin), loads it with a real
:class:`~relance.plugins.PluginRegistry` (so the plugin is found through its entry
point), and opens a :class:`~relance.plugins.PluginHost` per run: the hooks are called
with the same arguments, one instance at a time, with the same type checks as in
``relance run``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from relance.config import Configuration, load_config
from relance.context import PluginContext, Role
from relance.model import HistoryEvent, Invoice
from relance.plugins import PluginHost, PluginRegistry, RecordFailure

__all__ = ["TEST_COMPANY", "ConnectorHarness", "Run", "toml_table"]

TEST_COMPANY = """\
[company]
name = "Atelier Contrat"
email = "compta@atelier-contrat.fr"
iban = "FR7630006000011234567890189"
bic = "BNPAFRPPXXX"
"""
"""A valid ``[company]`` table for test configurations."""


def toml_value(value: Any) -> str:
    """``value`` written as TOML (strings, numbers, booleans, dates, paths, lists, tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} in TOML")


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else json.dumps(key)


def toml_table(header: str, table: Mapping[str, Any]) -> str:
    """A TOML table: ``[header]`` then one ``key = value`` line per item."""
    lines = [f"[{header}]", *(f"{_key(k)} = {toml_value(v)}" for k, v in table.items())]
    return "\n".join(lines) + "\n"


@dataclass
class Run:
    """One run of the engine, reduced to the connector under test."""

    host: PluginHost
    context: PluginContext

    def fetch(self) -> list[Invoice]:
        """``relance_fetch_invoices``, through the host (type and ``source`` checked)."""
        return list(self.host.fetch_invoices(self.context, since=None))

    def fetch_raw(self) -> list[object]:
        """``relance_fetch_invoices`` exactly as called, with its raw answer (unchecked)."""
        return self.raw("relance_fetch_invoices", source=self.context, since=None)

    def refresh(self, invoice_ids: Sequence[str]) -> list[object]:
        """``relance_refresh_balances`` exactly as called, with its raw answer.

        Raw, so that the contract can see answers the host would silently drop (ids
        nobody asked for).
        """
        ids = list(invoice_ids)
        return self.raw("relance_refresh_balances", source=self.context, invoice_ids=ids)

    def fetch_paid(self, start: date, end: date) -> list[Invoice] | None:
        """``relance_fetch_paid_invoices``, through the host (type and ``source``
        checked); ``None`` when the plugin cannot give paid invoices."""
        return self.host.fetch_paid_invoices(self.context, start, end)

    def raw(self, hook: str, **kwargs: Any) -> list[object]:
        """Call ``hook`` on the instance's plugin and exhaust its iterable answer.

        Errors are translated as at the plugin boundary of a real run.
        """
        registry = self.host.registry
        plugin, instance = self.context.plugin, self.context.name
        answer = registry.call_one(plugin, hook, instance=instance, **kwargs)
        with registry.blame(plugin, hook, instance=instance):
            return list(answer or ())

    def record(self, event: HistoryEvent) -> list[RecordFailure]:
        """``relance_record_history`` through the host, which reports failures."""
        return self.host.record_history(event)

    def record_directly(self, event: HistoryEvent) -> None:
        """``relance_record_history`` called on the plugin itself, bypassing the host.

        The host never calls mirrors in dry runs; a plugin must still honour
        ``context.dry_run`` when it is called some other way.
        """
        self.host.registry.call_one(
            self.context.plugin,
            "relance_record_history",
            instance=self.context.name,
            context=self.context,
            event=event,
        )

    def implements(self, hook: str) -> bool:
        return self.host.registry.implements(self.context.plugin, hook)


@dataclass
class ConnectorHarness:
    """One configured instance of a source plugin."""

    plugin: str
    instance: str
    config: Configuration
    today: date

    @classmethod
    def configure(
        cls,
        *,
        plugin: str,
        instance: str,
        table: Mapping[str, Any],
        folder: Path,
        today: date,
    ) -> ConnectorHarness:
        """Write ``folder/relance.toml`` enabling ``plugin`` as ``instance``, and load it.

        Raises :class:`~relance.errors.ConfigError` as ``relance`` would report it.
        """
        path = folder / "relance.toml"
        options = {"plugin": plugin, **table} if plugin != instance else dict(table)
        text = TEST_COMPANY + "\n" + toml_table(f"sources.{instance}", options)
        path.write_text(text, encoding="utf-8")
        config = load_config(path, PluginRegistry())
        return cls(plugin=plugin, instance=instance, config=config, today=today)

    @property
    def registry(self) -> PluginRegistry:
        return self.config.registry

    @contextmanager
    def run(self, *, dry_run: bool = False) -> Iterator[Run]:
        """A fresh run: new contexts, new resources, closed at the end, like ``relance run``."""
        self.config.require_secrets(Role.SOURCE)
        with self.config.host(today=self.today, dry_run=dry_run, roles=[Role.SOURCE]) as host:
            yield Run(host, host.instance(self.instance, Role.SOURCE))
