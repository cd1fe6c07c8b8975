"""The benchmark ledger: N invoices of C customers, a prior history, and a relance.toml.

Everything is drawn from a fixed seed, so the same arguments always write the same
files. The files are a French export as Excel writes it (Windows-1252, ``;``, decimal
comma with no-break-space thousands, dd/mm/yyyy), in the shape the CSV connector reads:
``factures.csv`` (one row per open item) joined on "Code client" to ``clients.csv``.

The mix is what a collection agency sees: due dates from five months ago to six weeks
ahead, a few accounts with hundreds of open items and many with a handful, partial
payments, paid rows still in the export, credit notes and unapplied payments, disputes,
promises to pay, EUR and GBP, businesses and consumers, French, German and British
customers, some without an email (reminded by letter).

The history (``history.sqlite3``, written through :class:`relance.history.SQLiteStore`)
records the reminders already delivered, so that every level of the shipped policy
occurs on the benchmark day, plus the cases that hold a customer: unsettled sends, failed
deliveries, pauses, promises, hand-offs.

    .venv/bin/python bench/ledger.py --invoices 100000 --out /tmp/ledger
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from relance.engine.planner import reminder_key
from relance.engine.policy import LevelKind, default_policies
from relance.history import SQLiteStore
from relance.model import ChannelKind, EventType, HistoryEvent

TODAY = date(2026, 3, 16)
"""The benchmark day: a Monday, not a holiday in France."""
SOURCE = "csv"
TERMS = 30
"""Days between an invoice's date and its due date."""
DATA = Path(__file__).parent / "data"
"""Where :func:`ensure_ledger` keeps generated ledgers (git-ignored)."""

INVOICES_HEADER = (
    "N° facture;Type;Code client;Date facture;Échéance;Montant TTC;Reste à payer;"
    "Devise;Litige;Motif litige;Promesse de paiement\r\n"
)
CUSTOMERS_HEADER = (
    "Code client;Raison sociale;Type client;Contact;Email;Adresse;Code postal;Ville;"
    "Pays;Langue;SIRET;Tags\r\n"
)
COUNTRIES = (
    # country, weight, language, currency, postal code, city
    ("FR", 85, "fr", "EUR", "69002", "Lyon"),
    ("DE", 7, "de", "EUR", "80331", "München"),
    ("GB", 8, "en", "GBP", "EC1V 9HX", "London"),
)
REASONS = ("Livraison incomplète", "Prix contesté", "Prestation non conforme")
MESSAGE_LEVELS = tuple(
    level for level in default_policies()["standard"].levels if level.kind is LevelKind.MESSAGE
)
CONFIG = """\
# Written by bench/ledger.py: the benchmark's configuration.
[company]
name = "Banc d'Essai SARL"
email = "compta@banc-essai.fr"
iban = "FR76 3000 6000 0112 3456 7890 189"
bic = "AGRIFRPP"
signatory = "Claire Martin, gérante"
language = "fr"
country = "FR"
currency = "EUR"
timezone = "Europe/Paris"

[company.address]
lines = ["12 rue des Capucins"]
postal_code = "69001"
city = "Lyon"
country = "FR"

[history]
path = "history.sqlite3"

[channels.outbox]
path = "var/outbox"

[channels.letter]
path = "var/letters"

[sources.csv]
path = "factures.csv"
customers_path = "clients.csv"
encoding = "cp1252"
delimiter = ";"
"""


@dataclass(frozen=True)
class Ledger:
    """The files of one generated ledger."""

    folder: Path
    invoices: int
    customers: int

    @property
    def invoices_path(self) -> Path:
        return self.folder / "factures.csv"

    @property
    def customers_path(self) -> Path:
        return self.folder / "clients.csv"

    @property
    def history_path(self) -> Path:
        return self.folder / "history.sqlite3"

    @property
    def config_path(self) -> Path:
        return self.folder / "relance.toml"


@dataclass(frozen=True)
class Item:
    """One row of the invoices file, as the generator drew it."""

    number: str
    kind: str
    due: date
    total: int
    """Cents; negative for credit notes and payments."""
    residual: int
    disputed: bool
    promise: date | None


def amount(cents: int) -> str:
    """``-243050`` -> ``"-2 430,50"`` (no-break space), as Excel writes it in France."""
    sign = "-" if cents < 0 else ""
    units, hundredths = divmod(abs(cents), 100)
    return f"{sign}{units:,},{hundredths:02d}".replace(",", "\u00a0", units >= 1000)


