"""``[sources.csv]``: what the CSV connector can be told.

Every key is documented in ``docs/connectors/csv.md`` and ``docs/configuration.md``.
Everything that can be detected (encoding, separator, header names, number formats) is
detected; the keys here override a wrong guess.
"""

from __future__ import annotations

import codecs
from typing import Literal

from pydantic import Field, field_validator

from relance import ConfigPath, SourceSettings
from relance_csv.columns import CUSTOMER_FIELDS, INVOICE_FIELDS

Delimiter = Literal[",", ";", "\t", "|"]
DecimalSeparator = Literal[",", "."]


class CsvSettings(SourceSettings):
    """The validated ``[sources.<name>]`` table of a CSV instance."""

    path: ConfigPath = Field(description="the export of open invoices")
    customers_path: ConfigPath | None = Field(
        None, description="an optional customers file, joined on the customer id column"
    )
    encoding: str | None = Field(None, description="default: detected")
    delimiter: Delimiter | None = Field(None, description="default: detected")
    decimal_separator: DecimalSeparator | None = Field(None, description="default: per value")
    day_first: bool = Field(True, description="05/06/2025 is 5 June (False: 6 May)")
    columns: dict[str, str] = Field(
        default_factory=dict, description="field -> header of the invoices file"
    )
    customer_columns: dict[str, str] = Field(
        default_factory=dict, description="field -> header of the customers file"
    )
    skip_invalid: bool = Field(False, description="skip bad rows with a warning")
    documents: ConfigPath | None = Field(None, description="folder of <number>.pdf files")
    journal: ConfigPath | None = Field(None, description="CSV file mirroring the history")

    @field_validator("delimiter", mode="before")
    @classmethod
    def _tab_by_name(cls, value: object) -> object:
        """``delimiter = "tab"`` reads better in a TOML file than ``"\\t"``."""
        return "\t" if isinstance(value, str) and value.lower() == "tab" else value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return codecs.lookup(value).name
        except LookupError:
            raise ValueError(
                f"unknown encoding {value!r}; use e.g. 'utf-8', 'utf-16', 'cp1252', 'latin-1'"
            ) from None

    @field_validator("columns")
    @classmethod
    def _known_invoice_fields(cls, mapping: dict[str, str]) -> dict[str, str]:
        return _check_fields(mapping, INVOICE_FIELDS)

    @field_validator("customer_columns")
    @classmethod
    def _known_customer_fields(cls, mapping: dict[str, str]) -> dict[str, str]:
        return _check_fields(mapping, CUSTOMER_FIELDS)


def _check_fields(mapping: dict[str, str], known: tuple[str, ...]) -> dict[str, str]:
    unknown = sorted(set(mapping) - set(known))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; known fields: {', '.join(known)}")
    return mapping
