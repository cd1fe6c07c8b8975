"""The runner: fetch -> plan -> (approve) -> re-check -> send -> record.

Everything with side effects lives here; the decisions are the planner's. The order of
operations is what makes the guarantees hold:

1. every source is read and the plan computed before anything is written;
2. the balances of exactly the invoices about to be reminded are re-read from their
   sources, and the plan of each customer whose balances moved is computed again with
   them: a reminder whose invoices were paid or changed in between is dropped (and
   recorded as skipped);
3. every message is rendered, and every channel kind resolved to a configured channel,
   before the first one is sent: a broken template or a missing channel sends nothing;
4. for each message, an *intent* is claimed in the history store, then the channel
   delivers, then the intent is settled (sent or failed). A crash between the two
   leaves the intent unsettled; the planner then holds that customer until a person
   resolves it (``relance resolve``): never an automatic resend;
5. each recorded event is mirrored to the plugins implementing
   ``relance_record_history`` (an ERP note); a failing mirror is reported, never fatal.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from relance.batches import batches
from relance.config import Configuration
from relance.context import PluginContext
from relance.engine.checkpoint import SAVE_AFTER, fold
from relance.engine.planner import (
    Calendar,
    PenaltyCalculator,
    Plan,
    Quote,
    Reminder,
    counting_from,
    plan,
)
from relance.engine.preflight import undelivered
from relance.engine.spool import Spool
from relance.engine.state import CustomerKey, DunningState
from relance.errors import ChannelError, ConfigError, Problem, RelanceError
from relance.history.store import AlreadyClaimed, HistoryStore
from relance.i18n import N_, _
from relance.legal import LegalRules
from relance.model import (
    Balance,
    ChannelKind,
    EventType,
    HistoryEvent,
    Instalment,
    Invoice,
    InvoiceStatus,
    Message,
    Money,
)
from relance.plugins import PluginHost, RecordFailure
from relance.render import TemplateEnvironment, invoice_documents
from relance.render.documents import InvoiceCopies
from relance.render.pool import Rendering, compose_all, workers_for

__all__ = ["Delivery", "Progress", "RunReport", "Runner", "Step", "fetch_all"]

UNKNOWN = N_("it may have gone out: say whether it did with relance resolve")
"""What a send whose outcome is unknown tells the person (a :class:`Delivery` of status
``intent``: the intent stays unsettled)."""


class Step(StrEnum):
    """What a run reports its progress on, a reminder at a time."""

    RENDERED = "rendered"
    SENT = "sent"


class Progress(Protocol):
    """What a run tells of its progress."""

    def start(self, total: int, /) -> None:
        """The run renders and sends ``total`` reminders (known once balances are
        re-checked, before the first is rendered)."""

    def advance(self, step: Step, /) -> None:
        """A reminder's messages are rendered, then later delivered."""


def fetch_all(host: PluginHost) -> list[Invoice]:
    """Every open item of every enabled source; keys must be unique."""
    invoices: list[Invoice] = []
    for ctx in host.sources:
        invoices.extend(host.fetch_invoices(ctx, since=None))
    return invoices


@dataclass(frozen=True)
class Delivery:
    """What happened to one message of one reminder."""

    reminder: Reminder
    channel: ChannelKind
    status: EventType
    detail: str = ""


@dataclass
class RunReport:
    today: date
    plan: Plan
    deliveries: list[Delivery] = field(default_factory=list)
    awaiting_approval: list[Reminder] = field(default_factory=list)
    dropped: list[tuple[Reminder, str]] = field(default_factory=list)
    handed_off: list[Reminder] = field(default_factory=list)
    mirror_failures: list[RecordFailure] = field(default_factory=list)
    deferred: str | None = None
    """Why nothing was sent at all (outside the sending window), if so."""

    def count(self, status: EventType) -> int:
        return sum(1 for d in self.deliveries if d.status is status)


