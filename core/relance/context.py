"""The context a plugin's hook implementations receive: who they are in this run.

One :class:`PluginContext` exists per enabled plugin *instance*, i.e. per table in
``relance.toml`` (``[sources.odoo]``, ``[channels.email]``...). The same plugin can be
enabled twice under two names (two Odoo databases, say), and each instance gets its own
context with its own validated settings.

The context also holds the instance's resources for the duration of a run: an HTTP
session, an SMTP connection. Create them with :meth:`PluginContext.resource` so that they
are reused across hook calls and closed when the run ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar, cast
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from relance.config import CompanySettings
    from relance.settings import PluginSettings

T = TypeVar("T")

__all__ = ["PluginContext", "Role"]


class Role(StrEnum):
    """Where an instance is configured, and so what it is expected to do."""

    SOURCE = "source"
    CHANNEL = "channel"
    PLUGIN = "plugin"

    @property
    def table(self) -> str:
        """The ``relance.toml`` table that holds instances of this role."""
        return {"source": "sources", "channel": "channels", "plugin": "plugins"}[self.value]


@dataclass(eq=False)
class PluginContext:
    """One enabled plugin instance, as its hook implementations see it.

    :ivar name: the instance name, i.e. the key of its table (``"odoo"`` for
        ``[sources.odoo]``). Sources stamp it on every record as ``Invoice.source``.
    :ivar plugin: the plugin (entry-point) name that implements it.
    :ivar role: source, channel or plugin.
    :ivar settings: the instance's settings, validated by the plugin's model.
    :ivar company: the creditor: name, address, bank details, language, timezone.
    :ivar today: the date of the run in the company's timezone (``--today`` sets it).
    :ivar dry_run: true when nothing may be written anywhere (``relance plan``).
    """

    name: str
    plugin: str
    role: Role
    settings: PluginSettings
    company: CompanySettings
    today: date
    dry_run: bool = False
    _resources: dict[str, Any] = field(default_factory=dict, repr=False)
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack, repr=False)

    @property
    def timezone(self) -> ZoneInfo:
        return self.company.zoneinfo

    @property
    def key_path(self) -> str:
        """Where this instance is configured, e.g. ``sources.odoo``."""
        return f"{self.role.table}.{self.name}"

    def now(self) -> datetime:
        """The current instant, timezone-aware, in the company's timezone."""
        return datetime.now(self.timezone)

    def resource(self, key: str, factory: Callable[[], T]) -> T:
        """Return the resource stored under ``key``, creating it on first use.

        A resource that is a context manager (``requests.Session``, ``smtplib.SMTP``)
        is entered when created and exited when the run ends, so connections are
        reused for the whole run and always closed.
        """
        if key not in self._resources:
            created = factory()
            if hasattr(created, "__enter__") and hasattr(created, "__exit__"):
                created = self._stack.enter_context(
                    cast(contextlib.AbstractContextManager[T], created)
                )
            self._resources[key] = created
        return cast(T, self._resources[key])

    def drop_resource(self, key: str) -> None:
        """Forget a resource (e.g. a broken connection) so the next use recreates it.

        The resource is not closed here; close it yourself if it still needs it.
        """
        self._resources.pop(key, None)

    def close(self, error: BaseException | None = None) -> None:
        """Close every resource. Called by the host at the end of a run, with the
        ``error`` that ends it early if one does: each context-manager resource is exited
        with it, as a ``with`` block would be."""
        self._resources.clear()
        if error is None:
            self._stack.close()
        else:
            self._stack.__exit__(type(error), error, error.__traceback__)
