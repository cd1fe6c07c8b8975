"""The domain model: what crosses the plugin boundary.

Every record is a frozen pydantic v2 model. Money is :class:`~decimal.Decimal` with an
ISO 4217 currency code, never a float: a float given to an amount field is converted
exactly through its shortest ``repr`` (``0.1`` becomes ``Decimal("0.1")``), and NaN or
infinity is rejected. Dates are :class:`~datetime.date`; instants are timezone-aware
:class:`~datetime.datetime`.

Amounts on an :class:`Invoice` are magnitudes (never negative): ``kind`` says whether
the document is owed by the customer (an invoice) or owed to the customer (a credit note
or an unapplied payment). :attr:`Invoice.signed_residual` gives the customer's balance
contribution with its sign.

A validation error names the record (model, source and number or id) and the field,
for example ``invoice 'F2025-014' from source 'csv': residual: residual 1200.00 exceeds
total 1000.00``.
"""

from __future__ import annotations

import inspect
import math
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache, lru_cache
from typing import Annotated, Any, ClassVar, Self, TypeGuard, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

__all__ = [
    "Address",
    "Amount",
    "Attachment",
    "Balance",
    "ChannelKind",
    "CheckResult",
    "CheckStatus",
    "Contact",
    "CountryCode",
    "CurrencyCode",
    "Customer",
    "CustomerKind",
    "Document",
    "DocumentKind",
    "EventType",
    "HistoryEvent",
    "Instalment",
    "Invoice",
    "InvoiceStatus",
    "Message",
    "Money",
    "Receipt",
    "country_code",
    "derived_status",
    "totals_by_currency",
    "validation_message",
]


# --------------------------------------------------------------------------- value types


def to_decimal(value: object) -> Decimal:
    """Convert an amount to :class:`Decimal` exactly, or raise ``ValueError``.

    Accepts ``Decimal``, ``int``, strings in Python decimal notation (``"1234.50"``,
    ``"-3"``) and floats (through ``repr``, so ``0.1`` stays ``0.1``). Rejects booleans,
    NaN and infinities: a money amount is always a finite number.
    """
    if isinstance(value, bool):
        raise ValueError("an amount cannot be a boolean")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"an amount must be a finite number, not {value!r}")
        value = repr(value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a decimal number") from None
    else:
        raise ValueError(f"an amount must be a decimal number, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"an amount must be a finite number, not {value!r}")
    return result


Amount = Annotated[Decimal, BeforeValidator(to_decimal)]
"""A finite decimal amount; floats are converted exactly through their repr."""


def _nonnegative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"must not be negative (got {value}); use the document kind instead")
    return value


NonNegativeAmount = Annotated[Amount, AfterValidator(_nonnegative)]


@cache
def _known_currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def currency_code(value: str) -> str:
    """``value`` as an ISO 4217 code (``eur`` gives ``EUR``); ValueError if it is not one.
    The check every amount's currency goes through, for connectors too."""
    code = value.strip().upper()
    if code not in _known_currencies():
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


@cache
def minor_unit_places(currency: str) -> int:
    """The decimals of ``currency``'s smallest unit: 2 for EUR, 0 for JPY, 3 for KWD."""
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(currency))


def money_text(amount: Decimal, currency: str) -> str:
    """``amount`` as JSON and CSV write it: with at least two decimals (``1200.00``), and
    every decimal of the currency's smallest unit (``12.970`` Kuwaiti dinars)."""
    return str(amount.quantize(_text_quantum(currency)))


@cache
def _text_quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-max(2, minor_unit_places(currency)))


def penalty_amounts(
    currency: str, interest: Decimal, indemnity: Decimal, indemnity_currency: str
) -> dict[str, Decimal]:
    """Late-payment interest (in ``currency``, the debt's) plus indemnity (in
    ``indemnity_currency``, the law's: EUR 40 on an invoice in dollars) per currency, the
    debt's first; never a sum across currencies, and no entry for an indemnity of zero."""
    amounts = {currency: interest}
    if indemnity:
        amounts[indemnity_currency] = amounts.get(indemnity_currency, Decimal(0)) + indemnity
    return amounts