def day_text(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day is not None else ""


def invoice_counts(rng: random.Random, invoices: int, customers: int) -> list[int]:
    """How many open items each customer has: skewed, a few large accounts."""
    counts = [0] * customers
    for _ in range(invoices):
        counts[int(customers * rng.random() ** 1.5)] += 1
    return counts


def customer_row(rng: random.Random, index: int) -> tuple[str, str]:
    """The customer's line of ``clients.csv`` and its currency."""
    country, _weight, language, currency, postal_code, city = rng.choices(
        COUNTRIES, weights=[c[1] for c in COUNTRIES]
    )[0]
    # relance has no rules for British consumers (no 'uk-b2c'): those are businesses.
    consumer = country != "GB" and rng.random() < 0.15
    code = f"CL{index:07d}"
    name = f"M. Client n°{index}" if consumer else f"Société n°{index}"
    email = "" if rng.random() < 0.05 else f"compta{index}@client{index % 997}.fr"
    siret = "" if consumer else f"{rng.randrange(10**8, 10**9)} 000{rng.randrange(10, 99)}"
    tags = "grand compte" if rng.random() < 0.03 else ""
    cells = (
        code, name, "particulier" if consumer else "B2B", "Service comptable" if email else "",
        email, f"{rng.randint(1, 120)} rue de la République", postal_code, city, country,
        language, siret, tags,
    )  # fmt: skip
    return ";".join(cells) + "\r\n", currency


def draw_items(rng: random.Random, count: int, first_number: int) -> Iterator[Item]:
    """A customer's open items, due from its oldest debt (up to five months ago) to six
    weeks ahead: customers are at every stage of the ladder."""
    oldest = rng.randint(-150, 10)
    for offset in range(count):
        number = f"FA-{first_number + offset:08d}"
        due = TODAY + timedelta(days=rng.randint(oldest, 45))
        draw = rng.random()
        kind = "Avoir" if draw < 0.04 else "Règlement" if draw < 0.05 else "Facture"
        total = rng.randrange(2_000, 1_500_000)
        residual = total
        draw = rng.random()
        if draw < 0.03:
            residual = 0  # paid, still in the export
        elif draw < 0.15:
            residual = rng.randrange(100, total)  # partially paid
        if kind != "Facture":
            total, residual = -total, -total
        disputed = kind == "Facture" and rng.random() < 0.02
        promise = TODAY + timedelta(days=rng.randint(-10, 20)) if rng.random() < 0.02 else None
        yield Item(number, kind, due, total, residual, disputed, promise)


def item_row(item: Item, code: str, currency: str, rng: random.Random) -> str:
    cells = (
        item.number, item.kind, code, day_text(item.due - timedelta(days=TERMS)),
        day_text(item.due), amount(item.total), amount(item.residual), currency,
        "oui" if item.disputed else "", rng.choice(REASONS) if item.disputed else "",
        day_text(item.promise),
    )  # fmt: skip
    return ";".join(cells) + "\r\n"


class HistoryWriter:
    """The past of each customer, drawn from its open items and written to the store."""

    def __init__(self, store: SQLiteStore, rng: random.Random) -> None:
        self.store = store
        self.rng = rng
        self.events = 0

    def customer(self, code: str, items: list[Item]) -> None:
        """Reminders delivered up to the customer's last message, one level at a time,
        ten days apart: every invoice reached the levels its lateness had reached."""
        rng = self.rng
        if rng.random() < 0.3:
            return  # never reminded by relance
        late = [i for i in items if i.kind == "Facture" and i.residual > 0]
        last_day = TODAY - timedelta(days=rng.randint(3, 35))
        reached: dict[int, list[str]] = {}
        for item in late:
            days_late = (last_day - item.due).days
            for index, level in enumerate(MESSAGE_LEVELS):
                if level.offset_days <= days_late:
                    reached.setdefault(index, []).append(item.number)
        top = max(reached, default=0)
        fate = rng.choices(("sent", "unsettled", "failed"), weights=(96, 2, 2))[0]
        for index, ids in sorted(reached.items()):
            level = MESSAGE_LEVELS[index]
            day = last_day - timedelta(days=10 * (top - index))
            outcome = fate if index == top else "sent"
            self._message(code, level.name, day, ids, level.channels, outcome)
        self._holds(code, late)

    def _holds(self, code: str, late: list[Item]) -> None:
        rng = self.rng
        draw = rng.random()
        if draw < 0.01:
            self._event(EventType.HANDED_OFF, code, TODAY - timedelta(days=3))
        elif draw < 0.03:
            until = TODAY + timedelta(days=rng.randint(1, 30))
            reason = "Redressement judiciaire"
            self._event(
                EventType.PAUSED, code, TODAY - timedelta(days=5), until=until, reason=reason
            )
        if late and rng.random() < 0.05:
            promised = rng.choice(late).number
            until = TODAY + timedelta(days=rng.randint(-3, 15))
            self._event(
                EventType.PROMISED,
                code,
                TODAY - timedelta(days=4),
                invoice_ids=(promised,),
                until=until,
            )

    def _message(
        self,
        code: str,
        level: str,
        day: date,
        ids: list[str],
        channels: tuple[ChannelKind, ...],
        fate: str,
    ) -> None:
        """One reminder through its channels; the last channel's send is ``fate``
        (``sent``, ``failed``, or ``unsettled``: a crash between intent and delivery)."""
        key = reminder_key(SOURCE, code, level, ids)
        at = datetime.combine(day, time(9, 0), tzinfo=UTC)
        for position, channel in enumerate(channels):
            outcome = fate if position == len(channels) - 1 else "sent"
            intent = HistoryEvent(
                type=EventType.INTENT, at=at, run_date=day, source=SOURCE, customer_id=code,
                customer_name=code, invoice_ids=tuple(ids), invoice_numbers=tuple(ids),
                invoice_levels=tuple((i, level) for i in ids), level=level, channel=channel,
                reminder_key=key, message_key=f"{key}:{channel.value}",
            )  # fmt: skip
            self.store.claim(intent)
            self.events += 1
            if outcome != "unsettled":
                kind = EventType.SENT if outcome == "sent" else EventType.FAILED
                update = {"id": f"{intent.id}s", "type": kind, "settles": intent.id}
                self.store.settle(intent.model_copy(update=update))
                self.events += 1

    def _event(self, kind: EventType, code: str, day: date, **extra: object) -> None:
        at = datetime.combine(day, time(9, 0), tzinfo=UTC)
        event = HistoryEvent.model_validate(
            {"type": kind, "at": at, "run_date": day, "source": SOURCE, "customer_id": code} | extra
        )
        self.store.append(event)
        self.events += 1


def write_ledger(folder: Path, invoices: int, customers: int, seed: int = 42) -> Ledger:
    """Write ``factures.csv``, ``clients.csv``, ``history.sqlite3`` and ``relance.toml``."""
    folder.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(folder, invoices, customers)
    ledger.history_path.unlink(missing_ok=True)
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not security
    counts = invoice_counts(rng, invoices, customers)
    number = 1
    with (
        ledger.customers_path.open("w", encoding="cp1252", newline="") as people,
        ledger.invoices_path.open("w", encoding="cp1252", newline="") as rows,
        SQLiteStore(ledger.history_path) as store,
    ):
        people.write(CUSTOMERS_HEADER)
        rows.write(INVOICES_HEADER)
        history = HistoryWriter(store, rng)
        for index, count in enumerate(counts):
            line, currency = customer_row(rng, index)
            people.write(line)
            code = line.split(";", 1)[0]
            items = list(draw_items(rng, count, number))
            number += count
            rows.writelines(item_row(item, code, currency, rng) for item in items)
            history.customer(code, items)
    ledger.config_path.write_text(CONFIG, encoding="utf-8")
    return ledger


def ensure_ledger(invoices: int, customers: int, seed: int = 42, data: Path = DATA) -> Ledger:
    """The ledger for these arguments, generated once (in a child process, so that the
    generator's memory is not counted in the benchmark's peak RSS) and reused.

    It is written to a folder of its own, renamed to its final name once complete: two
    benchmarks started together each generate it, and neither removes the other's."""
    folder = data / f"{invoices}-{customers}-{seed}"
    ledger = Ledger(folder, invoices, customers)
    if (folder / "complete").exists():
        return ledger
    data.mkdir(parents=True, exist_ok=True)
    writing = Path(tempfile.mkdtemp(dir=data, prefix=f".{folder.name}-"))
    try:
        command = [sys.executable, __file__, "--invoices", str(invoices)]
        command += ["--customers", str(customers), "--seed", str(seed), "--out", str(writing)]
        subprocess.run(command, check=True)  # noqa: S603 - our own script
        (writing / "complete").touch()
        if not (folder / "complete").exists():
            # What is there was left by an interrupted run of an earlier version.
            shutil.rmtree(folder, ignore_errors=True)
            try:
                writing.rename(folder)
            except OSError:
                if not (folder / "complete").exists():
                    raise
    finally:
        shutil.rmtree(writing, ignore_errors=True)
    return ledger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, required=True)
    parser.add_argument("--customers", type=int, help="default: invoices / 10")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    customers = args.customers or max(1, args.invoices // 10)
    ledger = write_ledger(args.out, args.invoices, customers, args.seed)
    print(f"{ledger.invoices} invoices, {ledger.customers} customers in {ledger.folder}")


if __name__ == "__main__":
    main()
