"""The hooks, through the real plugin manager: fetch, refresh, documents, journal, check."""

from __future__ import annotations

import csv
import json
import logging
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from relance import Balance, ChannelKind, EventType, HistoryEvent, InputError, Money, Role
from relance.config import load_config
from relance.plugins import PluginHost, PluginRegistry

TODAY = date(2025, 6, 16)


@pytest.fixture
def host(
    write_config: Callable[[str], Path], tmp_path: Path, data: Path
) -> Callable[..., PluginHost]:
    """A plugin host with ``[sources.csv]`` configured by ``settings`` (TOML lines)."""
    hosts: list[PluginHost] = []

    def make(file: str, settings: str = "", *, dry_run: bool = False) -> PluginHost:
        shutil.copy(data / file, tmp_path / Path(file).name)
        config = load_config(
            write_config(f'[sources.csv]\npath = "{Path(file).name}"\n{settings}'),
            PluginRegistry(),
        )
        made = config.host(today=TODAY, dry_run=dry_run, roles=[Role.SOURCE])
        hosts.append(made)
        return made

    yield make  # type: ignore[misc]
    for made in hosts:
        made.close()


def test_fetch_streams_records_stamped_with_the_instance_name(host) -> None:
    plugins = host("sage_cp1252.csv")
    source = plugins.sources[0]
    invoices = list(plugins.fetch_invoices(source))
    assert [(i.source, i.id) for i in invoices] == [
        ("csv", "FA-2025-0101"), ("csv", "FA-2025-0102"), ("csv", "AV-2025-0007"),
    ]  # fmt: skip


def test_fetch_stops_the_run_with_every_problem(host) -> None:
    plugins = host("bad_rows.csv")
    with pytest.raises(InputError) as caught:
        list(plugins.fetch_invoices(plugins.sources[0]))
    error = caught.value
    assert error.plugin == "csv"
    assert error.summary == (
        "bad_rows.csv: 7 problem(s) found; nothing is planned until they are fixed "
        "(or set skip_invalid = true to skip the rows at fault)."
    )
    assert len(error.problems) == 7
    assert (
        str(error.problems[0])
        == "bad_rows.csv, line 3, column 'Montant TTC': not an amount: 'douze'"
    )


def test_skip_invalid_skips_the_bad_rows_and_logs_them(
    host, caplog: pytest.LogCaptureFixture
) -> None:
    plugins = host("bad_rows.csv", "skip_invalid = true")
    with caplog.at_level(logging.WARNING, logger="relance_csv"):
        invoices = list(plugins.fetch_invoices(plugins.sources[0]))
    assert [i.id for i in invoices] == ["B-1", "B-7"]
    messages = [record.getMessage() for record in caplog.records]
    assert "bad_rows.csv: 7 invalid row(s) skipped" in messages
    assert "bad_rows.csv, line 4, column 'Échéance': not a valid date: '31/02/2025'" in messages


def test_refresh_rereads_the_file_absent_or_zero_means_paid(host, tmp_path: Path) -> None:
    plugins = host("sage_cp1252.csv")
    source = plugins.sources[0]
    export = tmp_path / "sage_cp1252.csv"
    text = export.read_bytes().decode("cp1252")
    text = text.replace(
        "FA-2025-0102;C002;Café Müller;10/05/2025;10/06/2025;1\u00a0200,00;450,00",
        "FA-2025-0102;C002;Café Müller;10/05/2025;10/06/2025;1\u00a0200,00;0,00",
    )
    text = text.replace("AV-2025-0007;C001;Boulangerie Égée;12/05/2025;;-120,00;-120,00\r\n", "")
    text = text.replace("2\u00a0430,50;2\u00a0430,50", "2\u00a0430,50;1\u00a0000,00")
    export.write_bytes(text.encode("cp1252"))
    ids = ["FA-2025-0101", "FA-2025-0102", "AV-2025-0007"]
    assert list(plugins.refresh_balances(source, ids)) == [
        Balance(
            invoice_id="FA-2025-0101",
            residual=D("1000.00"),
            currency="EUR",
            status="partial",
            disputed=False,
        )
    ]


