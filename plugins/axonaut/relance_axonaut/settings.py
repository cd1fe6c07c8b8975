"""``[sources.axonaut]``: what the Axonaut connector can be told.

Every key is documented in ``docs/connectors/axonaut.md`` and ``docs/configuration.md``.
Axonaut's page size is fixed by the server and undocumented, so there is no page-size
key: the connector asks for pages 1, 2, ... until an empty one, with ``max_pages`` as a
safety cap.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from relance import SecretEnv, SourceSettings

DEFAULT_BASE_URL = "https://axonaut.com/api/v2"

TaskPriority = Literal["basse", "normale", "haute", "urgente"]


class AxonautSettings(SourceSettings):
    """The validated ``[sources.<name>]`` table of an Axonaut instance."""

    base_url: str = DEFAULT_BASE_URL
    api_key_env: SecretEnv = SecretEnv("AXONAUT_API_KEY")
    max_pages: int = Field(500, ge=1, le=100_000)
    connect_timeout: float = Field(5.0, gt=0, le=300)
    read_timeout: float = Field(30.0, gt=0, le=600)
    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(1.0, ge=0, le=60)
    refresh_per_invoice_max: int = Field(10, ge=0, le=1000)
    write_back: bool = True
    attach_invoices: bool = True
    phone_tasks: bool = True
    task_priority: TaskPriority = "normale"
    task_due_days: int = Field(2, ge=0, le=365)
    task_nature_id: int | None = None
    task_workforce_ids: tuple[int, ...] = ()

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        url = value.strip().rstrip("/")
        if not url.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL such as https://axonaut.com/api/v2")
        return url
