"""The ``phone`` channel appends call tasks to a CSV call list that Excel opens."""

from __future__ import annotations

import csv
import errno
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from relance.config import load_config
from relance.context import Role
from relance.errors import ChannelError
from relance.model import ChannelKind, Message, Money
from relance.plugins import PluginHost, PluginRegistry
from relance.testing import ledgers

TODAY = date(2026, 3, 16)
SCRIPT = "Bonjour, ici [votre prénom].\n\nPouvez-vous me dire à quelle date ?"


def phone_host(tmp_path: Path, extra: str = "") -> PluginHost:
    config = tmp_path / "relance.toml"
    config.write_text(
        '[company]\nname = "Atelier Test"\ncountry = "FR"\n'
        '[channels.phone]\npath = "var/appels.csv"\n' + extra,
        encoding="utf-8",
    )
    loaded = load_config(config, PluginRegistry())
    return loaded.host(today=TODAY, dry_run=False, roles=[Role.CHANNEL])


def message(number: int, phone: str | None = "04 78 00 12 34") -> Message:
    return ledgers.message(
        ChannelKind.PHONE,
        reminder=f"r{number}",
        customer_id=f"C{number}",
        level="second",
        to=(phone,) if phone else (),
        recipient_name=f"Client n°{number}; SARL",
        contact_name="Hélène Martin",
        text=SCRIPT,
        invoice_numbers=("F1", "F2"),
        oldest_due_date=date(2026, 1, 31),
        amounts=(Money(amount=Decimal("1200.50"), currency="EUR"),),
    )


def test_calls_are_appended_under_one_header_with_a_bom(tmp_path: Path) -> None:
    with phone_host(tmp_path) as host:
        channel = host.instance("phone", Role.CHANNEL)
        first = host.send(channel, message(1))
        second = host.send(channel, message(2))
    path = tmp_path / "var" / "appels.csv"
    assert first.provider_reference == f"{path}#2"
    assert second.provider_reference == f"{path}#3"
    assert first.detail == f"call +33478001234: row 2 of {path}"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdate;customer;contact;phone;amount_due;")
    assert raw.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline=""), delimiter=";"))
    assert rows == [
        [
            "date",
            "customer",
            "contact",
            "phone",
            "amount_due",
            "currency",
            "oldest_due_date",
            "level",
            "invoices",
            "script",
            "message_key",
        ],
        [
            "2026-03-16",
            "Client n°1; SARL",
            "Hélène Martin",
            "+33478001234",
            "1200,50",
            "EUR",
            "2026-01-31",
            "second",
            "F1, F2",
            SCRIPT,
            "r1:phone",
        ],
        [
            "2026-03-16",
            "Client n°2; SARL",
            "Hélène Martin",
            "+33478001234",
            "1200,50",
            "EUR",
            "2026-01-31",
            "second",
            "F1, F2",
            SCRIPT,
            "r2:phone",
        ],
    ]


def test_a_later_run_appends_to_the_same_list(tmp_path: Path) -> None:
    with phone_host(tmp_path, 'delimiter = ","\n') as host:
        host.send(host.instance("phone", Role.CHANNEL), message(1))
    with phone_host(tmp_path, 'delimiter = ","\n') as host:
        receipt = host.send(host.instance("phone", Role.CHANNEL), message(2))
    path = tmp_path / "var" / "appels.csv"
    assert receipt.provider_reference == f"{path}#3"
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    assert [row[-1] for row in rows] == ["message_key", "r1:phone", "r2:phone"]


def test_a_call_without_a_valid_number_fails_and_writes_nothing(tmp_path: Path) -> None:
    with phone_host(tmp_path) as host, pytest.raises(ChannelError) as caught:
        host.send(host.instance("phone", Role.CHANNEL), message(1, phone="12"))
    assert caught.value.permanent
    assert str(caught.value) == (
        "[phone] phone number '12' of customer Client n°1; SARL is not a valid number"
    )
    assert not (tmp_path / "var" / "appels.csv").exists()


def test_a_full_disk_leaves_the_list_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half a row, its quote never closed, would swallow the next day's row."""
    with phone_host(tmp_path) as host:
        host.send(host.instance("phone", Role.CHANNEL), message(1))
    path = tmp_path / "var" / "appels.csv"
    before = path.read_bytes()

    def full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("relance.channels.phone.os.fsync", full)
        with phone_host(tmp_path) as host, pytest.raises(ChannelError, match="No space left"):
            host.send(host.instance("phone", Role.CHANNEL), message(2))

    assert path.read_bytes() == before
    with phone_host(tmp_path) as host:
        host.send(host.instance("phone", Role.CHANNEL), message(3))
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline=""), delimiter=";"))
    assert [row[-1] for row in rows] == ["message_key", "r1:phone", "r3:phone"]


def test_text_from_the_ledger_is_never_a_formula_in_the_spreadsheet(tmp_path: Path) -> None:
    hostile = message(1).model_copy(update={"recipient_name": '=HYPERLINK("http://x","y")'})

    with phone_host(tmp_path) as host:
        host.send(host.instance("phone", Role.CHANNEL), hostile)

    path = tmp_path / "var" / "appels.csv"
    (_header, row) = csv.reader(path.open(encoding="utf-8-sig", newline=""), delimiter=";")
    assert row[1] == '\'=HYPERLINK("http://x","y")'
    assert row[3].startswith("+33")  # a phone number keeps its +


def test_a_list_saved_again_by_a_spreadsheet_is_a_clear_error(tmp_path: Path) -> None:
    """Excel saves it back in Windows-1252: relance would append UTF-8 to it."""
    with phone_host(tmp_path) as host:
        host.send(host.instance("phone", Role.CHANNEL), message(1))
    path = tmp_path / "var" / "appels.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_bytes(text.encode("cp1252", errors="replace"))

    with phone_host(tmp_path) as host, pytest.raises(ChannelError) as caught:
        host.send(host.instance("phone", Role.CHANNEL), message(2))

    assert "is no longer UTF-8 text" in str(caught.value)
    assert caught.value.permanent
    assert path.read_bytes() == text.encode("cp1252", errors="replace")  # left alone
