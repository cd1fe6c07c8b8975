"""The single-page HTML report: charts and tables, self-contained, readable offline.

Everything is in the one file: the styles, the charts (inline SVG from
:mod:`relance.reports.charts`) and a few lines of script that record any script error
in the page's ``data-check`` attribute, which the tests read from headless Chromium.
Nothing is loaded from the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from relance.i18n import _
from relance.render.formatting import format_money
from relance.reports.activity import ActivityReport
from relance.reports.aging import AgingReport
from relance.reports.charts import bar_chart, line_chart
from relance.reports.documents import (
    activity_sheets,
    aging_sheets,
    bucket_title,
    dso_sheets,
    score_sheets,
)
from relance.reports.dso import DsoReport
from relance.reports.scores import ScoreReport

__all__ = ["Action", "render_report"]

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Action:
    """One reminder due on the report's day, as the plan has it."""

    customer: str
    level: str
    channels: str
    amount: str
    approval: bool


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _aging_charts(report: AgingReport, language: str) -> list[Markup]:
    return [
        bar_chart(
            _("Aged balance ({currency})").format(currency=currency),
            [
                (bucket_title(label), amount, format_money(amount, currency, language))
                for label, amount in zip(report.labels, totals, strict=False)
            ],
        )
        for currency, totals in report.totals().items()
    ]


def _dso_charts(report: DsoReport) -> list[Markup]:
    currencies = sorted({point.currency for point in report.trend})
    return [
        line_chart(
            _("DSO trend, simple method ({currency})").format(currency=currency),
            [(p.day.isoformat(), p.simple) for p in report.trend if p.currency == currency],
        )
        for currency in currencies
    ]


def _score_chart(report: ScoreReport) -> Markup:
    return bar_chart(
        _("Customers by rating"),
        [(rating, Decimal(count), str(count)) for rating, count in report.distribution().items()],
    )


def render_report(
    *,
    company: str,
    as_of: date,
    language: str,
    aging: AgingReport,
    dso: DsoReport,
    scores: ScoreReport,
    activity: ActivityReport,
    actions: list[Action],
) -> str:
    """The whole page, as text."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        _=_,
        language=language,
        company=company,
        as_of=as_of.isoformat(),
        charts={
            "aging": _aging_charts(aging, language),
            "dso": _dso_charts(dso),
            "scores": [_score_chart(scores)],
        },
        sections=[
            ("aging", _("Aged balance"), aging_sheets(aging)),
            ("dso", _("Days sales outstanding"), dso_sheets(dso)),
            ("scores", _("Customer scores"), score_sheets(scores)),
            ("activity", _("Activity"), activity_sheets(activity)),
        ],
        actions=actions,
    )
