"""Command-line usage a person gets wrong, or that a command got wrong: contradictory
options refused, missing folders created, names found, holds that say what they did."""

from __future__ import annotations

import errno
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfWriter

from relance.history import SQLiteStore
from relance.model import ChannelKind, Customer, EventType, HistoryEvent, Instalment, Money
from relance.testing.ledgers import customer, invoice

from .conftest import Workspace

TODAY = date(2026, 3, 16)
DAY = TODAY.isoformat()


NOTICE_AWAITS_APPROVAL = """
[channels.outbox]
path = "outbox"

[policies.standard]
start_late_invoices_at = "reached"

[[policies.standard.levels]]
name = "first"
offset_days = 5

[[policies.standard.levels]]
name = "formal_notice"
offset_days = 45
channels = ["registered_letter"]
approval = true
"""


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def one_line(text: str) -> str:
    """Rich wraps stderr at the terminal's width: compare messages on one line."""
    return " ".join(text.split())


def unsettled_intent(workspace: Workspace, key: str = "r1:email") -> None:
    """A send a crash left in doubt: its intent, never settled."""
    with SQLiteStore(workspace.folder / "history.sqlite3") as store:
        store.claim(
            HistoryEvent(
                type=EventType.INTENT,
                source="jsonledger",
                customer_id="C1",
                reminder_key=key.split(":", maxsplit=1)[0],
                message_key=key,
                level="first",
                channel=ChannelKind.EMAIL,
                invoice_ids=("F1",),
                invoice_levels=(("F1", "first"),),
                amounts=(Money(amount=Decimal("1200.00"), currency="EUR"),),
                run_date=TODAY,
            )
        )


def test_resolve_refuses_sent_and_not_sent_together(workspace: Workspace, cli) -> None:
    unsettled_intent(workspace)
    before = workspace.history()
    for flags in (("--sent", "--not-sent"), ("--not-sent", "--sent")):
        result = cli("resolve", "r1", *flags)
        assert result.code == 1
        assert "--sent/--not-sent: give --sent or --not-sent, not both" in one_line(result.err)
    assert workspace.history() == before
    neither = cli("resolve", "r1")
    assert neither.code == 1
    assert "--sent/--not-sent: say which" in one_line(neither.err)
    resolved = cli("resolve", "r1", "--not-sent")
    assert resolved.code == 0, resolved.err
    assert "r1:email resolved as not_sent." in resolved.out
    assert [e.type for e in workspace.history()] == [EventType.INTENT, EventType.RESOLVED]


def test_approve_refuses_keys_with_all(workspace: Workspace, cli) -> None:
    workspace.configure(NOTICE_AWAITS_APPROVAL)
    workspace.write_ledger(
        [invoice("F1", due=days(-50)), invoice("F2", due=days(-50), who=customer("C2"))]
    )
    queue = json.loads(cli("approve", "--json", "--today", DAY).out)["queue"]
    assert [r["customer_id"] for r in queue] == ["C1", "C2"]
    for extra in ((), ("--reject",)):
        result = cli("approve", queue[0]["key"][:8], "--all", *extra, "--today", DAY)
        assert result.code == 1
        assert "KEYS/--all: name reminder keys or give --all, not both" in one_line(result.err)
    assert workspace.history() == []
    approved = cli("approve", "--all", "--today", DAY)
    assert approved.code == 0, approved.err
    assert [e.type for e in workspace.history()] == [EventType.APPROVED, EventType.APPROVED]


def test_reject_without_keys_is_refused(workspace: Workspace, cli) -> None:
    """It used to list the queue as if nothing had been asked."""
    workspace.configure(NOTICE_AWAITS_APPROVAL)
    workspace.write_ledger([invoice("F1", due=days(-50))])

    result = cli("approve", "--reject", "--today", DAY)

    assert result.code == 1
    assert "--reject: name the reminder keys to reject, or give --all" in one_line(result.err)
    assert workspace.history() == []


def test_a_reminder_named_twice_is_approved_once(workspace: Workspace, cli) -> None:
    workspace.configure(NOTICE_AWAITS_APPROVAL)
    workspace.write_ledger([invoice("F1", due=days(-50))])
    (queued,) = json.loads(cli("approve", "--json", "--today", DAY).out)["queue"]

    approved = cli("approve", queued["key"][:8], "C1", queued["key"], "--today", DAY)

    assert approved.code == 0, approved.err
    assert [e.type for e in workspace.history()] == [EventType.APPROVED]


