"""``[engine]`` and ``[calendar]``: how and when the engine runs.

Policies (``[policies.<name>]``), scenarios (``[[scenarios]]``) and per-customer
overrides (``[customers.<id>]``) are modelled in :mod:`relance.engine.policy`.
"""

from __future__ import annotations

from datetime import date, time
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from relance.model import CountryCode

__all__ = ["CalendarSettings", "EngineSettings"]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CalendarSettings(_Section):
    """``[calendar]``: business days, public holidays and the sending window."""

    country: CountryCode | None = Field(
        None, description="public holidays of this country (default: the company's)"
    )
    subdivision: str | None = Field(None, description="e.g. '57' for Moselle's extra holidays")
    extra_holidays: tuple[date, ...] = Field((), description="company closing days")
    send_from: time = Field(time(8, 0), description="no sending before (company timezone)")
    send_until: time = Field(time(19, 0), description="no sending after (company timezone)")

    @model_validator(mode="after")
    def _check_window(self) -> Self:
        if self.send_from >= self.send_until:
            raise ValueError("send_from must be earlier than send_until")
        return self


class EngineSettings(_Section):
    """``[engine]``: which policy applies when no scenario matches."""

    default_policy: str = "standard"
