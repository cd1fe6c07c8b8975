"""Customers and their billing contacts, read in batches.

One customer is one *commercial partner* (the company, or a person without a company).
Its reminders go to its **invoice-type contacts** (``type = "invoice"``), as Odoo's own
follow-up does, the ones with an e-mail address; without one, to the customer itself. The contact
an invoice is addressed to (``partner_id``, when it is a child contact) is kept as the
invoice's contact.

All of this costs ``ceil(rows / page_size)`` requests for the whole run, where rows are
the customers, their invoice contacts and the invoices' contacts: one ``search_read``
with ``["|", ("id", "in", ids), "&", ("commercial_partner_id", "in", customers),
("type", "=", "invoice")]``, archived partners included (an archived customer may still
owe money).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from relance import Address, Contact, Customer, CustomerKind
from relance.model import country_code
from relance_odoo.client import OdooClient, Row
from relance_odoo.values import many2one, ref_id, text

log = logging.getLogger(__name__)

PARTNER = "res.partner"
PARTNER_FIELDS = (
    "name",
    "email",
    "phone",
    "mobile",
    "lang",
    "vat",
    "company_registry",
    "street",
    "street2",
    "zip",
    "city",
    "country_code",
    "is_company",
    "parent_id",
    "commercial_partner_id",
    "type",
    "active",
)
BILLING = "billing"


@dataclass(frozen=True)
class Partners:
    """The customers (by commercial partner id) and the invoices' own contacts."""

    customers: dict[int, Customer]
    contacts: dict[int, Contact]


def read_partners(
    client: OdooClient,
    customers: dict[int, str],
    invoice_contacts: Collection[int],
    *,
    page_size: int,
) -> Partners:
    """Read ``customers`` (id -> name from the invoice) and the invoices' contacts."""
    if not customers:
        return Partners({}, {})
    customer_ids = sorted(customers)
    domain = [
        "|",
        ["id", "in", sorted(set(customer_ids) | set(invoice_contacts))],
        "&",
        ["commercial_partner_id", "in", customer_ids],
        ["type", "=", "invoice"],
    ]
    fields = client.catalog.keep(PARTNER, PARTNER_FIELDS)
    rows = list(
        client.pages(PARTNER, domain, fields, page_size=page_size, context={"active_test": False})
    )
    by_id = {row["id"]: row for row in rows}
    billing: dict[int, list[Row]] = {}
    for row in rows:
        parent = ref_id(row.get("commercial_partner_id"))
        if row.get("type") == "invoice" and row.get("active", True) and row["id"] != parent:
            billing.setdefault(parent or 0, []).append(row)
    found = {
        customer_id: to_customer(
            by_id.get(customer_id), customer_id, name, billing.get(customer_id, ())
        )
        for customer_id, name in customers.items()
    }
    contacts = {
        partner_id: to_contact(by_id[partner_id], BILLING)
        for partner_id in invoice_contacts
        if partner_id in by_id and partner_id not in customers
    }
    return Partners(found, contacts)


def to_customer(
    row: Row | None, customer_id: int, fallback_name: str, billing: Iterable[Row]
) -> Customer:
    """The customer of a commercial partner row (a bare one when it could not be read)."""
    if row is None:
        log.warning("Odoo partner %d could not be read; reminded without details", customer_id)
        return Customer(id=str(customer_id), name=fallback_name)
    contacts = billing_first(
        [to_contact(contact, None) for contact in sorted(billing, key=lambda r: r["id"])],
        to_contact(row, None),
    )
    business = bool(row.get("is_company")) or text(row.get("vat")) is not None
    lines = tuple(line for line in (text(row.get("street")), text(row.get("street2"))) if line)
    country = _country(row, customer_id)
    return Customer(
        id=str(customer_id),
        name=text(row.get("name")) or fallback_name,
        kind=CustomerKind.BUSINESS if business else CustomerKind.CONSUMER,
        language=language(row.get("lang")),
        country=country,
        address=Address(
            lines=lines,
            postal_code=text(row.get("zip")),
            city=text(row.get("city")),
            country=country,
        ),
        vat_number=text(row.get("vat")),
        registration_number=text(row.get("company_registry")),
        contacts=tuple(contact for contact in contacts if contact.emails or contact.phone),
    )


def billing_first(invoice_contacts: list[Contact], company: Contact) -> list[Contact]:
    """The customer's contacts, the ones reminders go to first with the ``billing`` role.

    The invoice-type contacts that have an e-mail address are the billing contacts; when
    none has one (a contact with only a phone number, or an address Odoo holds but that
    is not valid), the customer's own address is: a reminder must not go by post
    because the accounting contact has no e-mail while the company has one. The others
    stay, without the role, for their phone numbers (invoice contacts before the
    company's switchboard).
    """
    with_email = [contact for contact in invoice_contacts if contact.emails]
    without = [contact for contact in invoice_contacts if not contact.emails]
    if with_email:
        return [*(_as_billing(contact) for contact in with_email), *without, company]
    return [_as_billing(company), *without]


def _as_billing(contact: Contact) -> Contact:
    return contact.model_copy(update={"role": BILLING})


def to_contact(row: Row, role: str | None) -> Contact:
    """A partner as a contact; addresses Odoo holds but that are not valid are dropped."""
    values = {
        "name": text(row.get("name")),
        "phone": text(row.get("phone")) or text(row.get("mobile")),
        "language": language(row.get("lang")),
        "role": role,
    }
    email = text(row.get("email"))
    try:
        return Contact(emails=email or (), **values)
    except ValueError:
        log.warning("Odoo partner %d: e-mail %r is not valid; ignored", row["id"], email)
        return Contact(**values)


def _country(row: Row, customer_id: int) -> str | None:
    """The partner's ISO 3166 country code; one Odoo holds that is not (Odoo lets users
    create countries) is left out, so that the partner is still reminded."""
    code = text(row.get("country_code"))
    if code is None:
        return None
    try:
        return country_code(code)
    except ValueError:
        log.warning(
            "Odoo partner %d: country code %r is not an ISO 3166 code; left out", customer_id, code
        )
        return None


def language(value: object) -> str | None:
    """Odoo's ``lang`` (``fr_FR``, ``sr@latin``) when Babel knows it."""
    code = text(value)
    if code is None:
        return None
    try:
        Locale.parse(code.split("@")[0])
    except (ValueError, UnknownLocaleError):
        return None
    return code.split("@")[0]


def customer_of(row: Row) -> tuple[int, str] | None:
    """The commercial partner of an invoice row."""
    return many2one(row.get("commercial_partner_id")) or many2one(row.get("partner_id"))
