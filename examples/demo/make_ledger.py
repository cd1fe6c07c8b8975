# ruff: noqa: E501, S311 - one customer per line reads best; the seed makes demo data reproducible, not secure
"""Write the demo ledger of Atelier Lumen: ``clients.csv`` and ``factures.csv``.

The demo's "today" is Monday 16 March 2026. The first twenty customers each illustrate
one case of the engine (see README.md); the others have ordinary invoices spread around
that date, drawn with a fixed seed, so running this script again writes the same files.
The files are written as a French export from Excel would be: Windows-1252, ``;``,
decimal comma, dates as dd/mm/yyyy.

    python examples/demo/make_ledger.py
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

TODAY = date(2026, 3, 16)
HERE = Path(__file__).parent
TERMS = 30  # days between an invoice and its due date


@dataclass(frozen=True)
class Client:
    code: str
    name: str
    email: str = ""
    city: str = "Lyon"
    postal_code: str = "69002"
    street: str = "1 place Bellecour"
    country: str = "FR"
    language: str = "fr"
    kind: str = "B2B"
    contact: str = ""
    phone: str = ""
    siret: str = ""
    tags: str = ""


@dataclass(frozen=True)
class Line:
    client: str
    due: date
    total: Decimal
    residual: Decimal | None = None  # default: the total
    kind: str = "Facture"
    disputed: bool = False
    reason: str = ""
    promise: date | None = None
    paid: date | None = None  # payment date of a paid line (default: see paid_on)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


SPECIAL_CLIENTS = [
    Client("CL001", "Brasserie des Terreaux", "compta@brasserie-terreaux.fr", street="4 place des Terreaux", postal_code="69001", contact="Julien Perrin"),
    Client("CL002", "Boulangerie Pain d'Or", "contact@paindor-lyon.fr", street="18 rue Mercière"),
    Client("CL003", "Cabinet Aubert Architectes", "factures@aubert-archi.fr", street="27 quai Saint-Vincent", postal_code="69001"),
    Client("CL004", "Librairie La Page Blanche", "gestion@pageblanche.fr", street="9 rue Chenavard", postal_code="69001"),
    Client("CL005", "Théâtre du Griffon", "administration@theatre-griffon.fr", street="2 rue du Griffon", postal_code="69001"),
    Client("CL006", "Domaine Vignal SARL", "compta@domaine-vignal.fr", city="Villefranche-sur-Saône", postal_code="69400", street="Route de Gleizé"),
    Client("CL007", "Agence Horizon Immobilier", "direction@horizon-immo.fr", street="55 cours Lafayette", postal_code="69003"),
    Client("CL008", "Fromagerie Mère Richard", "fromagerie.richard@orange.fr", street="102 cours Lafayette", postal_code="69003"),
    Client("CL009", "Clinique Vétérinaire des Brotteaux", "accueil@veto-brotteaux.fr", street="14 boulevard des Belges", postal_code="69006"),
    Client("CL010", "Salon Coiffure Émile", "emile.coiffure@gmail.com", street="6 rue de Brest"),
    Client("CL011", "Restaurant Le Bouchon Doré", "lebouchondore@free.fr", street="21 rue Saint-Jean", postal_code="69005"),
    Client("CL012", "Festival Lumières d'Hiver", "production@lumieres-hiver.fr", street="8 quai Romain Rolland", postal_code="69005", contact="Sophie Garnier"),
    Client("CL013", "Cave Saint-Paul", "cave.saintpaul@wanadoo.fr", street="3 place Saint-Paul", postal_code="69005"),
    Client("CL014", "Studio Yoga Croix-Rousse", "bonjour@yoga-croixrousse.fr", street="40 boulevard de la Croix-Rousse", postal_code="69004"),
    Client("CL015", "Mme Claire Dubois", "claire.dubois@laposte.net", street="12 montée de la Grande Côte", postal_code="69001", kind="particulier"),
    Client("CL016", "Thornbury & Cole Ltd", "accounts@thornburycole.co.uk", city="London", postal_code="EC1V 9HX", street="71 Central Street", country="GB", language="en", contact="Emily Hart"),
    Client("CL017", "Kunsthaus Weber GmbH", "buchhaltung@kunsthaus-weber.de", city="München", postal_code="80331", street="Sendlinger Straße 12", country="DE", language="de"),
    Client("CL018", "Association Les Canuts", "tresorier@lescanuts.org", street="5 rue d'Austerlitz", postal_code="69004"),
    Client("CL019", "Groupe Hôtelier Saône-Rhône", "comptabilite@ghsr.fr; direction.financiere@ghsr.fr", street="88 quai Pierre Scize", postal_code="69009", tags="grand compte"),
    Client("CL020", "Atelier Reliure Martin", "", street="7 rue des Tables Claudiennes", postal_code="69001", phone="04 78 28 00 00"),
]  # fmt: skip

SPECIAL_LINES = [
    Line("CL001", days(3), Decimal("1840.00")),  # due in exactly 3 days: courtesy (J-3)
    Line("CL002", days(30), Decimal("960.00")),  # not due yet
    Line("CL002", days(12), Decimal("432.00")),  # not due yet
    Line("CL003", days(-5), Decimal("3120.00")),  # 5 days late: first reminder (J+5)
    Line("CL004", days(-15), Decimal("780.00")),  # 15 days late: second reminder (J+15)
    Line("CL005", days(-30), Decimal("2450.50")),  # 30 days late: final reminder (J+30)
    Line("CL006", days(-45), Decimal("5400.00")),  # 45 days late: formal notice (J+45)
    Line("CL007", days(-60), Decimal("1980.00")),  # 60 days late: collection
    Line("CL007", days(-96), Decimal("2760.00")),  # 96 days late
    Line("CL008", days(-1), Decimal("315.60")),  # 1 day late: nothing yet
    Line("CL009", days(-20), Decimal("4200.00"), Decimal("1700.00")),  # partially paid
    Line("CL010", days(-16), Decimal("690.00")),  # owes an invoice...
    Line("CL010", days(-40), Decimal("-150.00"), kind="Avoir"),  # ...less a credit note
    Line("CL011", days(-18), Decimal("540.00")),  # owes 540...
    Line("CL011", days(-25), Decimal("-600.00"), kind="Avoir"),  # ...but has a 600 credit
    Line("CL012", days(-33), Decimal("6800.00"), disputed=True, reason="Livrables jugés non conformes au brief"),
    Line("CL012", days(-8), Decimal("1200.00")),  # the undisputed invoice is reminded
    Line("CL013", days(-22), Decimal("1350.00"), promise=days(11)),  # promise in the future
    Line("CL014", days(-28), Decimal("890.00"), promise=days(-10)),  # promise broken
    Line("CL015", days(-16), Decimal("350.00")),  # a consumer
    Line("CL016", days(-15), Decimal("3900.00")),  # in English
    Line("CL017", days(-31), Decimal("2280.00")),  # in German, from Germany
    Line("CL018", days(-20), Decimal("480.00"), Decimal("3.20")),  # tiny residual, below 5 EUR
    Line("CL019", days(-16), Decimal("7650.00")),  # two billing addresses
    Line("CL019", days(-6), Decimal("2300.00")),
    Line("CL020", days(-17), Decimal("640.00")),  # no email: a letter
    Line("CL020", days(-47), Decimal("410.00"), Decimal("0.00"), paid=days(-40)),  # paid 7 days late: not read
]  # fmt: skip

ORDINARY_NAMES = [
    "Pâtisserie Sève", "Imprimerie du Rhône", "Maison Bocuse Traiteur", "Galerie Regard Sud",
    "Opticien Lumière", "Pharmacie de la Martinière", "Garage des Canuts", "Cinéma Lumière Bellecour",
    "Musée Gadagne Amis", "Chocolaterie Voisin", "Fleuriste Les Halles", "Torréfaction Mokxa",
    "Cabinet Dentaire Foch", "Auto-école Saxe", "Agence Kiosque Com", "Start-up Tubà Labs",
    "Éditions Fage", "Brasserie Georges Events", "Menuiserie Perrache", "Cycles Confluence",
]  # fmt: skip
STREETS = [
    "rue de la République",
    "rue Victor Hugo",
    "avenue Jean Jaurès",
    "cours Vitton",
    "rue Garibaldi",
]


def ordinary_clients(rng: random.Random) -> list[Client]:
    clients = []
    for number, name in enumerate(ORDINARY_NAMES, start=21):
        domain = "".join(c for c in name.lower() if c.isalnum())[:18]
        clients.append(
            Client(
                f"CL{number:03d}", name, f"compta@{domain}.fr",
                street=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                postal_code=f"6900{rng.randint(1, 9)}",
                siret=f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)} 000{rng.randint(10, 99)}",
            )
        )  # fmt: skip
    return clients


def ordinary_lines(rng: random.Random, clients: list[Client]) -> list[Line]:
    """Six invoices per customer, due from 80 days ago to 45 days ahead; some paid."""
    lines = []
    for client in clients:
        for _ in range(6):
            total = Decimal(rng.randint(120, 4800)) + Decimal(rng.choice([0, 50, 90, 25])) / 100
            residual = total if rng.random() > 0.15 else Decimal("0.00")
            lines.append(Line(client.code, days(rng.randint(-80, 45)), total, residual))
    return lines


def paid_on(line: Line, issued: date) -> date | None:
    """The payment date of a paid line: from -7 to +29 days around the due date, drawn
    from the amount (not from the seed, so that adding the column changed no other
    value), never before the invoice nor after the demo's today."""
    if line.residual != 0:
        return None
    if line.paid is not None:
        return line.paid
    drawn = line.due + timedelta(days=int(line.total) % 37 - 7)
    return max(issued, min(drawn, TODAY - timedelta(days=1)))


