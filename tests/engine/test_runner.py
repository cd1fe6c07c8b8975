"""``relance plan`` and ``relance run`` end to end: a real source, channels and history."""

from __future__ import annotations

import errno
import gc
import json
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path

import pytest

import relance.engine.runner
import relance.engine.spool
from relance.cli.common import load, output
from relance.cli.session import Session, open_session
from relance.context import Role
from relance.engine.planner import reminder_key
from relance.engine.runner import Step, _refreshed
from relance.engine.state import DunningState
from relance.history import SQLiteStore
from relance.model import Balance, CustomerKind, EventType, HistoryEvent, Instalment, Invoice
from relance.testing.ledgers import customer, invoice, sent

from ..conftest import CliResult  # noqa: TID252 - the shared CLI runner's result type
from .conftest import Workspace

TODAY = date(2026, 3, 16)
OUTBOX_REACHED = (
    '\n[channels.outbox]\npath = "outbox"\n'
    '\n[policies.standard]\nstart_late_invoices_at = "reached"\n'
)
DAY = TODAY.isoformat()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def types(workspace: Workspace) -> list[str]:
    return [e.type.value for e in workspace.history()]


def first_then_notice(notice_offset: int, notice_extra: str = "") -> str:
    """A policy of two levels: a first reminder at 5 days, a formal notice by registered
    letter at ``notice_offset`` days."""
    return "".join(
        f'\n[[policies.standard.levels]]\nname = "{name}"\noffset_days = {offset}\n{extra}'
        for name, offset, extra in [
            ("first", 5, ""),
            ("formal_notice", notice_offset, 'channels = ["registered_letter"]\n' + notice_extra),
        ]
    )


def test_plan_writes_nothing_and_prints_the_documented_json(workspace: Workspace, cli) -> None:
    workspace.write_ledger(
        [
            invoice("F1", due=days(-6), residual="1200.00", total="1500.00"),
            invoice("F2", due=days(-6), residual="80.00", who=customer("C2", email=None)),
            invoice("F3", due=days(10)),
        ]
    )
    result: CliResult = cli("plan", "--json", "--today", DAY)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["today"] == DAY
    assert [(r["customer_id"], r["level"], r["channels"]) for r in document["reminders"]] == [
        ("C1", "first", ["email"]),
        ("C2", "first", ["letter"]),
    ]
    first = document["reminders"][0]
    assert first["invoices"] == [
        {
            "id": "F1",
            "number": "F1",
            "kind": "invoice",
            "issue_date": "2026-02-08",
            "due_date": "2026-03-10",
            "days_late": 6,
            "total": "1500.00",
            "residual": "1200.00",
            "amount_due": "1200.00",
            "currency": "EUR",
            "reaches_level": "first",
            "interest": None,
            "indemnity": None,
            "indemnity_currency": None,
        }
    ]
    assert first["total_due"] == {"EUR": "1200.00"}
    assert first["requires_approval"] is False
    assert document["skipped"] == []
    assert not (workspace.folder / "history.sqlite3").exists()
    assert workspace.sent_files() == []


@pytest.mark.parametrize(
    ("language", "cell"), [("en", "F1, F2, F3 and 2 more"), ("fr", "F1, F2, F3 et 2 autres")]
)
def test_the_tables_name_three_invoices_then_count_them(
    workspace: Workspace, cli, language: str, cell: str
) -> None:
    """A large account's hundreds of numbers would fill the screen; --json has them all.
    The history's table does the same."""
    workspace.write_ledger(
        [invoice(f"F{n}", due=days(-10 + n)) for n in range(1, 6)]
        + [invoice(f"G{n}", due=days(-10 + n), who=customer("C2")) for n in range(1, 5)]
    )
    table = cli("--lang", language, "plan", "--today", DAY)
    assert table.code == 0, table.err
    assert cell in table.out
    assert "G1, G2, G3, G4" in table.out  # one more is shown, not counted
    document = json.loads(cli("plan", "--json", "--today", DAY).out)
    assert [i["number"] for i in document["reminders"][0]["invoices"]] == [
        "F1", "F2", "F3", "F4", "F5"
    ]  # fmt: skip
    assert cli("run", "--yes", "--today", DAY).code == 0
    history = cli("--lang", language, "history", "--customer", "C1")
    assert history.out.count(cell) == 3  # planned, intent, sent


