"""Plugin discovery, isolation of broken plugins, and the per-instance calling rule."""

from __future__ import annotations

import importlib.metadata
from decimal import Decimal
from pathlib import Path

import pytest

import relance
from relance import Balance, ConnectorError, Customer, Invoice, hookimpl
from relance.config import load_config
from relance.context import Role
from relance.errors import PluginError
from relance.plugins import DISABLE_AUTOLOAD_ENV, PluginRegistry, PluginStatus

from .conftest import COMPANY


def test_builtin_connectors_are_registered_through_the_entry_point_group() -> None:
    points = {ep.name: ep for ep in importlib.metadata.entry_points(group="relance")}
    for name, module in [
        ("csv", "relance_csv"),
        ("odoo", "relance_odoo"),
        ("axonaut", "relance_axonaut"),
    ]:
        assert points[name].value == module
        assert points[name].dist is not None
        assert points[name].dist.metadata["Name"] == "relance"
    registry = PluginRegistry()
    for name in ("csv", "odoo", "axonaut"):
        assert registry.infos[name].status is PluginStatus.LOADED
        assert registry.infos[name].builtin


@pytest.mark.usefixtures("fake_dist")
def test_a_third_party_plugin_is_discovered_with_its_distribution_and_hooks() -> None:
    registry = PluginRegistry()
    info = registry.infos["fakesource"]
    assert info.status is PluginStatus.LOADED
    assert (info.distribution, info.version) == ("relance-fake-plugins", "1.0")
    assert info.hooks == (
        "relance_check_connection",
        "relance_fetch_invoices",
        "relance_settings_model",
    )
    assert not info.builtin


@pytest.mark.usefixtures("fake_dist")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("fakebroken", "could not import 'relance_fake_broken': ModuleNotFoundError"),
        ("faketypo", "relance_fetch_invoice (did you mean relance_fetch_invoices?)"),
    ],
)
def test_broken_plugins_are_reported_by_name_and_skipped(name: str, expected: str) -> None:
    registry = PluginRegistry()
    info = registry.infos[name]
    assert info.status is PluginStatus.FAILED
    assert expected in (info.error or "")
    assert f"plugin {name!r} from relance-fake-plugins" in (info.error or "")
    assert registry.pm.get_plugin(name) is None
    # The good plugins are unaffected.
    assert registry.infos["fakesource"].status is PluginStatus.LOADED
    assert registry.infos["csv"].status is PluginStatus.LOADED


@pytest.mark.usefixtures("fake_dist")
def test_a_third_party_cannot_take_the_name_of_a_builtin_plugin() -> None:
    registry = PluginRegistry()
    assert registry.infos["csv"].distribution == "relance"
    assert registry.infos["csv"].status is PluginStatus.LOADED
    clash = registry.infos["csv (relance-fake-plugins 1.0)"]
    assert clash.status is PluginStatus.FAILED
    assert "already taken by relance" in (clash.error or "")


@pytest.mark.usefixtures("fake_dist")
def test_strict_mode_makes_a_broken_plugin_fatal() -> None:
    with pytest.raises(PluginError, match="relance-fake-plugins"):
        PluginRegistry(strict=True)


@pytest.mark.usefixtures("fake_dist")
def test_autoload_can_be_disabled_for_third_party_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    registry = PluginRegistry()
    assert registry.infos["fakesource"].status is PluginStatus.BLOCKED
    assert registry.pm.get_plugin("fakesource") is None
    assert registry.infos["csv"].status is PluginStatus.LOADED