def test_refresh_reads_only_the_rows_asked_for(host, tmp_path: Path, data: Path) -> None:
    """A re-read looks at the invoices asked for: a row gone bad elsewhere in the file
    does not stop the run, nor does the customers file, which a balance does not need."""
    shutil.copy(data / "joined" / "clients.csv", tmp_path / "clients.csv")
    plugins = host("joined/factures.csv", 'customers_path = "clients.csv"')
    source = plugins.sources[0]
    export = tmp_path / "factures.csv"
    text = export.read_bytes().decode("cp1252")
    text = text.replace(
        "J-2;CL02;05/06/2025;200,00;200,00", "J-2;CL02;05/06/2025;deux cents;200,00"
    )
    text = text.replace("J-3;CL01;05/07/2025;300,00;300,00", "J-3;CL01;05/07/2025;300,00;120,00")
    export.write_bytes(text.encode("cp1252"))
    (tmp_path / "clients.csv").unlink()
    assert list(plugins.refresh_balances(source, ["J-1", "J-3"])) == [
        Balance(
            invoice_id="J-1", residual=D("100.00"), currency="EUR", status="open", disputed=False
        ),
        Balance(
            invoice_id="J-3", residual=D("120.00"), currency="EUR", status="partial", disputed=False
        ),
    ]
    with pytest.raises(InputError) as caught:
        list(plugins.refresh_balances(source, ["J-2"]))
    assert caught.value.plugin == "csv"
    assert [str(problem) for problem in caught.value.problems] == [
        "factures.csv, line 3, column 'Montant TTC': not an amount: 'deux cents'"
    ]


def test_documents_come_from_the_folder_and_must_be_pdfs(host, tmp_path: Path) -> None:
    folder = tmp_path / "pdf"
    folder.mkdir()
    (folder / "FA-2025-0101.pdf").write_bytes(b"%PDF-1.7\n...")
    (folder / "FA-2025-0102.pdf").write_bytes(b"<html>login</html>")
    plugins = host("sage_cp1252.csv", 'documents = "pdf"')
    source = plugins.sources[0]
    first, second, credit = plugins.fetch_invoices(source)
    document = plugins.fetch_document(source, first)
    assert document is not None
    assert (document.filename, document.content) == ("FA-2025-0101.pdf", b"%PDF-1.7\n...")
    with pytest.raises(Exception, match=r"FA-2025-0102.pdf is not a PDF file"):
        plugins.fetch_document(source, second)
    assert plugins.fetch_document(source, credit) is None


def event(**fields: Any) -> HistoryEvent:
    fields.setdefault("type", EventType.SENT)
    return HistoryEvent(
        at=datetime(2025, 6, 16, 8, 30, tzinfo=UTC),
        run_date=TODAY,
        source="csv",
        customer_id="C001",
        customer_name="Boulangerie Égée",
        invoice_ids=("FA-2025-0101",),
        invoice_numbers=("FA-2025-0101",),
        level="first",
        channel=ChannelKind.EMAIL,
        recipient="compta@egee.fr",
        amounts=(Money(amount=D("2430.50"), currency="EUR"),),
        message_id="<abc@relance>",
        **fields,
    )


