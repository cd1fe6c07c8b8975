"""The connector contract: what relance's engine relies on from every source plugin.

A connector author subclasses :class:`ConnectorContract` in their own test suite, names
their plugin, and provides one fixture, ``connector``, returning a
:class:`ConnectorSetup`: the ``[sources.<name>]`` table to configure, the fake system
to run against, and the secrets to put in the environment. Every ``test_*`` method
then runs against a real configuration, plugin registry and plugin host, exactly as
``relance run`` calls the hooks. When a check fails, its message says what is wrong and
how to fix it.

A check that cannot apply to a system (an API without credit notes) is skipped by
naming it in ``skip_reasons`` with the reason; overriding a check is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import pytest
from babel.numbers import get_currency_precision

from relance.errors import ConfigError, ConnectorError, PluginError, RelanceError
from relance.model import Balance, Customer, DocumentKind, HistoryEvent, Invoice, InvoiceStatus
from relance.plugins import PluginStatus
from relance.testing.fakes import FakeSource
from relance.testing.harness import ConnectorHarness, Run
from relance.testing.ledgers import SAMPLE_DAY, events_for

__all__ = ["ConnectorContract", "ConnectorSetup"]

_FETCH = "relance_fetch_invoices"
_REFRESH = "relance_refresh_balances"
_RECORD = "relance_record_history"
_PAID = (InvoiceStatus.PAID, InvoiceStatus.IN_PAYMENT)
_MIN_MESSAGE_WORDS = 4


@dataclass(frozen=True)
class ConnectorSetup:
    """What the contract needs to run a connector: its configuration and its fake system.

    :ivar table: the ``[sources.<name>]`` table, as a user writes it in ``relance.toml``
        (without ``plugin``, which the contract adds).
    :ivar fake: the fake system, serving at least two open invoices (see
        :class:`~relance.testing.FakeSource`).
    :ivar secrets: environment variables to set, name to value (the API key the table
        names with a ``SecretEnv``); the contract checks these values never leak.
    :ivar credit_note_ids: the ``Invoice.id`` of every open credit note the fake serves.
    :ivar today: the run's date (default: :data:`relance.testing.ledgers.SAMPLE_DAY`).
    """

    table: Mapping[str, Any]
    fake: FakeSource
    secrets: Mapping[str, str] = field(default_factory=dict)
    credit_note_ids: Collection[str] = ()
    today: date = SAMPLE_DAY


def _fail(problem: str, fix: str) -> NoReturn:
    """Fail a check with a message for the connector's author: what is wrong, what to do."""
    pytest.fail(f"{problem}\n\nHow to fix it: {fix}", pytrace=False)


def _open_invoices(items: Iterable[Invoice]) -> list[Invoice]:
    return [i for i in items if i.kind is DocumentKind.INVOICE and i.residual > 0]


