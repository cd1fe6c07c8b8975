"""Customer scores: days late by hand, the rating rule, and scenarios that use it."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from relance.engine.policy import PolicyBook, default_policies
from relance.history import SQLiteStore
from relance.model import ChannelKind, EventType, HistoryEvent
from relance.reports.ledger import Ledger
from relance.reports.scores import RATING_EVENTS, ratings, scores
from relance.reports.settings import ReportSettings

from .conftest import DEMO_TODAY

AS_OF = date(2026, 3, 16)
BOOK = PolicyBook.build(default_policies(), default="standard")


def sent(level: str, day: date, *invoices: str, customer: str = "C1") -> HistoryEvent:
    return HistoryEvent(
        type=EventType.SENT,
        run_date=day,
        source="books",
        customer_id=customer,
        level=level,
        channel=ChannelKind.EMAIL,
        reminder_key=f"{customer}-{level}-{day}",
        invoice_ids=invoices,
        invoice_levels=tuple((i, level) for i in invoices),
    )


def test_average_and_weighted_days_late(make_invoice) -> None:
    ledger = Ledger(
        open=(make_invoice("F3", due=date(2026, 3, 6), total="300.00"),),  # 10 days, still open
        paid=(
            make_invoice("F1", due=date(2026, 1, 10), total="100.00", residual="0",
                         paid=date(2026, 1, 8)),  # early: 0 days
            make_invoice("F2", due=date(2026, 2, 1), total="600.00", residual="0",
                         paid=date(2026, 2, 21)),  # 20 days
            make_invoice("F0", due=date(2026, 2, 1), total="50.00", residual="0"),  # day unknown
            make_invoice("F9", due=date(2025, 3, 16), total="999.00", residual="0",
                         paid=date(2025, 6, 1)),  # due 12 months ago to the day: out
        ),
    )  # fmt: skip
    events = [sent("first", date(2026, 2, 6), "F2"), sent("first", date(2026, 3, 11), "F3")]
    (score,) = scores(ledger, events, BOOK, ReportSettings(), AS_OF).scores
    assert (score.measured, score.unmeasured) == (3, 1)
    assert score.average_days_late == Decimal("10.0")  # (0 + 20 + 10) / 3
    # (100 x 0 + 600 x 20 + 300 x 10) / 1000 = 15.0
    assert score.weighted_days_late == Decimal("15.0")
    assert (score.rating, score.rule) == ("B", "15.0 weighted days late <= 15")
    assert score.reminders == 2
    assert score.max_level == "first"  # of the open invoice F3


def test_totals_in_different_currencies_are_never_added(make_invoice) -> None:
    """500,000 yen paid on time would outweigh 3,000 euros 43 days late: each currency is
    weighted on its own, and the worst counts."""
    yen = make_invoice("J1", due=date(2026, 2, 1), total="500000", residual="0",
                       paid=date(2026, 2, 1)).model_copy(update={"currency": "JPY"})  # fmt: skip
    euros = make_invoice("E1", due=date(2026, 2, 1), total="3000.00")  # open: 43 days

    (score,) = scores(Ledger(open=(euros,), paid=(yen,)), [], BOOK, ReportSettings(), AS_OF).scores

    assert score.average_days_late == Decimal("21.5")
    assert score.weighted_days_late == Decimal("43.0")
    assert score.rating == "D"  # beyond the C threshold: not the A the yen made it


def test_a_formal_notice_gives_d_whatever_the_lateness(make_invoice) -> None:
    ledger = Ledger(open=(make_invoice("F1", due=date(2026, 3, 15), disputed=True),))
    events = [
        sent("final", date(2026, 1, 5), "F1"),
        sent("formal_notice", date(2026, 2, 5), "F1"),
    ]
    (score,) = scores(ledger, events, BOOK, ReportSettings(), AS_OF).scores
    assert score.weighted_days_late == Decimal("1.0")
    assert score.rating == "D"
    assert score.rule == "formal notice or collection in the last 12 months"
    assert (score.max_level, score.formal_notice, score.disputes) == ("formal_notice", True, 1)


def test_thresholds_are_settings(make_invoice) -> None:
    ledger = Ledger(open=(make_invoice("F1", due=date(2026, 3, 6)),))  # 10 days late
    strict = ReportSettings(score_a_max_days=0, score_b_max_days=2, score_c_max_days=9)
    report = scores(ledger, [], BOOK, strict, AS_OF)
    assert report.scores[0].rating == "D"
    assert report.distribution() == {"A": 0, "B": 0, "C": 0, "D": 1, "-": 0}
    assert ratings(ledger, [], BOOK, strict, AS_OF) == {("books", "C1"): "D"}


days = st.integers(-420, 30).map(lambda n: AS_OF + timedelta(days=n))
levels = st.sampled_from(["first", "second", "final", "formal_notice"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(
        st.tuples(st.sampled_from(["C1", "C2", "C3"]), days, st.none() | days,
                  st.sampled_from(["100.00", "2500.00"]), st.booleans()),
        max_size=8,
    ),
    history=st.lists(
        st.tuples(st.sampled_from(["sent", "handed_off", "paused"]), levels, days,
                  st.sampled_from(["C1", "C2", "C3"])),
        max_size=8,
    ),
)  # fmt: skip
# A hand-off on the window's first day (a year before) is out of it, as in the scores.
@example(items=[("C1", date(2026, 3, 6), None, "100.00", True)],
         history=[("handed_off", "final", date(2025, 3, 16), "C1")])  # fmt: skip
def test_the_ratings_scenarios_use_are_the_scores_ratings(
    make_invoice,
    items: list[tuple[str, date, date | None, str, bool]],
    history: list[tuple[str, str, date, str]],
) -> None:
    """Without folding the history, from its sent and handed-off events only."""
    invoices = [
        make_invoice(f"F{n}", customer=who, due=due, total=total,
                     residual=None if open_ else "0", paid=None if open_ else paid)
        for n, (who, due, paid, total, open_) in enumerate(items)
    ]  # fmt: skip
    ledger = Ledger(
        open=tuple(i for i in invoices if i.residual),
        paid=tuple(i for i in invoices if not i.residual),
    )
    events = [
        sent(level, day, "F0", customer=who).model_copy(
            update={
                "type": EventType(kind),
                "channel": None if kind != "sent" else ChannelKind.EMAIL,
            }
        )
        for kind, level, day, who in history
    ]
    report = scores(ledger, events, BOOK, ReportSettings(), AS_OF)
    wanted = [e for e in events if e.type in RATING_EVENTS]
    assert ratings(ledger, wanted, BOOK, ReportSettings(), AS_OF) == {
        s.key: s.rating for s in report.scores if s.rating is not None
    }


def test_the_demo_scores_by_hand(cli, demo: Path) -> None:
    result = cli("report", "scores", "--config", str(demo), "--today", DEMO_TODAY, "--json")
    assert result.code == 0, result.err
    rows = {r["customer_id"]: r for r in json.loads(result.out)["customers"]}
    # CL003: one invoice due 11/03, unpaid: 5 days late -> A (5 <= 5).
    assert rows["CL003"]["weighted_days_late"] == "5.0"
    assert rows["CL003"]["rating"] == "A"
    # CL020: 640.00 unpaid 17 days late, 410.00 paid 7 days late (due 28/01, paid 04/02):
    # average (17 + 7) / 2 = 12.0; weighted (640 x 17 + 410 x 7) / 1 050 = 13.095 -> 13.1: B.
    assert (rows["CL020"]["average_days_late"], rows["CL020"]["weighted_days_late"]) == (
        "12.0",
        "13.1",
    )
    assert rows["CL020"]["rating"] == "B"
    # CL007: 1 980.00 sixty days late, 2 760.00 ninety-six: (118 800 + 264 960) / 4 740 = 81.0.
    assert (rows["CL007"]["average_days_late"], rows["CL007"]["weighted_days_late"]) == (
        "78.0",
        "81.0",
    )
    assert rows["CL007"]["rating"] == "D"
    # CL001: its only invoice is not due yet: nothing to measure, no rating.
    assert rows["CL001"]["rating"] is None
    assert rows["CL012"]["disputes"] == 1


def test_a_scenario_on_scores_picks_the_policy(cli, demo: Path) -> None:
    demo.write_text(
        demo.read_text(encoding="utf-8")
        + """