def test_reports_create_the_output_folder(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6))])
    aging = workspace.folder / "no" / "such" / "a.csv"
    result = cli("report", "aging", "--format", "csv", "-o", str(aging), "--today", DAY)
    assert result.code == 0, result.err
    assert aging.read_text(encoding="utf-8").startswith("Customer,Name,Currency")
    table = workspace.folder / "tables" / "a.txt"
    assert cli("report", "aging", "-o", str(table), "--today", DAY).code == 0
    assert "Client C1" in table.read_text(encoding="utf-8")
    page = workspace.folder / "nodir" / "r.html"
    result = cli("report", "html", "-o", str(page), "--today", DAY)
    assert result.code == 0, result.err
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_report_that_cannot_be_written_names_the_file(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6))])
    (workspace.folder / "a-file").write_text("not a folder", encoding="utf-8")
    target = workspace.folder / "a-file" / "r.html"
    for command in (("html",), ("aging", "--format", "csv"), ("dso",)):
        result = cli("report", *command, "-o", str(target), "--today", DAY)
        assert result.code == 1, result.err
        assert f"Cannot write {target}." in one_line(result.err)
        assert "Traceback" not in result.err


def named(customer_id: str, name: str, **extra: object) -> Customer:
    return customer(customer_id, **extra).model_copy(update={"name": name})  # type: ignore[arg-type]


def test_preview_pause_and_resume_find_a_customer_by_its_exact_name(
    workspace: Workspace, cli
) -> None:
    workspace.write_ledger(
        [
            invoice("F1", due=days(-6), who=named("C1", "Théâtre du Griffon")),
            invoice("F2", due=days(-6), who=named("C2", "Dupont")),
            invoice("F3", due=days(-6), who=named("C3", "dupont")),
        ]
    )
    for name in ("Théâtre du Griffon", "THÉÂTRE DU GRIFFON"):
        result = cli("preview", name, "--today", DAY, "--format", "text", "-o", "out")
        assert result.code == 0, result.err
        assert result.out.split() == ["out/C1_first_email.txt"]
    unaccented = cli("preview", "--customer", "Theatre du Griffon", "--today", DAY)
    assert unaccented.code == 1
    assert "CUSTOMER: no customer with id or name 'Theatre du Griffon' has open items" in one_line(
        unaccented.err
    )
    shared = cli("preview", "DUPONT", "--today", DAY)
    assert shared.code == 1
    assert (
        "CUSTOMER: 'DUPONT' is the name of several customers; give the id of one: "
        "jsonledger:C2, jsonledger:C3" in one_line(shared.err)
    )
    by_id = cli("preview", "C2", "--today", DAY, "--format", "text", "-o", "out")
    assert by_id.code == 0, by_id.err
    paused = cli("pause", "--customer", "théâtre du griffon", "--reason", "litige", "--today", DAY)
    assert paused.code == 0, paused.err
    assert [(e.type, e.customer_id) for e in workspace.history()] == [(EventType.PAUSED, "C1")]
    resumed = cli("resume", "--customer", "Théâtre du Griffon", "--today", DAY)
    assert resumed.code == 0, resumed.err
    assert [(e.type, e.customer_id) for e in workspace.history()][1:] == [(EventType.RESUMED, "C1")]


def test_preview_renders_a_level_when_nothing_is_due(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(10))])
    plain = cli("preview", "C1", "--today", DAY)
    assert plain.code == 1
    assert "C1 gets no reminder on 2026-03-16 (nothing due)" in one_line(plain.err)
    result = cli("preview", "C1", "--level", "second", "--today", DAY, "-o", "out")
    assert result.code == 0, result.err
    assert (
        "C1 gets no reminder on 2026-03-16 (nothing due); level second rendered anyway "
        "for its open invoices." in one_line(result.err)
    )
    assert sorted(result.out.split()) == [
        "out/C1_second_email.eml",
        "out/C1_second_email.html",
        "out/C1_second_email.txt",
    ]
    text = (workspace.folder / "out" / "C1_second_email.txt").read_text(encoding="utf-8")
    assert "F1" in text
    assert workspace.history() == []


def test_preview_with_a_level_asks_what_the_run_would_ask(workspace: Workspace, cli) -> None:
    """An invoice in instalments with nothing due today: the level rendered anyway asks
    for the late instalment only, as a run's message would (not the whole residual)."""
    part = Instalment(due_date=days(-2), amount=Decimal(300), residual=Decimal(300))
    rest = Instalment(due_date=days(40), amount=Decimal(700), residual=Decimal(700))
    split = invoice("F1", due=days(40), residual="1000.00", total="1000.00").model_copy(
        update={"instalments": (part, rest)}
    )
    workspace.write_ledger([split])
    result = cli("preview", "C1", "--level", "second", "--today", DAY, "--format", "text")
    assert result.code == 0, result.err
    text = (workspace.folder / "relance-preview" / "C1_second_email.txt").read_text("utf-8")
    lines = [" ".join(line.replace("\u202f", " ").split()) for line in text.splitlines()]
    assert "Reste dû : 300,00 €" in lines
    assert "Total restant dû : 300,00 €" in lines


