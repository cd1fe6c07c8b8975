"""``relance export-case``: the claim to the cent, the reminders, the formal notice."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from email import message_from_bytes
from email.policy import default as email_policy
from functools import partial
from pathlib import Path

from relance.history import SQLiteStore
from relance.legal import LegalRules
from relance.model import ChannelKind, EventType, HistoryEvent
from relance.reports.case import build_case
from relance.reports.documents import case_document, case_sheets
from relance.testing.ledgers import invoice

from .conftest import DEMO_TODAY

TRACKING = "1A 234 567 8901 2"


def record_formal_notice(config: Path) -> None:
    """The demo's history, with the formal notice of CL006 sent by registered letter."""
    (config.parent / "var").mkdir()
    store = SQLiteStore(config.parent / "var" / "relance-history.sqlite3")
    common = {
        "source": "csv",
        "customer_id": "CL006",
        "customer_name": "Domaine Vignal SARL",
        "invoice_ids": ("FA-2025-0039",),
        "invoice_numbers": ("FA-2025-0039",),
        "invoice_levels": (("FA-2025-0039", "formal_notice"),),
        "reminder_key": "k-notice",
        "level": "formal_notice",
    }
    for level, day, channel, key in (
        ("final", "2026-03-01", ChannelKind.EMAIL, "k-final"),
        ("formal_notice", "2026-03-16", ChannelKind.REGISTERED_LETTER, "k-notice"),
    ):
        intent = HistoryEvent(
            type=EventType.INTENT,
            at=datetime.fromisoformat(f"{day}T09:00:00+00:00"),
            run_date=datetime.fromisoformat(day).date(),
            channel=channel,
            message_key=f"{key}:{channel.value}",
            recipient="compta@domaine-vignal.fr",
            content_digest="ab" * 32,
            **{**common, "level": level, "reminder_key": key},
        )
        store.claim(intent)
        reference = TRACKING if level == "formal_notice" else None
        store.settle(
            intent.model_copy(
                update={"id": f"s-{key}", "type": EventType.SENT, "settles": intent.id,
                        "at": datetime.now(UTC), "provider_reference": reference,
                        "message_id": "<m1@atelier-lumen.fr>" if reference is None else None}
            )
        )  # fmt: skip
    store.close()


def test_the_case_of_cl006(cli, demo: Path, tmp_path: Path) -> None:
    record_formal_notice(demo)
    out = tmp_path / "cases"
    result = cli("export-case", "CL006", "--config", str(demo), "--today", DEMO_TODAY,
                 "-o", str(out), "--json")  # fmt: skip
    assert result.code == 0, result.err
    folder = out / "CL006-2026-03-16"
    document = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    (line,) = document["claim"]
    # 5 400.00 due 30/01/2026, 45 days late on 16/03: ECB 2.15 % + 10 points = 12.15 %
    # a year; 5 400.00 x 12.15 % x 45 / 365 = 80.888... -> 80.89; EUR 40 indemnity.
    assert (line["principal"], line["days_late"], line["interest"], line["indemnity"]) == (
        "5400.00", 45, "80.89", "40.00"
    )  # fmt: skip
    assert document["totals"]["EUR"] == {
        "principal": "5400.00", "interest": "80.89", "indemnity": "40.00", "total": "5520.89"
    }  # fmt: skip
    assert [(r["date"], r["level"], r["channel"]) for r in document["reminders"]] == [
        ("2026-03-01", "final", "email"),
        ("2026-03-16", "formal_notice", "registered_letter"),
    ]
    assert document["reminders"][0]["message_id"] == "<m1@atelier-lumen.fr>"
    assert document["formal_notice"] == [
        {"date": "2026-03-16", "channel": "registered_letter", "reference": TRACKING}
    ]
    assert document["missing_documents"] == ["FA-2025-0039"]  # the demo has no PDF folder
    text = (folder / "claim.txt").read_text(encoding="utf-8")
    assert f"Formal notice: 2026-03-16, registered_letter, reference {TRACKING}" in text
    csv_lines = (folder / "claim.csv").read_text(encoding="utf-8").splitlines()
    assert "FA-2025-0039,2025-12-31,2026-01-30,EUR,5400.00,45,80.89,40.00,EUR,5520.89" in csv_lines
    again = cli(
        "export-case", "CL006", "--config", str(demo), "--today", DEMO_TODAY, "-o", str(out)
    )
    assert again.code == 1
    assert "already exists" in again.err


def test_zip_and_unknown_customer(cli, demo: Path, tmp_path: Path) -> None:
    """The customer named by its exact name (any case), as preview and pause take it."""
    result = cli("export-case", "clinique vétérinaire des brotteaux", "--config", str(demo),
                 "--today", DEMO_TODAY, "-o", str(tmp_path), "--zip")  # fmt: skip
    assert result.code == 0, result.err
    with zipfile.ZipFile(tmp_path / "CL009-2026-03-16.zip") as packed:
        names = set(packed.namelist())
    assert {"CL009-2026-03-16/case.json", "CL009-2026-03-16/claim.csv"} <= names
    assert not (tmp_path / "CL009-2026-03-16").exists()
    missing = cli("export-case", "CL999", "--config", str(demo), "--today", DEMO_TODAY)
    assert missing.code == 1
    assert "no customer with id or name 'CL999'" in missing.err


