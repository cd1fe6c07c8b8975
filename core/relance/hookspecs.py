"""The plugin contract: every hook relance calls, and what it expects back.

A plugin is a module (or an object) with functions named after these hooks and marked
with :data:`relance.hookimpl`. It is registered through the ``relance`` entry-point group
of its distribution::

    [project.entry-points.relance]
    mysource = "relance_mysource"

and takes part in a run only when the configuration enables it with a table:
``[sources.<name>]`` for a source of invoices, ``[channels.<name>]`` for a way to
deliver messages, ``[plugins.<name>]`` for anything else. Installed but not enabled,
a plugin is never called.

How hooks are called
--------------------

relance calls hooks **one plugin instance at a time**: for every enabled instance, only
that instance's plugin implementation runs, and it receives the instance's
:class:`~relance.context.PluginContext` (its name, validated settings, the company, the
run's date). An exception raised by one instance names it and never reaches another.
Implementations may accept any subset of a hook's arguments (pluggy's rule), so
arguments can be added to a hook later without breaking existing plugins. Argument
names are public API: they are never renamed.

Raise :class:`~relance.errors.ConnectorError` (sources),
:class:`~relance.errors.ChannelError` (channels) or
:class:`~relance.errors.InputError` (data the user must fix) with a message a person can
act on; any other exception is reported as a crash of your plugin.

Hooks are grouped by the stage of a run where they are called: configuration, reading
the receivables, delivering reminders, recording history, contributing resources.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from relance.context import PluginContext
    from relance.legal import Jurisdiction
    from relance.model import (
        Balance,
        CheckResult,
        Document,
        HistoryEvent,
        Invoice,
        Message,
        Receipt,
    )
    from relance.settings import PluginSettings

PROJECT = "relance"

_hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marker for hook implementations. Import it as ``from relance import hookimpl``."""

# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------


@_hookspec(firstresult=True)
def relance_settings_model() -> type[PluginSettings] | None:
    """Return the pydantic model that validates this plugin's configuration table.

    Called once per enabled instance when the configuration is loaded, before any other
    hook of the plugin. The table (minus the optional ``plugin`` key that names the
    plugin when the table's name differs) is validated with it; the validated object is
    then available as ``context.settings`` in every other hook. Problems are reported to
    the user with their TOML key path (``sources.odoo.page_size: ...``).

    Base the model on :class:`relance.SourceSettings`, :class:`relance.ChannelSettings`
    or :class:`relance.PluginSettings`; use :class:`relance.SecretEnv` for secrets and
    :data:`relance.ConfigPath` for paths. A plugin that needs no settings may skip the
    hook: its table must then be empty.

    :returns: a :class:`relance.PluginSettings` subclass, or ``None``.

    Example::

        class CsvSettings(SourceSettings):
            path: ConfigPath
            delimiter: str | None = None

        @hookimpl
        def relance_settings_model():
            return CsvSettings
    """


@_hookspec
def relance_check_connection(context: PluginContext) -> Iterable[CheckResult] | None:
    """Check that this instance can work, without changing anything anywhere.

    Called by ``relance check`` for every enabled instance, after the configuration was
    validated. A source logs in and reads one page; a channel connects to its server.
    Return one or more results; a problem that makes the instance unusable is raised as
    a :class:`~relance.errors.ConnectorError` or :class:`~relance.errors.ChannelError`
    instead. Warnings (``CheckStatus.WARNING``) point out risks, such as a source that
    sends its own reminders too. An error the user fixes in their data or settings (a
    bad row of an export, a folder that does not exist) is an error result with
    ``input_error=True``, or a raised :class:`~relance.errors.InputError`: the check then
    exits 1, as a run stopping on it does, instead of 2.

    :param context: the instance being checked.
    :returns: the results to show, in order; ``None`` means "nothing to check".

    Example::

        @hookimpl
        def relance_check_connection(context):
            client = connect(context)
            version = client.server_version()
            yield CheckResult(summary=f"logged in to Odoo {version}")
    """


# ---------------------------------------------------------------------------
# Reading the receivables (source plugins)
# ---------------------------------------------------------------------------


@_hookspec
def relance_fetch_invoices(
    source: PluginContext, since: datetime | None
) -> Iterable[Invoice] | None:
    """Return the open receivables this source knows: invoices, credit notes, payments.

    Called at the start of every run (``relance plan``, ``relance run``...) for each
    enabled source. Return every item that is still open: invoices and credit notes with
    a residual above zero and unapplied payments, each with its customer (share one
    :class:`~relance.model.Customer` object between the invoices of a customer: it saves
    memory on large ledgers). Stamp ``source=source.name`` on each record; ``id`` must be
    stable across fetches. Mark disputes (``disputed``, ``dispute_reason``) and promises
    to pay (``promise_date``) when the source has them.

    Yield records as they are read rather than building a list: the engine streams them.

    :param source: the source instance; ``source.settings`` holds its settings.
    :param since: when set, the source may return only items changed since that instant
        (an incremental sync); a source that cannot filter returns everything.
    :returns: an iterable of :class:`~relance.model.Invoice`.

    Example::

        @hookimpl
        def relance_fetch_invoices(source, since):
            for row in api.unpaid_invoices(source.settings.url):
                yield Invoice(source=source.name, id=str(row["id"]), ...)
    """


