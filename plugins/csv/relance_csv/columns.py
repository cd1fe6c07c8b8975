"""Which column holds what: header recognition and the ``columns`` mapping.

A *field* is what the connector needs to know (``number``, ``due_date``, ``residual``...);
a *header* is what the export calls it (``N° facture``, ``Échéance``, ``Reste à payer``).
Headers are compared once normalised (lower case, no accents, punctuation as spaces,
currency words dropped), so ``Montant TTC (€)`` and ``montant ttc`` are the same header.
The ``columns`` setting names the header of a field when the synonyms below miss it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


def _names(text: str) -> tuple[str, ...]:
    """The synonyms of a field, written ``"a; b; c"`` to keep the tables below readable."""
    return tuple(name.strip() for name in text.split(";"))


CUSTOMER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": _names(
        "code client; client id; id client; n client; numero client; ref client; "
        "reference client; compte client; compte; code tiers; customer id; customer code; "
        "customer no; customer number; customer ref; account; account number; "
        "account code"
    ),
    "customer_name": _names(
        "client; nom client; nom du client; raison sociale; nom; societe; tiers; customer; "
        "customer name; name; company; company name; debtor"
    ),
    "customer_kind": _names(
        "type client; type de client; categorie client; categorie; b2b b2c; "
        "particulier professionnel; customer type; customer kind; customer category"
    ),
    "email": _names(
        "email; e mail; mail; courriel; adresse email; adresse mail; email facturation; "
        "email de facturation; mail facturation; billing email; email address; "
        "invoice email"
    ),
    "phone": _names("telephone; tel; phone; phone number; portable; mobile"),
    "contact_name": _names("contact; nom contact; nom du contact; interlocuteur; contact name"),
    "language": _names("langue; language; lang"),
    "country": _names("pays; code pays; country; country code"),
    "address": _names("adresse; adresse facturation; rue; address; billing address; street"),
    "postal_code": _names("code postal; cp; postal code; zip; zip code; postcode"),
    "city": _names("ville; localite; commune; city; town"),
    "vat_number": _names(
        "tva intracommunautaire; n tva; numero tva; tva intra; n tva intracommunautaire; "
        "vat; vat number; vat id"
    ),
    "registration_number": _names("siret; siren; registration number; company number"),
    "tags": _names("tags; etiquettes; etiquette; labels; label"),
    "segment": _names("segment; groupe; groupe client; famille client; group; segment client"),
}

INVOICE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": _names(
        "numero; numero facture; numero de facture; n facture; no facture; num facture; "
        "facture; n piece; numero piece; piece; ref facture; reference facture; invoice; "
        "invoice number; invoice no; number; document number; doc no; reference; ref"
    ),
    "kind": _names(
        "type; type de piece; type piece; type document; type de document; nature; kind; "
        "document type; doc type"
    ),
    "issue_date": _names(
        "date; date facture; date de facture; date emission; date d emission; date piece; "
        "invoice date; issue date; date issued"
    ),
    "due_date": _names(
        "echeance; date echeance; date d echeance; date limite de paiement; "
        "date de reglement; due date; due; payment due; date due; due on"
    ),
    "total": _names(
        "montant; montant ttc; total ttc; ttc; montant facture; montant total; total; "
        "amount; total amount; invoice total; amount incl tax; gross amount"
    ),
    "residual": _names(
        "reste a payer; reste du; restant du; solde; solde du; montant du; "
        "montant restant; reste; residuel; residual; balance; balance due; amount due; "
        "outstanding; open amount; amount remaining; remaining"
    ),
    "currency": _names("devise; monnaie; currency"),
    "disputed": _names("litige; en litige; contestee; contestation; disputed; dispute"),
    "dispute_reason": _names(
        "motif litige; motif du litige; raison litige; raison du litige; dispute reason; reason"
    ),
    "dispute_until": _names(
        "litige jusqu au; fin litige; fin du litige; dispute until; disputed until"
    ),
    "promise_date": _names(
        "promesse; promesse de paiement; date promesse; paiement promis le; "
        "date de paiement promise; promise date; promised date; promise to pay; "
        "promised on"
    ),
    "paid_date": _names(
        "date de paiement; date paiement; date d encaissement; date encaissement; paye le; "
        "payee le; regle le; reglee le; paid date; paid on; date paid; payment date"
    ),
    "payment_reference": _names(
        "reference paiement; ref paiement; reference de paiement; reference virement; "
        "payment reference; payment ref"
    ),
    **CUSTOMER_SYNONYMS,
}

CUSTOMER_FIELDS = tuple(CUSTOMER_SYNONYMS)
INVOICE_FIELDS = tuple(INVOICE_SYNONYMS)

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_CURRENCY_WORDS = frozenset({"eur", "euro", "euros"})


def normalise(header: str) -> str:
    """``"Montant TTC (€)"`` -> ``"montant ttc"``; ``"N° Facture"`` -> ``"n facture"``."""
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = _NOT_ALNUM.sub(" ", ascii_only).split()
    return " ".join(word for word in words if word not in _CURRENCY_WORDS)


@dataclass(frozen=True)
class ColumnMap:
    """Where each recognised field is in a file's rows, and the header it was found under."""

    index: Mapping[str, int]
    headers: Sequence[str]

    def __contains__(self, field: str) -> bool:
        return field in self.index

    def header_of(self, field: str) -> str:
        return self.headers[self.index[field]]

    def describe(self) -> str:
        """``number='N° facture', due_date='Échéance'...`` for ``relance check``."""
        return ", ".join(f"{field}={self.header_of(field)!r}" for field in self.index)


def map_columns(
    headers: Sequence[str],
    synonyms: Mapping[str, tuple[str, ...]],
    overrides: Mapping[str, str],
) -> tuple[ColumnMap, list[str]]:
    """Recognise the fields in a header row.

    Returns the map and the names of the ``overrides`` whose header is not in the row
    (each one is a configuration mistake the caller reports). When two headers mean the
    same field, the leftmost wins; a header given in ``overrides`` wins over synonyms.
    """
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        positions.setdefault(normalise(header), position)
    index: dict[str, int] = {}
    missing = []
    for field, header in overrides.items():
        if normalise(header) in positions:
            index[field] = positions[normalise(header)]
        else:
            missing.append(field)
    taken = set(index.values())
    for field, names in synonyms.items():
        if field in index or field in overrides:
            continue
        found = [positions[name] for name in names if name in positions]
        free = sorted(position for position in found if position not in taken)
        if free:
            index[field] = free[0]
            taken.add(free[0])
    ordered = dict(sorted(index.items(), key=lambda item: item[1]))
    return ColumnMap(index=ordered, headers=tuple(headers)), missing