def test_each_copied_message_comes_with_the_digest_of_its_file(
    cli, demo: Path, tmp_path: Path
) -> None:
    """content_sha256 is of the text rendered before sending; a lawyer checks the files
    with reminder_files_sha256."""
    sent = cli("run", "--config", str(demo), "--today", DEMO_TODAY, "--yes")
    assert sent.code == 0, sent.err
    out = tmp_path / "cases"

    result = cli("export-case", "CL005", "--config", str(demo), "--today", DEMO_TODAY,
                 "-o", str(out))  # fmt: skip

    assert result.code == 0, result.err
    folder = out / "CL005-2026-03-16"
    document = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    copies, digests = document["reminder_files"], document["reminder_files_sha256"]
    assert len(copies) == len(digests) == len(document["reminders"]) >= 1
    assert [c is None for c in copies] == [d is None for d in digests]
    for copy, digest in zip(copies, digests, strict=True):
        if copy is not None:
            assert hashlib.sha256((folder / copy).read_bytes()).hexdigest() == digest
    assert any(copy is not None for copy in copies)
    assert str(demo.parent) not in (folder / "claim.txt").read_text(encoding="utf-8")
    assert str(demo.parent) not in (folder / "case.json").read_text(encoding="utf-8")
    emails = [
        (reminder, copy)
        for reminder, copy in zip(document["reminders"], copies, strict=True)
        if copy is not None and copy.endswith(".eml")
    ]
    assert emails
    for reminder, copy in emails:  # the outbox's receipt names the message it kept
        assert reminder["reference"] == copy  # the copy, never this machine's path
        kept = message_from_bytes((folder / copy).read_bytes(), policy=email_policy)
        assert reminder["message_id"] == str(kept["Message-ID"]).strip()


def test_the_case_of_an_invoice_in_dollars_claims_its_indemnity_in_euros() -> None:
    """Interest in the invoice's currency, EUR 40 in euros: each currency's column adds up
    what is claimed in it, and no cell adds dollars to euros."""
    rules = LegalRules.from_settings()
    due = date(2025, 3, 31)
    in_dollars = invoice("F1", due=due, currency="USD")
    in_euros = invoice("F2", due=due)
    case = build_case(
        "csv",
        [in_dollars, in_euros],
        [],
        as_of=date(2025, 4, 30),
        penalties=partial(rules.quote, company_country="FR"),
        notice_levels=frozenset({"formal_notice"}),
    )
    # each: 1200.00 x 13.15 % x 30 / 365 = 12.97 (the T1 vector)
    assert [(line.total, line.indemnity_currency) for line in case.lines] == [
        (Decimal("1212.97"), "EUR"),
        (Decimal("1252.97"), "EUR"),
    ]
    document = case_document(case)
    assert document["totals"] == {
        "EUR": {"principal": "1200.00", "interest": "12.97", "indemnity": "80.00", "total": "1292.97"},
        "USD": {"principal": "1200.00", "interest": "12.97", "indemnity": "0.00", "total": "1212.97"},
    }  # fmt: skip
    assert [
        (c["currency"], c["indemnity"], c["indemnity_currency"]) for c in document["claim"]
    ] == [
        ("USD", "40.00", "EUR"),
        ("EUR", "40.00", "EUR"),
    ]
    claim, _reminders = case_sheets(case)
    assert claim.rows[0] == (
        "F1", "2025-03-01", "2025-03-31", "USD", "1200.00", "30", "12.97", "40.00", "EUR",
        "1212.97",
    )  # fmt: skip
    assert claim.rows[1][7:] == ("40.00", "EUR", "1252.97")
    assert claim.rows[2:] == [
        ("Total", "", "", "EUR", "1200.00", "", "12.97", "80.00", "EUR", "1292.97"),
        ("Total", "", "", "USD", "1200.00", "", "12.97", "0.00", "USD", "1212.97"),
    ]


def test_a_case_in_yen_writes_whole_yen() -> None:
    rules = LegalRules.from_settings()
    case = build_case(
        "csv",
        [invoice("F1", due=date(2025, 3, 31), residual="120000", currency="JPY")],
        [],
        as_of=date(2025, 4, 30),
        penalties=partial(rules.quote, company_country="FR"),
        notice_levels=frozenset({"formal_notice"}),
    )
    # 120,000 x 13.15 % x 30 / 365 = 1,296.986... yen
    (line,) = case_document(case)["claim"]
    assert (line["principal"], line["interest"], line["total"]) == (
        "120000.00",
        "1297.00",
        "121297.00",
    )