def test_preview_with_a_level_leaves_out_invoices_on_hold(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6)), invoice("F2", due=days(10))])
    assert cli("pause", "F1", "--reason", "litige", "--today", DAY).code == 0
    result = cli("preview", "C1", "--level", "first", "--today", DAY, "--format", "text")
    assert result.code == 0, result.err
    assert "C1 gets no reminder on 2026-03-16 (paused); level first" in one_line(result.err)
    text = (workspace.folder / "relance-preview" / "C1_first_email.txt").read_text("utf-8")
    assert "F2" in text
    assert "F1" not in text.replace("F10", "")
    assert cli("pause", "F2", "--reason", "litige", "--today", DAY).code == 0
    held = cli("preview", "C1", "--level", "first", "--today", DAY)
    assert held.code == 1
    assert "CUSTOMER: every open invoice of C1 is on hold" in one_line(held.err)


def test_preview_at_an_email_level_writes_to_the_customer(workspace: Workspace, cli) -> None:
    """The level due sends no email (a formal notice): the email of --level is addressed
    as the run would address it, and a customer without an email address gets a letter."""
    workspace.configure(NOTICE_AWAITS_APPROVAL)
    workspace.write_ledger(
        [
            invoice("F1", due=days(-50)),
            invoice("F2", due=days(-50), who=customer("C2", email=None)),
        ]
    )
    result = cli("preview", "C1", "--level", "first", "--format", "eml", "--today", DAY)
    assert result.code == 0, result.err
    eml = (workspace.folder / "relance-preview" / "C1_first_email.eml").read_bytes()
    assert b"To: compta@client.fr" in eml
    letter = cli("preview", "C2", "--level", "first", "--format", "pdf", "--today", DAY)
    assert letter.code == 0, letter.err
    assert "C2_first_letter_" in letter.out


def test_preview_says_when_the_level_gives_no_file_of_the_format(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6))])
    result = cli("preview", "C1", "--format", "pdf", "--today", DAY, "-o", "out")
    assert result.code == 1
    assert "--format: level first reaches C1 by email: nothing to write as pdf" in one_line(
        result.err
    )
    assert not (workspace.folder / "out").exists()


def test_pause_refuses_a_last_day_in_the_past(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6))])
    result = cli("pause", "F1", "--reason", "x", "--until", "2020-01-01", "--today", DAY)
    assert result.code == 1
    assert "--until: the last day of the pause is in the past" in one_line(result.err)
    assert workspace.history() == []
    today = cli("pause", "F1", "--reason", "x", "--until", DAY, "--today", DAY)
    assert today.code == 0, today.err
    assert "F1 paused until 2026-03-16." in today.out


def test_resume_says_what_is_not_paused(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6)), invoice("F2", due=days(-6))])
    never = cli("resume", "F1", "--today", DAY)
    assert never.code == 1
    assert "Nothing to resume. - INVOICE: F1 is not paused" in one_line(never.err)
    assert cli("resume", "--customer", "C1", "--today", DAY).code == 1
    assert workspace.history() == []

    until = days(2).isoformat()
    assert cli("pause", "F1", "--reason", "x", "--until", until, "--today", DAY).code == 0
    ended = cli("resume", "F1", "--today", days(3).isoformat())
    assert ended.code == 1
    assert "INVOICE: F1 is not paused: its pause ended on 2026-03-18" in one_line(ended.err)
    resumed = cli("resume", "F1", "--today", DAY)
    assert resumed.code == 0, resumed.err
    assert "F1 resumed." in resumed.out
    again = cli("resume", "F1", "--today", DAY)
    assert again.code == 1
    assert "INVOICE: F1 is not paused" in one_line(again.err)

    assert cli("pause", "--customer", "C1", "--reason", "x", "--today", DAY).code == 0
    invoice_only = cli("resume", "F2", "--today", DAY)
    assert invoice_only.code == 1
    assert (
        "INVOICE: F2 is not paused; its customer C1 is: relance resume --customer C1"
        in one_line(invoice_only.err)
    )
    assert cli("resume", "--customer", "C1", "--today", DAY).code == 0
    assert [e.type for e in workspace.history()] == [
        EventType.PAUSED,
        EventType.RESUMED,
        EventType.PAUSED,
        EventType.RESUMED,
    ]


