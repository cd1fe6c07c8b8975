"""Reading one cell: amounts, dates, flags and codes as small businesses export them.

Every parser takes the raw text of a cell (never empty: the reader handles blanks) and
returns a value or raises ``ValueError`` with a short reason; the reader adds the file,
line, column and raw value. Amounts are exact :class:`~decimal.Decimal`, never floats.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from relance import CustomerKind, DocumentKind
from relance.i18n import _
from relance.model import country_code, currency_code

# Spaces that group thousands: space, no-break space, narrow no-break space, thin space,
# and the apostrophe of Swiss exports (1'234.50).
_GROUPING = " \u00a0\u202f\u2009'"
_CURRENCY_MARKS = ("€", "EUR", "$", "USD", "£", "GBP", "CHF")
_PLAIN_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SIGNED_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_GROUPED = {
    (",", "."): re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?"),
    (".", ","): re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"),
}
_DELETE_GROUPING = str.maketrans("", "", _GROUPING)


# Digits grouped by spaces (plain, no-break, narrow no-break, thin), at most one decimal
# separator: how most exports write amounts, which every reading below gives the same
# value. Not a minus sign with a set separator: that reading negates the magnitude, and
# -0.00 becomes 0.00.
_SPACED_NUMBER = {
    None: re.compile(r"-?[0-9]+(?:[ \u00a0\u202f\u2009][0-9]+)*(?:[.,][0-9]+)?").fullmatch,
    ",": re.compile(r"[0-9]+(?:[ \u00a0\u202f\u2009][0-9]+)*(?:,[0-9]+)?").fullmatch,
    ".": re.compile(r"[0-9]+(?:[ \u00a0\u202f\u2009][0-9]+)*(?:\.[0-9]+)?").fullmatch,
}


def parse_amount(raw: str, decimal_separator: str | None = None) -> Decimal:
    """``"2 430,50"``, ``"2.430,50"``, ``"2430.50"``, ``"1 234,5 €"``, ``"(120,00)"``...

    With ``decimal_separator`` unset, the separator is guessed per value: when both
    ``,`` and ``.`` appear, the last one is the decimal separator; a separator that
    appears once is decimal (``1,234`` is 1.234, as in France); one that appears several
    times groups thousands (``1.234.567``). A sign may lead or trail (``120,00-``), and
    parentheses mean negative, as in accounting exports.
    """
    return amount_parser(decimal_separator)(raw)


@cache
def amount_parser(decimal_separator: str | None = None) -> Callable[[str], Decimal]:
    """:func:`parse_amount` with this ``decimal_separator``, for a reader to call on
    every amount of a file: its pattern is looked up once, not once per cell."""
    spaced_number = _SPACED_NUMBER[decimal_separator]

    def parse(raw: str) -> Decimal:
        if spaced_number(raw):
            # A third of the time of the general reading (str.translate is slow).
            digits = raw.replace("\u00a0", "").replace(" ", "").replace("\u202f", "")
            return Decimal(digits.replace("\u2009", "").replace(",", "."))
        return read_amount(raw, decimal_separator)

    return parse


def read_amount(raw: str, decimal_separator: str | None = None) -> Decimal:
    """:func:`parse_amount` for any text: signs, currency marks, grouping, separators."""
    if decimal_separator is None:
        plain = raw.translate(_DELETE_GROUPING)
        if _SIGNED_PLAIN_NUMBER.fullmatch(plain):
            # The common cases, "2430.50" and "2 430,50", without the cleaning below.
            return Decimal(plain.replace(",", "."))
    text, negative = _strip_sign(raw)
    grouping = {",": ".", ".": ","}.get(decimal_separator or "")
    if _PLAIN_NUMBER.fullmatch(text) and (grouping is None or grouping not in text):
        digits = text.replace(",", ".")  # the fast path: at most one separator, decimal
    else:
        digits = _ungroup(text, decimal_separator)
    try:
        value = Decimal(digits)
    except InvalidOperation:
        raise ValueError(_("not an amount")) from None
    return -value if negative else value


def _strip_sign(raw: str) -> tuple[str, bool]:
    text = raw.strip().translate(_DELETE_GROUPING)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    for mark in _CURRENCY_MARKS:
        text = text.removeprefix(mark).removesuffix(mark)
    if text.endswith("-"):
        negative, text = not negative, text[:-1]
    elif text[:1] in ("-", "\u2212"):
        negative, text = not negative, text[1:]
    elif text.startswith("+"):
        text = text[1:]
    return text, negative


def _ungroup(text: str, decimal_separator: str | None) -> str:
    """``"2.430,50"`` -> ``"2430.50"``; raises ``ValueError`` for anything but a number."""
    decimal = decimal_separator or _guess_decimal_separator(text)
    grouping = "." if decimal == "," else ","
    if grouping in text and not _GROUPED[(decimal, grouping)].fullmatch(text):
        raise ValueError(_("not an amount"))
    digits = text.replace(grouping, "").replace(decimal, ".")
    if not _PLAIN_NUMBER.fullmatch(digits):
        raise ValueError(_("not an amount"))
    return digits


def _guess_decimal_separator(text: str) -> str:
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        return "," if text.rfind(",") > text.rfind(".") else "."
    if commas:
        return "," if commas == 1 else "."
    return "." if dots <= 1 else ","


_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_LOCAL = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXCEL_SERIAL = re.compile(r"(\d{5})(?:[.,]0+)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01, counting Excel's 1900-02-29
_TWO_DIGIT_PIVOT = 70  # 25 is 2025, 85 is 1985


@lru_cache(maxsize=8192)
def parse_date(raw: str, day_first: bool = True) -> date:
    """``2025-06-05``, ``05/06/2025``, ``5/6/25``, ``05.06.2025``, ``20250605``, ``45813``.

    A time after the date (``05/06/2025 00:00``) is ignored. A five-digit number is an
    Excel serial date (the cell was formatted as a number). Cached: a ledger holds few
    distinct dates.
    """
    text = raw.strip().split(" ")[0].split("T")[0]
    try:
        if match := _ISO.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := _LOCAL.fullmatch(text):
            first, second, year_text = match.groups()
            day, month = (int(first), int(second)) if day_first else (int(second), int(first))
            return date(_full_year(year_text), month, day)
        if match := _COMPACT.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := _EXCEL_SERIAL.fullmatch(text):
            return _EXCEL_EPOCH + timedelta(days=int(match.group(1)))
    except ValueError:
        raise ValueError(_("not a valid date")) from None
    raise ValueError(_("not a date (expected e.g. 05/06/2025 or 2025-06-05)"))


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 4:
        return year
    return 2000 + year if year < _TWO_DIGIT_PIVOT else 1900 + year


@lru_cache(maxsize=4096)
def _key(raw: str) -> str:
    """Lower case, no accents, single spaces: ``"Avoir  Client"`` -> ``"avoir client"``.

    Cached: a column of types, flags or languages holds a few distinct values.
    """
    decomposed = unicodedata.normalize("NFKD", raw.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


_TRUE = frozenset({"1", "x", "o", "oui", "y", "yes", "true", "vrai"})
_FALSE = frozenset({"0", "n", "non", "no", "false", "faux", "-"})


def parse_flag(raw: str) -> bool:
    """``oui``/``non``, ``yes``/``no``, ``x``, ``1``/``0``, ``vrai``/``faux``..."""
    key = _key(raw)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(_("not a yes/no value (expected oui/non, yes/no, 1/0 or x)"))


_KINDS = {
    DocumentKind.INVOICE: "facture; fac; fa; f; invoice; inv; bill",
    DocumentKind.CREDIT_NOTE: "avoir; avoir client; av; a; credit; credit note; cn; refund",
    DocumentKind.PAYMENT: "paiement; reglement; encaissement; payment; unapplied payment",
}
_KIND_BY_NAME = {name.strip(): kind for kind, names in _KINDS.items() for name in names.split(";")}


def parse_kind(raw: str) -> DocumentKind:
    """``Facture``/``Avoir``/``Règlement``, ``Invoice``/``Credit note``/``Payment``, ``AV``..."""
    try:
        return _KIND_BY_NAME[_key(raw)]
    except KeyError:
        raise ValueError(_("not a document type (expected facture, avoir or paiement)")) from None


_CUSTOMER_KINDS = {
    CustomerKind.BUSINESS: "b2b; pro; professionnel; entreprise; societe; business; company",
    CustomerKind.CONSUMER: "b2c; part; particulier; consommateur; consumer; individual; private",
}
_CUSTOMER_KIND_BY_NAME = {
    name.strip(): kind for kind, names in _CUSTOMER_KINDS.items() for name in names.split(";")
}


def parse_customer_kind(raw: str) -> CustomerKind:
    """``B2B``/``B2C``, ``professionnel``/``particulier``, ``business``/``consumer``."""
    try:
        return _CUSTOMER_KIND_BY_NAME[_key(raw)]
    except KeyError:
        raise ValueError(_("not a customer type (expected B2B/B2C or pro/particulier)")) from None


_LANGUAGE_NAMES = {
    "francais": "fr", "french": "fr", "anglais": "en", "english": "en",
    "allemand": "de", "german": "de", "deutsch": "de", "espagnol": "es", "spanish": "es",
    "italien": "it", "italian": "it",
}  # fmt: skip


def parse_language(raw: str) -> str:
    """``fr``, ``en_GB``, ``Français``, ``English``... -> a language code."""
    key = _key(raw)
    return _LANGUAGE_NAMES.get(key, raw.strip())


_CODE_ALIASES = {"UK": "GB"}
"""Codes exports use that ISO 3166 does not: the United Kingdom is GB there."""


def parse_country(raw: str) -> str:
    """``FR``, ``France``, ``Royaume-Uni``, ``Germany``... -> an ISO 3166 code."""
    text = raw.strip()
    code = text.upper() if len(text) == 2 else _country_codes().get(_key(text), "")
    code = _CODE_ALIASES.get(code, code)
    try:
        return country_code(code)  # the model's own check: what a record accepts
    except ValueError:
        raise ValueError(_("not a country (expected a code such as FR or a name)")) from None


_CURRENCY_NAMES = {
    "€": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "livre sterling": "GBP", "livres sterling": "GBP", "pound sterling": "GBP",
    "franc suisse": "CHF", "francs suisses": "CHF",
}  # fmt: skip
"""What exports write for a currency besides its code. Not ``$``: dollars are of many
countries."""


def parse_currency(raw: str) -> str:
    """``EUR``, ``eur``, ``€``, ``Euros``, ``£``... -> an ISO 4217 code: read with the
    other cells, a currency the record would refuse is a problem in its column."""
    try:
        return currency_code(_CURRENCY_NAMES.get(_key(raw), raw))  # the model's own check
    except ValueError:
        raise ValueError(_("not an ISO 4217 currency code (such as EUR)")) from None


@cache
def _country_codes() -> dict[str, str]:
    """Country names in French and English (babel's tables) -> ISO codes."""
    from babel import Locale

    codes: dict[str, str] = {}
    for language in ("en", "fr"):
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():
                codes[_key(name)] = code
    return codes
