"""Each report as a JSON-ready document and as sheets (the first one is the CSV).

The long arrays of a document (the aged balance's customers and items, the scores'
customers) are generators, which :func:`relance.cli.json_output.write_json` writes an
element at a time: a million-invoice aged balance is 800,000 items.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from relance.i18n import _
from relance.model import money_text
from relance.reports.activity import ActivityReport
from relance.reports.aging import NOT_DUE, AgingReport
from relance.reports.case import CaseFile
from relance.reports.dso import DsoReport
from relance.reports.formats import Sheet
from relance.reports.scores import ScoreReport

__all__ = [
    "activity_document",
    "activity_sheets",
    "aging_document",
    "aging_sheets",
    "bucket_title",
    "case_document",
    "case_sheets",
    "dso_document",
    "dso_sheets",
    "score_document",
    "score_sheets",
]


def _money(amount: Decimal, currency: str) -> str:
    """Two decimals at least, and every decimal of the currency's smallest unit."""
    return money_text(amount, currency) if currency else f"{amount:.2f}"


def _opt(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def bucket_title(label: str) -> str:
    return _("not due") if label == NOT_DUE else label


def _unable_caption(sources: tuple[str, ...]) -> str | None:
    if not sources:
        return None
    return _("cannot give paid invoices: {sources}").format(sources=", ".join(sources))


# -- aged balance ---------------------------------------------------------------------


def aging_document(report: AgingReport) -> dict[str, Any]:
    return {
        "report": "aging",
        "as_of": report.as_of.isoformat(),
        "buckets": list(report.labels),
        "customers": (
            {
                "source": row.source,
                "customer_id": row.customer_id,
                "customer_name": row.customer_name,
                "currency": row.currency,
                "buckets": {
                    label: _money(amount, row.currency)
                    for label, amount in zip(report.labels, row.amounts, strict=True)
                },
                "total": _money(row.total, row.currency),
            }
            for row in report.rows
        ),
        "totals": {
            currency: {
                **{
                    label: _money(amount, currency)
                    for label, amount in zip(report.labels, values, strict=False)
                },
                "total": _money(values[-1], currency),
            }
            for currency, values in report.totals().items()
        },
        "items": (
            {
                "source": item.source,
                "customer_id": item.customer_id,
                "number": item.number,
                "due_date": _day(item.due_date),
                "days_late": item.days_late,
                "bucket": item.bucket,
                "currency": item.currency,
                "amount": _money(item.amount, item.currency),
            }
            for item in report.items
        ),
    }


def aging_sheets(report: AgingReport) -> list[Sheet]:
    buckets = tuple(bucket_title(label) for label in report.labels)
    headers = (_("Customer"), _("Name"), _("Currency"), *buckets, _("Total"))
    right = frozenset(range(3, len(headers)))
    rows = [
        (row.customer_id, row.customer_name, row.currency,
         *(_money(a, row.currency) for a in row.amounts), _money(row.total, row.currency))
        for row in report.rows
    ]  # fmt: skip
    for currency, values in report.totals().items():
        rows.append((_("Total"), "", currency, *(_money(v, currency) for v in values)))
    title = _("Aged balance on {date}").format(date=report.as_of.isoformat())
    return [Sheet(title, headers, rows, right)]


# -- DSO --------------------------------------------------------------------------------


def dso_document(report: DsoReport) -> dict[str, Any]:
    return {
        "report": "dso",
        "as_of": report.as_of.isoformat(),
        "period": {"start": report.start.isoformat(), "days": report.period_days},
        "currencies": [
            {
                "currency": c.currency,
                "receivables": _money(c.receivables, c.currency),
                "sales": _money(c.sales, c.currency),
                "simple": _opt(c.simple) or None,
                "simple_formula": (
                    f"{_money(c.receivables, c.currency)} / {_money(c.sales, c.currency)}"
                    f" x {c.period_days}"
                ),
                "count_back": str(c.count_back),
                "count_back_exhausted": c.exhausted,
                "count_back_steps": [
                    {
                        "start": s.start.isoformat(),
                        "end": s.end.isoformat(),
                        "sales": _money(s.sales, c.currency),
                        "remaining_before": _money(s.remaining_before, c.currency),
                        "days": str(s.days.quantize(Decimal("0.01"))),
                    }
                    for s in c.steps
                ],
            }
            for c in report.currencies
        ],
        "trend": [
            {"day": p.day.isoformat(), "currency": p.currency, "simple": _opt(p.simple) or None}
            for p in report.trend
        ],
        "cannot_give_paid_invoices": list(report.no_paid_history),
        "invoices_without_issue_date": report.undated,
    }


def dso_sheets(report: DsoReport) -> list[Sheet]:
    caption = _unable_caption(report.no_paid_history)
    summary = Sheet(
        _("DSO on {date}, period {start} to {end} ({days} days)").format(
            date=report.as_of.isoformat(),
            start=report.start.isoformat(),
            end=report.as_of.isoformat(),
            days=report.period_days,
        ),
        (_("Currency"), _("Receivables"), _("Sales"), _("Days"), _("Simple DSO"),
         _("Count-back DSO")),
        [
            (c.currency, _money(c.receivables, c.currency), _money(c.sales, c.currency),
             str(c.period_days), _opt(c.simple),
             str(c.count_back) + (" +" if c.exhausted else ""))
            for c in report.currencies
        ],
        frozenset(range(1, 6)),
        caption,
    )  # fmt: skip
    steps = Sheet(
        _("Count-back, month by month"),
        (_("Currency"), _("From"), _("To"), _("Sales"), _("Remaining"), _("Days counted")),
        [
            (c.currency, s.start.isoformat(), s.end.isoformat(), _money(s.sales, c.currency),
             _money(s.remaining_before, c.currency), str(s.days.quantize(Decimal("0.01"))))
            for c in report.currencies
            for s in c.steps
        ],
        frozenset(range(3, 6)),
    )  # fmt: skip
    return [summary, steps]


# -- scores -----------------------------------------------------------------------------


def score_document(report: ScoreReport) -> dict[str, Any]:
    return {
        "report": "scores",
        "as_of": report.as_of.isoformat(),
        "since": report.start.isoformat(),
        "thresholds": dict(zip("ABC", report.thresholds, strict=True)),
        "distribution": report.distribution(),
        "customers": (
            {
                "source": s.source,
                "customer_id": s.customer_id,
                "customer_name": s.customer_name,
                "invoices_measured": s.measured,
                "invoices_unmeasured": s.unmeasured,
                "average_days_late": _opt(s.average_days_late) or None,
                "weighted_days_late": _opt(s.weighted_days_late) or None,
                "reminders": s.reminders,
                "max_level": s.max_level,
                "formal_notice": s.formal_notice,
                "disputes": s.disputes,
                "rating": s.rating,
                "rule": s.rule,
            }
            for s in report.scores
        ),
        "cannot_give_paid_invoices": list(report.no_paid_history),
    }


def score_sheets(report: ScoreReport) -> list[Sheet]:
    a, b, c = report.thresholds
    caption = _(
        "Rating: D after a formal notice; else weighted days late <= {a}: A, <= {b}: B, "
        "<= {c}: C, more: D."
    ).format(a=a, b=b, c=c)
    unable = _unable_caption(report.no_paid_history)
    headers = (_("Customer"), _("Name"), _("Invoices"), _("Avg days late"),
               _("Weighted"), _("Reminders"), _("Max level"), _("Disputes"), _("Rating"),
               _("Rule"))  # fmt: skip
    rows = [
        (s.customer_id, s.customer_name, str(s.measured), _opt(s.average_days_late),
         _opt(s.weighted_days_late), str(s.reminders), s.max_level or "", str(s.disputes),
         s.rating or "-", s.rule)
        for s in report.scores
    ]  # fmt: skip
    title = _("Customer scores on {date} (since {start})").format(
        date=report.as_of.isoformat(), start=report.start.isoformat()
    )
    full_caption = caption if unable is None else f"{caption}\n{unable}"
    return [Sheet(title, headers, rows, frozenset({2, 3, 4, 5, 7}), full_caption)]


# -- activity ---------------------------------------------------------------------------


def activity_document(report: ActivityReport) -> dict[str, Any]:
    return {
        "report": "activity",
        "period": {"start": report.start.isoformat(), "end": report.end.isoformat()},
        "recovery_days": report.recovery_days,
        "sent": [{"level": s.level, "channel": s.channel, "count": s.count} for s in report.sent],
        "recovered": [
            {
                "level": r.level,
                "currency": r.currency or None,
                "reminders": r.reminders,
                "invoices": r.invoices,
                "amount": _money(r.amount, r.currency),
            }
            for r in report.recovered
        ],
        "promises": report.promise_counts(),
        "promise_list": [
            {
                "source": p.source,
                "customer_id": p.customer_id,
                "invoice_id": p.invoice_id,
                "promised": p.promised.isoformat(),
                "status": p.status.value,
                "paid_date": _day(p.paid_date),
            }
            for p in report.promises
        ],
        "cannot_give_paid_invoices": list(report.no_paid_history),
    }


def activity_sheets(report: ActivityReport) -> list[Sheet]:
    period = _("{start} to {end}").format(
        start=report.start.isoformat(), end=report.end.isoformat()
    )
    rows: list[tuple[str, ...]] = [
        ("sent", s.level, s.channel, "", str(s.count), "") for s in report.sent
    ]
    rows += [
        ("recovered", r.level, "", r.currency, str(r.invoices), _money(r.amount, r.currency))
        for r in report.recovered
    ]
    rows += [
        ("promises", status, "", "", str(n), "") for status, n in report.promise_counts().items()
    ]
    headers = (_("Section"), _("Level / status"), _("Channel"), _("Currency"), _("Count"),
               _("Amount"))  # fmt: skip
    caption = _("Recovered: paid within {days} days of the last reminder.").format(
        days=report.recovery_days
    )
    unable = _unable_caption(report.no_paid_history)
    return [
        Sheet(
            _("Activity, {period}").format(period=period),
            headers,
            rows,
            frozenset({4, 5}),
            caption if unable is None else f"{caption}\n{unable}",
        )
    ]


# -- case file ----------------------------------------------------------------------------


def case_document(case: CaseFile) -> dict[str, Any]:
    customer = case.customer
    return {
        "as_of": case.as_of.isoformat(),
        "source": case.source,
        "customer": {
            "id": customer.id,
            "name": customer.name,
            "kind": customer.kind.value,
            "registration_number": customer.registration_number,
            "vat_number": customer.vat_number,
            "address": customer.address.model_dump(mode="json") if customer.address else None,
            "emails": list(customer.billing_contact.emails) if customer.billing_contact else [],
        },
        "claim": [
            {
                "number": line.invoice.number,
                "kind": line.invoice.kind.value,
                "issue_date": _day(line.invoice.issue_date),
                "due_date": _day(line.invoice.due_date),
                "currency": line.invoice.currency,
                "invoiced": _money(line.invoice.total, line.invoice.currency),
                "principal": _money(line.principal, line.invoice.currency),
                "days_late": line.days_late,
                "interest": _money(line.interest, line.invoice.currency),
                "indemnity": _money(line.indemnity, line.indemnity_currency),
                "indemnity_currency": line.indemnity_currency,
                "total": _money(line.total, line.invoice.currency),
                "disputed": line.invoice.disputed,
            }
            for line in case.lines
        ],
        "totals": {
            currency: {name: _money(value, currency) for name, value in values.items()}
            for currency, values in case.totals().items()
        },
        "reminders": [
            {
                "date": r.day.isoformat(),
                "level": r.level,
                "channel": r.channel,
                "recipient": r.recipient,
                "invoices": list(r.invoice_numbers),
                "message_id": r.message_id,
                "reference": r.reference,
                "content_sha256": r.content_digest,
                "formal_notice": r.formal_notice,
            }
            for r in case.reminders
        ],
        "formal_notice": [
            {"date": r.day.isoformat(), "channel": r.channel, "reference": r.reference}
            for r in case.formal_notices
        ],
    }


def case_sheets(case: CaseFile) -> list[Sheet]:
    claim = Sheet(
        _("Claim against {name} ({id}) on {date}").format(
            name=case.customer.name, id=case.customer.id, date=case.as_of.isoformat()
        ),
        (_("Invoice"), _("Issued"), _("Due"), _("Currency"), _("Principal"), _("Days late"),
         _("Interest"), _("Indemnity"), _("Indemnity currency"), _("Total")),
        [
            (line.invoice.number, _day(line.invoice.issue_date) or "",
             _day(line.invoice.due_date) or "", c, _money(line.principal, c),
             str(line.days_late), _money(line.interest, c),
             _money(line.indemnity, line.indemnity_currency), line.indemnity_currency,
             _money(line.total, c))
            for line in case.lines
            for c in [line.invoice.currency]
        ]
        + [
            (_("Total"), "", "", c, _money(v["principal"], c), "",
             _money(v["interest"], c), _money(v["indemnity"], c), c,
             _money(v["total"], c))
            for c, v in case.totals().items()
        ],
        frozenset({4, 5, 6, 7, 9}),
    )  # fmt: skip
    reminders = Sheet(
        _("Reminders sent"),
        (_("Date"), _("Level"), _("Channel"), _("Recipient"), _("Invoices"), _("Reference")),
        [
            (r.day.isoformat(), r.level, r.channel, r.recipient or "",
             ", ".join(r.invoice_numbers), r.reference or r.message_id or "")
            for r in case.reminders
        ],
    )  # fmt: skip
    return [claim, reminders]
