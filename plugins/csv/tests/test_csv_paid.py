"""``relance_fetch_paid_invoices``: the rows at zero, with their payment date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from relance import Role
from relance.config import load_config
from relance.plugins import PluginRegistry

LEDGER = """\
number;customer_id;customer_name;issue_date;due_date;total;residual;paid on
F1;C1;Client Un;01/02/2026;03/03/2026;100,00;100,00;
F2;C1;Client Un;05/01/2026;04/02/2026;250,50;0,00;20/02/2026
F3;C2;Client Deux;10/01/2026;09/02/2026;80,00;0,00;
F4;C2;Client Deux;10/01/2026;09/02/2026;-30,00;0,00;
F5;C2;Client Deux;10/10/2025;09/11/2025;70,00;0,00;15/11/2025
"""


def test_paid_rows_with_their_payment_date(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    (tmp_path / "ledger.csv").write_text(LEDGER, encoding="utf-8")
    config = load_config(write_config('[sources.csv]\npath = "ledger.csv"\n'), PluginRegistry())
    with config.host(today=date(2026, 3, 16), dry_run=True, roles=[Role.SOURCE]) as host:
        (ctx,) = host.sources
        paid = host.fetch_paid_invoices(ctx, date(2026, 1, 1), date(2026, 3, 16))
        open_items = list(host.fetch_invoices(ctx))
    assert paid is not None
    # F1 is open; F4 is a credit note; F5 was paid before the period.
    assert [(i.number, i.total, i.residual, i.paid_date) for i in paid] == [
        ("F2", Decimal("250.50"), Decimal(0), date(2026, 2, 20)),
        ("F3", Decimal("80.00"), Decimal(0), None),  # no date: kept, it was issued by then
    ]
    assert all(i.source == "csv" and i.status == "paid" for i in paid)
    assert [i.number for i in open_items] == ["F1"]
