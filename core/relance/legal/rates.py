"""Rate tables: the central-bank and legal rates the jurisdictions compute with.

A table (:class:`RateSeries`) is a step function: each entry gives the rate in force from
a date, and ``known_through`` says up to which day the table is known to be complete.
Asking for a day outside ``[first entry, known_through]`` is a :class:`MissingRateError`
that names the missing period and the line to add to ``relance.toml``: relance never
answers with zero or with a rate that may have changed since.

Tables ship as TOML files in ``relance/legal/data/`` (one per table, with ``title``,
``as_of``, ``known_through``, ``sources`` and a ``[rates]`` table). Their keys, like the
keys users write under ``[legal.rates.<table>]``, are dates (``2026-07-01``: in force
from that day) or half-years (``2026H2``: for that whole half-year); values are decimal
strings in percent a year.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from relance.errors import ConfigError, InputError, Problem
from relance.i18n import _
from relance.legal.periods import HalfYear
from relance.model import to_decimal

__all__ = [
    "SHIPPED_TABLES",
    "MissingRateError",
    "RateBook",
    "RateSeries",
    "parse_rate_key",
    "shipped_series",
]

#: The tables shipped in ``relance/legal/data/``, by name.
SHIPPED_TABLES = (
    "ecb_mro",
    "fr_legal_rate_other",
    "fr_legal_rate_private",
    "de_base_rate",
    "uk_bank_rate",
)

_HALF_YEAR = re.compile(r"(\d{4})H([12])")


def parse_rate_key(key: str) -> tuple[date, date]:
    """``(in force from, known at least through)`` for a table key, or ``ValueError``."""
    match = _HALF_YEAR.fullmatch(key.strip())
    if match:
        half = HalfYear(int(match[1]), int(match[2]))
        return half.start, half.end
    try:
        day = date.fromisoformat(key.strip())
    except ValueError:
        raise ValueError(
            f"{key!r} is neither a date such as 2026-07-01 nor a half-year such as 2026H2"
        ) from None
    return day, day


class MissingRateError(InputError):
    """A rate table does not cover the period a computation needs."""

    def __init__(self, series: RateSeries, day: date, key: str) -> None:
        self.series = series
        self.day = day
        self.key = key
        first = series.rates[0][0] if series.rates else None
        summary = _("The rate table {name} ({title}) has no rate for {period}.").format(
            name=series.name, title=series.title, period=key
        )
        message = _(
            "the table covers {first} to {last} (as of {as_of}); once the rate is published, "
            'add {key} = "<rate in percent>" under [legal.rates.{name}] in relance.toml'
        ).format(
            first=first or "-",
            last=series.known_through,
            as_of=series.as_of or "-",
            key=key,
            name=series.name,
        )
        super().__init__(summary, [Problem(f"legal.rates.{series.name}", message)])


@dataclass(frozen=True)
class RateSeries:
    """One rate table: ``rates`` are ``(in force from, percent a year)``, sorted by date."""

    name: str
    title: str
    known_through: date
    rates: tuple[tuple[date, Decimal], ...]
    as_of: date | None = None
    sources: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def load(cls, path: Path | Traversable, name: str | None = None) -> RateSeries:
        """Read a table file; its name is the file's stem unless given.

        Rates must be written as strings: a TOML float is refused, so that no binary
        fraction ever reaches a computation.
        """
        table_name = name or path.name.removesuffix(".toml")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        where = f"{path.name}"
        rates: dict[date, Decimal] = {}
        last = date.min
        for key, value in data.get("rates", {}).items():
            if not isinstance(value, str):
                raise ValueError(f'{where}: rates.{key}: write the rate as a string, e.g. "2.15"')
            start, through = parse_rate_key(key)
            rates[start] = _percent(value, f"{where}: rates.{key}")
            last = max(last, through)
        known = data.get("known_through", last)
        if not isinstance(known, date):
            raise ValueError(f"{where}: known_through must be a date")
        as_of = data.get("as_of")
        return cls(
            name=table_name,
            title=str(data.get("title", table_name)),
            known_through=known,
            rates=tuple(sorted(rates.items())),
            as_of=as_of if isinstance(as_of, date) else None,
            sources=tuple(str(s) for s in data.get("sources", ())),
        )

    def extended(self, overrides: Mapping[str, Decimal]) -> RateSeries:
        """This table with the user's entries added (an entry for the same day wins)."""
        rates = dict(self.rates)
        known = self.known_through
        for key, value in overrides.items():
            start, through = parse_rate_key(key)
            rates[start] = value
            known = max(known, through)
        return RateSeries(
            name=self.name,
            title=self.title,
            known_through=known,
            rates=tuple(sorted(rates.items())),
            as_of=self.as_of,
            sources=self.sources,
        )

    def on(self, day: date, *, key: str | None = None) -> Decimal:
        """The rate in force on ``day``; ``key`` is the table key a user would add."""
        found: Decimal | None = None
        if day <= self.known_through:
            for start, rate in self.rates:
                if start > day:
                    break
                found = rate
        if found is None:
            raise MissingRateError(self, day, key or day.isoformat())
        return found

    def for_half_year(self, half: HalfYear) -> Decimal:
        """The rate of a half-year: the one in force on its first day."""
        return self.on(half.start, key=half.label)


def _percent(value: object, where: str) -> Decimal:
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{where}: {value!r} is not a decimal number") from None
    if not rate.is_finite():
        raise ValueError(f"{where}: {value!r} is not a finite number")
    return rate


def shipped_series() -> list[RateSeries]:
    """The tables shipped with relance, as of their files' ``as_of`` date."""
    data = resources.files("relance.legal") / "data"
    return [RateSeries.load(data / f"{name}.toml") for name in SHIPPED_TABLES]


@dataclass(frozen=True)
class RateBook:
    """Every rate table of a run, with the user's ``[legal.rates]`` entries applied."""

    tables: Mapping[str, RateSeries]

    @classmethod
    def build(
        cls, series: Iterable[RateSeries], overrides: Mapping[str, Mapping[str, Decimal]]
    ) -> RateBook:
        tables = {table.name: table for table in series}
        problems = []
        for name, entries in overrides.items():
            if name not in tables:
                close = difflib.get_close_matches(name, list(tables), n=1)
                hint = _(" (did you mean {name!r}?)").format(name=close[0]) if close else ""
                message = _("unknown rate table{hint}; known: {known}").format(
                    hint=hint, known=", ".join(sorted(tables))
                )
                problems.append(Problem(f"legal.rates.{name}", message))
                continue
            tables[name] = tables[name].extended(entries)
        if problems:
            raise ConfigError(_("The [legal.rates] table is invalid."), problems)
        return cls(tables)

    def __getitem__(self, name: str) -> RateSeries:
        return self.tables[name]


def rate_entries(value: Any) -> dict[str, Decimal]:
    """Validate one ``[legal.rates.<table>]`` table of the configuration (keys and values)."""
    if not isinstance(value, Mapping):
        raise ValueError("must be a table of dates or half-years to rates")
    entries = {}
    for key, rate in value.items():
        parse_rate_key(str(key))
        try:
            entries[str(key)] = to_decimal(rate)
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from None
    return entries
