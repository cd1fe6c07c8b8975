"""``relance penalties``: the late-payment penalties of one amount, segment by segment."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from relance.cli.common import Output, config_option, json_option, output, parse_date
from relance.config import find_config_path, load_config
from relance.errors import InputError, Problem
from relance.i18n import _
from relance.legal import LegalRules, Penalty, compute_penalty, default_jurisdiction
from relance.model import to_decimal
from relance.plugins import PluginRegistry

#: Decimal places of the unrounded interest shown in JSON (the computation is exact).
EXACT_PLACES = Decimal("0.000001")


def register(app: click.Group) -> None:
    app.add_command(penalties)


@click.command("penalties")
@click.option("--amount", required=True, metavar="AMOUNT", help="The amount late, e.g. 1200.00.")
@click.option("--currency", default=None, help="ISO 4217 code (default: the jurisdiction's).")
@click.option("--due", "due", required=True, metavar="YYYY-MM-DD", help="The due date.")
@click.option(
    "--on", "on", default=None, metavar="YYYY-MM-DD", help="Payment date (default: today)."
)
@click.option(
    "--jurisdiction",
    default=None,
    help="fr-b2b, fr-b2c, de-b2b, de-b2c, uk-b2b... (default: the company's country, B2B).",
)
@click.option("--rate", default=None, metavar="PERCENT", help="A contractual rate, percent a year.")
@click.option("--notice", default=None, metavar="YYYY-MM-DD", help="Formal notice received on.")
@click.option(
    "--judgment", default=None, metavar="YYYY-MM-DD", help="Judgment enforceable (fr-b2c)."
)
@json_option
@config_option
def penalties(
    amount: str,
    currency: str | None,
    due: str,
    on: str | None,
    jurisdiction: str | None,
    rate: str | None,
    notice: str | None,
    judgment: str | None,
    as_json: bool,
    config_path: Path | None,
) -> None:
    """Compute the late-payment interest and fixed indemnity of an amount.

    Prints each rate segment (from, to, days, rate, interest), then the interest,
    the indemnity and their total. Uses the [legal] table of the configuration when
    there is one, relance's defaults otherwise. In France and Germany an amount in
    another currency bears interest in that currency and the indemnity stays in euros.
    """
    out = output()
    rules, country = _rules(config_path)
    name = jurisdiction or default_jurisdiction(country)
    found = rules.jurisdiction(name)
    penalty = compute_penalty(
        _decimal(amount, "--amount"),
        currency or found.currency,
        parse_date(due, "--due"),
        parse_date(on, "--on") if on else datetime.now(UTC).astimezone().date(),
        name,
        rules=rules,
        contract_rate=_decimal(rate, "--rate") if rate is not None else None,
        notice_date=parse_date(notice, "--notice") if notice else None,
        judgment_date=parse_date(judgment, "--judgment") if judgment else None,
    )
    if as_json:
        out.json(as_document(penalty))
    else:
        _print(out, penalty, found.title)


def _rules(config_path: Path | None) -> tuple[LegalRules, str]:
    """The legal rules and company country: from the configuration, else the defaults."""
    path = find_config_path(config_path)
    if config_path is None and not path.exists():
        return LegalRules.from_settings(), "FR"
    config = load_config(path, PluginRegistry())
    with config.host(today=config.company.today(), dry_run=True) as host:
        extra = host.jurisdictions()
    return LegalRules.from_settings(config.settings.legal, extra=extra), config.company.country


def _decimal(value: str, option: str) -> Decimal:
    try:
        return to_decimal(value)
    except ValueError:
        message = _("expected a decimal number such as 1200.00, got {value!r}").format(value=value)
        raise InputError(_("Invalid command-line value."), [Problem(option, message)]) from None


def _exact(value: Fraction) -> str:
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(EXACT_PLACES))


def as_document(penalty: Penalty) -> dict[str, Any]:
    """The JSON document of a penalty: amounts and rates as decimal strings."""
    return {
        "jurisdiction": penalty.jurisdiction,
        "currency": penalty.currency,
        "principal": str(penalty.principal),
        "interest": str(penalty.interest),
        "indemnity": str(penalty.indemnity),
        "indemnity_currency": penalty.indemnity_currency,
        "total": None if penalty.total is None else str(penalty.total),
        "totals": {currency: str(amount) for currency, amount in penalty.totals.items()},
        "segments": [
            {
                "from": segment.start.isoformat(),
                "to": segment.end.isoformat(),
                "days": segment.days,
                "rate": str(segment.rate),
                "basis": segment.basis,
                "interest": str(segment.interest),
                "exact_interest": _exact(segment.exact_interest),
            }
            for segment in penalty.segments
        ],
        "warnings": list(penalty.warnings),
    }


def _print(out: Output, penalty: Penalty, title: str) -> None:
    money = f"{{}} {penalty.currency}"
    table = Table(title=_("Late-payment penalties — {title}").format(title=title))
    for header in (_("From"), _("To"), _("Days"), _("Rate"), _("Interest")):
        table.add_column(header, justify="left" if header in (_("From"), _("To")) else "right")
    for segment in penalty.segments:
        table.add_row(
            segment.start.isoformat(),
            segment.end.isoformat(),
            str(segment.days),
            f"{segment.rate} %" + ("" if segment.basis == 365 else f" (/{segment.basis})"),
            money.format(segment.interest),
        )
    out.console.print(table)
    out.console.print(_("Amount late: {amount}").format(amount=money.format(penalty.principal)))
    out.console.print(_("Interest: {amount}").format(amount=money.format(penalty.interest)))
    indemnity = f"{penalty.indemnity} {penalty.indemnity_currency}"
    out.console.print(_("Fixed indemnity: {amount}").format(amount=indemnity))
    total = " + ".join(f"{amount} {currency}" for currency, amount in penalty.totals.items())
    out.console.print(_("Total: {amount}").format(amount=total))
    label = _("Warning:")
    for warning in penalty.warnings:
        out.errors.print(f"[yellow]{label}[/yellow] {warning}")
