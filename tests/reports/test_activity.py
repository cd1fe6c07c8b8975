"""Activity: reminders per level and channel, recoveries within N days, promises."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from relance.model import ChannelKind, EventType, HistoryEvent
from relance.reports.activity import PromiseStatus, activity
from relance.reports.ledger import Ledger

from .conftest import DEMO_TODAY
from .test_scores import sent

START, END = date(2026, 1, 1), date(2026, 3, 31)


def test_sent_recovered_and_promises(make_invoice) -> None:
    letter = sent("final", date(2026, 2, 1), "F2").model_copy(
        update={"channel": ChannelKind.LETTER, "id": "letter"}
    )
    events = [
        sent("first", date(2026, 1, 10), "F1", "F2"),
        sent("final", date(2026, 2, 1), "F2"),
        letter,
        sent("first", date(2025, 12, 1), "F3"),  # before the period: not counted as sent
        HistoryEvent(type=EventType.PROMISED, run_date=date(2026, 2, 2), source="books",
                     customer_id="C1", invoice_ids=("F2",), until=date(2026, 2, 20)),
    ]  # fmt: skip
    ledger = Ledger(
        open=(make_invoice("F4", due=date(2026, 2, 1), promise=date(2026, 3, 1)),),
        paid=(
            # 15 days after "first": recovered at "first" (window 15 days, inclusive).
            make_invoice("F1", due=date(2026, 1, 1), total="1200.50", residual="0",
                         paid=date(2026, 1, 25)),
            # Paid 19 days after "final" (its last reminder): not credited; promise kept.
            make_invoice("F2", due=date(2026, 1, 1), total="800.00", residual="0",
                         paid=date(2026, 2, 20)),
            # Reminded 33 days before its payment: not credited.
            make_invoice("F3", due=date(2025, 11, 1), total="50.00", residual="0",
                         paid=date(2026, 1, 3)),
        ),
    )  # fmt: skip
    report = activity(ledger, events, START, END, recovery_days=15)
    assert [(s.level, s.channel, s.count) for s in report.sent] == [
        ("final", "email", 1),
        ("final", "letter", 1),
        ("first", "email", 1),
    ]
    by_level = {r.level: r for r in report.recovered}
    assert (by_level["first"].invoices, by_level["first"].amount) == (1, Decimal("1200.50"))
    assert (by_level["final"].invoices, by_level["final"].amount) == (0, Decimal(0))
    assert by_level["first"].reminders == 1
    assert {p.invoice_id: p.status for p in report.promises} == {
        "F2": PromiseStatus.KEPT,  # paid on the promised day
        "F4": PromiseStatus.BROKEN,  # promised 1 March, still open on 31 March
    }
    assert report.promise_counts() == {"kept": 1, "broken": 1, "pending": 0, "unknown": 0}


def test_the_demo_promises(cli, demo: Path) -> None:
    result = cli("report", "activity", "--config", str(demo), "--today", DEMO_TODAY, "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    # CL013 promised 27/03 (ahead), CL014 promised 06/03 and has not paid.
    assert document["promises"] == {"kept": 0, "broken": 1, "pending": 1, "unknown": 0}
    assert document["sent"] == []
    csv = cli("report", "activity", "--config", str(demo), "--today", DEMO_TODAY, "--format", "csv")
    assert "promises,broken,,,1," in csv.out


def test_a_promise_the_source_gave_on_an_invoice_since_paid_is_kept(make_invoice) -> None:
    """Source promises were read on open invoices only: once paid, the invoice left
    them, and a source promise could never show as kept."""
    paid = make_invoice("K1", due=date(2026, 2, 1), total="100.00", residual="0",
                        paid=date(2026, 3, 8), promise=date(2026, 3, 10))  # fmt: skip

    report = activity(Ledger(open=(), paid=(paid,)), [], START, END, recovery_days=15)

    assert {p.invoice_id: p.status for p in report.promises} == {"K1": PromiseStatus.KEPT}


def test_a_payment_is_credited_to_the_last_reminder_of_its_own_source_before_it(
    make_invoice,
) -> None:
    """Reminders are found by the invoice they listed: one of another source listing the
    same id, or one sent after the payment, is not the reminder that recovered it."""
    other = sent("final", date(2026, 1, 22), "F1").model_copy(
        update={"source": "shop", "reminder_key": "shop-final"}
    )
    events = [
        sent("first", date(2026, 1, 5), "F1"),
        sent("second", date(2026, 1, 12), "F1", "F9"),
        other,
        sent("final", date(2026, 1, 28), "F1"),
    ]
    paid = make_invoice("F1", due=date(2026, 1, 1), total="300.00", residual="0",
                        paid=date(2026, 1, 25))  # fmt: skip
    report = activity(Ledger(open=(), paid=(paid,)), events, START, END, recovery_days=15)
    credited = {r.level: (r.reminders, r.invoices, r.amount) for r in report.recovered}
    assert credited == {
        "first": (1, 0, Decimal(0)),
        "second": (1, 1, Decimal("300.00")),
        "final": (2, 0, Decimal(0)),
    }