def test_the_journal_appends_events_of_this_source(host, tmp_path: Path) -> None:
    plugins = host("sage_cp1252.csv", 'journal = "journal.csv"')
    sent = event(id="e1")
    assert plugins.record_history(sent) == []
    assert plugins.record_history(event(id="e2", type=EventType.PAUSED, reason="litige")) == []
    assert plugins.record_history(event(id="e3").model_copy(update={"source": "odoo"})) == []
    raw = (tmp_path / "journal.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows == [
        [
            "at",
            "run_date",
            "event",
            "customer_id",
            "customer",
            "invoices",
            "level",
            "channel",
            "recipient",
            "amounts",
            "reason",
            "until",
            "message_id",
            "event_id",
        ],
        [
            "2025-06-16T10:30:00+02:00",
            "2025-06-16",
            "sent",
            "C001",
            "Boulangerie Égée",
            "FA-2025-0101",
            "first",
            "email",
            "compta@egee.fr",
            "2430.50 EUR",
            "",
            "",
            "<abc@relance>",
            "e1",
        ],
        [
            "2025-06-16T10:30:00+02:00",
            "2025-06-16",
            "paused",
            "C001",
            "Boulangerie Égée",
            "FA-2025-0101",
            "first",
            "email",
            "compta@egee.fr",
            "2430.50 EUR",
            "litige",
            "",
            "<abc@relance>",
            "e2",
        ],
    ]


def test_the_journal_is_off_by_default_and_in_dry_runs(host, tmp_path: Path) -> None:
    assert host("sage_cp1252.csv").record_history(event()) == []
    assert host("sage_cp1252.csv", 'journal = "j.csv"', dry_run=True).record_history(event()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["relance.toml", "sage_cp1252.csv"]


def test_a_journal_that_cannot_be_written_is_a_reported_failure(host) -> None:
    plugins = host("sage_cp1252.csv", 'journal = "missing-folder/journal.csv"')
    failures = plugins.record_history(event())
    assert [f.instance for f in failures] == ["sources.csv"]
    assert "journal.csv cannot be written" in failures[0].error


def test_relance_check_reports_what_a_run_would_read(
    cli, write_config, tmp_path: Path, data: Path
) -> None:
    shutil.copy(data / "sage_cp1252.csv", tmp_path)
    config = write_config('[sources.csv]\npath = "sage_cp1252.csv"\n')
    result = cli("check", "--config", str(config), "--json")
    assert result.code == 0, result.out + result.err
    assert '"summary": "sage_cp1252.csv: cp1252, separator \';\', header on line 1"' in result.out
    assert "4 rows: 2 open invoices, 1 credit notes or payments, 1 paid, 2 customers" in result.out


def test_relance_check_lists_every_problem(cli, write_config, tmp_path: Path, data: Path) -> None:
    shutil.copy(data / "bad_rows.csv", tmp_path)
    config = write_config('[sources.csv]\npath = "bad_rows.csv"\n')
    result = cli("check", "--config", str(config))
    assert result.code == 1  # bad data, as relance plan says it: not a failed plugin (2)
    assert "7 problem(s): nothing is planned until they are fixed" in result.out
    assert "bad_rows.csv, line 9, column 'Email'" in result.out
    scripted = cli("check", "--config", str(config), "--json")
    assert scripted.code == 1
    document = json.loads(scripted.out)
    errors = [row for row in document["results"] if row["status"] == "error"]
    assert document["ok"] is False
    assert [row["input_error"] for row in errors] == [True]


def test_relance_check_with_skip_invalid_warns(
    cli, write_config, tmp_path: Path, data: Path
) -> None:
    shutil.copy(data / "bad_rows.csv", tmp_path)
    config = write_config('[sources.csv]\npath = "bad_rows.csv"\nskip_invalid = true\n')
    result = cli("check", "--config", str(config))
    assert result.code == 0
    assert "7 invalid row(s) will be skipped" in result.out


def test_relance_check_explains_a_missing_file(cli, write_config) -> None:
    config = write_config('[sources.csv]\npath = "nowhere.csv"\n')
    result = cli("check", "--config", str(config))
    assert result.code == 1
    assert "nowhere.csv cannot be read." in result.out
    assert "Traceback" not in result.out + result.err


def test_bad_settings_are_configuration_errors(cli, write_config) -> None:
    config = write_config(
        '[sources.csv]\npath = "x.csv"\nencoding = "klingon"\ncolumns = { numero = "N°" }\n'
    )
    result = cli("check", "--config", str(config))
    assert result.code == 1
    assert "sources.csv.encoding" in result.out + result.err
    assert "unknown field(s) numero" in result.out + result.err