def test_history_of_a_customer_without_events_says_so(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6))])
    assert cli("pause", "F1", "--reason", "x", "--today", DAY).code == 0
    result = cli("history", "--customer", "NOPE")
    assert result.code == 0, result.err
    assert one_line(result.out) == (
        "No event recorded for customer id 'NOPE' (the history knows a customer only once "
        "relance has done something about it)."
    )
    unsettled = cli("history", "--customer", "C1", "--unsettled")
    assert unsettled.code == 0, unsettled.err
    assert one_line(unsettled.out) == "No unsettled send for customer id 'C1'."
    assert "paused" in cli("history", "--customer", "C1").out


def test_history_finds_a_customer_by_the_name_it_recorded(workspace: Workspace, cli) -> None:
    """As pause and preview do, from the names the events carry (no source is read)."""
    workspace.write_ledger(
        [
            invoice("F1", due=days(-6), who=named("C1", "Théâtre du Griffon")),
            invoice("F2", due=days(-6), who=named("C2", "Dupont")),
            invoice("F3", due=days(-6), who=named("C3", "dupont")),
        ]
    )
    for number in ("F1", "F2", "F3"):
        assert cli("pause", number, "--reason", "litige", "--today", DAY).code == 0
    result = cli("history", "--customer", "THÉÂTRE DU GRIFFON", "--json")
    assert result.code == 0, result.err
    events = json.loads(result.out)["events"]
    assert [(e["type"], e["customer_id"]) for e in events] == [("paused", "C1")]
    shared = cli("history", "--customer", "Dupont")
    assert shared.code == 1
    assert (
        "--customer: 'Dupont' is the name of several customers; give the id of one: "
        "jsonledger:C2, jsonledger:C3" in one_line(shared.err)
    )


def test_letters_of_a_day_without_letters_is_a_user_error(
    workspace: Workspace, cli, tmp_path: Path
) -> None:
    """Exit 1 (bad input), not 2, which is kept for plugins and remote systems; with two
    letter channels, the one that wrote letters that day is combined, the other one left."""
    workspace.configure(
        '\n[channels.letter]\npath = "letters"\n'
        '\n[channels.registered]\nplugin = "letter"\npath = "registered"\n'
        'kinds = ["registered_letter"]\n'
    )
    result = cli("letters", "--today", "2030-01-01")
    assert result.code == 1
    assert one_line(result.err) == (
        f"No letter to combine. - --today: no letter of 2030-01-01 in {tmp_path / 'letters'} "
        f"- --today: no letter of 2030-01-01 in {tmp_path / 'registered'}"
    )
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "2030-01-01_C1_first_letter_aaaa.pdf").write_bytes(blank_pdf())
    one = cli("letters", "--today", "2030-01-01", "--json")
    assert one.code == 0, one.err
    (batch,) = json.loads(one.out)
    assert batch["path"] == str(folder / "letters-2030-01-01.pdf")
    assert not (tmp_path / "registered").exists()


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def test_letters_to_an_output_that_cannot_be_written_is_a_user_error(
    workspace: Workspace, cli, tmp_path: Path
) -> None:
    workspace.configure('\n[channels.letter]\npath = "letters"\n')
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "2030-01-01_C1_first_letter_aaaa.pdf").write_bytes(blank_pdf())
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    result = cli("letters", "--today", "2030-01-01", "--output", str(blocker / "out.pdf"))

    assert result.code == 1
    assert one_line(result.err).startswith(f"Cannot write {blocker / 'out.pdf'}. - --output:")
    made = cli("letters", "--today", "2030-01-01", "--output", str(tmp_path / "new" / "o.pdf"))
    assert made.code == 0, made.err
    assert (tmp_path / "new" / "o.pdf").exists()


def test_a_report_that_fails_midway_leaves_the_previous_one_whole(
    workspace: Workspace, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6))])
    target = workspace.folder / "aging.csv"
    target.write_text("yesterday's report\n", encoding="utf-8")

    def full(_source: object, _target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("relance.disk.os.replace", full)
        failed = cli("report", "aging", "--format", "csv", "-o", str(target), "--today", DAY)

    assert failed.code == 1
    assert f"Cannot write {target}." in one_line(failed.err)
    assert target.read_text(encoding="utf-8") == "yesterday's report\n"
    assert sorted(p.name for p in workspace.folder.glob(".writing-*")) == []


def test_a_report_to_a_full_standard_output_is_a_clear_error(
    workspace: Workspace, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6))])

    class Full(io.StringIO):
        def write(self, _text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sys.stdout", Full())
    result = cli("report", "aging", "--format", "csv", "--today", DAY)

    assert result.code == 1
    assert "Cannot write the report to the standard output." in one_line(result.err)
    assert "Traceback" not in result.err
