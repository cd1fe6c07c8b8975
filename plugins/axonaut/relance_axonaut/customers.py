"""Axonaut companies as relance customers, each read once per run.

An invoice names its customer only as ``company: {id, name, ...}``. The company itself
(``GET /companies/{id}``) carries the language, the consumer flag (``isB2C``), the
address, and its contacts in ``employees[]``. The company has no e-mail of its own: its
billing contact is the employee flagged ``is_billing_contact`` that has an e-mail, else
the first employee with an e-mail. The customer is shared by all its invoices; what
differs per invoice is the person it is addressed to (``billing_address.contact_name``):
when that names one of the company's employees, the employee is the invoice's own
contact (``Invoice.contact``), whom relance reminds first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from pydantic import ValidationError

from relance import Address, Contact, Customer, CustomerKind
from relance.model import validation_message
from relance_axonaut.client import AxonautClient, JsonObject
from relance_axonaut.errors import AxonautNotFound

log = logging.getLogger(__name__)


class CustomerDirectory:
    """The customers of one run, keyed by Axonaut company id; each is read once.

    Instances live for the run (``context.resource``), so N invoices of C companies
    cost C company reads, whatever N is.
    """

    def __init__(self, client: AxonautClient) -> None:
        self._client = client
        self._customers: dict[str, Customer] = {}

    def __repr__(self) -> str:
        return f"CustomerDirectory({len(self._customers)} customers)"

    def customer(self, invoice_company: JsonObject) -> Customer:
        """The customer of an invoice's ``company`` object, read from Axonaut on first use.

        A company Axonaut no longer has (404) is still a debtor: it is kept with the
        name the invoice gives, without contacts, and a warning is logged.
        """
        company_id = str(invoice_company["id"])
        known = self._customers.get(company_id)
        if known is not None:
            return known
        try:
            company = self._client.get_object(f"/companies/{company_id}")
        except AxonautNotFound:
            log.warning("Axonaut company %s not found; reminding it without contacts", company_id)
            company = {"id": invoice_company["id"], "name": invoice_company.get("name")}
        else:
            if company.get("employees") is None:
                company["employees"] = list(
                    self._client.iter_list(f"/companies/{company_id}/employees")
                )
        customer = customer_from_company(company)
        self._customers[company_id] = customer
        return customer


def customer_from_company(company: JsonObject) -> Customer:
    """Map an Axonaut company (``company.get``) to a relance customer."""
    language = _language(company.get("language"))
    country = country_code(company.get("address_country"))
    street = _text(company.get("address_street"))
    is_b2c = company.get("isB2C")
    return Customer(
        id=str(company["id"]),
        name=_text(company.get("name")) or f"Axonaut company {company['id']}",
        kind=CustomerKind.CONSUMER if is_b2c is True else CustomerKind.BUSINESS,
        language=language,
        country=country,
        address=Address(
            lines=(street,) if street else (),
            postal_code=_text(company.get("address_zip_code")),
            city=_text(company.get("address_city")),
            country=country,
        ),
        vat_number=_text(company.get("intracommunity_number")),
        registration_number=_text(company.get("siret")),
        tags=frozenset(
            name
            for name in (_text(c.get("name")) for c in _dicts(company.get("categories")))
            if name
        ),
        contacts=contacts_from_employees(
            _dicts(company.get("employees")), language, str(company["id"])
        ),
    )


def contacts_from_employees(
    employees: Iterable[JsonObject], language: str | None, company_id: str
) -> tuple[Contact, ...]:
    """Contacts in the order reminders should use them; the billing one is flagged.

    Billing contacts with an e-mail come first, then the others with an e-mail, then the
    rest, each group in Axonaut's order.
    """
    contacts = [_contact(employee, language, company_id) for employee in employees]
    return tuple(
        sorted(contacts, key=lambda contact: (contact.role != "billing", not contact.emails))
    )


def invoice_contact(customer: Customer, contact_name: str | None) -> Contact | None:
    """The employee an invoice is addressed to (``billing_address.contact_name``).

    The name matches an employee's first and last names in either order, whatever the
    case; among namesakes, one with an e-mail. ``None`` when the invoice names nobody, or
    nobody the company lists (the company's name, a former employee).
    """
    wanted = sorted((contact_name or "").casefold().split())
    if not wanted:
        return None
    named = [
        contact
        for contact in customer.contacts
        if sorted((contact.name or "").casefold().split()) == wanted
    ]
    return next((contact for contact in named if contact.emails), named[0] if named else None)


def _contact(employee: JsonObject, language: str | None, company_id: str) -> Contact:
    name = " ".join(
        part for part in (_text(employee.get("firstname")), _text(employee.get("lastname"))) if part
    )
    email = _text(employee.get("email"))
    fields: dict[str, Any] = {
        "name": name or None,
        "phone": _text(employee.get("cellphone_number")) or _text(employee.get("phone_number")),
        "language": language,
        "role": "billing" if employee.get("is_billing_contact") is True and email else None,
    }
    try:
        return Contact(emails=(email,) if email else (), **fields)
    except ValidationError as exc:
        log.warning(
            "Axonaut company %s, employee %s: e-mail ignored (%s)",
            company_id,
            employee.get("id"),
            validation_message(exc),
        )
        return Contact(**{**fields, "role": None})


def country_code(value: object) -> str | None:
    """ISO code of a country given by name (``France``, ``Allemagne``) or by code."""
    text = _text(value)
    if text is None:
        return None
    return _country_names().get(text.casefold())


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in ("en", "fr"):
        for code, name in Locale(language).territories.items():
            if str(code).isalpha():
                names[str(name).casefold()] = str(code)
                names[str(code).casefold()] = str(code)
    return names


def _language(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        Locale.parse(text.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        log.info("Axonaut language %r is not a language code; ignored", text)
        return None
    return text


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _dicts(value: object) -> list[JsonObject]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