CurrencyCode = Annotated[str, AfterValidator(currency_code)]
"""An ISO 4217 currency code such as ``EUR``; lower case is accepted and upper-cased."""


@cache
def _known_countries() -> frozenset[str]:
    from babel import Locale

    return frozenset(str(code) for code in Locale("en").territories if str(code).isalpha())


def country_code(value: str) -> str:
    """``value`` as an ISO 3166-1 alpha-2 code (``fr`` gives ``FR``); ValueError if it is
    not one. The check every record's country goes through, for connectors too."""
    code = value.strip().upper()
    if code not in _known_countries():
        raise ValueError(f"{value!r} is not an ISO 3166 two-letter country code")
    return code


CountryCode = Annotated[str, AfterValidator(country_code)]
"""An ISO 3166-1 alpha-2 country code such as ``FR``."""


@lru_cache(maxsize=1024)
def _check_language(value: str) -> str:
    """Cached: a ledger names a handful of languages, and Babel's parsing is slow."""
    from babel import Locale, UnknownLocaleError

    tag = value.strip().replace("-", "_")
    try:
        Locale.parse(tag)
    except (ValueError, UnknownLocaleError):
        raise ValueError(f"{value!r} is not a language code such as 'fr' or 'en_GB'") from None
    return tag


LanguageCode = Annotated[str, AfterValidator(_check_language)]
"""A language tag understood by Babel: ``fr``, ``en``, ``de``, ``fr_BE``, ``en-GB``..."""