@_hookspec
def relance_refresh_balances(
    source: PluginContext, invoice_ids: Sequence[str]
) -> Iterable[Balance] | None:
    """Re-read the current residual of exactly these invoices, just before sending.

    Called by ``relance run`` after planning and approval, right before any message is
    sent, with the ids (``Invoice.id``) of every item about to be reminded for this
    source. Ask the source again (do not answer from a cache filled at fetch time): a
    payment may have arrived in between. Read them in as few requests as possible.

    Return a :class:`~relance.model.Balance` for each id that is still open. An id
    missing from the answer is taken as paid (or cancelled) and is not reminded;
    a balance with ``residual == 0`` or status ``paid``/``in_payment`` likewise.
    A generator is welcome: relance takes the balances as they come and keeps only
    those that moved (a large run re-reads hundreds of thousands), and for the same id
    twice, the last answer counts.

    :param source: the source instance.
    :param invoice_ids: the ids to re-read, without duplicates.
    :returns: an iterable of :class:`~relance.model.Balance`.

    Example::

        @hookimpl
        def relance_refresh_balances(source, invoice_ids):
            for row in api.read_invoices(invoice_ids, fields=["amount_residual"]):
                yield Balance(
                    invoice_id=str(row["id"]), residual=row["amount_residual"], currency="EUR"
                )
    """


@_hookspec
def relance_fetch_paid_invoices(
    source: PluginContext, start: date, end: date
) -> Iterable[Invoice] | None:
    """Return the invoices this source knows were paid (or closed), for the reports.

    Called by ``relance report`` (DSO, customer scores, recovery activity) for each
    enabled source. Return the invoices whose payment closed them during the period
    ``start`` to ``end`` (both included); a source that does not know when an invoice
    was paid returns every paid invoice issued in the period or before it. Each record
    has ``residual=0``, its ``issue_date``, its ``total`` and, when the source knows it,
    its ``paid_date``; stamp ``source=source.name`` as in ``relance_fetch_invoices``
    (same ``id`` for the same invoice). Credit notes are not needed.

    Return ``None`` (or do not implement the hook) when the source cannot list paid
    invoices: the reports then say that this source "cannot give paid invoices" and
    compute what they can from the open ones.

    :param source: the source instance.
    :param start: first day of the period.
    :param end: last day of the period.
    :returns: an iterable of paid :class:`~relance.model.Invoice`, or ``None``.

    Example::

        @hookimpl
        def relance_fetch_paid_invoices(source, start, end):
            for row in api.paid_invoices(paid_from=start, paid_to=end):
                yield Invoice(
                    source=source.name, id=str(row["id"]), number=row["number"],
                    customer=customer_of(row), issue_date=row["date"],
                    due_date=row["due"], currency="EUR", total=row["total"],
                    residual=0, paid_date=row["paid_on"],
                )
    """


@_hookspec(firstresult=True)
def relance_fetch_document(source: PluginContext, invoice: Invoice) -> Document | None:
    """Return the PDF of an invoice, to attach it to a reminder.

    Called when a message is rendered for sending or preview, once per invoice of the
    reminder (the oldest due first), for the source that produced the invoice, until
    a copy passes ``[templates] attachments_max_mb``. Check that what you return is
    really a PDF (not an HTML login page). Return ``None`` when the source has no
    document for this invoice; raise :class:`~relance.errors.ConnectorError` when it
    has one but cannot deliver it.

    :param source: the source instance that produced ``invoice``.
    :param invoice: the invoice whose document is wanted.
    :returns: a :class:`~relance.model.Document`, or ``None``.

    Example::

        @hookimpl
        def relance_fetch_document(source, invoice):
            pdf = session.get(invoice.document_url, timeout=30).content
            if not pdf.startswith(b"%PDF-"):
                return None
            return Document(filename=f"{invoice.number}.pdf", content=pdf)
    """


# ---------------------------------------------------------------------------
# Delivering reminders (channel plugins)
# ---------------------------------------------------------------------------


@_hookspec(firstresult=True)
def relance_send_reminder(channel: PluginContext, message: Message) -> Receipt | None:
    """Deliver one rendered message and return a receipt.

    Called by ``relance run`` for each message whose channel kind (``message.kind``:
    email, letter, sms...) this channel instance delivers (its ``kinds`` setting). The
    engine has already recorded an intent in the history; what you return settles it.
    Reuse connections through ``channel.resource(...)``: one run may send thousands of
    messages. Never retry in a loop: raise :class:`~relance.errors.ChannelError` (with
    ``permanent=True`` when retrying cannot help) and the engine records the failure and
    retries on a later run.

    Return ``None`` to say this channel does not handle this message; the engine then
    reports the channel as misconfigured rather than guessing.

    :param channel: the channel instance.
    :param message: the message: recipients, subject, text and HTML bodies,
        attachments, and the keys that tie it to the history.
    :returns: a :class:`~relance.model.Receipt` (message id, provider reference).

    Example::

        @hookimpl
        def relance_send_reminder(channel, message):
            reference = sms_api.send(message.to[0], message.text)
            return Receipt(channel=channel.name, provider_reference=reference)
    """