def _decimals(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _check_money(what: str, amount: object, currency: str) -> None:
    if not isinstance(amount, Decimal):
        _fail(
            f"{what} is a {type(amount).__name__} ({amount!r}), not a Decimal.",
            "build records with Invoice(...) or Invoice.model_validate(...), never "
            "model_construct(): validation turns amounts into Decimal.",
        )
    if _decimals(amount) > get_currency_precision(currency):
        _fail(
            f"{what} is {amount}, with more decimals than {currency} has "
            f"({get_currency_precision(currency)}).",
            "parse amounts from the text your system sends (Decimal('12.30')) or round "
            "them to the cent; Decimal(12.3) from a float gives 12.300000000000000710...",
        )


class ConnectorContract:
    """Subclass me in your connector's tests, set :attr:`plugin`, provide ``connector``.

    Example::

        class TestFacturoConnector(ConnectorContract):
            plugin = "facturo"
            skip_reasons = {"test_credit_notes_are_marked": "Facturo has no credit notes"}

            @pytest.fixture
            def connector(self, fake_facturo):
                return ConnectorSetup(
                    table={"base_url": BASE, "token_env": "FACTURO_TOKEN"},
                    fake=fake_facturo,
                    secrets={"FACTURO_TOKEN": TOKEN},
                )
    """

    #: The plugin name: the name of your entry point in the ``relance`` group.
    plugin: ClassVar[str] = ""
    #: Check name -> why it cannot apply to your system. The check is then skipped.
    skip_reasons: ClassVar[Mapping[str, str]] = {}

    @property
    def instance(self) -> str:
        """The instance the contract configures: not the plugin name, on purpose.

        Users enable a plugin twice under two names (``plugin = "..."``); a connector
        that stamps its plugin name instead of the instance name breaks them.
        """
        return f"{self.plugin}-contract"

    # -- fixtures ------------------------------------------------------------------

    @pytest.fixture
    def connector(self) -> ConnectorSetup:
        """Override this fixture: return the ConnectorSetup of your connector."""
        _fail(
            f"{type(self).__name__} does not provide the `connector` fixture.",
            "define `@pytest.fixture def connector(self, ...)` in your test class, "
            "returning ConnectorSetup(table=..., fake=..., secrets=...).",
        )

    @pytest.fixture(autouse=True)
    def _contract_rules(self, request: pytest.FixtureRequest) -> None:
        """Skip the checks the subclass gave a reason for."""
        name = getattr(request.node, "originalname", request.node.name)
        reason = self.skip_reasons.get(name)
        if reason and name != "test_no_check_is_overridden_or_skipped_without_reason":
            pytest.skip(reason)

    @pytest.fixture
    def harness(
        self, connector: ConnectorSetup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> ConnectorHarness:
        """The connector configured in ``tmp_path/relance.toml``, its secrets set."""
        if not self.plugin:
            _fail(
                f"{type(self).__name__} does not name the plugin it checks.",
                'set `plugin = "<your entry-point name>"` in the class.',
            )
        if not isinstance(connector.fake, FakeSource):
            _fail(
                f"the fake {type(connector.fake).__name__} lacks methods the contract calls.",
                "give it mark_paid(invoice_id), go_down(), reject_credentials() and "
                "writes() (see relance.testing.FakeSource).",
            )
        for variable, value in connector.secrets.items():
            monkeypatch.setenv(variable, value)
        try:
            return ConnectorHarness.configure(
                plugin=self.plugin,
                instance=self.instance,
                table=connector.table,
                folder=tmp_path,
                today=connector.today,
            )
        except ConfigError as exc:
            _fail(
                f"relance cannot configure your connector:\n{exc}",
                f"install your package (pip install -e .) so that its entry point "
                f"`{self.plugin}` in the `relance` group is found, and give the "
                f"`connector` fixture a table your settings model accepts.",
            )

    @pytest.fixture
    def fetched(self, harness: ConnectorHarness) -> list[Invoice]:
        """The open items of one run, fetched through the host as the engine does."""
        with harness.run() as run:
            items = self._fetch(run)
        if len(_open_invoices(items)) < 2:
            _fail(
                f"relance_fetch_invoices returned {len(items)} records, of which "
                f"{len(_open_invoices(items))} open invoices; the contract needs two.",
                "serve at least two open invoices (kind invoice, something left to pay) "
                "from the fake system of your `connector` fixture.",
            )
        return items

    def _fetch(self, run: Run) -> list[Invoice]:
        try:
            return run.fetch()
        except PluginError as exc:
            _fail(
                f"relance rejected what relance_fetch_invoices returned:\n{exc}",
                "yield relance.Invoice records stamped with source=source.name; translate "
                "your client library's errors into ConnectorError (raise ... from exc).",
            )
        except RelanceError as exc:
            _fail(
                f"relance_fetch_invoices raised {type(exc).__name__} against the fake:\n{exc}",
                "serve every request your connector makes from the fake of your "
                "`connector` fixture, shaped as the real system answers.",
            )

    # -- the plugin ------------------------------------------------------------------

    def test_plugin_loads_through_its_entry_point(self, harness: ConnectorHarness) -> None:
        """The plugin is installed, found in the ``relance`` entry-point group, and loads.

        Troubleshooting: ``[project.entry-points.relance]`` in your pyproject.toml must
        name your module (``facturo = "relance_facturo"``); reinstall after changing it.
        """
        info = harness.registry.infos[self.plugin]
        if info.status is not PluginStatus.LOADED or info.distribution is None:
            _fail(
                f"plugin {self.plugin!r} is {info.status.value} ({info.origin}): {info.error}",
                "install your distribution so that relance finds it through its entry point.",
            )
        for hook in (_FETCH, _REFRESH):
            if not harness.registry.implements(self.plugin, hook):
                _fail(
                    f"plugin {self.plugin!r} does not implement {hook}.",
                    f"add `@hookimpl def {hook}(...)` to the module your entry point names.",
                )

    # -- reading ---------------------------------------------------------------------

    def test_records_are_typed_and_valid(self, fetched: list[Invoice]) -> None:
        """Every record is a valid Invoice: Decimal money, residual <= total, a Customer.

        Troubleshooting: build records with ``Invoice(...)`` (validated), parse amounts
        from text into ``Decimal``, and report a bad record as a ConnectorError naming it.
        """
        for item in fetched:
            label = f"record {item.number!r} (id {item.id!r})"
            try:
                again = Invoice.model_validate(item.model_dump())
            except ValueError as exc:
                _fail(
                    f"{label} is not a valid Invoice: {exc}",
                    "never use model_construct(); let Invoice(...) validate each record.",
                )
            if again != item:
                _fail(
                    f"{label} changes when validated again: {item!r} -> {again!r}",
                    "build records with Invoice(...), never model_construct().",
                )
            _check_money(f"{label}: total", item.total, item.currency)
            _check_money(f"{label}: residual", item.residual, item.currency)
            if item.residual > item.total:
                _fail(
                    f"{label} has residual {item.residual} above its total {item.total}.",
                    "residual is what is still owed, never more than the total.",
                )
            if not isinstance(item.customer, Customer):
                _fail(f"{label} has no Customer.", "give every record its relance.Customer.")

    def test_records_carry_the_instance_name_as_source(self, harness: ConnectorHarness) -> None:
        """Every record's ``source`` is the instance name, not the plugin name.

        Troubleshooting: stamp ``source=source.name`` (the hook's ``source`` argument);
        the same plugin can be enabled twice under two names.
        """
        with harness.run() as run:
            items = run.fetch_raw()
        for item in items:
            found = getattr(item, "source", None)
            if found != self.instance:
                _fail(
                    f"a record has source={found!r}; this instance is named {self.instance!r}.",
                    "set source=source.name on every record (source is the hook's "
                    "first argument, the PluginContext of the instance).",
                )

    def test_ids_are_unique_and_stable_across_fetches(
        self, harness: ConnectorHarness, fetched: list[Invoice]
    ) -> None:
        """Ids are unique in a fetch, and the same records keep the same ids in the next run.

        Troubleshooting: use the system's own identifier (a database id), never a row
        number, a position in a page, or anything computed from changing data.
        """
        ids = [item.id for item in fetched]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            _fail(
                f"ids returned more than once in one fetch: {twice}.",
                "give each record the system's own unique identifier; read every page once.",
            )
        with harness.run() as run:
            again = {item.id: item for item in self._fetch(run)}
        first = {item.id: item for item in fetched}
        if set(again) != set(first):
            _fail(
                f"a second run returned other ids: first {sorted(first)}, then {sorted(again)}.",
                "ids must be stable across runs: use the system's identifier.",
            )
        for invoice_id, item in first.items():
            if (again[invoice_id].number, again[invoice_id].kind) != (item.number, item.kind):
                _fail(
                    f"id {invoice_id!r} names record {item.number!r} ({item.kind.value}) then "
                    f"{again[invoice_id].number!r} ({again[invoice_id].kind.value}).",
                    "an id must always name the same document.",
                )

    def test_credit_notes_are_marked(
        self, connector: ConnectorSetup, fetched: list[Invoice]
    ) -> None:
        """Credit notes come as ``kind=credit_note`` with a positive residual.

        Troubleshooting: a credit note reduces what the customer owes; returned as an
        invoice, it would be reminded. Amounts are magnitudes: ``kind`` carries the sign.
        """
        declared = set(connector.credit_note_ids)
        if not declared:
            _fail(
                "the `connector` fixture declares no credit note (credit_note_ids).",
                "serve an open credit note from your fake and list its id in "
                "credit_note_ids; if your system has none, add this check to "
                "skip_reasons with the reason.",
            )
        credits = {item.id for item in fetched if item.kind is DocumentKind.CREDIT_NOTE}
        if credits != declared:
            _fail(
                f"records marked credit_note: {sorted(credits)}; declared: {sorted(declared)}.",
                "map your system's credit notes (negative invoices, 'avoirs', type "
                "fields) to kind=DocumentKind.CREDIT_NOTE with positive amounts.",
            )

    # -- re-checking balances before sending -------------------------------------------

    def test_refresh_returns_exactly_the_ids_asked(
        self, harness: ConnectorHarness, fetched: list[Invoice]
    ) -> None:
        """``relance_refresh_balances`` answers one Balance per id asked, and no other.

        Troubleshooting: filter your answer on ``invoice_ids``; answer credit notes too
        (a reminder lists them); give each Balance the record's currency.
        """
        first = _open_invoices(fetched)[0]
        expected = {item.id: item for item in fetched}
        with harness.run() as run:
            self._fetch(run)
            one = self._balances(run, [first.id])
            if set(one) != {first.id}:
                _fail(
                    f"asked for [{first.id!r}], relance_refresh_balances answered for "
                    f"{sorted(one)}.",
                    "answer only for the ids in invoice_ids (a long answer costs the "
                    "engine time and hides mistakes).",
                )
            every = self._balances(run, list(expected))
        missing = sorted(set(expected) - set(every))
        if missing:
            _fail(
                f"no balance for open items {missing}: the engine would take them as paid.",
                "answer a Balance for every id asked that is still open, credit notes included.",
            )
        for invoice_id, balance in every.items():
            item = expected[invoice_id]
            if (balance.residual, balance.currency) != (item.residual, item.currency):
                _fail(
                    f"balance of {item.number!r}: {balance.residual} {balance.currency}; the "
                    f"fetch said {item.residual} {item.currency}, and nothing changed since.",
                    "read residual and currency the same way in both hooks.",
                )

    def test_refresh_reads_current_residuals(
        self, harness: ConnectorHarness, connector: ConnectorSetup, fetched: list[Invoice]
    ) -> None:
        """A payment arriving after the fetch shows in the re-check of the same run.

        Troubleshooting: ask your system again in ``relance_refresh_balances``; never
        answer from what ``relance_fetch_invoices`` read earlier in the run.
        """
        paid, unpaid = _open_invoices(fetched)[:2]
        with harness.run() as run:
            self._fetch(run)
            connector.fake.mark_paid(paid.id)
            balances = self._balances(run, [paid.id, unpaid.id])
        now = balances.get(paid.id)
        if now is not None and now.residual != 0 and now.status not in _PAID:
            _fail(
                f"invoice {paid.number!r} was paid after the fetch, but the re-check still "
                f"says {now.residual} {now.currency} is owed: it would be reminded.",
                "read the current balance from the system in relance_refresh_balances "
                "(no cache), and leave out or zero the invoices that are paid.",
            )
        if unpaid.id not in balances or balances[unpaid.id].residual != unpaid.residual:
            _fail(
                f"invoice {unpaid.number!r} is still unpaid, but the re-check answered "
                f"{balances.get(unpaid.id)!r}.",
                "marking one invoice paid must not change the others' balances.",
            )

    def _balances(self, run: Run, ids: list[str]) -> dict[str, Balance]:
        try:
            answer = run.refresh(ids)
        except RelanceError as exc:
            _fail(
                f"relance_refresh_balances({ids}) raised {type(exc).__name__}:\n{exc}",
                "serve the requests of the re-check from your fake; answer an unknown id "
                "by leaving it out.",
            )
        balances: dict[str, Balance] = {}
        for balance in answer:
            if not isinstance(balance, Balance):
                _fail(
                    f"relance_refresh_balances returned a {type(balance).__name__}: {balance!r}.",
                    "yield relance.Balance(invoice_id=..., residual=..., currency=...).",
                )
            _check_money(f"balance of {balance.invoice_id!r}", balance.residual, balance.currency)
            balances[balance.invoice_id] = balance
        return balances

    # -- paid invoices (the reports) -------------------------------------------------

    def test_paid_invoices_are_the_invoices_paid_in_the_period(
        self, harness: ConnectorHarness, connector: ConnectorSetup, fetched: list[Invoice]
    ) -> None:
        """``relance_fetch_paid_invoices`` (optional) gives the invoices paid: one paid
        after the fetch is among them, one still owed is not, and each is an invoice of
        the instance with nothing owed, paid in the period when the day is known.

        Troubleshooting: the reports count these as sales and payments. Return invoices
        (not credit notes) with ``residual=0`` and ``paid_date`` when the system says
        it; return ``None`` (or do not implement the hook) when it cannot list them.
        """
        paid, unpaid = _open_invoices(fetched)[:2]
        end = connector.today
        start = end - timedelta(days=365)
        with harness.run() as run:
            connector.fake.mark_paid(paid.id)
            try:
                found = run.fetch_paid(start, end)
            except RelanceError as exc:
                _fail(
                    f"relance_fetch_paid_invoices raised {type(exc).__name__}:\n{exc}",
                    "serve its requests from your fake; yield relance.Invoice records "
                    "stamped with source=source.name.",
                )
        if found is None:
            pytest.skip("the plugin gives no paid invoices (relance_fetch_paid_invoices)")
        ids = {invoice.id for invoice in found}
        if paid.id not in ids or unpaid.id in ids:
            _fail(
                f"invoice {paid.number!r} was paid and {unpaid.number!r} was not, but the "
                f"paid invoices are {sorted(ids)}.",
                "return the invoices paid in the period, read from the system.",
            )
        for invoice in found:
            if invoice.kind is not DocumentKind.INVOICE or invoice.residual != 0:
                _fail(
                    f"paid invoice {invoice.number!r} is a {invoice.kind.value} owing "
                    f"{invoice.residual} {invoice.currency}.",
                    "return only invoices, each with residual=0 (its total paid).",
                )
            if invoice.paid_date is not None and not start <= invoice.paid_date <= end:
                _fail(
                    f"invoice {invoice.number!r} was paid on {invoice.paid_date}, outside "
                    f"the period {start} to {end} that was asked for.",
                    "return the invoices paid from start to end (both included).",
                )

    # -- writing history ------------------------------------------------------------

    def _history_events(self, fetched: list[Invoice], today: date) -> Iterator[HistoryEvent]:
        item = _open_invoices(fetched)[0]
        yield from events_for(item, on=today)
        yield from events_for(item.model_copy(update={"source": "another-source"}), on=today)

    def test_history_accepts_every_event_type(
        self, harness: ConnectorHarness, fetched: list[Invoice]
    ) -> None:
        """``relance_record_history`` takes every event type, of this source or another.

        Troubleshooting: mirror the events you care about (usually ``sent`` of your own
        source, ``event.source == context.name``) and return quietly for the others.
        """
        with harness.run() as run:
            if not run.implements(_RECORD):
                pytest.skip(f"{self.plugin} does not implement {_RECORD}")
            for event in self._history_events(fetched, harness.today):
                failures = run.record(event)
                if failures:
                    _fail(
                        f"recording a {event.type.value!r} event of source {event.source!r} "
                        f"failed: {failures[0].error}",
                        "ignore the event types and sources you do not mirror; serve the "
                        "requests of the ones you do from your fake.",
                    )

    def test_history_writes_nothing_in_a_dry_run(
        self, harness: ConnectorHarness, connector: ConnectorSetup, fetched: list[Invoice]
    ) -> None:
        """In a dry run (``context.dry_run``), recording history changes nothing anywhere.

        Troubleshooting: start ``relance_record_history`` with
        ``if context.dry_run: return``.
        """
        before = len(connector.fake.writes())
        with harness.run(dry_run=True) as run:
            if not run.implements(_RECORD):
                pytest.skip(f"{self.plugin} does not implement {_RECORD}")
            for event in self._history_events(fetched, harness.today):
                run.record_directly(event)
        written = list(connector.fake.writes())[before:]
        if written:
            _fail(
                f"a dry run wrote into the system: {written}",
                "return from relance_record_history when context.dry_run is true.",
            )

    # -- errors and secrets ----------------------------------------------------------

    def _expect_connector_error(self, harness: ConnectorHarness, situation: str) -> ConnectorError:
        errors: list[ConnectorError] = []
        with harness.run() as run:
            for hook, call in ((_FETCH, run.fetch), (_REFRESH, lambda: run.refresh(["1"]))):
                try:
                    answer: object = call()
                except ConnectorError as exc:
                    self._check_message(exc, hook, situation)
                    errors.append(exc)
                    continue
                except RelanceError as exc:
                    cause = exc.__cause__
                    _fail(
                        f"when {situation}, {hook} raised {type(exc).__name__}"
                        + (f" caused by {type(cause).__name__}" if cause else "")
                        + f":\n{exc}",
                        "catch your client library's errors at your boundary and raise "
                        "ConnectorError (ConnectorUnavailable, ConnectorAuthError) from them, "
                        "with a message saying what failed and what to do.",
                    )
                _fail(
                    f"when {situation}, {hook} returned {answer!r} instead of raising.",
                    "never hide a failure behind an empty answer: the engine would take "
                    "every invoice as paid. Raise ConnectorError.",
                )
        return errors[0]

    def _check_message(self, exc: ConnectorError, hook: str, situation: str) -> None:
        shown = str(exc)
        own = str(exc.args[0]) if exc.args else ""
        if self.plugin not in shown or len(own.split()) < _MIN_MESSAGE_WORDS:
            _fail(
                f"when {situation}, {hook} raised {type(exc).__name__}({own!r}), shown as "
                f"{shown!r}: too short to act on.",
                "say what failed and what the user can do, e.g. 'Facturo refused the API "
                "key from FACTURO_TOKEN (HTTP 401); copy a new key into FACTURO_TOKEN'.",
            )

    def test_an_unreachable_system_raises_a_connector_error(
        self, harness: ConnectorHarness, connector: ConnectorSetup
    ) -> None:
        """A system that is down gives a ConnectorError with a message a person can act on.

        Troubleshooting: ``except requests.RequestException as exc: raise
        ConnectorUnavailable("Cannot reach ... at URL; try again later") from exc``. Make
        retries fast in tests (a ``retries`` or ``backoff`` setting in your table).
        """
        connector.fake.go_down()
        error = self._expect_connector_error(harness, "the system is down")
        self._check_no_secret(connector, [str(error)], "the error message")

    def test_refused_credentials_raise_a_connector_error_without_the_secret(
        self, harness: ConnectorHarness, connector: ConnectorSetup
    ) -> None:
        """Refused credentials give a ConnectorError that names the variable, never its value.

        Troubleshooting: raise ``ConnectorAuthError`` naming the environment variable
        (``FACTURO_TOKEN``); quote the server's answer only after removing the secret
        (``relance.secrets.redact``).
        """
        connector.fake.reject_credentials()
        error = self._expect_connector_error(harness, "the credentials are refused")
        self._check_no_secret(connector, [str(error), repr(error)], "the error message")

    def test_secrets_never_appear_in_reprs_or_logs(
        self,
        harness: ConnectorHarness,
        connector: ConnectorSetup,
        fetched: list[Invoice],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """No secret value in the logs of a whole run, nor in any repr of what it built.

        Troubleshooting: keep secrets in ``SecretEnv`` fields and call ``.reveal()`` only
        to build the request; mark fields that hold them ``repr=False``; never log
        headers or URLs that carry a key.
        """
        if not connector.secrets:
            pytest.skip("the `connector` fixture declares no secrets")
        caplog.set_level(logging.DEBUG)
        with harness.run() as run:
            items = self._fetch(run)
            balances = run.refresh([item.id for item in items])
            for event in self._history_events(fetched, harness.today):
                run.record(event)
            shown = [
                repr(run.context),
                repr(run.context.settings),
                *(repr(resource) for resource in run.context._resources.values()),
                *(repr(item) for item in items),
                *(repr(balance) for balance in balances),
            ]
        self._check_no_secret(connector, shown, "a repr")
        self._check_no_secret(connector, [caplog.text], "the logs")

    def _check_no_secret(self, connector: ConnectorSetup, texts: list[str], where: str) -> None:
        for variable, value in connector.secrets.items():
            for text in texts:
                if value in text:
                    start = text.index(value)
                    excerpt = text[max(0, start - 60) : start].replace(value, "<SECRET>")
                    _fail(
                        f"the value of {variable} appears in {where}, after: {excerpt!r}",
                        "never format a secret, a header or a URL that carries it into a "
                        "message, a log line or a repr (dataclass fields: repr=False).",
                    )

    # -- the contract itself ------------------------------------------------------------

    def test_no_check_is_overridden_or_skipped_without_reason(self) -> None:
        """Checks are skipped with a reason in ``skip_reasons``, never overridden.

        Troubleshooting: remove your ``test_*`` method of the same name as a contract
        check; name the check in ``skip_reasons`` with why it cannot apply.
        """
        checks = {name for name in dir(ConnectorContract) if name.startswith("test_")}
        for name in sorted(checks):
            if getattr(type(self), name) is not getattr(ConnectorContract, name):
                _fail(
                    f"{type(self).__name__} overrides the contract check {name}.",
                    "delete the override; if the check cannot apply, put "
                    f'"{name}": "<why>" in skip_reasons.',
                )
        for name, reason in self.skip_reasons.items():
            if name not in checks:
                _fail(
                    f"skip_reasons names {name!r}, which is not a contract check.",
                    f"use one of: {', '.join(sorted(checks))}.",
                )
            if not reason.strip():
                _fail(f"skip_reasons gives no reason for {name}.", "say why it cannot apply.")
