"""What `relance plan` tells the person about to send: the notes of each reminder."""

from __future__ import annotations

import json
from decimal import Decimal

from relance.testing.ledgers import customer, invoice

from .conftest import Workspace
from .test_runner import DAY, days, first_then_notice

NOTICE_WITH_PENALTIES = first_then_notice(45, "penalties = true\n")


def test_a_contractual_rate_below_the_legal_minimum_is_shown_with_the_plan(
    workspace: Workspace, cli
) -> None:
    """The formal notice quotes penalties at the contract's 5 %, under the fr-b2b floor
    (3 x the legal rate): `relance penalties` warned of it, and now so does the plan."""
    workspace.configure(
        '\n[channels.outbox]\npath = "outbox"\n'
        '\n[policies.standard]\nstart_late_invoices_at = "reached"\n' + NOTICE_WITH_PENALTIES
    )
    workspace.write_ledger([invoice("F1", due=days(-50), contract_rate=Decimal("5"))])

    planned = cli("plan", "--json", "--today", DAY)

    assert planned.code == 0, planned.err
    (reminder,) = json.loads(planned.out)["reminders"]
    (note,) = reminder["notes"]
    assert note.startswith("F1: The rate of 5% is below the legal minimum of ")
    assert note.endswith("(C. com. L441-10).")
    shown = cli("plan", "--today", DAY)
    assert "Notes" in shown.out
    assert "F1: The rate of 5% is below the legal minimum" in " ".join(shown.out.split())


def test_a_reminder_sent_by_letter_for_want_of_an_email_says_so(workspace: Workspace, cli) -> None:
    workspace.write_ledger([invoice("F1", due=days(-6), who=customer("C2", email=None))])

    planned = cli("plan", "--json", "--today", DAY)
    shown = cli("plan", "--today", DAY)

    (reminder,) = json.loads(planned.out)["reminders"]
    assert reminder["notes"] == ["no email address: sent by letter"]
    assert "no email address: sent by letter" in shown.out