def test_a_command_unfreezes_what_it_kept_from_the_collector(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6))])
    gc.unfreeze()
    result = cli("plan", "--json", "--today", DAY)
    assert result.code == 0, result.err
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_run_sends_each_reminder_once_and_records_it(workspace: Workspace, cli) -> None:
    workspace.write_ledger(
        [invoice("F1", due=days(-6)), invoice("F2", due=days(-40), who=customer("C2"))]
    )
    first = cli("run", "--yes", "--today", DAY)
    assert first.code == 0, first.err
    files = workspace.sent_files()
    assert len(files) == 2
    assert all(name.endswith(".eml") and f"_{DAY}_" not in name for name in files)
    assert types(workspace) == ["planned", "planned", "intent", "sent", "intent", "sent"]
    email = message_from_bytes((workspace.outbox / files[0]).read_bytes(), policy=email_policy)
    assert email["Subject"] == "Relance \u2013 facture n°F1 en attente de règlement"
    assert email["Auto-Submitted"] == "auto-generated"
    assert "1\u202f200,00\xa0€" in email.get_body(("plain",)).get_content()
    again = cli("run", "--yes", "--today", DAY)
    assert again.code == 0, again.err
    assert workspace.sent_files() == files
    assert types(workspace).count("sent") == 2


def test_planned_reminders_are_recorded_a_batch_at_a_time(
    workspace: Workspace, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(relance.engine.runner, "RECORDED_TOGETHER", 2)
    written: list[list[str]] = []
    append_all = SQLiteStore.append_all

    def spy(store: SQLiteStore, events: Iterable[HistoryEvent]) -> None:
        events = list(events)
        written.append([event.customer_id or "" for event in events])
        append_all(store, events)

    monkeypatch.setattr(SQLiteStore, "append_all", spy)
    workspace.write_ledger(
        [invoice(f"F{n}", due=days(-6), who=customer(f"C{n}")) for n in range(1, 4)]
    )
    assert cli("run", "--yes", "--today", DAY).code == 0
    assert written == [["C1", "C2"], ["C3"]]
    assert types(workspace).count("planned") == 3


@pytest.mark.parametrize("paid", ["at zero", "gone from the source"])
def test_a_payment_arriving_between_fetch_and_send_cancels_the_reminder(
    workspace: Workspace, paid: str
) -> None:
    workspace.write_ledger(
        [invoice("F1", due=days(-6)), invoice("F2", due=days(-6), who=customer("C2"))]
    )
    loaded = load(workspace.config)
    with open_session(loaded, DAY, output(), dry_run=False, roles=tuple(Role)) as session:
        invoices = session.fetch()
        first = [invoice("F1", due=days(-6), residual="0.00", total="1200.00")]
        workspace.write_ledger(
            [*(first if paid == "at zero" else []), invoice("F2", due=days(-6), who=customer("C2"))]
        )
        report = session.runner.run(invoices)
    assert [(r.customer.id, reason.split(" ")[0]) for r, reason in report.dropped] == [
        ("C1", "changed")
    ]
    assert [(d.reminder.customer.id, d.status) for d in report.deliveries] == [
        ("C2", EventType.SENT)
    ]
    assert len(workspace.sent_files()) == 1
    skipped = [e for e in workspace.history() if e.type is EventType.SKIPPED]
    assert [e.customer_id for e in skipped] == ["C1"]


def test_only_the_customers_whose_balances_moved_are_planned_again(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.write_ledger(
        [invoice("F1", due=days(-6)), invoice("F2", due=days(-6), who=customer("C2"))]
    )
    loaded = load(workspace.config)
    planned: list[list[str]] = []
    with open_session(loaded, DAY, output(), dry_run=False, roles=tuple(Role)) as session:
        invoices = session.fetch()
        plan = session.runner.plan

        def noted(given, state):
            planned.append(sorted({i.customer.id for i in given}))
            return plan(given, state)

        monkeypatch.setattr(session.runner, "plan", noted)
        workspace.write_ledger(
            [
                invoice("F1", due=days(-6), residual="200.00", total="1200.00"),
                invoice("F2", due=days(-6), who=customer("C2")),
            ]
        )
        report = session.runner.run(invoices)
    assert planned == [["C1", "C2"], ["C1"]]
    assert [(d.reminder.customer.id, d.status) for d in report.deliveries] == [
        ("C1", EventType.SENT),
        ("C2", EventType.SENT),
    ]
    (first,) = [d.reminder for d in report.deliveries if d.reminder.customer.id == "C1"]
    assert first.items[0].invoice.residual == Decimal("200.00")


def test_of_two_answers_for_one_invoice_the_last_counts(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6))])
    loaded = load(workspace.config)
    with open_session(loaded, DAY, output(), dry_run=False, roles=tuple(Role)) as session:
        invoices = session.fetch()
        host = session.runner.host

        def twice(ctx, ids):
            assert ids == ["F1"]
            for residual in ("0.00", "1200.00"):
                yield Balance(invoice_id="F1", residual=Decimal(residual), currency="EUR")

        monkeypatch.setattr(host, "refresh_balances", twice)
        report = session.runner.run(invoices)
    assert report.dropped == []
    assert [(d.reminder.customer.id, d.status) for d in report.deliveries] == [
        ("C1", EventType.SENT)
    ]