@dataclass
class Runner:
    """One run of the engine for one day, over one configuration."""

    config: Configuration
    host: PluginHost
    store: HistoryStore
    calendar: Calendar
    today: date
    templates: TemplateEnvironment
    legal: LegalRules | None = None
    """Late-payment rules; ``None`` quotes no penalties."""
    now: Callable[[], datetime] | None = None
    actor: str = "relance"
    scores: Mapping[CustomerKey, str] | None = None
    """Customer ratings (A-D) for scenarios that select on them; ``None``: no ratings."""

    # -- planning ---------------------------------------------------------------------

    def state(self, *, save: bool = False) -> DunningState:
        """The history folded for the planner, from its checkpoint when there is one
        (:mod:`relance.engine.checkpoint`); ``save`` writes a new one when due. With
        ``[history] checkpoint = false``, every event is folded and none written."""
        if not self.config.settings.history.checkpoint:
            return DunningState.from_events(self.store.events())
        return fold(self.store, save_after=SAVE_AFTER if save else None)

    def plan(self, invoices: Sequence[Invoice], state: DunningState) -> Plan:
        return plan(
            invoices,
            state,
            self.config.settings.policy_book(),
            self.calendar,
            self.today,
            penalties=self.penalty_calculator(state),
            scores=self.scores,
        )

    def penalty_calculator(self, state: DunningState) -> PenaltyCalculator | None:
        """Quote each invoice's penalties; a consumer's interest runs from the formal notice's
        receipt, ``[legal] notice_delivery_days`` business days after it was sent."""
        legal = self.legal
        if legal is None:
            return None
        delivery = legal.settings.notice_delivery_days
        book = self.config.settings.policy_book()
        notices = book.notice_levels()
        country = self.config.company.country

        def quote(invoice: Invoice, on: date) -> Quote | None:
            chosen = book.override_for(invoice.customer).jurisdiction
            if chosen is not None and invoice.jurisdiction is None:
                invoice = invoice.model_copy(update={"jurisdiction": chosen})
            memory = state.invoices.get(invoice.key)
            since = counting_from(invoice)  # a notice about an earlier instalment: not this one
            sent = [memory.delivered_since(name, since) for name in notices] if memory else []
            received = min((day for day in sent if day is not None), default=None)
            if received is not None and delivery:
                received = self.calendar.add_business_days(received, delivery)
            return legal.quote(invoice, on, company_country=country, notice_date=received)

        return quote

    # -- running ----------------------------------------------------------------------

    def run(
        self,
        invoices: Sequence[Invoice],
        state: DunningState | None = None,
        *,
        progress: Progress | None = None,
    ) -> RunReport:
        """Plan, re-check, send and record. ``invoices`` come from :func:`fetch_all`;
        ``state`` is the history folded just before (``self.state(save=True)`` if not
        given)."""
        if state is None:
            state = self.state(save=True)
        first = self.plan(invoices, state)
        report = RunReport(today=self.today, plan=first)
        deferred = self._outside_window()
        if deferred is not None:
            report.deferred = deferred
            return report
        planned = (
            self._event(EventType.PLANNED, reminder)
            for reminder in first.reminders
            if reminder.key not in state.planned
        )
        for events in batches(planned, RECORDED_TOGETHER):
            self._record_all(events, report)
        ready = [r for r in first.reminders if not r.requires_approval]
        report.awaiting_approval = [r for r in first.reminders if r.requires_approval]
        if not ready:
            return report
        final = self._recheck(invoices, state, ready, report)
        channels = self._channels_by_kind({kind for r in final for kind in r.channels})
        if progress is not None:
            progress.start(len(final))
        with self._render(final, progress) as rendered:
            for reminder, messages in zip(final, rendered, strict=True):
                if reminder.is_handoff:
                    self._record(self._event(EventType.HANDED_OFF, reminder), report)
                    report.handed_off.append(reminder)
                for message in messages:
                    self._deliver(reminder, channels[message.kind], message, state, report)
                if progress is not None:
                    progress.advance(Step.SENT)
        return report

    def _outside_window(self) -> str | None:
        """Why sending must wait, when the run is for the real today outside the window."""
        if self.now is None:
            return None
        now = self.now()
        if now.date() != self.today:
            return None
        window = self.config.settings.calendar
        if window.send_from <= now.time() < window.send_until:
            return None
        return _("outside the sending window ({start}-{end}); nothing was sent").format(
            start=window.send_from.strftime("%H:%M"), end=window.send_until.strftime("%H:%M")
        )

    def _recheck(
        self,
        invoices: Sequence[Invoice],
        state: DunningState,
        ready: list[Reminder],
        report: RunReport,
    ) -> list[Reminder]:
        """Re-read the balances of the reminded invoices and keep what still holds."""
        asked: dict[str, dict[str, Invoice]] = defaultdict(dict)
        for reminder in ready:
            for item in reminder.items:
                asked[item.invoice.source][item.invoice.id] = item.invoice
        changed: dict[tuple[str, str], Invoice | None] = {}
        for ctx in self.host.sources:
            if ctx.name in asked:
                changed.update(self._changes(ctx, asked[ctx.name]))
        fresh, moved = _moved(invoices, changed)
        again = {r.key: r for r in self.plan(fresh, state).reminders}
        kept: list[Reminder] = []
        for reminder in ready:
            if reminder.customer_key not in moved:
                kept.append(reminder)
                continue
            now = again.get(reminder.key)
            if now is None or now.requires_approval:
                reason = _("changed since it was fetched (paid, credited or modified)")
                report.dropped.append((reminder, reason))
                self._record(self._event(EventType.SKIPPED, reminder, reason=reason), report)
            else:
                kept.append(now)
        return kept

    def _changes(
        self, ctx: PluginContext, asked: dict[str, Invoice]
    ) -> dict[tuple[str, str], Invoice | None]:
        """The invoices of one source whose re-read balance moved: as re-read, or
        ``None`` when no longer open (paid, or absent from the answer).

        Balances are taken as the source streams them and only the moves are kept: most
        have not moved, and a large run re-reads hundreds of thousands.
        """
        if self.host.registry.implements(ctx.plugin, "relance_refresh_balances"):
            balances = self.host.refresh_balances(ctx, list(asked))
        else:
            balances = _balances_from_refetch(self.host, ctx, asked)
        changed: dict[tuple[str, str], Invoice | None] = {}
        unanswered = set(asked)
        for balance in balances:
            unanswered.discard(balance.invoice_id)
            invoice = asked[balance.invoice_id]
            updated = _refreshed(invoice, balance)
            if updated is invoice:
                changed.pop(invoice.key, None)  # an earlier answer for the same id is replaced
            else:
                changed[invoice.key] = updated
        changed.update(((ctx.name, invoice_id), None) for invoice_id in unanswered)
        return changed

    def renderings(self, reminders: Iterable[Reminder]) -> Iterator[Rendering]:
        """What rendering each reminder needs beside it, gathered as it is wanted: its
        customer's delivered reminders (a formal notice lists them; read from the
        history's per-customer index, not kept for every customer of a large day) and,
        for an email, its invoices' PDFs, within ``[templates] attachments_max_mb``."""
        limit = self.config.settings.templates.attachments_limit
        for reminder in reminders:
            source, customer_id = reminder.customer_key
            delivered = self.store.events(
                source=source, customer_id=customer_id, types=(EventType.SENT,)
            )
            copies = (
                invoice_documents(self.host, reminder, limit=limit)
                if ChannelKind.EMAIL in reminder.channels
                else InvoiceCopies()
            )
            yield Rendering(reminder, history=tuple(delivered), copies=copies)

    def _render(self, reminders: list[Reminder], progress: Progress | None) -> Spool[list[Message]]:
        """Every message of ``reminders``, rendered before anything is sent and spooled to
        disk (:mod:`relance.engine.spool`), in the order of ``reminders``."""
        spool: Spool[list[Message]] = Spool()
        try:
            for messages in compose_all(
                self.renderings(reminders),
                company=self.config.company,
                today=self.today,
                templates=self.templates,
                workers=workers_for(reminders, self.config.settings.templates.workers),
            ):
                spool.add(messages)
                if progress is not None:
                    progress.advance(Step.RENDERED)
        except BaseException:
            spool.close()
            raise
        return spool

    def _channels_by_kind(self, kinds: Iterable[ChannelKind]) -> dict[ChannelKind, PluginContext]:
        found = {kind: self.host.channel_for(kind) for kind in sorted(kinds)}
        missing = [kind for kind, ctx in found.items() if ctx is None]
        if missing:
            raise ConfigError(
                _("Some reminders have no channel; nothing was sent."),
                [Problem(f"{self.config.path.name}: channels", undelivered(missing))],
            )
        return {kind: ctx for kind, ctx in found.items() if ctx is not None}

    def _deliver(
        self,
        reminder: Reminder,
        channel: PluginContext,
        message: Message,
        state: DunningState,
        report: RunReport,
    ) -> None:
        if message.message_key in state.sent_messages:
            # Never sent twice; but a message planned again is a planner's mistake to show.
            detail = _("message {key} was already delivered: not sent again").format(
                key=message.message_key
            )
            report.deliveries.append(Delivery(reminder, message.kind, EventType.SKIPPED, detail))
            return
        digest = hashlib.sha256(f"{message.subject}\n{message.text}".encode()).hexdigest()
        intent = self._event(
            EventType.INTENT,
            reminder,
            channel=message.kind,
            message_key=message.message_key,
            recipient=", ".join(message.to) or message.recipient_name,
            content_digest=digest,
        )
        try:
            self.store.claim(intent)
        except AlreadyClaimed as exc:
            report.deliveries.append(Delivery(reminder, message.kind, EventType.SKIPPED, str(exc)))
            return
        try:
            receipt = self.host.send(channel, message)
        except ChannelError as exc:
            if not exc.unknown:
                self._failed(reminder, message, intent, exc, report)
                return
            # It may have gone out: the intent stays unsettled, and holds the customer
            # until a person says whether it did (relance resolve). Never resent by itself.
            report.deliveries.append(
                Delivery(reminder, message.kind, EventType.INTENT, f"{exc} ({_(UNKNOWN)})")
            )
            return
        except RelanceError as exc:
            self._failed(reminder, message, intent, exc, report)
            return
        sent = self._settlement(
            intent,
            EventType.SENT,
            message_id=receipt.message_id,
            provider_reference=receipt.provider_reference,
            reason=receipt.detail,
        )
        self.store.settle(sent)
        self._mirror(sent, report)
        # What the channel said when it gave no message id ("accepted, but the answer
        # has no id") is shown with the delivery, as it is kept in the history.
        detail = receipt.message_id or receipt.detail or ""
        report.deliveries.append(Delivery(reminder, message.kind, EventType.SENT, detail))

    def _failed(
        self,
        reminder: Reminder,
        message: Message,
        intent: HistoryEvent,
        exc: RelanceError,
        report: RunReport,
    ) -> None:
        """Settle ``intent`` as failed: retried by a later run unless ``permanent``."""
        permanent = isinstance(exc, ChannelError) and exc.permanent
        failed = self._settlement(
            intent,
            EventType.FAILED,
            reason=str(exc),
            details=(("permanent", "true"),) if permanent else (),
        )
        self.store.settle(failed)
        self._mirror(failed, report)
        report.deliveries.append(Delivery(reminder, message.kind, EventType.FAILED, str(exc)))

    # -- recording --------------------------------------------------------------------

    def _at(self) -> datetime:
        return self.now() if self.now is not None else datetime.now(self.config.company.zoneinfo)

    def _settlement(self, intent: HistoryEvent, kind: EventType, **extra: object) -> HistoryEvent:
        """The event that settles ``intent``: same message, new id and time."""
        update = {"id": _new_id(), "type": kind, "at": self._at(), "settles": intent.id}
        return intent.model_copy(update={**update, **extra})

    def _event(self, kind: EventType, reminder: Reminder, **extra: object) -> HistoryEvent:
        invoices = [item.invoice for item in reminder.items]
        penalties = reminder.penalties
        return HistoryEvent.model_validate(
            {
                "type": kind,
                "at": self._at(),
                "run_date": self.today,
                "actor": self.actor,
                "source": reminder.source,
                "customer_id": reminder.customer.id,
                "customer_name": reminder.customer.name,
                "invoice_ids": tuple(i.id for i in invoices),
                "invoice_numbers": tuple(i.number for i in invoices),
                "invoice_levels": reminder.advancing,
                "level": reminder.level.name,
                "reminder_key": reminder.key,
                "amounts": tuple(Money(amount=a, currency=c) for c, a in reminder.totals.items()),
                "penalties": tuple(Money(amount=a, currency=c) for c, a in penalties.items()),
                **extra,
            }
        )

    def _record(self, event: HistoryEvent, report: RunReport) -> None:
        self._record_all([event], report)

    def _record_all(self, events: list[HistoryEvent], report: RunReport) -> None:
        self.store.append_all(events)
        for event in events:
            self._mirror(event, report)

    def _mirror(self, event: HistoryEvent, report: RunReport) -> None:
        report.mirror_failures.extend(self.host.record_history(event))


