"""Finding, loading and calling plugins.

:class:`PluginRegistry` discovers the plugins installed through the ``relance``
entry-point group (relance's own connectors and channels are registered there exactly
like a third party's). Loading one plugin never breaks another: a plugin that fails to
import, that implements a hook that does not exist (usually a typo), or whose name is
already taken, is recorded as *failed* with its name and distribution, and skipped.
``strict=True`` turns such failures into a :class:`~relance.errors.PluginError`.

Environment variables:

* ``RELANCE_DISABLE_PLUGIN_AUTOLOAD=1``: load only the plugins shipped with relance
  itself, not third-party ones (like ``PYTEST_DISABLE_PLUGIN_AUTOLOAD``).
* ``RELANCE_TRACE_PLUGINS=1``: log every hook call and its result to the
  ``relance.plugins`` logger.

:class:`PluginHost` is how the engine talks to plugins during a run: one typed method
per hook, calling only the enabled instances, one at a time, so that an error names the
instance that raised it.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib.metadata
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pluggy

from relance import hookspecs
from relance.context import PluginContext, Role
from relance.errors import PluginError, RelanceError
from relance.model import (
    Balance,
    ChannelKind,
    CheckResult,
    Document,
    HistoryEvent,
    Invoice,
    Message,
    Receipt,
)

if TYPE_CHECKING:
    from relance.legal import Jurisdiction
    from relance.settings import PluginSettings

log = logging.getLogger("relance.plugins")

ENTRY_POINT_GROUP = "relance"
DISABLE_AUTOLOAD_ENV = "RELANCE_DISABLE_PLUGIN_AUTOLOAD"
TRACE_ENV = "RELANCE_TRACE_PLUGINS"
OWN_DISTRIBUTION = "relance"

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginHost",
    "PluginInfo",
    "PluginRegistry",
    "PluginStatus",
    "RecordFailure",
]


class PluginStatus(StrEnum):
    LOADED = "loaded"
    FAILED = "failed"
    BLOCKED = "blocked"


@dataclass
class PluginInfo:
    """What ``relance plugins`` shows about one installed plugin."""

    name: str
    distribution: str | None
    version: str | None
    module: str
    status: PluginStatus
    hooks: tuple[str, ...] = ()
    error: str | None = None
    builtin: bool = False

    @property
    def origin(self) -> str:
        if self.distribution is None:
            return "local code"
        return f"{self.distribution} {self.version or ''}".strip()


class PluginRegistry:
    """The installed plugins and the pluggy manager that holds the loaded ones."""

    def __init__(self, *, load_entrypoints: bool = True, strict: bool = False) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.strict = strict
        self.infos: dict[str, PluginInfo] = {}
        if os.environ.get(TRACE_ENV):
            self.pm.trace.root.setwriter(log.debug)
            self.pm.enable_tracing()
        if load_entrypoints:
            self.load_entrypoints()

    # -- loading ---------------------------------------------------------------

    def load_entrypoints(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Load every entry point of ``group``; failures are recorded, not raised."""
        autoload = not os.environ.get(DISABLE_AUTOLOAD_ENV)
        # Sorted by name, relance's own plugins first: a third party cannot take their names.
        points = sorted(
            importlib.metadata.entry_points(group=group),
            key=lambda ep: (ep.name, _distribution_name(ep) != OWN_DISTRIBUTION),
        )
        for point in points:
            dist_name = _distribution_name(point)
            version = point.dist.version if point.dist is not None else None
            builtin = dist_name == OWN_DISTRIBUTION
            if not autoload and not builtin:
                self._record(
                    PluginInfo(
                        name=point.name,
                        distribution=dist_name,
                        version=version,
                        module=point.value,
                        status=PluginStatus.BLOCKED,
                        error=f"third-party plugins are disabled by {DISABLE_AUTOLOAD_ENV}",
                    )
                )
                continue
            self._load_one(point.name, point.load, point.value, dist_name, version, builtin)

    def register(self, plugin: object, name: str, *, distribution: str | None = None) -> PluginInfo:
        """Register an already imported plugin object (tests, embedded use)."""
        module = getattr(plugin, "__name__", type(plugin).__name__)
        return self._load_one(name, lambda: plugin, module, distribution, None, builtin=False)

    def _load_one(
        self,
        name: str,
        load: Callable[[], object],
        module: str,
        distribution: str | None,
        version: str | None,
        builtin: bool,
    ) -> PluginInfo:
        info = PluginInfo(
            name=name,
            distribution=distribution,
            version=version,
            module=module,
            status=PluginStatus.LOADED,
            builtin=builtin,
        )
        try:
            if name in self.infos and self.infos[name].status is PluginStatus.LOADED:
                taken = self.infos[name]
                raise PluginError(
                    f"the plugin name {name!r} is already taken by {taken.origin}; "
                    "ask the authors of one of them to rename it",
                    plugin=name,
                    distribution=distribution,
                )
            try:
                plugin = load()
            except Exception as exc:
                raise PluginError(
                    f"could not import {module!r}: {type(exc).__name__}: {exc}",
                    plugin=name,
                    distribution=distribution,
                ) from exc
            try:
                self.pm.register(plugin, name=name)
            except (pluggy.PluginValidationError, ValueError) as exc:
                raise PluginError(str(exc), plugin=name, distribution=distribution) from exc
            unknown = self._unknown_hooks(plugin)
            if unknown:
                self.pm.unregister(name=name)
                raise PluginError(
                    "implements hooks that do not exist: " + "; ".join(unknown),
                    plugin=name,
                    distribution=distribution,
                )
            info.hooks = tuple(
                sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or ())
            )
        except PluginError as exc:
            if self.strict:
                raise
            info.status = PluginStatus.FAILED
            info.error = str(exc)
            # Not a warning: a broken plugin that is not enabled must not disturb a run;
            # an enabled one is reported by the configuration check.
            log.info("%s", exc)
        self._record(info)
        return info

    def _unknown_hooks(self, plugin: object) -> list[str]:
        problems = []
        known = [
            name
            for name in dir(self.pm.hook)
            if name.startswith("relance_") and getattr(self.pm.hook, name).has_spec()
        ]
        for caller in self.pm.get_hookcallers(plugin) or ():
            if caller.has_spec():
                continue
            close = difflib.get_close_matches(caller.name, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(f"{caller.name}{hint}")
        return problems

    def _record(self, info: PluginInfo) -> None:
        # A failed second claim on a name must not hide the plugin that holds it.
        current = self.infos.get(info.name)
        if current is not None and current.status is PluginStatus.LOADED:
            self.infos[f"{info.name} ({info.origin})"] = info
        else:
            self.infos[info.name] = info

    # -- queries ---------------------------------------------------------------

    def plugins(self) -> list[PluginInfo]:
        return sorted(self.infos.values(), key=lambda info: info.name)

    def loaded(self, name: str) -> object | None:
        info = self.infos.get(name)
        if info is None or info.status is not PluginStatus.LOADED:
            return None
        return self.pm.get_plugin(name)

    def implements(self, name: str, hook: str) -> bool:
        info = self.infos.get(name)
        return info is not None and info.status is PluginStatus.LOADED and hook in info.hooks

    def origin(self, plugin: str) -> str | None:
        info = self.infos.get(plugin)
        return info.origin if info else None

    @contextlib.contextmanager
    def blame(self, plugin: str, hook: str, *, instance: str | None = None) -> Iterator[None]:
        """Translate exceptions raised by a plugin's code at the plugin boundary.

        A :class:`RelanceError` keeps its message and gains the plugin's name; anything
        else becomes a :class:`PluginError` naming the plugin, its distribution and the
        hook, with the original exception chained. With ``instance`` (the name of a
        ``[sources.<name>]`` table), the error names it too: a user with two CSV
        sources must know which one failed.
        """
        name = f"{instance} ({plugin})" if instance and instance != plugin else plugin
        try:
            yield
        except RelanceError as exc:
            if exc.plugin is None:
                exc.plugin = name
            raise
        except Exception as exc:
            raise PluginError(
                f"{hook} crashed: {type(exc).__name__}: {exc}",
                plugin=name,
                distribution=self.origin(plugin),
            ) from exc

    def call_one(
        self, plugin: str, hook: str, *, instance: str | None = None, **kwargs: Any
    ) -> Any:
        """Call ``hook`` on one plugin only; return its (first) result or ``None``.

        ``instance`` names the configured instance in errors (see :meth:`blame`).
        """
        target = self.pm.get_plugin(plugin)
        if target is None:
            return None
        others = [p for p in self.pm.get_plugins() if p is not target]
        caller = self.pm.subset_hook_caller(hook, remove_plugins=others)
        with self.blame(plugin, hook, instance=instance):
            result = caller(**kwargs)
        if isinstance(result, list):
            return result[0] if result else None
        return result


def _distribution_name(point: importlib.metadata.EntryPoint) -> str | None:
    return point.dist.metadata["Name"] if point.dist is not None else None


@dataclass(frozen=True)
class RecordFailure:
    """A history mirror that failed; the event itself is safe in the store."""

    instance: str
    error: str


@dataclass
class PluginHost:
    """The enabled plugin instances of one run, and one typed method per hook."""

    registry: PluginRegistry
    instances: list[PluginContext]
    _closed: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.instances = sorted(self.instances, key=lambda ctx: (ctx.role.value, ctx.name))

    # -- instances ---------------------------------------------------------------

    def by_role(self, role: Role) -> list[PluginContext]:
        return [ctx for ctx in self.instances if ctx.role is role]

    @property
    def sources(self) -> list[PluginContext]:
        return self.by_role(Role.SOURCE)

    @property
    def channels(self) -> list[PluginContext]:
        return self.by_role(Role.CHANNEL)

    def channel_for(self, kind: ChannelKind) -> PluginContext | None:
        """The enabled channel that delivers ``kind`` messages: the first, by instance
        name, whose ``kinds`` setting names it."""
        return next((c for c in self.channels if kind in getattr(c.settings, "kinds", ())), None)

    def instance(self, name: str, role: Role) -> PluginContext:
        for ctx in self.by_role(role):
            if ctx.name == name:
                return ctx
        raise PluginError(f"no enabled {role.value} named {name!r}", plugin=name)

    def _call(self, ctx: PluginContext, hook: str, **kwargs: Any) -> Any:
        return self.registry.call_one(ctx.plugin, hook, instance=ctx.name, **kwargs)

    def _require_invoice(self, ctx: PluginContext, invoice: object, hook: str) -> None:
        """An :class:`Invoice` stamped with the instance's name, or a PluginError."""
        self._require(ctx, invoice, Invoice, hook)
        if isinstance(invoice, Invoice) and invoice.source != ctx.name:
            raise PluginError(
                f"{hook} returned invoice {invoice.number!r} with source={invoice.source!r}; "
                f"it must be the instance name {ctx.name!r}",
                plugin=ctx.plugin,
                distribution=self.registry.origin(ctx.plugin),
            )

    def _require(self, ctx: PluginContext, value: object, expected: type, hook: str) -> None:
        if not isinstance(value, expected):
            raise PluginError(
                f"{hook} returned {type(value).__name__}, expected {expected.__name__} "
                f"(instance {ctx.key_path})",
                plugin=ctx.plugin,
                distribution=self.registry.origin(ctx.plugin),
            )

    # -- hooks -------------------------------------------------------------------

    def check_connection(self, ctx: PluginContext) -> list[CheckResult]:
        hook = "relance_check_connection"
        checked = self._drain(ctx, hook, self._call(ctx, hook, context=ctx))
        for result in checked:
            self._require(ctx, result, CheckResult, "relance_check_connection")
        return checked

    def fetch_invoices(
        self, ctx: PluginContext, since: datetime | None = None
    ) -> Iterator[Invoice]:
        """Stream the open items of one source, checking each record's type and source."""
        hook = "relance_fetch_invoices"
        for invoice in self._stream(ctx, hook, self._call(ctx, hook, source=ctx, since=since)):
            self._require_invoice(ctx, invoice, hook)
            yield invoice

    def fetch_paid_invoices(
        self, ctx: PluginContext, start: date, end: date
    ) -> list[Invoice] | None:
        """The paid invoices of one source for the period; ``None`` when it cannot say.

        Checked like :meth:`fetch_invoices`: each record is an :class:`Invoice` stamped
        with the instance's name.
        """
        hook = "relance_fetch_paid_invoices"
        if not self.registry.implements(ctx.plugin, hook):
            return None
        results = self._call(ctx, hook, source=ctx, start=start, end=end)
        if results is None:
            return None
        paid = self._drain(ctx, hook, results)
        for invoice in paid:
            self._require_invoice(ctx, invoice, hook)
        return paid

    def refresh_balances(self, ctx: PluginContext, invoice_ids: Sequence[str]) -> Iterator[Balance]:
        """Stream the balances a source gives for these invoices, each checked; a balance
        for an id not asked for is left out.

        Streamed, not gathered: a run re-reads the balances of every invoice it reminds
        (hundreds of thousands on a large ledger), and keeps only those that moved.
        """
        hook = "relance_refresh_balances"
        wanted = dict.fromkeys(invoice_ids)
        if not wanted:
            return
        results = self._call(ctx, hook, source=ctx, invoice_ids=list(wanted))
        for balance in self._stream(ctx, hook, results):
            self._require(ctx, balance, Balance, hook)
            if balance.invoice_id in wanted:
                yield balance

    def fetch_document(self, ctx: PluginContext, invoice: Invoice) -> Document | None:
        document = self._call(ctx, "relance_fetch_document", source=ctx, invoice=invoice)
        if document is not None:
            self._require(ctx, document, Document, "relance_fetch_document")
        return document  # type: ignore[no-any-return]

    def send(self, ctx: PluginContext, message: Message) -> Receipt:
        receipt = self._call(ctx, "relance_send_reminder", channel=ctx, message=message)
        if receipt is None:
            raise PluginError(
                f"channel {ctx.key_path} does not deliver {message.kind.value} messages; "
                f"check its 'kinds' setting",
                plugin=ctx.plugin,
                distribution=self.registry.origin(ctx.plugin),
            )
        self._require(ctx, receipt, Receipt, "relance_send_reminder")
        return receipt  # type: ignore[no-any-return]

    def record_history(self, event: HistoryEvent) -> list[RecordFailure]:
        """Give the event to every instance that mirrors history; never raises.

        Not called in dry runs, as the hook's documentation promises.
        """
        failures = []
        for ctx in self.instances:
            if ctx.dry_run or not self.registry.implements(ctx.plugin, "relance_record_history"):
                continue
            try:
                self._call(ctx, "relance_record_history", context=ctx, event=event)
            except Exception as exc:
                log.warning("history mirror %s failed: %s", ctx.key_path, exc)
                failures.append(RecordFailure(instance=ctx.key_path, error=str(exc)))
        return failures

    def template_dirs(self) -> list[Path]:
        folders: list[Path] = []
        for ctx in sorted(self.instances, key=lambda c: c.name):
            if self.registry.implements(ctx.plugin, "relance_template_dirs"):
                hook = "relance_template_dirs"
                for folder in self._drain(ctx, hook, self._call(ctx, hook, context=ctx)):
                    folders.append(Path(folder))
        return folders

    def jurisdictions(self) -> list[Jurisdiction]:
        """The jurisdictions enabled instances contribute, checked for type and name clashes.

        A name already taken by a built-in jurisdiction or by another instance is a
        :class:`PluginError` naming the plugin.
        """
        from relance.legal import Jurisdiction, builtin_jurisdictions

        hook = "relance_jurisdictions"
        owners = {j.name: "relance" for j in builtin_jurisdictions()}
        found: list[Jurisdiction] = []
        for ctx in self.instances:
            if not self.registry.implements(ctx.plugin, hook):
                continue
            for jurisdiction in self._drain(ctx, hook, self._call(ctx, hook, context=ctx)):
                self._require(ctx, jurisdiction, Jurisdiction, hook)
                if jurisdiction.name in owners:
                    raise PluginError(
                        f"{hook} returned jurisdiction {jurisdiction.name!r}, already provided "
                        f"by {owners[jurisdiction.name]}; choose another name",
                        plugin=ctx.plugin,
                        distribution=self.registry.origin(ctx.plugin),
                    )
                owners[jurisdiction.name] = ctx.key_path
                found.append(jurisdiction)
        return found

    def close(self, error: BaseException | None = None) -> None:
        """Close every instance's resources (connections). Safe to call twice.

        ``error`` is what ends the run early (Ctrl-C, SIGTERM, a failure): each resource
        is told, so that a connection is dropped rather than politely closed with a
        server that may be what hangs (see :meth:`PluginContext.close`).
        """
        if self._closed:
            return
        self._closed = True
        for ctx in self.instances:
            try:
                ctx.close(error)
            except Exception as exc:  # closing must never hide the run's own outcome
                log.warning("closing %s failed: %s", ctx.key_path, exc)

    def _stream(self, ctx: PluginContext, hook: str, results: Any) -> Iterator[Any]:
        """A plugin's iterable result, an item at a time (until an item is ``None``),
        naming the plugin if iteration fails: :meth:`_drain` for results too large to
        gather."""
        iterator = iter(results or ())
        while True:
            with self.registry.blame(ctx.plugin, hook, instance=ctx.name):
                item = next(iterator, None)
            if item is None:
                return
            yield item

    def _drain(self, ctx: PluginContext, hook: str, results: Any) -> list[Any]:
        """Exhaust a plugin's iterable result, naming the plugin if iteration fails."""
        with self.registry.blame(ctx.plugin, hook, instance=ctx.name):
            return list(results or ())

    def __enter__(self) -> PluginHost:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(error)


def settings_model_of(registry: PluginRegistry, plugin: str) -> type[PluginSettings] | None:
    """The settings model a plugin declares, or ``None`` when it declares none."""
    if not registry.implements(plugin, "relance_settings_model"):
        return None
    model = registry.call_one(plugin, "relance_settings_model")
    return model  # type: ignore[no-any-return]
