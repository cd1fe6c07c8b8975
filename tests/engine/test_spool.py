"""The spool keeps a run's rendered messages on disk, in order, until they are sent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from relance.engine.spool import Spool
from relance.model import Document, Message, Money
from relance.testing import ledgers

ITEMS = st.lists(
    st.tuples(st.text(max_size=20), st.decimals(allow_nan=False, places=2), st.binary(max_size=64))
)


@given(items=ITEMS)
def test_items_come_back_equal_and_in_order(items: list[tuple[str, Decimal, bytes]]) -> None:
    with Spool[tuple[str, Decimal, bytes]]() as spool:
        for item in items:
            spool.add(item)
        assert len(spool) == len(items)
        assert list(spool) == items


def test_messages_with_attachments_round_trip_and_the_file_closes() -> None:
    message = ledgers.message(
        reminder="csv:CL01:first:2025-07-10",
        customer_id="CL01",
        to=("compta@client.fr",),
        subject="Relance \u2013 facture n°F4567",
        text="Madame, Monsieur,",
        attachments=(Document(filename="F4567.pdf", content=b"%PDF-1.7 ..."),),
        amounts=(Money(amount=Decimal("2430.00"), currency="EUR"),),
        oldest_due_date=date(2025, 6, 5),
    )
    with Spool[list[Message]]() as spool:
        spool.add([message])
        spool.add([])
        assert list(spool) == [[message], []]
        handle = spool._file
    assert handle.closed
