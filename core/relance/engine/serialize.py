"""Plans and run reports as JSON documents: the machine-readable contract of the CLI.

Amounts are decimal strings (``"1200.00"``), dates ISO strings; keys are stable and
documented in docs/engine.md. New keys may be added; existing ones never change meaning.

The arrays of a plan (``reminders``, ``skipped``) are generators: a plan of a million
invoices is written out a reminder at a time (:mod:`relance.cli.json_output`) instead
of being held as a document beside the plan. Iterate them once, or ``list()`` them.
"""

from __future__ import annotations

from typing import Any

from relance.engine.planner import Plan, PlannedItem, Reminder, Skip
from relance.engine.runner import RunReport
from relance.model import money_text

__all__ = ["plan_document", "reminder_document", "run_document"]


def _item(item: PlannedItem) -> dict[str, Any]:
    invoice = item.invoice
    currency = invoice.currency
    penalty = item.penalty
    return {
        "id": invoice.id,
        "number": invoice.number,
        "kind": invoice.kind.value,
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "days_late": item.days_late,
        "total": money_text(invoice.total, currency),
        "residual": money_text(invoice.signed_residual, currency),
        "amount_due": money_text(-item.asked if invoice.is_credit else item.asked, currency),
        "currency": currency,
        "reaches_level": item.reaches,
        "interest": money_text(penalty.interest, currency) if penalty else None,
        "indemnity": (
            money_text(penalty.indemnity, penalty.indemnity_currency) if penalty else None
        ),
        "indemnity_currency": penalty.indemnity_currency if penalty else None,
    }


def reminder_document(reminder: Reminder) -> dict[str, Any]:
    return {
        "key": reminder.key,
        "source": reminder.source,
        "customer_id": reminder.customer.id,
        "customer_name": reminder.customer.name,
        "policy": reminder.policy,
        "level": reminder.level.name,
        "channels": [channel.value for channel in reminder.channels],
        "recipients": list(reminder.emails),
        "language": reminder.language,
        "deadline": reminder.deadline.isoformat() if reminder.deadline else None,
        "invoices": [_item(item) for item in reminder.items],
        "total_due": {c: money_text(a, c) for c, a in reminder.totals.items()},
        "penalties": {c: money_text(a, c) for c, a in reminder.penalties.items()},
        "requires_approval": reminder.requires_approval,
        "completion": reminder.completion,
        "notes": list(reminder.notes),
    }


def _skip(skip: Skip) -> dict[str, Any]:
    return {
        "source": skip.source,
        "customer_id": skip.customer.id,
        "customer_name": skip.customer.name,
        "invoice": skip.invoice.number if skip.invoice else None,
        "reason": skip.reason.value,
        "detail": skip.detail,
    }


def plan_document(plan: Plan) -> dict[str, Any]:
    return {
        "today": plan.today.isoformat(),
        "reminders": (reminder_document(r) for r in plan.reminders),
        "skipped": (_skip(s) for s in plan.skipped),
    }


def run_document(report: RunReport) -> dict[str, Any]:
    return {
        **plan_document(report.plan),
        "deferred": report.deferred,
        "deliveries": [
            {
                "key": d.reminder.key,
                "customer_id": d.reminder.customer.id,
                "level": d.reminder.level.name,
                "channel": d.channel.value,
                "status": d.status.value,
                "detail": d.detail,
            }
            for d in report.deliveries
        ],
        "awaiting_approval": [r.key for r in report.awaiting_approval],
        "dropped": [{"key": r.key, "reason": reason} for r, reason in report.dropped],
        "handed_off": [r.customer.id for r in report.handed_off],
        "mirror_failures": [
            {"instance": f.instance, "error": f.error} for f in report.mirror_failures
        ],
    }
