"""``[sources.odoo]``: what the Odoo connector can be told.

Every key is documented in ``docs/connectors/odoo.md`` and ``docs/configuration.md``.
"""

from __future__ import annotations

import string
from typing import Literal

from pydantic import Field, field_validator

from relance import SecretEnv, SourceSettings

Protocol = Literal["auto", "jsonrpc", "json2"]
FieldValue = str | int | bool
PLACEHOLDERS = frozenset({"level", "channel", "date"})


class OdooSettings(SourceSettings):
    """The validated ``[sources.<name>]`` table of an Odoo instance."""

    url: str
    database: str = Field(min_length=1)
    login: str = Field(min_length=1)
    api_key_env: SecretEnv = SecretEnv("ODOO_API_KEY")
    protocol: Protocol = "auto"
    company_ids: tuple[int, ...] = ()
    page_size: int = Field(500, ge=1, le=5000)
    overlap_minutes: int = Field(10, ge=0, le=24 * 60)
    connect_timeout: float = Field(5.0, gt=0, le=300)
    read_timeout: float = Field(90.0, gt=0, le=600)
    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(1.0, ge=0, le=60)
    write_back: bool = True
    phone_activities: bool = True
    activity_due_days: int = Field(2, ge=0, le=365)
    activity_user_id: int | None = None
    sent_values: dict[str, FieldValue] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        url = value.strip().rstrip("/")
        if not url.startswith(("https://", "http://")):
            raise ValueError(
                "must be the http(s) address of the Odoo server, e.g. https://acme.odoo.com"
            )
        return url

    @field_validator("sent_values")
    @classmethod
    def _check_sent_values(cls, value: dict[str, FieldValue]) -> dict[str, FieldValue]:
        for name, item in value.items():
            if not name.startswith("x_"):
                raise ValueError(
                    f"{name!r}: only custom fields (named x_...) may be written by relance"
                )
            if isinstance(item, str):
                used = {field for _, field, _, _ in string.Formatter().parse(item) if field}
                if used - PLACEHOLDERS:
                    raise ValueError(
                        f"{name!r}: unknown placeholder {sorted(used - PLACEHOLDERS)[0]!r} "
                        f"(use {{level}}, {{channel}} or {{date}})"
                    )
        return value
