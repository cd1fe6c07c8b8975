"""The legal rules of a run, and the entry points the engine and the CLI call."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.errors import InputError, Problem
from relance.i18n import _
from relance.legal import builtin
from relance.legal.base import Claim, Jurisdiction, Penalty, total_interest
from relance.legal.rates import RateBook, shipped_series
from relance.legal.settings import LegalSettings
from relance.model import Customer, Invoice, currency_code

__all__ = ["LegalRules", "builtin_jurisdictions", "compute_penalty", "jurisdiction_for"]


def builtin_jurisdictions() -> list[Jurisdiction]:
    """relance's own jurisdictions, from its built-in plugin."""
    return builtin.relance_jurisdictions()


@dataclass(frozen=True)
class LegalRules:
    """Settings, rate tables and jurisdictions: everything a penalty computation needs.

    Build it once per run with :meth:`from_settings`, passing the jurisdictions that
    enabled plugins contribute (``host.jurisdictions()``).
    """

    settings: LegalSettings
    rates: RateBook
    jurisdictions: Mapping[str, Jurisdiction]

    @classmethod
    def from_settings(
        cls, settings: LegalSettings | None = None, *, extra: Iterable[Jurisdiction] = ()
    ) -> LegalRules:
        """The built-in jurisdictions plus ``extra``, with the user's rate additions.

        Raises :class:`~relance.errors.ConfigError` when ``[legal.rates]`` names a table
        that no jurisdiction ships, and ``ValueError`` when two jurisdictions share a name
        (:meth:`relance.plugins.PluginHost.jurisdictions` reports that with the plugin).
        """
        settings = settings or LegalSettings()
        found: dict[str, Jurisdiction] = {}
        for jurisdiction in [*builtin_jurisdictions(), *extra]:
            if jurisdiction.name in found:
                raise ValueError(f"two jurisdictions are named {jurisdiction.name!r}")
            found[jurisdiction.name] = jurisdiction
        series = [*shipped_series()]
        for jurisdiction in found.values():
            series.extend(jurisdiction.rate_tables())
        return cls(settings, RateBook.build(series, settings.rates), found)

    def jurisdiction(self, name: str) -> Jurisdiction:
        """The jurisdiction called ``name``, or an :class:`InputError` suggesting one."""
        key = name.strip().lower()
        if key in self.jurisdictions:
            return self.jurisdictions[key]
        close = difflib.get_close_matches(key, list(self.jurisdictions), n=1)
        hint = _(" (did you mean {name!r}?)").format(name=close[0]) if close else ""
        message = _("unknown jurisdiction {name!r}{hint}; known: {known}").format(
            name=name, hint=hint, known=", ".join(sorted(self.jurisdictions))
        )
        raise InputError(_("Unknown jurisdiction."), [Problem("jurisdiction", message)])

    def quote(
        self,
        invoice: Invoice,
        on: date,
        *,
        company_country: str,
        notice_date: date | None = None,
    ) -> Penalty | None:
        """The penalties of an open invoice on ``on``, or ``None`` if it is not late.

        The base is the invoice's residual; its ``jurisdiction`` and ``contract_rate``
        fields override the customer-derived jurisdiction and the statutory rate. Bind
        ``company_country`` (``functools.partial``) to get the engine's penalty calculator.

        An invoice payable in instalments owes interest on each instalment's residual
        from that instalment's due date, and none on instalments not yet due; the fixed
        indemnity is the invoice's, once, on what is late.
        """
        since = invoice.payable_since
        if invoice.is_credit or invoice.due_date is None or since is None or on <= since:
            return None
        name = jurisdiction_for(
            invoice.customer, company_country=company_country, override=invoice.jurisdiction
        )

        def penalty(principal: Decimal, due: date) -> Penalty:
            return compute_penalty(
                principal,
                invoice.currency,
                due,
                on,
                name,
                rules=self,
                contract_rate=invoice.contract_rate,
                notice_date=notice_date,
            )

        if not invoice.instalments:
            return penalty(invoice.residual, invoice.due_date)
        late = [p for p in invoice.instalments if p.residual > 0 and p.due_date < on]
        if not late:  # instalments that say nothing is owed: the invoice's own figures
            return penalty(invoice.residual, invoice.due_date)
        parts = [penalty(part.residual, part.due_date) for part in late]
        whole = penalty(sum((part.residual for part in late), Decimal(0)), since)
        segments = tuple(s for part in parts for s in part.segments)
        if all(p.interest == total_interest(p.segments, self, p.currency) for p in parts):
            # Rounded once for the invoice (or per segment), as a single debt's is.
            interest = total_interest(segments, self, whole.currency)
        else:  # a plugin's jurisdiction whose interest is not its segments': its figures
            interest = sum((part.interest for part in parts), Decimal(0))
        return whole.model_copy(
            update={
                "interest": interest,
                "segments": segments,
                "warnings": tuple(dict.fromkeys(w for part in parts for w in part.warnings)),
            }
        )