def _nonblank(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be empty")
    return stripped


NonBlank = Annotated[str, AfterValidator(_nonblank)]


class FrozenModel(BaseModel):
    """Base of every record: immutable, no unknown fields, validated on assignment."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _record_label(cls: type[BaseModel], data: Any) -> str:
    """Name a record for an error message, from whatever identifying data it has."""
    kind = getattr(cls, "_label", cls.__name__.lower())
    if not isinstance(data, Mapping):
        return kind
    ident = data.get("number") or data.get("id")
    label = f"{kind} {str(ident)!r}" if ident else kind
    if data.get("source"):
        label += f" from source {data['source']!r}"
    return label


def validation_message(exc: ValidationError) -> str:
    """Turn a pydantic error into one readable line: ``field: problem; field: problem``.

    Use it to show a model validation error to a person, without pydantic's
    ``[type=..., input_value=...]`` decoration.
    """
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


class Record(FrozenModel):
    """A record whose validation errors name the record as well as the field.

    Subclasses put cross-field rules in :meth:`_check`, so that their errors are
    labelled like the others.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _name_the_record(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        try:
            record = handler(data)
            record._check()
        except ValidationError as exc:
            raise ValueError(f"{_record_label(cls, data)}: {validation_message(exc)}") from None
        except ValueError as exc:
            raise ValueError(f"{_record_label(cls, data)}: {exc}") from None
        return record

    def _check(self) -> None:
        """Cross-field rules; raise ``ValueError`` with a message naming the field."""


_Built = TypeVar("_Built", bound=BaseModel)


def _unvalidated(cls: type[_Built], fields: dict[str, Any], fields_set: set[str]) -> _Built:
    """A ``cls`` holding ``fields`` (every field, in the model's order) as they are.

    For the ``from_parsed`` constructors, once they have checked that validation would
    keep every value as it is. The values are written into the record's own attribute
    dict, always in the same order: CPython then keeps them in a dict that shares its
    keys with every other record of the class (about 250 bytes for an invoice instead
    of the 830 of the dict validation gives it). Writing the dict is twice as fast as
    setting the attributes one by one, for 64 bytes more a record (the dict object).
    ``fields_set`` is shared by every record built here: a frozen record never changes
    it, and ``model_copy()`` copies it.
    """
    record = cls.__new__(cls)
    attributes = record.__dict__
    for name, value in fields.items():
        attributes[name] = value
    object.__setattr__(record, "__pydantic_fields_set__", fields_set)
    object.__setattr__(record, "__pydantic_extra__", None)
    object.__setattr__(record, "__pydantic_private__", None)
    return record


@cache
def _every_field(cls: type[BaseModel]) -> set[str]:
    """The fields set of a record given every field: one set for all."""
    return set(cls.model_fields)


def _share_field_names(*models: type[BaseModel]) -> None:
    """Give each model's key-sharing table its field names now, in the model's order.

    CPython fills a class's table of shared attribute names from the first instance
    whose attributes are set one by one, and shrinks what can still be added at each
    new instance: after a few records built by validation (which gives each its own
    dict), :func:`_unvalidated` records could no longer share their keys. Filling the
    tables when this module is loaded keeps them shared whatever a process builds first.
    """
    for model in models:
        attributes = model.__new__(model).__dict__
        for name in model.model_fields:
            attributes[name] = None


# --------------------------------------------------------------------------- money


class Money(FrozenModel):
    """An amount in a currency. Adding two amounts of different currencies is an error."""

    amount: Amount
    currency: CurrencyCode

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def totals_by_currency(amounts: Iterable[Money]) -> dict[str, Decimal]:
    """Sum amounts per currency, currencies in alphabetical order."""
    totals: dict[str, Decimal] = {}
    for money in amounts:
        totals[money.currency] = totals.get(money.currency, Decimal(0)) + money.amount
    return dict(sorted(totals.items()))


# --------------------------------------------------------------------------- customers


class CustomerKind(StrEnum):
    """Whether the customer is a business (B2B) or a consumer (B2C).

    The law differs: a French business owes ECB + 10 points and EUR 40 per late
    invoice; a consumer owes the legal interest rate from the formal notice only.
    """

    BUSINESS = "business"
    CONSUMER = "consumer"


class Address(FrozenModel):
    """A postal address, as printed in a letter's window."""

    lines: tuple[NonBlank, ...] = ()
    postal_code: str | None = None
    city: str | None = None
    country: CountryCode | None = None

    @classmethod
    def from_parsed(
        cls,
        *,
        lines: tuple[str, ...],
        postal_code: str | None,
        city: str | None,
        country: str | None,
    ) -> Address:
        """``Address(...)`` with these fields: the same record, or the same error.

        Like :meth:`Invoice.from_parsed`, it keeps values already in their validated form
        (stripped text, a known upper-case country code) as they are, and validates the
        others.
        """
        fields = {"lines": lines, "postal_code": postal_code, "city": city, "country": country}
        if not (
            type(lines) is tuple
            and all(_clean(line) and line != "" for line in lines)
            and (postal_code is None or _clean(postal_code))
            and (city is None or _clean(city))
            and (country is None or (type(country) is str and country in _known_countries()))
        ):
            return cls(**fields)
        return _unvalidated(cls, fields, _every_field(cls))


# Addresses that email-validator gives back unchanged, in plain lower-case ASCII: a
# dot-atom local part of letters, digits and ``_+-``; hostname labels of at most 63
# letters, digits and inner hyphens; a last label of letters. The length limit (254),
# the labels with two hyphens (``xn--``), the case-insensitive mailbox names (lower case
# here) and the special-use domains are left to the full validation below.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{1,63}"
).fullmatch
_MAX_PLAIN_EMAIL = 254


@cache
def _special_use_labels() -> frozenset[str]:
    """The last labels of email-validator's special-use domains (``test``, ``local``...)."""
    from email_validator import SPECIAL_USE_DOMAIN_NAMES

    return frozenset(name.rpartition(".")[2] for name in SPECIAL_USE_DOMAIN_NAMES)


def _is_plain_email(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a plain address (see ``_PLAIN_EMAIL``): valid and normalised."""
    return (
        type(value) is str
        and len(value) <= _MAX_PLAIN_EMAIL
        and _PLAIN_EMAIL(value) is not None
        and "--" not in value.partition("@")[2]
        and value.rpartition(".")[2] not in _special_use_labels()
    )


def _plain_email(value: object, handler: ValidatorFunctionWrapHandler) -> str:
    """``EmailStr`` validation, without its cost for plain addresses.

    email-validator takes some 20 µs an address; a customers file of 100 000 rows spends
    most of its reading time there. A plain address is valid and normalised already, so
    it is returned as it is; anything else is validated in full, with the same result
    and the same errors (``tests/test_model_email.py``).
    """
    if _is_plain_email(value):
        return value
    result: str = handler(value)
    return result


EmailAddress = Annotated[EmailStr, WrapValidator(_plain_email)]
"""An email address, validated and normalised as pydantic's ``EmailStr`` does."""


class Contact(Record):
    """A person or mailbox to send reminders to."""

    _label: ClassVar[str] = "contact"

    name: str | None = None
    emails: tuple[EmailAddress, ...] = ()
    phone: str | None = None
    language: LanguageCode | None = None
    role: str | None = Field(default=None, description="'billing', 'accounting'...")

    @field_validator("emails", mode="before")
    @classmethod
    def _split_emails(cls, value: object) -> object:
        """Accept ``"a@x.fr; b@x.fr"`` as well as a list: exports often join addresses."""
        if isinstance(value, str):
            return _split_addresses(value)
        return value

    @classmethod
    def from_parsed(
        cls,
        *,
        name: str | None,
        emails: str | tuple[str, ...],
        phone: str | None,
        language: str | None,
        role: str | None,
    ) -> Contact:
        """``Contact(...)`` with these fields: the same record, or the same error.

        Like :meth:`Invoice.from_parsed`, it keeps values already in their validated form
        (stripped text, plain e-mail addresses, a language code as Babel reads it) as
        they are, and validates the others.
        """
        addresses = _split_addresses(emails) if isinstance(emails, str) else emails
        fields = {
            "name": name,
            "emails": addresses,
            "phone": phone,
            "language": language,
            "role": role,
        }
        if not (
            type(addresses) is tuple
            and all(_is_plain_email(address) for address in addresses)
            and (name is None or _clean(name))
            and (phone is None or _clean(phone))
            and (language is None or _is_language(language))
            and (role is None or _clean(role))
        ):
            return cls(**fields)
        return _unvalidated(cls, fields, _every_field(cls))


def _split_addresses(text: str) -> tuple[str, ...]:
    """``"a@x.fr; b@x.fr"`` or ``"a@x.fr, b@x.fr"`` -> the addresses, stripped."""
    return tuple(part for part in (p.strip() for p in text.replace(",", ";").split(";")) if part)


def _is_language(value: object) -> bool:
    """Whether ``value`` is a language code as its validation leaves it."""
    try:
        return type(value) is str and _check_language(value) == value
    except ValueError:
        return False


class Customer(Record):
    """A customer (the debtor), as its source knows it.

    ``id`` is the source's stable identifier (not the name, which can change). The first
    contact whose role is ``billing`` receives reminders; failing that, the first contact.
    """

    _label: ClassVar[str] = "customer"

    id: NonBlank
    name: NonBlank
    kind: CustomerKind = CustomerKind.BUSINESS
    language: LanguageCode | None = None
    country: CountryCode | None = None
    address: Address | None = None
    vat_number: str | None = None
    registration_number: str | None = Field(default=None, description="SIREN/SIRET, HRB...")
    tags: frozenset[str] = frozenset()
    segment: str | None = None
    contacts: tuple[Contact, ...] = ()

    @classmethod
    def from_parsed(
        cls,
        *,
        id: str,
        name: str,
        kind: CustomerKind,
        language: str | None,
        country: str | None,
        address: Address | None,
        vat_number: str | None,
        registration_number: str | None,
        tags: frozenset[str],
        segment: str | None,
        contacts: tuple[Contact, ...],
    ) -> Customer:
        """``Customer(...)`` with these fields: the same record, or the same error.

        Like :meth:`Invoice.from_parsed`, it keeps values already in their validated form
        (stripped text, a known upper-case country code, a language code as Babel reads
        it, records) as they are, and validates the others.
        """
        fields = {
            "id": id,
            "name": name,
            "kind": kind,
            "language": language,
            "country": country,
            "address": address,
            "vat_number": vat_number,
            "registration_number": registration_number,
            "tags": tags,
            "segment": segment,
            "contacts": contacts,
        }
        if not (
            _clean(id)
            and id != ""
            and _clean(name)
            and name != ""
            and type(kind) is CustomerKind
            and (language is None or _is_language(language))
            and (country is None or (type(country) is str and country in _known_countries()))
            and (address is None or type(address) is Address)
            and (vat_number is None or _clean(vat_number))
            and (registration_number is None or _clean(registration_number))
            and type(tags) is frozenset
            # Validation builds a new set of several tags, whose order (in its repr and
            # JSON) can differ from the given set's: only the order of one is certain.
            and len(tags) <= 1
            and all(_clean(tag) for tag in tags)
            and (segment is None or _clean(segment))
            and type(contacts) is tuple
            and all(type(contact) is Contact for contact in contacts)
        ):
            return cls(**fields)
        return _unvalidated(cls, fields, _every_field(cls))

    @property
    def billing_contact(self) -> Contact | None:
        """The contact reminders go to: the first ``billing`` one, else the first one."""
        for contact in self.contacts:
            if contact.role == "billing":
                return contact
        return self.contacts[0] if self.contacts else None

    @property
    def is_consumer(self) -> bool:
        return self.kind is CustomerKind.CONSUMER


# --------------------------------------------------------------------------- invoices


class DocumentKind(StrEnum):
    """What an open item is. Only invoices are reminded; the others reduce the debt."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    """A payment received but not applied to an invoice (an "unapplied payment")."""


class InvoiceStatus(StrEnum):
    """Payment status. ``in_payment`` means paid but not yet reconciled: never remind."""

    OPEN = "open"
    PARTIAL = "partial"
    IN_PAYMENT = "in_payment"
    PAID = "paid"


class Instalment(FrozenModel):
    """One instalment of an invoice with several due dates (payment terms 30/60...)."""

    due_date: date
    amount: NonNegativeAmount
    residual: NonNegativeAmount


class Invoice(Record):
    """An open receivable: an invoice, a credit note or an unapplied payment.

    ``source`` is the name of the source (the configuration table name, e.g. ``csv``)
    that produced the record; ``(source, id)`` is unique and stable across fetches.
    ``residual`` is what is still owed (or still to be used, for credits), never more
    than ``total``. ``status`` is derived from the amounts when the source does not say.
    """

    _label: ClassVar[str] = "invoice"

    source: NonBlank
    id: NonBlank
    number: NonBlank
    kind: DocumentKind = DocumentKind.INVOICE
    customer: Customer
    issue_date: date | None = None
    due_date: date | None = None
    currency: CurrencyCode
    total: NonNegativeAmount
    residual: NonNegativeAmount
    status: InvoiceStatus | None = None
    disputed: bool = False
    dispute_reason: str | None = None
    dispute_until: date | None = None
    promise_date: date | None = Field(default=None, description="promised payment date")
    payment_reference: str | None = None
    paid_date: date | None = Field(
        default=None, description="day the invoice was paid, for paid invoices (reports)"
    )
    document_url: str | None = None
    contract_rate: Decimal | None = Field(
        default=None, description="contractual late-payment rate, percent a year"
    )
    jurisdiction: str | None = Field(default=None, description="override, e.g. 'fr-b2b'")
    instalments: tuple[Instalment, ...] = ()
    contact: Contact | None = Field(default=None, description="invoice-specific contact")

    def _check(self) -> None:
        problem = _invoice_problem(self.kind, self.due_date, self.total, self.residual)
        if problem is not None:
            raise ValueError(problem)
        if self.status is None:
            object.__setattr__(self, "status", derived_status(self.total, self.residual))

    @classmethod
    def from_parsed(
        cls,
        *,
        source: str,
        id: str,
        number: str,
        kind: DocumentKind,
        customer: Customer,
        issue_date: date | None,
        due_date: date | None,
        currency: str,
        total: Decimal,
        residual: Decimal,
        disputed: bool,
        dispute_reason: str | None,
        dispute_until: date | None,
        promise_date: date | None,
        payment_reference: str | None,
    ) -> Invoice:
        """``Invoice(...)`` with these fields, in half the time for parsed values.

        A connector reading a million rows parses each cell itself (amounts to
        ``Decimal``, dates to ``date``); validating those values again would cost more
        than parsing them. Values already in the form validation gives them (stripped
        non-blank text, a known upper-case currency, finite non-negative ``Decimal``
        amounts, ``date`` objects, a :class:`Customer`) that keep the invoice rules are
        taken as they are; anything else goes through full validation. The record, or
        the error, is always the one ``Invoice(...)`` gives for the same fields.
        """
        fields = {
            "source": source,
            "id": id,
            "number": number,
            "kind": kind,
            "customer": customer,
            "issue_date": issue_date,
            "due_date": due_date,
            "currency": currency,
            "total": total,
            "residual": residual,
            "status": None,
            "disputed": disputed,
            "dispute_reason": dispute_reason,
            "dispute_until": dispute_until,
            "promise_date": promise_date,
            "payment_reference": payment_reference,
        }
        if not (
            type(total) is Decimal
            and type(residual) is Decimal
            and total.is_finite()
            and residual.is_finite()
            and 0 <= residual <= total < AMOUNT_LIMIT
            and type(kind) is DocumentKind
            and (due_date is not None or kind is not DocumentKind.INVOICE)
            and type(customer) is Customer
            and type(disputed) is bool
            and type(currency) is str
            and currency in _known_currencies()
            and type(source) is str
            and source.strip() == source != ""
            and type(id) is str
            and id.strip() == id != ""
            and type(number) is str
            and number.strip() == number != ""
            and (dispute_reason is None or _clean(dispute_reason))
            and (payment_reference is None or _clean(payment_reference))
            and (issue_date is None or type(issue_date) is date)
            and (due_date is None or type(due_date) is date)
            and (dispute_until is None or type(dispute_until) is date)
            and (promise_date is None or type(promise_date) is date)
        ):
            del fields["status"]
            return cls(**fields)
        fields["status"] = derived_status(total, residual)
        fields.update(_UNPARSED_DEFAULTS)
        return _unvalidated(cls, fields, _PARSED_FIELDS)

    @property
    def is_credit(self) -> bool:
        """True for credit notes and unapplied payments: they reduce what is owed."""
        return self.kind is not DocumentKind.INVOICE

    @property
    def signed_residual(self) -> Decimal:
        """The residual with the customer's sign: positive owed, negative credit."""
        return -self.residual if self.is_credit else self.residual

    @property
    def key(self) -> tuple[str, str]:
        """The identity of the record across fetches: ``(source, id)``."""
        return (self.source, self.id)

    @property
    def payable_since(self) -> date | None:
        """The day the oldest part still unpaid fell due: the first instalment with
        something left to pay, else ``due_date``.

        An invoice payable in several times (30 % at 30 days, 70 % at 60 days) owes each
        instalment on its own date, while sources give its *last* date as ``due_date``:
        it is late, and reminded, from its first unpaid instalment.
        """
        if not self.instalments:
            return self.due_date
        unpaid = [part.due_date for part in self.instalments if part.residual > 0]
        return min(unpaid) if unpaid else self.due_date

    def amount_due(self, on: date) -> Decimal:
        """What a reminder on ``on`` asks of this item: its residual, except for an
        invoice in instalments, whose instalments due by ``on`` (the first unpaid one
        when none is due yet) are all that is owed: a formal notice may not demand an
        instalment that is not due. Instalments that do not account for the residual
        are not relied on: the residual is asked."""
        if not self.instalments:  # most invoices, on the plan's hot path
            return self.residual
        unpaid = sorted(self.unpaid_instalments(self.residual), key=lambda p: p.due_date)
        if not unpaid:
            return self.residual
        due = [part.residual for part in unpaid if part.due_date <= on] or [unpaid[0].residual]
        return sum(due, Decimal(0))

    def unpaid_instalments(self, owed: Decimal) -> tuple[Instalment, ...]:
        """The instalments with something left to pay, when they account for ``owed``
        (what is owed on the invoice); none when they do not, or there are none: such
        instalments are not relied on."""
        unpaid = tuple(part for part in self.instalments if part.residual > 0)
        if sum((part.residual for part in unpaid), Decimal(0)) != owed:
            return ()
        return unpaid

    def days_late(self, on: date) -> int:
        """Days past :attr:`payable_since` on ``on`` (negative before it, 0 on that day)."""
        since = self.payable_since
        if since is None:
            return 0
        return (on - since).days


AMOUNT_LIMIT = Decimal(10) ** 15
"""No invoice reaches a thousand million million: such an amount is a broken cell (a
date or an account number read as an amount), and beyond 10**26 a cent cannot even be
written with the 28 digits of decimal arithmetic."""


def _invoice_problem(
    kind: DocumentKind, due_date: date | None, total: Decimal, residual: Decimal
) -> str | None:
    """What breaks the rules between an invoice's fields, if anything."""
    if total >= AMOUNT_LIMIT:
        return f"total: {total} is beyond any invoice's amount (less than {AMOUNT_LIMIT:,})"
    if residual > total:
        return f"residual: residual {residual} exceeds total {total}"
    if kind is DocumentKind.INVOICE and due_date is None:
        return "due_date: an invoice needs a due date"
    return None


def derived_status(total: Decimal, residual: Decimal) -> InvoiceStatus:
    """The status of an invoice whose source does not say it: from its amounts (non-negative,
    the residual at most the total)."""
    if residual == 0:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTIAL if residual < total else InvoiceStatus.OPEN


def _clean(text: object) -> bool:
    """Text as validation leaves it: a string without surrounding spaces."""
    return type(text) is str and text == text.strip()


_PARSED_FIELDS = set(inspect.signature(Invoice.from_parsed).parameters)
_UNPARSED_DEFAULTS = {
    name: info.default
    for name, info in Invoice.model_fields.items()
    if name not in _PARSED_FIELDS and name != "status"
}
_share_field_names(Address, Contact, Customer, Invoice)


class Balance(FrozenModel):
    """The current residual of one invoice, as re-read from its source before sending."""

    invoice_id: NonBlank
    residual: NonNegativeAmount
    currency: CurrencyCode
    status: InvoiceStatus | None = None
    disputed: bool | None = None

    @classmethod
    def of(cls, invoice: Invoice) -> Balance:
        """What ``invoice`` says of its balance (for a source read again in full)."""
        return cls(
            invoice_id=invoice.id,
            residual=invoice.residual,
            currency=invoice.currency,
            status=invoice.status,
            disputed=invoice.disputed,
        )


class Document(FrozenModel):
    """A file from a source or a channel: an invoice PDF, a letter."""

    filename: NonBlank
    media_type: str = "application/pdf"
    content: bytes


# --------------------------------------------------------------------------- messages


class ChannelKind(StrEnum):
    """The ways to reach a customer. A policy level names kinds; channel plugins deliver them."""

    EMAIL = "email"
    LETTER = "letter"
    REGISTERED_LETTER = "registered_letter"
    SMS = "sms"
    PHONE = "phone"


Attachment = Document
"""An attachment of a message is a :class:`Document`."""


class Message(FrozenModel):
    """One rendered reminder, ready to be delivered through one channel kind.

    ``reminder_key`` identifies the planned reminder this message belongs to (one
    reminder may go out through several channel kinds, e.g. an email and a letter);
    ``message_key`` is unique per (reminder, channel kind) and is what the history uses
    to make sure a message is never sent twice.
    """

    reminder_key: NonBlank
    message_key: NonBlank
    kind: ChannelKind
    customer_id: NonBlank
    source: NonBlank
    level: NonBlank
    language: str
    to: tuple[str, ...] = Field(default=(), description="email addresses or phone numbers")
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: str | None = None
    sender: str | None = None
    postal_address: Address | None = None
    recipient_name: str | None = None
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    invoice_ids: tuple[str, ...] = ()
    amounts: tuple[Money, ...] = ()
    invoice_numbers: tuple[str, ...] = Field(default=(), description="of the invoices reminded")
    oldest_due_date: date | None = Field(default=None, description="of the invoices reminded")
    contact_name: str | None = Field(default=None, description="the person reminders go to")


class Receipt(FrozenModel):
    """Proof that a channel delivered (or queued) a message."""

    channel: NonBlank
    message_id: str | None = None
    provider_reference: str | None = Field(default=None, description="tracking number, SMS id")
    sent_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    detail: str | None = None


# --------------------------------------------------------------------------- history


class EventType(StrEnum):
    """What happened. The history store is append-only; these are its verbs."""

    PLANNED = "planned"
    APPROVED = "approved"
    REJECTED = "rejected"
    INTENT = "intent"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    RESOLVED = "resolved"
    PAUSED = "paused"
    RESUMED = "resumed"
    PROMISED = "promised"
    HANDED_OFF = "handed_off"
    NOTE = "note"


class HistoryEvent(FrozenModel):
    """One entry of the history: who did what, when, to whom, for which invoices.

    The built-in store keeps these authoritatively; plugins implementing
    ``relance_record_history`` mirror them (an Odoo chatter note, an Axonaut event).
    """

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    type: EventType
    at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    run_date: date | None = Field(
        default=None, description="the day the run acted for (``--today``), if not at's day"
    )
    actor: str = "relance"
    source: str | None = None
    customer_id: str | None = None
    customer_name: str | None = None
    invoice_ids: tuple[str, ...] = ()
    invoice_numbers: tuple[str, ...] = ()
    invoice_levels: tuple[tuple[str, str], ...] = Field(
        default=(), description="(invoice id, level) for each invoice a message advanced"
    )
    level: str | None = None
    channel: ChannelKind | None = None
    recipient: str | None = None
    reminder_key: str | None = None
    message_key: str | None = None
    settles: str | None = Field(
        default=None, description="id of the intent this sent/failed/resolved event settles"
    )
    content_digest: str | None = None
    amounts: tuple[Money, ...] = ()
    penalties: tuple[Money, ...] = ()
    message_id: str | None = None
    provider_reference: str | None = None
    until: date | None = None
    reason: str | None = None
    details: tuple[tuple[str, str], ...] = ()

    @property
    def day(self) -> date:
        """The day this event counts for: the run's date, else the day of ``at``."""
        return self.run_date if self.run_date is not None else self.at.date()


# --------------------------------------------------------------------------- checks


class CheckStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


class CheckResult(FrozenModel):
    """One line of ``relance check``: what was checked and how it went."""

    status: CheckStatus = CheckStatus.OK
    summary: NonBlank
    detail: str | None = None
    input_error: bool = False
    """For an error: the user's data or settings are at fault (a bad row, a missing
    folder), not the plugin or the system it reaches. ``relance check`` then exits 1,
    as a run stops on bad input, instead of 2."""
