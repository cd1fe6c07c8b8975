"""Setting up the engine for a command: plugins, history store, calendar, templates."""

from __future__ import annotations

import gc
import getpass
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime

from relance.cli.common import Loaded, Output, progress_bar
from relance.cli.reporting import customer_ratings
from relance.config import Settings
from relance.context import Role
from relance.engine.planner import Plan
from relance.engine.runner import Runner, fetch_all
from relance.engine.state import DunningState
from relance.history import SQLiteStore
from relance.i18n import _
from relance.legal import LegalRules
from relance.model import Invoice
from relance.plugins import PluginHost
from relance.render import TemplateEnvironment

__all__ = ["Session", "actor", "long_lived", "open_session"]


def actor() -> str:
    """Who is acting, for the history: the login name of the person at the keyboard."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class Session:
    host: PluginHost
    store: SQLiteStore
    runner: Runner
    out: Output

    def fetch(self, *, planning: bool = True) -> list[Invoice]:
        """The open items of every source, and for a command that plans them (``planning``)
        the customers' ratings (:meth:`rate`)."""
        with progress_bar(self.out, _("Reading invoices"), None), long_lived():
            invoices = fetch_all(self.host)
        if planning:
            self.rate(invoices)
        return invoices

    def rate(self, invoices: list[Invoice]) -> None:
        """Rate the customers of ``invoices`` when a scenario picks policies by rating:
        it reads the paid invoices and the history, which a command that does not plan
        (a pause, a report, a case file) does without."""
        settings = self.runner.config.settings
        if any(scenario.scores for scenario in settings.scenarios):
            self.runner.scores = customer_ratings(
                self.host,
                self.store,
                invoices,
                settings=settings.reports,
                book=settings.policy_book(),
                as_of=self.runner.today,
            )

    def state(self, *, save: bool = False) -> DunningState:
        """The history folded for the planner (see :meth:`Runner.state`)."""
        with progress_bar(self.out, _("Reading the history"), None), long_lived():
            return self.runner.state(save=save)

    def plan(self, invoices: list[Invoice]) -> Plan:
        """Today's plan from the history as it stands (the reminders live until the end)."""
        state = self.state()
        with long_lived():
            return self.runner.plan(invoices, state)


@contextmanager
def long_lived() -> Iterator[None]:
    """Build objects that live until the command ends out of the garbage collector's way.

    Records hold no reference cycles, yet while a million of them are read, each full
    pass of the cyclic collector traverses every record read so far, again and again:
    a fifth of the reading time, and the reason the cost per invoice grew with the
    ledger. The collector is paused while they are built, then what exists is frozen
    (``gc.freeze``) out of its reach; :func:`open_session` unfreezes it when it closes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def template_environment(settings: Settings, host: PluginHost) -> TemplateEnvironment:
    """The templates of a run: the user's folder, then the plugins', then relance's."""
    return TemplateEnvironment(
        host.template_dirs(),
        user=settings.templates.path,
        informal_tag=settings.templates.informal_tag,
    )


@contextmanager
def open_session(
    loaded: Loaded,
    today_option: str | None,
    out: Output,
    *,
    dry_run: bool,
    roles: tuple[Role, ...] = (Role.SOURCE,),
) -> Iterator[Session]:
    """Open what a command needs; ``dry_run`` opens the history read-only."""
    from relance.engine.calendar import BusinessCalendar

    config = loaded.config
    today = loaded.today(today_option)
    config.require_secrets(*roles)
    settings = config.settings
    with ExitStack() as stack:
        stack.callback(gc.unfreeze)
        host = stack.enter_context(config.host(today=today, dry_run=dry_run, roles=roles))
        store = stack.enter_context(SQLiteStore(settings.history.path, readonly=dry_run))
        calendar = BusinessCalendar(
            country=settings.calendar.country or config.company.country,
            subdivision=settings.calendar.subdivision,
            extra_holidays=settings.calendar.extra_holidays,
        )
        runner = Runner(
            config=config,
            host=host,
            store=store,
            calendar=calendar,
            today=today,
            templates=template_environment(settings, host),
            legal=LegalRules.from_settings(settings.legal, extra=host.jurisdictions()),
            now=None if today_option is not None else lambda: datetime.now(config.company.zoneinfo),
            actor=actor(),
        )
        yield Session(host=host, store=store, runner=runner, out=out)