def test_every_reminder_is_rendered_before_the_first_is_sent_and_progress_says_so(
    workspace: Workspace,
) -> None:
    workspace.write_ledger(
        [invoice(f"F{n}", due=days(-6), who=customer(f"C{n}")) for n in (1, 2, 3)]
    )
    loaded = load(workspace.config)
    steps: list[tuple[Step | int, int]] = []

    class Noted:
        def start(self, total: int) -> None:
            steps.append((total, len(workspace.sent_files())))

        def advance(self, step: Step) -> None:
            steps.append((step, len(workspace.sent_files())))

    with open_session(loaded, DAY, output(), dry_run=False, roles=tuple(Role)) as session:
        invoices = session.fetch()
        report = session.runner.run(invoices, progress=Noted())
    assert len(report.deliveries) == 3
    assert steps == [(3, 0)] + [(Step.RENDERED, 0)] * 3 + [(Step.SENT, n) for n in (1, 2, 3)]


def test_run_with_yes_plans_no_preview(
    workspace: Workspace, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview is shown before asking; with --yes there is nothing to ask (and a
    million invoices take a quarter of a minute to plan)."""
    workspace.write_ledger([invoice("F1", due=days(-6))])
    previews: list[int] = []
    monkeypatch.setattr(Session, "plan", lambda self, invoices: previews.append(len(invoices)))
    result = cli("run", "--yes", "--today", DAY)
    assert result.code == 0, result.err
    assert previews == []
    assert len(workspace.sent_files()) == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_a_broken_template_stops_the_run_before_anything_is_sent(
    workspace: Workspace, cli, workers: int
) -> None:
    """The first customer's message renders; the second's template is broken."""
    (workspace.folder / "templates" / "en").mkdir(parents=True)
    (workspace.folder / "templates" / "en" / "first.j2").write_text(
        "{% block subject %}Hi{% endblock %}\n{% block opening %}{{ oops( }}{% endblock %}\n",
        encoding="utf-8",
    )
    workspace.configure(
        OUTBOX_REACHED + f'\n[templates]\npath = "templates"\nworkers = {workers}\n'
    )
    workspace.write_ledger(
        [
            invoice("F1", due=days(-6)),
            invoice("F2", due=days(-6), who=customer("C2", language="en")),
        ]
    )
    result = cli("run", "--yes", "--today", DAY)
    assert result.code == 1
    assert "en/first.j2, line 2" in result.err
    assert workspace.sent_files() == []
    assert "intent" not in types(workspace)


def test_no_room_for_the_rendered_messages_stops_the_run_before_anything_is_sent(
    workspace: Workspace, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(relance.engine.spool.pickle, "dump", full)
    workspace.configure(OUTBOX_REACHED)
    workspace.write_ledger([invoice("F1", due=days(-6))])
    result = cli("run", "--yes", "--today", DAY)
    assert result.code == 1
    assert "No space left on device; nothing was sent (set TMPDIR" in result.err
    assert workspace.sent_files() == []
    assert "intent" not in types(workspace)


def test_a_missing_channel_stops_the_run_before_anything_is_sent(workspace: Workspace, cli) -> None:
    workspace.configure('\n[channels.outbox]\npath = "outbox"\nkinds = ["email"]\n')
    workspace.write_ledger(
        [invoice("F1", due=days(-6)), invoice("F2", due=days(-6), who=customer("C2", email=None))]
    )
    result = cli("run", "--yes", "--today", DAY)
    assert result.code == 1
    assert "no enabled channel delivers letter: add one" in result.err
    assert workspace.sent_files() == []
    assert "intent" not in types(workspace)


def test_a_failed_channel_is_recorded_and_retried_the_next_day(workspace: Workspace, cli) -> None:
    workspace.configure(
        '\n[channels.outbox]\npath = "outbox"\nkinds = ["email"]\n'
        '\n[channels.failbox]\nkinds = ["letter"]\nfail_for = ["C2"]\n'
    )
    workspace.write_ledger([invoice("F2", due=days(-6), who=customer("C2", email=None))])
    failed = cli("run", "--yes", "--today", DAY)
    assert failed.code == 2
    assert "the printer is on fire" in failed.out
    assert types(workspace) == ["planned", "intent", "failed"]
    same_day = cli("run", "--yes", "--today", DAY)
    assert same_day.code == 0
    assert types(workspace) == ["planned", "intent", "failed"]
    workspace.configure(
        '\n[channels.outbox]\npath = "outbox"\nkinds = ["email"]\n'
        '\n[channels.failbox]\nkinds = ["letter"]\n'
    )
    retried = cli("run", "--yes", "--today", days(1).isoformat())
    assert retried.code == 0, retried.out
    assert types(workspace)[-2:] == ["intent", "sent"]


def test_a_send_whose_outcome_is_unknown_is_left_for_a_person_never_resent(
    workspace: Workspace, cli
) -> None:
    """The connection was lost after the message was handed over: it may have gone out.
    As after a crash, the intent stays unsettled and holds the customer until a person
    says whether it went (relance resolve); the next runs do not send it again."""
    workspace.configure(
        '\n[channels.outbox]\npath = "outbox"\nkinds = ["email"]\n'
        '\n[channels.failbox]\nkinds = ["letter"]\nfail_for = ["C2"]\nunknown = true\n'
    )
    workspace.write_ledger([invoice("F2", due=days(-6), who=customer("C2", email=None))])

    lost = cli("run", "--yes", "--today", DAY)

    assert lost.code == 2
    assert "unknown" in lost.out
    assert "may have gone out" in " ".join(lost.err.split())
    assert types(workspace) == ["planned", "intent"]
    workspace.configure(
        '\n[channels.outbox]\npath = "outbox"\nkinds = ["email"]\n'
        '\n[channels.failbox]\nkinds = ["letter"]\n'
    )
    later = cli("run", "--yes", "--today", days(1).isoformat(), "--json")
    assert later.code == 0, later.out
    assert types(workspace) == ["planned", "intent"]  # held: nothing sent again
    (skip,) = json.loads(later.out)["skipped"]
    assert skip["reason"] == "unsettled"


def test_what_a_channel_said_of_a_send_without_an_id_is_shown_with_it(
    workspace: Workspace, cli
) -> None:
    workspace.configure(
        '\n[channels.outbox]\npath = "outbox"\nkinds = ["email"]\n'
        '\n[channels.failbox]\nkinds = ["letter"]\ndetail = "accepted, but the answer has no id"\n'
    )
    workspace.write_ledger([invoice("F2", due=days(-6), who=customer("C2", email=None))])

    sent = cli("run", "--yes", "--today", DAY, "--json")

    assert sent.code == 0, sent.err
    (delivery,) = json.loads(sent.out)["deliveries"]
    assert delivery["detail"] == "accepted, but the answer has no id"


def test_the_formal_notice_waits_for_approval(workspace: Workspace, cli) -> None:
    workspace.configure(
        '\n[channels.outbox]\npath = "outbox"\n'
        '\n[policies.standard]\nstart_late_invoices_at = "reached"\n'
        + first_then_notice(45, "approval = true\n")
    )
    workspace.write_ledger([invoice("F1", due=days(-50))])
    waiting = cli("run", "--yes", "--today", DAY)
    assert waiting.code == 0, waiting.err
    assert "1 awaiting approval" in waiting.out
    assert workspace.sent_files() == []
    queue = cli("approve", "--json", "--today", DAY)
    (pending,) = json.loads(queue.out)["queue"]
    assert pending["level"] == "formal_notice"
    approved = cli("approve", pending["key"][:8], "--today", DAY)
    assert approved.code == 0, approved.err
    sent = cli("run", "--yes", "--today", DAY)
    assert sent.code == 0, sent.err
    (letter,) = workspace.sent_files()
    assert letter.endswith("_formal_notice_registered_letter_" + pending["key"][:12] + ".txt")
    assert "Mise en demeure" in (workspace.outbox / letter).read_text(encoding="utf-8")


@pytest.mark.parametrize("workers", [1, 2])
def test_the_formal_notice_lists_the_customer_s_own_earlier_reminders(
    workspace: Workspace, cli, workers: int
) -> None:
    """Also when worker processes render the messages ([templates] workers)."""
    workspace.configure(
        '\n[channels.outbox]\npath = "outbox"\n'
        f"\n[templates]\nworkers = {workers}\n" + first_then_notice(15)
    )
    workspace.write_ledger(
        [invoice("F1", due=days(-15)), invoice("F2", due=days(-17), who=customer("C2"))]
    )
    for day in (days(-12), days(-10), TODAY):
        result = cli("run", "--yes", "--today", day.isoformat())
        assert result.code == 0, result.err
    notices = {
        name.split("_")[1]: (workspace.outbox / name).read_text(encoding="utf-8")
        for name in workspace.sent_files()
        if "_formal_notice_" in name
    }
    assert notices.keys() == {"C1", "C2"}
    assert "Notre relance du 6 mars 2026 est restée sans effet." in notices["C1"]
    assert "Notre relance du 4 mars 2026 est restée sans effet." in notices["C2"]


def test_run_refuses_to_send_without_yes_when_not_interactive(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6))])
    result = cli("run", "--today", DAY)
    assert result.code == 1
    assert "pass --yes" in result.err
    assert workspace.sent_files() == []


def test_pause_promise_resume_and_history(workspace: Workspace, cli) -> None:
    workspace.write_ledger(
        [invoice("F1", due=days(-6)), invoice("F2", due=days(-6), who=customer("C2"))]
    )
    assert cli("pause", "F1", "--reason", "litige qualité", "--today", DAY).code == 0
    assert cli("promise", "F2", "--date", days(5).isoformat(), "--today", DAY).code == 0
    plan = json.loads(cli("plan", "--json", "--today", DAY).out)
    assert plan["reminders"] == []
    assert sorted((s["invoice"], s["reason"]) for s in plan["skipped"]) == [
        ("F1", "paused"),
        ("F2", "promised"),
    ]
    assert cli("resume", "F1", "--today", DAY).code == 0
    later = json.loads(cli("plan", "--json", "--today", days(7).isoformat()).out)
    assert [r["customer_id"] for r in later["reminders"]] == ["C1", "C2"]
    history = json.loads(cli("history", "--json", "--customer", "C1").out)["events"]
    assert [(e["type"], e.get("reason")) for e in history] == [
        ("paused", "litige qualité"),
        ("resumed", None),
    ]
    unknown = cli("pause", "F9", "--reason", "x", "--today", DAY)
    assert unknown.code == 1
    assert "no open invoice numbered 'F9'" in unknown.err


def test_levels_that_quote_penalties_carry_them_per_invoice(workspace: Workspace, cli) -> None:
    workspace.configure(OUTBOX_REACHED)
    workspace.write_ledger([invoice("F1", due=days(-35), residual="1200.00")])
    document = json.loads(cli("plan", "--json", "--today", DAY).out)
    (reminder,) = document["reminders"]
    assert reminder["level"] == "final"
    (item,) = reminder["invoices"]
    # 1200.00 x 12.15 % (ECB 2.15 % + 10 points, 2026H1) x 35 / 365 = 13.9808...
    assert (item["interest"], item["indemnity"]) == ("13.98", "40.00")
    assert reminder["penalties"] == {"EUR": "53.98"}


def test_a_consumer_owes_interest_only_from_the_formal_notice(workspace: Workspace, cli) -> None:
    workspace.configure(OUTBOX_REACHED)
    person = customer("C1", kind=CustomerKind.CONSUMER)
    workspace.write_ledger([invoice("F1", due=days(-35), residual="1200.00", who=person)])
    (reminder,) = json.loads(cli("plan", "--json", "--today", DAY).out)["reminders"]
    assert (reminder["invoices"][0]["interest"], reminder["invoices"][0]["indemnity"]) == (
        "0.00",
        "0.00",
    )


@pytest.mark.parametrize(
    ("delivery", "first_day"),
    [("", date(2026, 3, 5)), ("notice_delivery_days = 0", date(2026, 3, 3))],
)
def test_a_consumer_s_interest_runs_from_the_formal_notice_s_receipt(
    workspace: Workspace, delivery: str, first_day: date
) -> None:
    """Sent on Monday 2 March, a registered letter is received two business days later
    (the default), and interest runs from the day after (fr-b2c)."""
    workspace.configure(OUTBOX_REACHED + f"\n[legal]\n{delivery}\n")
    person = customer("C1", kind=CustomerKind.CONSUMER)
    item = invoice("F1", due=days(-60), residual="1200.00", who=person)
    notice = sent("formal_notice", {"F1": "formal_notice"}, on=date(2026, 3, 2))
    loaded = load(workspace.config)
    with open_session(loaded, DAY, output(), dry_run=True) as session:
        calculator = session.runner.penalty_calculator(DunningState.from_events([notice]))
        assert calculator is not None
        quote = calculator(item, TODAY)

    assert quote is not None
    assert quote.segments[0].start == first_day


def test_a_consumer_s_formal_notice_about_an_earlier_instalment_starts_no_interest(
    workspace: Workspace,
) -> None:
    """The notice of 2 March was about the first instalment, paid since; the second,
    due on 6 March, bears interest only from a notice about it (C. civ. 1231-6)."""
    workspace.configure(OUTBOX_REACHED)
    person = customer("C1", kind=CustomerKind.CONSUMER)

    def split(first_residual: str) -> Invoice:
        parts = (
            Instalment(
                due_date=date(2026, 1, 5), amount=Decimal(600), residual=Decimal(first_residual)
            ),
            Instalment(due_date=date(2026, 3, 6), amount=Decimal(600), residual=Decimal(600)),
        )
        residual = str(sum((part.residual for part in parts), Decimal(0)))
        return invoice("F1", due=date(2026, 3, 6), residual=residual, total="1200.00",
                       who=person, instalments=parts)  # fmt: skip

    notice = sent("formal_notice", {"F1": "formal_notice"}, on=date(2026, 3, 2))
    with open_session(load(workspace.config), DAY, output(), dry_run=True) as session:
        calculator = session.runner.penalty_calculator(DunningState.from_events([notice]))
        assert calculator is not None
        unpaid, paid = calculator(split("600"), TODAY), calculator(split("0"), TODAY)

    assert unpaid is not None
    assert unpaid.interest > 0
    assert unpaid.segments[0].start == date(2026, 3, 5)  # the day after its receipt
    assert paid is not None
    assert (paid.interest, paid.segments) == (Decimal("0.00"), ())


def test_a_message_planned_again_under_a_delivered_key_is_reported_not_sent(
    workspace: Workspace, cli
) -> None:
    """The history holds the message (its key delivered) but not the level it brought
    the invoice to: the planner plans it again, and the run says why nothing went out."""
    workspace.write_ledger([invoice("F1", due=days(-6))])
    key = reminder_key("jsonledger", "C1", "first", ["F1"])
    delivered = sent("first", {}, on=days(-30), key=key).model_copy(update={"source": "jsonledger"})
    intent = delivered.model_copy(update={"type": EventType.INTENT, "id": "intent-1"})
    with SQLiteStore(workspace.folder / "history.sqlite3") as store:
        store.claim(intent)
        store.settle(delivered.model_copy(update={"settles": intent.id}))

    result = cli("run", "--yes", "--today", DAY, "--json")

    assert result.code == 0, result.err
    assert workspace.sent_files() == []
    (delivery,) = json.loads(result.out)["deliveries"]
    assert (delivery["status"], delivery["detail"]) == (
        "skipped",
        f"message {key}:email was already delivered: not sent again",
    )


def test_plan_says_why_penalties_could_not_be_computed(workspace: Workspace, cli) -> None:
    """One cause (a rate missing, a currency the law refuses) often holds many
    customers, and only a person can fix it: the table says it, with its count."""
    workspace.configure(
        OUTBOX_REACHED
        + '\n[[policies.standard.levels]]\nname = "final"\noffset_days = 5\npenalties = true\n'
        + '\n[customers.C1]\njurisdiction = "uk-b2b"\n\n[customers.C2]\njurisdiction = "uk-b2b"\n'
    )
    workspace.write_ledger(
        [invoice("F1", due=days(-6)), invoice("F2", due=days(-7), who=customer("C2"))]
    )

    cause = (
        "no_penalties (2): Cannot compute the late-payment penalties. - currency: uk-b2b "
        "applies to amounts in GBP, not EUR"
    )
    for command in (("plan",), ("run", "--yes")):  # the daily run's output (a cron mail) too
        result = cli(*command, "--today", DAY)
        assert result.code == 0, result.err
        assert cause in " ".join(result.out.split()), command


def test_a_case_file_quotes_interest_from_a_notice_recorded_under_a_former_id(
    workspace: Workspace, cli, tmp_path: Path
) -> None:
    """export-case lists the customer's own reminders, but its penalties come from every
    invoice's memory: a consumer's formal notice recorded before the customer got its
    present id (a CSV customer named anew) still starts the interest."""
    workspace.configure(OUTBOX_REACHED)
    person = customer("C1", kind=CustomerKind.CONSUMER)
    workspace.write_ledger([invoice("F1", due=days(-60), residual="1200.00", who=person)])
    notice = sent("formal_notice", {"F1": "formal_notice"}, on=date(2026, 3, 2), who="C1-OLD")
    notice = notice.model_copy(update={"source": "jsonledger"})
    intent = notice.model_copy(update={"type": EventType.INTENT, "id": "intent-1"})
    with SQLiteStore(workspace.folder / "history.sqlite3") as store:
        store.claim(intent)
        store.settle(notice.model_copy(update={"settles": intent.id}))

    result = cli("export-case", "C1", "--today", DAY, "-o", str(tmp_path / "cases"), "--json")

    assert result.code == 0, result.err
    (line,) = json.loads(result.out)["claim"]
    # Received Wednesday 4 March (two business days): interest from the 5th to the 16th,
    # 1200.00 x 2.62 % (legal rate, other cases, 2026H1) x 12 / 365 = 1.0336...
    assert line["interest"] == "1.03"


def test_a_customer_s_jurisdiction_can_be_set_in_the_configuration(
    workspace: Workspace, cli
) -> None:
    workspace.configure(OUTBOX_REACHED + '\n[customers.C1]\njurisdiction = "de-b2b"\n')
    workspace.write_ledger([invoice("F1", due=days(-35), residual="1200.00")])
    (reminder,) = json.loads(cli("plan", "--json", "--today", DAY).out)["reminders"]
    # BGB §288: base rate 1.27 % + 9 points = 10.27 %; 1200.00 x 10.27 % x 35 / 365 = 11.8175...
    assert (reminder["invoices"][0]["interest"], reminder["invoices"][0]["indemnity"]) == (
        "11.82",
        "40.00",
    )


def test_a_re_read_balance_keeps_the_record_unless_it_moved() -> None:
    item = invoice("F1", due=days(-6), residual="1200.00", total="1500.00")

    def balance(residual: str, disputed: bool | None = None) -> Balance:
        return Balance(
            invoice_id="F1", residual=Decimal(residual), currency="EUR", disputed=disputed
        )

    assert _refreshed(item, balance("1200.00")) is item
    assert _refreshed(item, balance("1200.00", disputed=False)) is item
    moved = _refreshed(item, balance("700.00"))
    assert moved is not None
    assert (moved.residual, moved.disputed) == (Decimal("700.00"), False)
    disputed = _refreshed(item, balance("1200.00", disputed=True))
    assert disputed is not None
    assert (disputed.residual, disputed.disputed) == (Decimal("1200.00"), True)
    assert _refreshed(item, balance("0.00")) is None
    paid = Balance(invoice_id="F1", residual=Decimal("5.00"), currency="EUR", status="paid")
    assert _refreshed(item, paid) is None
