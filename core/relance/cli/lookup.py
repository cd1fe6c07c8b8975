"""Finding the invoice or customer a person names on the command line."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from relance.errors import InputError, Problem
from relance.i18n import _
from relance.model import Customer, Invoice

__all__ = ["find_customer", "find_invoice", "name_key"]


def find_invoice(invoices: Sequence[Invoice], reference: str, option: str) -> Invoice:
    """The open invoice whose number or id is ``reference`` (``source:id`` disambiguates)."""
    source, _sep, rest = reference.partition(":")
    found = [
        i
        for i in invoices
        if reference in (i.number, i.id)
        or (rest and i.source == source and rest in (i.id, i.number))
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        message = _("no open invoice numbered {ref!r} in the enabled sources").format(ref=reference)
    else:
        choices = ", ".join(f"{i.source}:{i.id}" for i in found)
        message = _("{ref!r} is ambiguous; use one of {choices}").format(
            ref=reference, choices=choices
        )
    raise InputError(_("Invalid command-line value."), [Problem(option, message)])


def find_customer(invoices: Sequence[Invoice], reference: str, option: str) -> tuple[str, Customer]:
    """``(source, customer)`` for a customer id (``source:id`` disambiguates).

    A reference that is no customer's id may be a customer's exact name, whatever its
    case (accents as written): a name several customers share is refused with their ids.
    """
    found: dict[tuple[str, str], Customer] = {}
    source, _sep, rest = reference.partition(":")
    for invoice in invoices:
        customer = invoice.customer
        if customer.id == reference or (rest and invoice.source == source and customer.id == rest):
            found[(invoice.source, customer.id)] = customer
    if not found:
        wanted = name_key(reference)
        for invoice in invoices:
            if name_key(invoice.customer.name) == wanted:
                found[(invoice.source, invoice.customer.id)] = invoice.customer
        if len(found) > 1:
            choices = ", ".join(f"{s}:{c}" for s, c in sorted(found))
            message = _("{ref!r} is the name of several customers; give the id of one: {choices}")
            raise InputError(
                _("Invalid command-line value."),
                [Problem(option, message.format(ref=reference, choices=choices))],
            )
    if len(found) == 1:
        ((key, customer),) = found.items()
        return key[0], customer
    if not found:
        message = _(
            "no customer with id or name {ref!r} has open items in the enabled sources"
        ).format(ref=reference)
    else:
        choices = ", ".join(f"{s}:{c}" for s, c in found)
        message = _("{ref!r} is ambiguous; use one of {choices}").format(
            ref=reference, choices=choices
        )
    raise InputError(_("Invalid command-line value."), [Problem(option, message)])


def name_key(name: str) -> str:
    """A name as compared: case folded, the same accents however the terminal composed
    them (NFC), surrounding spaces ignored."""
    return unicodedata.normalize("NFC", name).strip().casefold()