def compute_penalty(
    principal: Decimal,
    currency: str,
    due_date: date,
    on: date,
    jurisdiction: str,
    *,
    rules: LegalRules,
    contract_rate: Decimal | None = None,
    notice_date: date | None = None,
    judgment_date: date | None = None,
) -> Penalty:
    """The late-payment penalties of ``principal``, due ``due_date`` and paid ``on``.

    ``contract_rate`` (percent a year) replaces the statutory rate; ``notice_date`` is
    the formal notice's receipt (consumer claims); ``judgment_date`` starts the French
    post-judgment increase. Bad input is an :class:`InputError`; a float anywhere is a
    ``TypeError``.
    """
    for label, value in (("principal", principal), ("contract_rate", contract_rate)):
        if value is not None and not isinstance(value, Decimal):
            raise TypeError(f"{label} must be a Decimal, not {type(value).__name__}")
    problems = []
    if not principal.is_finite() or principal < 0:
        problems.append(
            Problem("amount", _("must be zero or more, got {value}").format(value=principal))
        )
    if contract_rate is not None and (not contract_rate.is_finite() or contract_rate < 0):
        problems.append(
            Problem("rate", _("must be zero or more, got {value}").format(value=contract_rate))
        )
    if on < due_date:
        message = _("the payment date {on} is before the due date {due}").format(
            on=on, due=due_date
        )
        problems.append(Problem("payment date", message))
    found = rules.jurisdiction(jurisdiction)
    try:
        code = currency_code(currency)
    except ValueError:
        message = _("{currency!r} is not an ISO 4217 currency code").format(currency=currency)
        problems.append(Problem("currency", message))
    else:
        if code != found.currency and not found.any_currency:
            message = _("{name} applies to amounts in {expected}, not {currency}").format(
                name=found.name, expected=found.currency, currency=code
            )
            problems.append(Problem("currency", message))
    if problems:
        raise InputError(_("Cannot compute the late-payment penalties."), problems)
    claim = Claim(
        principal=principal,
        currency=code,
        due_date=due_date,
        on=on,
        contract_rate=contract_rate,
        notice_date=notice_date,
        judgment_date=judgment_date,
    )
    return found.compute(claim, rules)


def default_jurisdiction(country: str, *, consumer: bool = False) -> str:
    """``fr-b2b``, ``de-b2c``... for a country; the United Kingdom (GB) is ``uk``."""
    code = country.strip().upper()
    prefix = "uk" if code == "GB" else code.lower()
    return f"{prefix}-{'b2c' if consumer else 'b2b'}"


def jurisdiction_for(
    customer: Customer, *, company_country: str, override: str | None = None
) -> str:
    """The jurisdiction of a customer's debts: ``override`` (an invoice's ``jurisdiction``
    field or the configuration), else the law that governs a contract without a choice
    of law under the Rome I Regulation: the seller's (``company_country``) for a business
    customer (art. 4), the consumer's country (the company's when unknown) for a
    consumer (art. 6)."""
    if override:
        return override.strip().lower()
    if customer.is_consumer:
        return default_jurisdiction(customer.country or company_country, consumer=True)
    return default_jurisdiction(company_country)