[[policies.firm.levels]]
name = "firm_reminder"
offset_days = 1
channels = ["email"]

[[scenarios]]
policy = "firm"
scores = ["D"]
""",
        encoding="utf-8",
    )
    result = cli("plan", "--config", str(demo), "--today", DEMO_TODAY, "--json")
    assert result.code == 0, result.err
    policies = {r["customer_id"]: r["policy"] for r in json.loads(result.out)["reminders"]}
    assert policies["CL007"] == "firm"  # rated D (81.0 weighted days late)
    assert policies["CL003"] == "standard"  # rated A
    assert policies["CL020"] == "standard"  # rated B


def test_only_the_commands_that_plan_rate_the_customers(
    cli, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ratings read the paid invoices and the history: a pause, a case file or a report
    that does not plan has no use for them; the plan and the HTML page's actions do."""
    import relance.cli.session

    demo.write_text(
        demo.read_text(encoding="utf-8") + '\n[[scenarios]]\npolicy = "standard"\nscores = ["D"]\n',
        encoding="utf-8",
    )
    rated: list[str] = []
    rate = relance.cli.session.customer_ratings

    def counting(*args: object, **kwargs: object) -> object:
        rated.append("rated")
        return rate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(relance.cli.session, "customer_ratings", counting)
    config = ("--config", str(demo), "--today", DEMO_TODAY)
    quiet = [
        ("pause", "--customer", "CL007", "--reason", "litige", *config),
        ("export-case", "CL009", "-o", str(tmp_path), *config),
        ("report", "aging", "--json", *config),
        ("report", "scores", "--json", *config),
    ]
    for command in quiet:
        assert cli(*command).code == 0, command
    assert rated == []
    assert cli("plan", "--json", *config).code == 0
    assert cli("report", "html", "-o", str(tmp_path / "page.html"), *config).code == 0
    assert rated == ["rated", "rated"]