# ---------------------------------------------------------------------------
# Recording history (any plugin)
# ---------------------------------------------------------------------------


@_hookspec
def relance_record_history(context: PluginContext, event: HistoryEvent) -> None:
    """Mirror one history event, e.g. into the ERP the invoices came from.

    Called for every enabled instance that implements it, after the built-in history
    store has recorded the event (the store is the authority; this is a mirror). Only a
    claim is on disk by then; any other event is made durable with the next claim or
    when the run ends, so a power cut in between can leave the mirror with an event the
    store lost (a ``sent`` then recorded again by ``relance resolve``): a mirror should
    not mind seeing an outcome twice. A connector typically writes a note on the invoice
    or the customer (an Odoo chatter note, an Axonaut event) for ``sent`` events of its
    own source (``event.source == context.name``) and ignores the others.

    A failing mirror never loses the event and never stops the run: the failure is
    logged, shown in the run summary, and the run goes on. Not called in dry runs.

    :param context: the instance receiving the event.
    :param event: the event that was recorded.
    :returns: nothing.

    Example::

        @hookimpl
        def relance_record_history(context, event):
            if event.type == "sent" and event.source == context.name:
                for invoice_id in event.invoice_ids:
                    api.post_note(invoice_id, f"Reminder {event.level} sent by {event.channel}")
    """


# ---------------------------------------------------------------------------
# Contributing resources (any plugin)
# ---------------------------------------------------------------------------


@_hookspec
def relance_template_dirs(context: PluginContext) -> Iterable[Path] | None:
    """Return folders of message templates this plugin contributes.

    Called once per enabled instance when the template environment is built. Templates
    are looked up by relative name (``fr/first.j2`` for a level's wording in a language,
    ``email.txt.j2`` for a layout), first in the user's template folder, then in the
    folders returned here (in instance-name order), then in relance's own templates.
    Contribute a language, a level, or a house style.

    :param context: the instance.
    :returns: an iterable of folders.

    Example::

        @hookimpl
        def relance_template_dirs(context):
            return [Path(__file__).parent / "templates"]
    """


@_hookspec
def relance_jurisdictions(context: PluginContext) -> Iterable[Jurisdiction] | None:
    """Return the late-payment jurisdictions this plugin contributes (Belgium, Spain...).

    Called once per enabled instance when the legal rules of a command are built (by
    ``relance penalties``, and before planning reminders that quote penalties). relance's
    own jurisdictions (``fr-b2b``, ``fr-b2c``, ``de-b2b``, ``de-b2c``, ``uk-b2b``) come
    from a built-in plugin implementing this same hook and are always available; a
    plugin adds jurisdictions under new names (``<country>-b2b`` / ``<country>-b2c`` by
    convention, which is what a customer's country maps to). A name that is already
    taken is an error naming the plugin.

    A jurisdiction subclasses :class:`relance.legal.Jurisdiction`: its ``compute`` turns
    a :class:`relance.legal.Claim` into a :class:`relance.legal.Penalty`, using
    :func:`relance.legal.accrue` (exact interest, split at 1 January and 1 July) and
    :func:`relance.legal.settle` (rounding as configured). Its ``rate_tables()`` may ship
    rate tables (:meth:`relance.legal.RateSeries.load`), which users extend in
    ``[legal.rates.<table>]`` like relance's own. Its ``currency`` is that of the
    amounts the law sets; ``any_currency = True`` lets a debt in another currency bear
    interest in that currency, the indemnity staying in ``currency`` (France, Germany);
    by default such a debt is refused and its customer held at the levels quoting
    penalties.

    :param context: the instance.
    :returns: an iterable of :class:`relance.legal.Jurisdiction`, or ``None``.

    Example::

        class BelgiumB2B(Jurisdiction):
            name = "be-b2b"
            title = "Belgium, between businesses (loi du 2 août 2002)"
            currency = "EUR"

            def rate_tables(self):
                return [RateSeries.load(Path(__file__).parent / "be_b2b_rate.toml")]

            def compute(self, claim, rules):
                table = rules.rates["be_b2b_rate"]
                segments = accrue(
                    claim.principal, claim.first_day, claim.on,
                    lambda day: table.for_half_year(HalfYear.of(day)),
                )
                indemnity = Decimal(40) if claim.is_late else Decimal(0)
                return settle(self, claim, segments, indemnity, rules)

        @hookimpl
        def relance_jurisdictions(context):
            return [BelgiumB2B()]
    """
