"""The Odoo connector passes relance's connector contract, on Odoo 16, 17, 18 and 19.

The fake serves the reference fixtures of ``data/`` (``reference/odoo-api.md`` §9),
plus one open credit note, from its own state: ``search_read`` evaluates the domain it
is sent, so that a payment (``mark_paid``) changes what every later request answers,
as it does on a real database.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
import responses

from relance.testing import ConnectorContract, ConnectorSetup, ResponsesFake
from relance.testing.ledgers import SAMPLE_DAY

from .conftest import (
    DB,
    KEY,
    KEY_VARIABLE,
    LOGIN,
    URL,
    VERSIONS,
    FakeOdoo,
    Sent,
    invoice_rows,
    message_id,
    page,
    partner_rows,
    serve,
)

#: The methods that change something in Odoo.
WRITES = frozenset({"message_post", "activity_schedule", "write", "create"})

Row = dict[str, Any]


def credit_note(version: int) -> Row:
    """An open credit note of Deco Addict, shaped like the invoices of the fixture."""
    row: Row = {
        "id": 430,
        "name": "RINV/2025/00004",
        "move_type": "out_refund",
        "state": "posted",
        "payment_state": "not_paid",
        "ref": False,
        "payment_reference": False,
        "invoice_date": "2025-02-14",
        "invoice_date_due": "2025-02-14",
        "amount_untaxed": 200.0,
        "amount_total": 240.0,
        "amount_residual": 240.0,
        "amount_total_signed": -240.0,
        "amount_residual_signed": -240.0,
        "currency_id": [1, "EUR"],
        "partner_id": [45, "Deco Addict"],
        "commercial_partner_id": [45, "Deco Addict"],
        "invoice_payment_term_id": False,
        "company_id": [1, "Acme SAS"],
        "invoice_user_id": False,
        "invoice_pdf_report_id": False,
        "write_date": "2025-02-14 10:02:11",
    }
    if version >= 19:
        row["no_followup"] = False
    return row


def _value(row: Row, field: str) -> Any:
    """A field as a domain compares it: a many2one pair by its id."""
    value = row[field]
    return value[0] if isinstance(value, list) and len(value) == 2 else value


def matches(row: Row, domain: list[Any]) -> bool:
    """Whether ``row`` satisfies an all-AND domain of ``=``, ``in``, ``>``, ``>=`` and
    ``<=`` leaves (dates and datetimes compare as Odoo writes them, text in ISO order)."""
    for leaf in domain:
        if not isinstance(leaf, list):
            raise AssertionError(f"the fake evaluates AND domains only, got {leaf!r}")
        field, operator, wanted = leaf
        value = _value(row, field)
        if operator == "=":
            ok = value == wanted
        elif operator == "in":
            ok = value in wanted
        elif operator == ">":
            ok = value > wanted
        elif operator == ">=":
            ok = value >= wanted
        elif operator == "<=":
            ok = value <= wanted
        else:
            raise AssertionError(f"the fake does not evaluate {operator!r}")
        if not ok:
            return False
    return True


class StatefulOdoo(FakeOdoo, ResponsesFake):
    """An Odoo database of one version whose invoices can be paid while the test runs."""

    def __init__(self, mock: responses.RequestsMock, version: int) -> None:
        FakeOdoo.__init__(self, mock, version)
        ResponsesFake.__init__(self, mock)
        self.moves = {row["id"]: row for row in [*invoice_rows(version), credit_note(version)]}
        self.matchings: list[Row] = []
        self.items: list[Row] = []
        ids = itertools.count(90871)
        self.always("account.move", "search_read", self._search_moves)
        self.always("account.partial.reconcile", "search_read", self._search_matchings)
        self.always("account.move.line", "read", serve(self.items))  # the list grows
        self.always("res.partner", "search_read", serve(partner_rows(version)))
        self.always(
            "account.payment.term", "read", serve([{"id": 4, "name": "30 jours", "line_ids": [9]}])
        )
        if version <= 17:
            self.always("account.move.line", "search_read", serve([]))
        self.always("account.move", "message_post", lambda _: message_id(version, next(ids)))
        self.always(
            "account.move",
            "activity_schedule",
            lambda _: [5531] if version >= 19 else "mail.activity(5531,)",
        )

    def _search_moves(self, sent: Sent) -> list[Row]:
        return page(
            [row for row in self.moves.values() if matches(row, sent.params["domain"])], sent
        )

    def _search_matchings(self, sent: Sent) -> list[Row]:
        (invoices,) = [
            leaf[2] for leaf in sent.params["domain"] if leaf[0] == "debit_move_id.move_id"
        ]
        move_of = {item["id"]: item["move_id"][0] for item in self.items}
        return page([m for m in self.matchings if move_of[m["debit_move_id"][0]] in invoices], sent)

    def mark_paid(self, invoice_id: str) -> None:
        """A bank payment of the contract's day matched with the invoice's receivable line."""
        move = self.moves[int(invoice_id)]
        move.update(
            payment_state="paid",
            amount_residual=0.0,
            amount_residual_signed=0.0,
            write_date=f"{SAMPLE_DAY} 08:30:00",
            matched_payment_ids=[],
        )
        line, payment = move["id"] * 10 + 1, 99_000 + move["id"]
        self.items += [
            {"id": line, "move_id": [move["id"], move["name"]]},
            {"id": payment, "move_id": [9000 + move["id"], "PBNK1/2025/00031"]},
        ]
        self.matchings.append(
            {"id": 700 + move["id"], "debit_move_id": [line, move["name"]],
             "credit_move_id": [payment, "PBNK1/2025/00031"], "max_date": SAMPLE_DAY.isoformat(),
             "exchange_move_id": False}
        )  # fmt: skip

    def reject_credentials(self) -> None:
        """The API key was revoked: login refused (16-18), bearer refused (19)."""
        self.key = "revoked"
        self.login_answer = False

    def writes(self) -> list[str]:
        return [
            f"{sent.model}.{sent.method}"
            for sent in self.sent
            if sent.method in WRITES and sent.model is not None
        ]


@pytest.fixture(params=VERSIONS, ids=[f"odoo{version}" for version in VERSIONS])
def fake_odoo(request: pytest.FixtureRequest) -> Iterator[StatefulOdoo]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield StatefulOdoo(mock, request.param)


class TestOdooConnector(ConnectorContract):
    plugin = "odoo"
    skip_reasons: ClassVar[dict[str, str]] = {}

    @pytest.fixture
    def connector(self, fake_odoo: StatefulOdoo) -> ConnectorSetup:
        return ConnectorSetup(
            table={
                "url": URL,
                "database": DB,
                "login": LOGIN,
                "api_key_env": KEY_VARIABLE,
                "retries": 1,
                "backoff": 0,
            },
            fake=fake_odoo,
            secrets={KEY_VARIABLE: KEY},
            credit_note_ids=["430"],
        )


def test_the_fake_evaluates_the_open_domain() -> None:
    """The fake's own rule: what the contract proves rests on it."""
    row = credit_note(17)
    domain: list[Any] = [
        ["move_type", "in", ["out_invoice", "out_refund"]],
        ["payment_state", "in", ["not_paid", "partial", "blocked"]],
        ["company_id", "in", [1]],
    ]
    assert matches(row, domain)
    assert not matches({**row, "payment_state": "paid"}, domain)
    assert not matches(row, [["company_id", "in", [2]]])
    with pytest.raises(AssertionError, match="AND domains only"):
        matches(row, ["|", ["id", "=", 1]])