RECORDED_TOGETHER = 1000
"""Planned reminders recorded in one transaction: one each made 75,000 of them take 20 s
when every write was flushed to disk; all of them at once would hold every event in
memory (300 MB)."""


def _new_id() -> str:
    return uuid.uuid4().hex


def _balances_from_refetch(
    host: PluginHost, ctx: PluginContext, wanted: Container[str]
) -> Iterator[Balance]:
    """For a source without ``relance_refresh_balances``: read everything again."""
    for invoice in host.fetch_invoices(ctx, since=None):
        if invoice.id in wanted:
            yield Balance.of(invoice)


def _moved(
    invoices: Sequence[Invoice], changed: dict[tuple[str, str], Invoice | None]
) -> tuple[list[Invoice], set[CustomerKey]]:
    """The customers whose balances moved, and their open invoices as re-read.

    A customer's plan depends on its own invoices only: only these customers are
    planned again."""
    moved = {
        (invoice.source, invoice.customer.id) for invoice in invoices if invoice.key in changed
    }
    fresh = [
        updated
        for invoice in invoices
        if (invoice.source, invoice.customer.id) in moved
        and (updated := changed.get(invoice.key, invoice)) is not None
    ]
    return fresh, moved


def _refreshed(invoice: Invoice, balance: Balance) -> Invoice | None:
    """The invoice with its re-read balance; ``None`` when it is no longer open."""
    if balance.residual == 0:
        return None
    if balance.status in (InvoiceStatus.PAID, InvoiceStatus.IN_PAYMENT):
        return None
    residual = min(balance.residual, invoice.total)
    disputed = invoice.disputed if balance.disputed is None else balance.disputed
    if (residual, disputed) == (invoice.residual, invoice.disputed):
        # Most balances have not moved: the record is kept, not copied (a million-invoice
        # ledger re-reads hundreds of thousands of them).
        return invoice
    update: dict[str, object] = {"residual": residual, "disputed": disputed}
    if invoice.instalments and residual < invoice.residual:
        update["instalments"] = _paid_oldest_first(invoice.instalments, residual)
    return invoice.model_copy(update=update)


def _paid_oldest_first(parts: tuple[Instalment, ...], residual: Decimal) -> tuple[Instalment, ...]:
    """The instalments once only ``residual`` is owed: what was paid since the fetch
    settled the oldest first, so an invoice whose late instalment was just paid is no
    longer taken as late (the balance re-read before sending carries no instalments)."""
    left = residual
    kept: list[Instalment] = []
    for part in sorted(parts, key=lambda p: p.due_date, reverse=True):
        owed = min(part.residual, left)
        left -= owed
        kept.append(part if owed == part.residual else part.model_copy(update={"residual": owed}))
    return tuple(sorted(kept, key=lambda p: p.due_date))