def amount(value: Decimal) -> str:
    """``Decimal("-1234.5")`` -> ``"-1 234,50"``: as Excel writes it in France."""
    text = f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return text


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(20260316)
    clients = SPECIAL_CLIENTS + ordinary_clients(rng)
    lines = SPECIAL_LINES + ordinary_lines(rng, clients[len(SPECIAL_CLIENTS) :])
    write(
        HERE / "clients.csv",
        ["Code client", "Raison sociale", "Type client", "Contact", "Email", "Téléphone",
         "Adresse", "Code postal", "Ville", "Pays", "Langue", "SIRET", "Tags"],
        [[c.code, c.name, c.kind, c.contact, c.email, c.phone, c.street, c.postal_code,
          c.city, c.country, c.language, c.siret, c.tags] for c in clients],
    )  # fmt: skip
    lines.sort(key=lambda line: line.due)
    rows = []
    counters = {"Facture": 0, "Avoir": 0}
    for line in lines:
        counters[line.kind] += 1
        prefix = "FA" if line.kind == "Facture" else "AV"
        issued = line.due - timedelta(days=TERMS)
        residual = line.total if line.residual is None else line.residual
        paid = paid_on(line, issued)
        rows.append([
            f"{prefix}-{issued.year}-{counters[line.kind]:04d}", line.kind, line.client,
            issued.strftime("%d/%m/%Y"), line.due.strftime("%d/%m/%Y"), amount(line.total),
            amount(residual), "oui" if line.disputed else "", line.reason,
            line.promise.strftime("%d/%m/%Y") if line.promise else "",
            paid.strftime("%d/%m/%Y") if paid else "",
        ])  # fmt: skip
    write(
        HERE / "factures.csv",
        ["N° facture", "Type", "Code client", "Date facture", "Échéance", "Montant TTC",
         "Reste à payer", "Litige", "Motif litige", "Promesse de paiement", "Date de paiement"],
        rows,
    )  # fmt: skip


if __name__ == "__main__":
    main()
