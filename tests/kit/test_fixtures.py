"""The kit's fixtures: a fresh registry, the hook recorder, the sample ledger and events."""

from __future__ import annotations

from datetime import date

import pytest

from relance import ConnectorError, DocumentKind, EventType, Invoice, hookimpl
from relance.plugins import PluginRegistry
from relance.testing import HookRecorder
from relance.testing.ledgers import events_for


class Source:
    @hookimpl
    def relance_fetch_invoices(self, source: object, since: object) -> list[Invoice]:
        raise ConnectorError("the ledger is locked by another program")


def test_a_fresh_registry_holds_no_plugin(relance_registry: PluginRegistry) -> None:
    assert relance_registry.plugins() == []
    assert relance_registry.pm.get_plugins() == set()


def test_hook_calls_records_the_plugin_the_arguments_and_the_error(
    relance_registry: PluginRegistry, hook_calls: HookRecorder
) -> None:
    relance_registry.register(Source(), "locked")

    with pytest.raises(ConnectorError, match=r"^\[locked\] the ledger is locked"):
        relance_registry.call_one("locked", "relance_fetch_invoices", source="ctx", since=None)

    (call,) = hook_calls.of("relance_fetch_invoices")
    assert (call.plugins, dict(call.kwargs)) == (("locked",), {"source": "ctx", "since": None})
    assert isinstance(call.raised, ConnectorError)
    assert hook_calls.hooks() == ["relance_fetch_invoices"]


def test_the_sample_ledger_is_varied(sample_invoices: list[Invoice]) -> None:
    kinds = {i.kind for i in sample_invoices}
    assert kinds == {DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE}
    assert {i.customer.kind.value for i in sample_invoices} == {"business", "consumer"}
    assert {i.currency for i in sample_invoices} == {"EUR", "CHF"}
    assert any(i.disputed for i in sample_invoices)
    assert any(0 < i.residual < i.total for i in sample_invoices)
    assert len({i.key for i in sample_invoices}) == len(sample_invoices)


def test_events_for_gives_one_event_of_every_type(sample_invoices: list[Invoice]) -> None:
    item = sample_invoices[0]
    events = events_for(item, on=date(2026, 3, 16))
    assert [e.type for e in events] == list(EventType)
    assert {(e.source, e.customer_id, e.invoice_ids) for e in events} == {("csv", "C1", (item.id,))}
    sent = next(e for e in events if e.type is EventType.SENT)
    assert (sent.level, sent.channel, sent.recipient) == ("first", "email", "compta@client.fr")
    promised = next(e for e in events if e.type is EventType.PROMISED)
    assert promised.until == date(2026, 3, 23)
