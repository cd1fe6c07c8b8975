"""The aged balance: bucket boundaries, amounts to the cent, the demo checked by hand."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from relance.model import Instalment
from relance.reports.aging import aging, bucket_index, labels
from relance.reports.documents import aging_document
from relance.reports.ledger import Ledger

from .conftest import DEMO_TODAY, french_day

BOUNDS = (30, 60, 90)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-3, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (400, 4)],
)
def test_bucket_boundaries(days: int, bucket: int) -> None:
    assert bucket_index(days, BOUNDS) == bucket


def test_buckets_are_configurable() -> None:
    assert labels(BOUNDS) == ("not_due", "1-30", "31-60", "61-90", ">90")
    assert labels((15, 45)) == ("not_due", "1-15", "16-45", ">45")
    assert bucket_index(16, (15, 45)) == 2


def test_credits_count_negatively_and_paid_invoices_only_before_payment(make_invoice) -> None:
    ledger = Ledger(
        open=(
            make_invoice("F1", due=date(2026, 3, 1), total="1000.00", residual="400.10"),
            make_invoice("A1", due=None, total="150.05", credit=True),
        ),
        paid=(
            make_invoice("F0", issued=date(2026, 1, 2), due=date(2026, 2, 1), total="99.99",
                         residual="0", paid=date(2026, 3, 10)),
        ),
    )  # fmt: skip
    before = aging(ledger, date(2026, 3, 3), BOUNDS)
    (row,) = before.rows
    assert row.amounts == (
        Decimal("-150.05"),
        Decimal("500.09"),
        Decimal("0"),
        Decimal("0"),
        Decimal("0"),
    )
    # On 3 March F0 (due 1 February, 30 days) was still owed; F1 is 2 days late.
    after = aging(ledger, date(2026, 3, 10), BOUNDS)
    assert after.rows[0].total == Decimal("250.05")


def test_an_invoice_in_instalments_is_aged_instalment_by_instalment(make_invoice) -> None:
    """30 % forty days late and 70 % not yet due: not all "not yet due" because the
    last date is ahead."""
    split = make_invoice("F1", due=date(2026, 4, 15), total="1000.00").model_copy(
        update={
            "instalments": (
                Instalment(due_date=date(2026, 1, 22), amount=Decimal(300), residual=Decimal(300)),
                Instalment(due_date=date(2026, 4, 15), amount=Decimal(700), residual=Decimal(700)),
            )
        }
    )

    report = aging(Ledger(open=(split,), paid=()), date(2026, 3, 3), BOUNDS)

    (row,) = report.rows
    assert row.amounts == (Decimal(700), Decimal(0), Decimal(300), Decimal(0), Decimal(0))
    assert [(i.due_date, i.amount) for i in report.items] == [
        (date(2026, 1, 22), Decimal(300)),
        (date(2026, 4, 15), Decimal(700)),
    ]


def _json(cli, config: Path, today: str) -> dict:
    result = cli("report", "aging", "--config", str(config), "--today", today, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_demo_items_fall_in_the_right_bucket_at_the_boundary_days(cli, demo: Path) -> None:
    items = {i["number"]: i for i in _json(cli, demo, DEMO_TODAY)["items"]}
    # README: CL001 due in 3 days, CL008 1 day late, CL005 30 days, CL017 31 days.
    assert (items["FA-2026-0111"]["days_late"], items["FA-2026-0111"]["bucket"]) == (-3, "not_due")
    assert (items["FA-2026-0103"]["days_late"], items["FA-2026-0103"]["bucket"]) == (1, "1-30")
    assert (items["FA-2026-0057"]["days_late"], items["FA-2026-0057"]["bucket"]) == (30, "1-30")
    assert (items["FA-2026-0055"]["days_late"], items["FA-2026-0055"]["bucket"]) == (31, "31-60")
    # The day before, CL008's invoice is due that very day: not late.
    earlier = {i["number"]: i for i in _json(cli, demo, "2026-03-15")["items"]}
    assert (earlier["FA-2026-0103"]["days_late"], earlier["FA-2026-0103"]["bucket"]) == (
        0,
        "not_due",
    )


def test_demo_customers_to_the_cent(cli, demo: Path) -> None:
    rows = {r["customer_id"]: r for r in _json(cli, demo, DEMO_TODAY)["customers"]}
    zero = "0.00"
    # CL010: 690.00 owed 16 days late, a 150.00 credit note due 40 days ago.
    assert rows["CL010"]["buckets"] == {
        "not_due": zero, "1-30": "690.00", "31-60": "-150.00", "61-90": zero, ">90": zero
    }  # fmt: skip
    assert rows["CL010"]["total"] == "540.00"
    # CL007: 1 980.00 sixty days late, 2 760.00 ninety-six days late.
    assert rows["CL007"]["buckets"]["31-60"] == "1980.00"
    assert rows["CL007"]["buckets"][">90"] == "2760.00"
    assert rows["CL007"]["total"] == "4740.00"
    # CL009: 4 200.00 invoiced, 1 700.00 left; CL018: 3.20 left; CL002: two not due yet.
    assert rows["CL009"]["buckets"]["1-30"] == "1700.00"
    assert rows["CL018"]["total"] == "3.20"
    assert rows["CL002"]["buckets"]["not_due"] == "1392.00"


def _oracle(as_of: date) -> dict[str, Decimal]:
    """The bucket totals read straight from the CSV file, independently of relance."""
    folder = Path(__file__).parents[2] / "examples" / "demo"
    totals = dict.fromkeys(labels(BOUNDS), Decimal(0))
    with (folder / "factures.csv").open(encoding="cp1252", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            issued = french_day(row["Date facture"])
            due = french_day(row["Échéance"])
            left = Decimal(row["Reste à payer"].replace("\xa0", "").replace(",", "."))
            if issued > as_of or left == 0:
                continue
            sign = -1 if row["Type"] == "Avoir" else 1
            totals[labels(BOUNDS)[bucket_index((as_of - due).days, BOUNDS)]] += sign * abs(left)
    return totals


def test_demo_totals_match_the_file(cli, demo: Path) -> None:
    document = _json(cli, demo, DEMO_TODAY)
    expected = _oracle(date(2026, 3, 16))
    totals = document["totals"]["EUR"]
    assert {k: Decimal(v) for k, v in totals.items() if k != "total"} == expected
    assert Decimal(totals["total"]) == sum(expected.values())
    assert totals[">90"] == "2760.00"


def test_csv_and_table_outputs(cli, demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "aging.csv"
    result = cli("report", "aging", "--config", str(demo), "--today", DEMO_TODAY,
                 "--format", "csv", "-o", str(target))  # fmt: skip
    assert result.code == 0, result.err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Customer,Name,Currency,not due,1-30,31-60,61-90,>90,Total"
    assert "CL010,Salon Coiffure Émile,EUR,0.00,690.00,-150.00,0.00,0.00,540.00" in lines
    table = cli("report", "aging", "--config", str(demo), "--today", DEMO_TODAY)
    assert "Aged balance on 2026-03-16" in table.out
    assert "Salon Coiffure Émile" in table.out


def test_piped_tables_keep_every_character_and_columns_still_fit_them(
    cli, demo: Path, monkeypatch
) -> None:
    document = json.loads(
        cli("report", "aging", "--config", str(demo), "--today", DEMO_TODAY, "--json").out
    )
    piped = cli("report", "aging", "--config", str(demo), "--today", DEMO_TODAY).out
    assert "…" not in piped
    lines = {line.split("│")[1].strip(): line for line in piped.splitlines() if "│" in line}
    assert len(document["customers"]) > 10
    for row in document["customers"]:
        cells = [cell.strip() for cell in lines[row["customer_id"]].split("│")[1:-1]]
        assert cells[1] == row["customer_name"]
        assert cells[3:] == [*row["buckets"].values(), row["total"]]
    monkeypatch.setenv("COLUMNS", "60")
    fitted = cli("report", "aging", "--config", str(demo), "--today", DEMO_TODAY).out
    assert max(len(line) for line in fitted.splitlines()) <= 60


def test_a_report_file_is_plain_and_whole_whatever_the_terminal_settings(
    cli, demo: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "60")
    target = tmp_path / "aging.txt"
    result = cli("report", "aging", "--config", str(demo), "--today", DEMO_TODAY, "-o", str(target))
    assert result.code == 0, result.err
    text = target.read_text(encoding="utf-8")
    assert "\x1b[" not in text
    assert "…" not in text
    assert "│ CL022    │ Imprimerie du Rhône " in text
    monkeypatch.delenv("COLUMNS")
    piped = cli("report", "aging", "--config", str(demo), "--today", DEMO_TODAY).out
    assert "…" not in piped
    assert "Imprimerie du Rhône" in piped


def test_amounts_keep_every_decimal_of_their_currency(make_invoice) -> None:
    """A Kuwaiti dinar has three decimals: the aged balance writes them all."""
    dinars = make_invoice("F1", due=date(2026, 3, 1), total="1000.125").model_copy(
        update={"currency": "KWD"}
    )
    euros = make_invoice("F2", customer="C2", due=date(2026, 3, 1), total="10")
    document = aging_document(
        aging(Ledger(open=(dinars, euros), paid=()), date(2026, 3, 3), BOUNDS)
    )
    rows = {row["customer_id"]: row for row in document["customers"]}
    assert (rows["C1"]["buckets"]["1-30"], rows["C1"]["total"]) == ("1000.125", "1000.125")
    assert (rows["C2"]["buckets"]["1-30"], rows["C2"]["total"]) == ("10.00", "10.00")
    assert document["totals"]["KWD"]["total"] == "1000.125"
    assert [item["amount"] for item in document["items"]] == ["1000.125", "10.00"]
