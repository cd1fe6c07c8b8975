"""The ``[sources.facturo]`` table."""

from __future__ import annotations

from pydantic import Field

from relance import SecretEnv, SourceSettings


class FacturoSettings(SourceSettings):
    url: str = "https://api.facturo.example/v2"
    api_key_env: SecretEnv = SecretEnv("FACTURO_API_KEY")
    page_size: int = Field(50, ge=1, le=200)
    timeout: float = Field(30.0, gt=0, le=600)