@pytest.mark.usefixtures("fake_dist")
def test_only_enabled_plugins_take_part_in_a_run(
    write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    import relance_fake_good

    monkeypatch.setenv("FAKE_TOKEN", "t0ken-value")
    relance_fake_good.CALLS.clear()
    config = load_config(write_config(COMPANY), PluginRegistry())
    with config.host(today=config.company.today(), dry_run=True) as host:
        assert host.instances == []
    assert relance_fake_good.CALLS == []

    config = load_config(write_config(COMPANY + "[sources.fakesource]\n"), PluginRegistry())
    with config.host(today=config.company.today(), dry_run=True) as host:
        (source,) = host.sources
        invoices = list(host.fetch_invoices(source))
    assert [i.number for i in invoices] == ["F1", "F2"]
    assert {i.source for i in invoices} == {"fakesource"}
    assert relance_fake_good.CALLS == ["fetch:fakesource"]


@pytest.mark.usefixtures("fake_dist")
def test_one_plugin_can_be_enabled_twice_under_two_names(
    write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_TOKEN", "t0ken-value")
    text = (
        COMPANY
        + '[sources.north]\nplugin = "fakesource"\n[sources.south]\nplugin = "fakesource"\ngreeting = "hi"\n'
    )
    config = load_config(write_config(text), PluginRegistry())
    with config.host(today=config.company.today(), dry_run=True) as host:
        names = [ctx.name for ctx in host.sources]
        greetings = [ctx.settings.greeting for ctx in host.sources]  # type: ignore[attr-defined]
        fetched = {ctx.name: {i.source for i in host.fetch_invoices(ctx)} for ctx in host.sources}
    assert names == ["north", "south"]
    assert greetings == ["bonjour", "hi"]
    assert fetched == {"north": {"north"}, "south": {"south"}}


class _Misbehaving:
    """A plugin registered in-process, breaking the contract in configurable ways."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    @hookimpl
    def relance_fetch_invoices(self, source, since):
        customer = Customer(id="C", name="C")
        if self.mode == "crash":
            raise KeyError("missing column")
        if self.mode == "connector-error":
            raise ConnectorError("the server is down")
        if self.mode == "wrong-type":
            yield {"number": "F1"}
        if self.mode == "wrong-source":
            yield Invoice(
                source="other",
                id="1",
                number="F1",
                customer=customer,
                due_date="2025-01-01",
                currency="EUR",
                total=1,
                residual=1,
            )
        if self.mode == "crash-midway":
            yield Invoice(
                source=source.name,
                id="1",
                number="F1",
                customer=customer,
                due_date="2025-01-01",
                currency="EUR",
                total=1,
                residual=1,
            )
            raise ValueError("row 2 is garbage")


def _host_with(plugin: object, tmp_path: Path):
    registry = PluginRegistry(load_entrypoints=False)
    registry.register(plugin, "misbehaving", distribution="acme-relance-misbehaving 0.3")
    config_path = tmp_path / "relance.toml"
    config_path.write_text(COMPANY + "[sources.misbehaving]\n", encoding="utf-8")
    config = load_config(config_path, registry)
    return config.host(today=config.company.today(), dry_run=True)


@pytest.mark.parametrize(
    ("mode", "error", "message"),
    [
        (
            "crash",
            PluginError,
            "relance_fetch_invoices crashed: KeyError: 'missing column' (plugin 'misbehaving' from acme-relance-misbehaving 0.3)",
        ),
        ("connector-error", ConnectorError, "[misbehaving] the server is down"),
        ("wrong-type", PluginError, "relance_fetch_invoices returned dict, expected Invoice"),
        (
            "wrong-source",
            PluginError,
            "with source='other'; it must be the instance name 'misbehaving'",
        ),
        (
            "crash-midway",
            PluginError,
            "relance_fetch_invoices crashed: ValueError: row 2 is garbage",
        ),
    ],
)
def test_errors_from_a_plugin_name_the_plugin(
    mode: str, error: type[Exception], message: str, tmp_path: Path
) -> None:
    with _host_with(_Misbehaving(mode), tmp_path) as host, pytest.raises(error) as caught:
        list(host.fetch_invoices(host.instance("misbehaving", Role.SOURCE)))
    assert message in str(caught.value)


class _Counted(str):
    """An invoice id that counts the comparisons made with it."""

    __slots__ = ()
    comparisons = 0

    def __eq__(self, other: object) -> bool:
        _Counted.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


class _Refreshing:
    @hookimpl
    def relance_fetch_invoices(self, source, since):
        return []

    @hookimpl
    def relance_refresh_balances(self, source, invoice_ids):
        for invoice_id in invoice_ids:
            yield Balance(invoice_id=str(invoice_id), residual=Decimal(1), currency="EUR")


def test_balances_are_matched_to_the_ids_asked_without_comparing_each_to_all(
    tmp_path: Path,
) -> None:
    """A run re-reads the balances of every invoice it reminds: 200,000 of them at a
    million invoices, which one comparison per pair would take hours to match."""
    ids = [_Counted(f"F{n}") for n in range(2000)]
    with _host_with(_Refreshing(), tmp_path) as host:
        _Counted.comparisons = 0
        answer = host.refresh_balances(host.instance("misbehaving", Role.SOURCE), ids)
        balances = [balance.invoice_id for balance in answer]
    assert sorted(balances) == sorted(ids)
    assert _Counted.comparisons <= 2 * len(ids)


def test_a_failing_history_mirror_never_stops_the_others(tmp_path: Path) -> None:
    seen: list[str] = []

    class Mirror:
        def __init__(self, fail: bool) -> None:
            self.fail = fail

        @hookimpl
        def relance_record_history(self, context, event):
            if self.fail:
                raise RuntimeError("ERP unreachable")
            seen.append(f"{context.name}:{event.type}")

    registry = PluginRegistry(load_entrypoints=False)
    registry.register(Mirror(fail=True), "broken-mirror")
    registry.register(Mirror(fail=False), "good-mirror")
    path = tmp_path / "relance.toml"
    path.write_text(COMPANY + "[plugins.broken-mirror]\n[plugins.good-mirror]\n", encoding="utf-8")
    config = load_config(path, registry)
    with config.host(today=config.company.today(), dry_run=False) as host:
        failures = host.record_history(relance.HistoryEvent(type="sent"))
    assert seen == ["good-mirror:sent"]
    assert [f.instance for f in failures] == ["plugins.broken-mirror"]
    assert "ERP unreachable" in failures[0].error


def test_resources_are_reused_and_closed_at_the_end_of_the_run(tmp_path: Path) -> None:
    events: list[str] = []

    class Connection:
        def __enter__(self):
            events.append("open")
            return self

        def __exit__(self, *exc):
            events.append("close")

    class Source:
        @hookimpl
        def relance_fetch_invoices(self, source, since):
            first = source.resource("conn", Connection)
            second = source.resource("conn", Connection)
            assert first is second
            return []

    registry = PluginRegistry(load_entrypoints=False)
    registry.register(Source(), "pooled")
    path = tmp_path / "relance.toml"
    path.write_text(COMPANY + "[sources.pooled]\n", encoding="utf-8")
    config = load_config(path, registry)
    with config.host(today=config.company.today(), dry_run=True) as host:
        list(host.fetch_invoices(host.sources[0]))
        list(host.fetch_invoices(host.sources[0]))
        assert events == ["open"]
    assert events == ["open", "close"]


def test_a_check_that_fails_while_iterating_still_names_the_instance(tmp_path: Path) -> None:
    class LazyCheck:
        @hookimpl
        def relance_fetch_invoices(self, source, since):
            return []

        @hookimpl
        def relance_check_connection(self, context):
            yield relance.CheckResult(summary="logged in")
            raise ConnectorError("page 2 refused")

    with _host_with(LazyCheck(), tmp_path) as host, pytest.raises(ConnectorError) as caught:
        host.check_connection(host.instance("misbehaving", Role.SOURCE))
    assert str(caught.value) == "[misbehaving] page 2 refused"


def test_an_error_names_the_instance_when_a_plugin_is_enabled_twice(tmp_path: Path) -> None:
    registry = PluginRegistry(load_entrypoints=False)
    registry.register(_Misbehaving("connector-error"), "misbehaving")
    path = tmp_path / "relance.toml"
    tables = '[sources.north]\nplugin = "misbehaving"\n[sources.south]\nplugin = "misbehaving"\n'
    path.write_text(COMPANY + tables, encoding="utf-8")
    config = load_config(path, registry)
    host = config.host(today=config.company.today(), dry_run=True)
    with host, pytest.raises(ConnectorError) as caught:
        list(host.fetch_invoices(host.instance("south", Role.SOURCE)))
    assert str(caught.value) == "[south (misbehaving)] the server is down"


def test_history_mirrors_are_not_called_in_dry_runs(tmp_path: Path) -> None:
    seen: list[str] = []

    class Mirror:
        @hookimpl
        def relance_record_history(self, context, event):
            seen.append(context.name)

    registry = PluginRegistry(load_entrypoints=False)
    registry.register(Mirror(), "mirror")
    path = tmp_path / "relance.toml"
    path.write_text(COMPANY + "[plugins.mirror]\n", encoding="utf-8")
    config = load_config(path, registry)
    with config.host(today=config.company.today(), dry_run=True) as host:
        assert host.record_history(relance.HistoryEvent(type="sent")) == []
    with config.host(today=config.company.today(), dry_run=False) as host:
        host.record_history(relance.HistoryEvent(type="sent"))
    assert seen == ["mirror"]
