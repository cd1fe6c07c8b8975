"""DSO by both methods: the worked example of docs/reports.md, and the demo."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from relance.cli.reporting import paid_period
from relance.reports.dso import MAX_MONTHS_BACK, dso
from relance.reports.ledger import Ledger
from relance.reports.settings import ReportSettings

from .conftest import DEMO, DEMO_TODAY, french_day


def worked_example(make_invoice) -> Ledger:
    """docs/reports.md: sales of 30 000 in January, 20 000 in February, 25 000 in March;
    40 000 still owed on 31 March (15 000 of February's, all of March's)."""
    return Ledger(
        open=(
            make_invoice("F2", issued=date(2026, 2, 10), due=date(2026, 3, 12),
                         total="20000.00", residual="15000.00"),
            make_invoice("F3", issued=date(2026, 3, 5), due=date(2026, 4, 4), total="25000.00"),
        ),
        paid=(
            make_invoice("F1", issued=date(2026, 1, 15), due=date(2026, 2, 14),
                         total="30000.00", residual="0", paid=date(2026, 2, 20)),
        ),
    )  # fmt: skip


def test_the_worked_example(make_invoice) -> None:
    report = dso(worked_example(make_invoice), date(2026, 3, 31), 90)
    (eur,) = report.currencies
    assert report.start == date(2026, 1, 1)
    assert (eur.receivables, eur.sales) == (Decimal("40000.00"), Decimal("75000.00"))
    # simple: 40 000 / 75 000 x 90 = 48.0
    assert eur.simple == Decimal("48.0")
    # count-back: March's 25 000 used up (31 days), 15 000 left of February's 20 000:
    # 15 000 / 20 000 x 28 = 21 days; 31 + 21 = 52.0
    assert [(s.start, s.days) for s in eur.steps] == [
        (date(2026, 3, 1), Decimal(31)),
        (date(2026, 2, 1), Decimal(21)),
    ]
    assert eur.count_back == Decimal("52.0")
    assert not eur.exhausted


def test_a_past_day_counts_invoices_paid_since(make_invoice) -> None:
    # On 31 January, F1 (paid 20 February) was owed: 30 000 over January's 30 000 sales.
    report = dso(worked_example(make_invoice), date(2026, 1, 31), 31)
    (eur,) = report.currencies
    assert eur.receivables == Decimal("30000.00")
    assert eur.simple == Decimal("31.0")
    assert eur.count_back == Decimal("31.0")


def test_the_count_back_says_when_history_runs_out(make_invoice) -> None:
    ledger = Ledger(open=(make_invoice("F9", issued=date(2026, 3, 20), due=date(2026, 4, 19)),))
    (eur,) = dso(ledger, date(2026, 3, 31), 30).currencies
    assert eur.count_back == Decimal("31.0")  # 100 owed of March's 100 sales: 100/100 x 31
    assert not eur.exhausted
    (eur,) = dso(
        Ledger(open=(make_invoice("F8", due=date(2026, 3, 1)),)), date(2026, 3, 31), 30
    ).currencies
    assert eur.exhausted  # no issue date: no sales to count back against
    assert eur.simple is None


def test_the_trend_has_one_point_per_month_end(make_invoice) -> None:
    report = dso(worked_example(make_invoice), date(2026, 3, 31), 90, trend_months=3)
    assert [(p.day, p.simple) for p in report.trend] == [
        (date(2026, 1, 31), Decimal("90.0")),  # 30 000 owed / 30 000 sold x 90
        (date(2026, 2, 28), Decimal("27.0")),  # 15 000 owed / 50 000 sold x 90
        (date(2026, 3, 31), Decimal("48.0")),
    ]


def _demo_oracle(as_of: date, days: int) -> tuple[Decimal, Decimal]:
    """Receivables and sales straight from the CSV file, independently of relance."""
    start = as_of - timedelta(days=days - 1)
    owed = sales = Decimal(0)
    with (DEMO / "factures.csv").open(encoding="cp1252", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["Type"] != "Facture":
                continue
            issued = french_day(row["Date facture"])
            total = Decimal(row["Montant TTC"].replace("\xa0", "").replace(",", "."))
            left = Decimal(row["Reste à payer"].replace("\xa0", "").replace(",", "."))
            paid = row["Date de paiement"]
            if issued > as_of:
                continue
            if start <= issued:
                sales += total
            if left:
                owed += left
            elif french_day(paid) > as_of:
                owed += total
    return owed, sales


def test_the_demo(cli, demo: Path) -> None:
    result = cli("report", "dso", "--config", str(demo), "--today", DEMO_TODAY, "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    (eur,) = document["currencies"]
    owed, sales = _demo_oracle(date(2026, 3, 16), 90)
    assert (eur["receivables"], eur["sales"]) == (f"{owed:.2f}", f"{sales:.2f}")
    simple = (owed / sales * 90).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert eur["simple"] == str(simple)
    assert eur["simple_formula"] == f"{owed:.2f} / {sales:.2f} x 90"
    assert document["cannot_give_paid_invoices"] == []
    # The count-back walks back from March 2026, month by month, until the debt is covered.
    steps = eur["count_back_steps"]
    assert (steps[0]["start"], steps[0]["end"]) == ("2026-03-01", "2026-03-16")
    assert Decimal(eur["count_back"]) == sum(Decimal(s["days"]) for s in steps).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    period = cli("report", "dso", "--config", str(demo), "--today", DEMO_TODAY, "--period", "30",
                 "--json")  # fmt: skip
    assert json.loads(period.out)["period"] == {"start": "2026-02-15", "days": 30}


def test_a_source_that_cannot_give_paid_invoices_is_named(
    cli, write_config, monkeypatch, fake_dist
) -> None:
    monkeypatch.setenv("FAKE_TOKEN", "x")
    path = write_config('[company]\nname = "Atelier Test"\n\n[sources.fakesource]\n')
    result = cli("report", "dso", "--config", str(path), "--today", "2025-06-30", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["cannot_give_paid_invoices"] == ["fakesource"]
    table = cli("report", "dso", "--config", str(path), "--today", "2025-06-30")
    assert "cannot give paid invoices: fakesource" in table.out


def test_the_payments_read_reach_as_far_as_the_period_asked_and_the_count_back() -> None:
    """`--period 730` read only the payments the settings' periods needed: two years of
    sales were a few months'; the count-back may look 36 months back."""
    settings = ReportSettings()
    as_of = date(2026, 3, 31)

    default, _ = paid_period(settings, as_of, as_of)
    asked, _ = paid_period(settings, as_of, as_of, period_days=730)
    counted, end = paid_period(settings, as_of, as_of, months_back=MAX_MONTHS_BACK)

    assert asked <= as_of - timedelta(days=729) < default
    assert counted <= date(2023, 3, 31) < default
    assert end == as_of