def test_the_html_reports_actions_are_todays_plan(
    cli, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's actions are what ``relance plan`` plans, from the history as it folds
    it: here after a run that left a checkpoint and an event after it."""
    from relance.cli.common import output
    from relance.cli.report_cmd import _inputs
    from relance.engine import runner

    monkeypatch.setattr(runner, "SAVE_AFTER", 0)
    for day in ("2026-03-02", "2026-03-09"):  # the second run saves the first's events
        assert cli("run", "--config", str(demo), "--today", day, "--yes").code == 0
    paused = cli("pause", "--customer", "CL001", "--reason", "litige", "--config", str(demo))
    assert paused.code == 0, paused.err
    with SQLiteStore(demo.parent / "var" / "relance-history.sqlite3", readonly=True) as store:
        saved = store.checkpoint()
        assert saved is not None
        assert [e.type for _, e in store.replay(saved.seq)][-1] is EventType.PAUSED
    plan = json.loads(cli("plan", "--config", str(demo), "--today", DEMO_TODAY, "--json").out)
    with _inputs(demo, DEMO_TODAY, output()) as inputs:
        actions = inputs.actions()
    assert [(a.customer, a.level) for a in actions] == [
        (f"{r['customer_name']} ({r['customer_id']})", r["level"]) for r in plan["reminders"]
    ]
    assert "Brasserie des Terreaux (CL001)" not in [a.customer for a in actions]
